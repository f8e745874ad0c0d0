"""The archive database: SQLite with the schema of ``schema.sql``.

:func:`record_rows` turns a :class:`PlanRecord` into plain row tuples (pure, picklable: workers
call it so the single writer only executes inserts). :class:`Archive` is the writer: one
transaction per plan (``BEGIN IMMEDIATE`` … ``COMMIT``), WAL journal, foreign keys with
``ON DELETE CASCADE`` so replacing a plan is one ``DELETE`` and a set of ``INSERT``\\ s.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Literal

from vanban import __version__
from vanban.errors import OutputError
from vanban.model import PlanRecord

SCHEMA_VERSION = "1"
Value = str | int | float | None
Row = tuple[Value, ...]

PLAN_COLUMNS = (
    "format",
    "pages",
    "issuer",
    "parent_issuer",
    "number",
    "symbol",
    "place",
    "date",
    "doc_type",
    "title",
    "plan_year",
    "catalogue",
    "signer_authority",
    "signer_title",
    "signer_name",
    "items_count",
    "warnings_count",
)


def schema_sql() -> str:
    """The text of ``schema.sql`` (the documented schema)."""
    return files("vanban.archive").joinpath("schema.sql").read_text(encoding="utf-8")


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class ItemRows:
    item: Row  # ord, item_key, label, section, text, solution, result, criterion, indicator, match_score, review
    assignments: tuple[tuple[str, int, str], ...]  # role, ord, unit
    people: tuple[tuple[int, str, str | None], ...]  # ord, name, position
    deadline: Row | None  # date, start, recurrence, kind, text


@dataclass(frozen=True)
class PlanRows:
    plan: Row  # values of PLAN_COLUMNS
    legal_bases: tuple[Row, ...]
    items: tuple[ItemRows, ...]
    coverage: tuple[tuple[str, str, str, str], ...]  # catalogue, criterion, indicator, status


@dataclass(frozen=True)
class Parsed:
    """A file parsed into a record: what a worker sends to the writer."""

    path: str
    sha256: str
    rows: PlanRows
    record_json: str


@dataclass(frozen=True)
class Failed:
    """A file that could not be parsed: the error code and the Vietnamese message."""

    path: str
    sha256: str | None
    code: str
    message: str


Outcome = Parsed | Failed


def plan_year(record: PlanRecord) -> int | None:
    """The year the plan is for: 'năm YYYY' in its title, else the year of its date."""
    from vanban.parse.extract.record import header_year  # the parser's rule; workers have it loaded

    return header_year(record.header)


def record_rows(record: PlanRecord) -> PlanRows:
    """Every row of the archive tables for one record (plan ids and item ids are the writer's)."""
    h, s = record.header, record.signer
    plan: Row = (
        record.source.format,
        record.source.pages,
        h.issuer,
        h.parent_issuer,
        h.number,
        h.symbol,
        h.place,
        h.date,
        h.doc_type,
        h.title,
        plan_year(record),
        record.coverage.catalogue if record.coverage else None,
        s.authority,
        s.title,
        s.name,
        len(record.items),
        sum(d.level != "info" for d in record.diagnostics),
    )
    bases = tuple(
        (i, b.kind, b.doc_type, b.number, b.symbol, b.date, b.issuer, b.text) for i, b in enumerate(record.legal_bases)
    )
    items: list[ItemRows] = []
    for i, it in enumerate(record.items):
        score = it.match.score if it.match else None
        review = int(bool(it.match and it.match.review))
        row: Row = (i, it.id, it.label, "/".join(it.section), it.text, it.solution, it.result)
        row += (it.criterion, it.indicator, score, review)
        roles = (("responsible", it.responsible), ("lead", it.leads), ("coordinating", it.coordinating))
        assignments = tuple((role, k, unit) for role, units in roles for k, unit in enumerate(units))
        people = tuple((k, p.name, p.position) for k, p in enumerate(it.people))
        d = it.deadline
        deadline: Row | None = (d.date, d.start, d.recurrence, d.kind, d.text) if d else None
        items.append(ItemRows(row, assignments, people, deadline))
    coverage: list[tuple[str, str, str, str]] = []
    if record.coverage:
        cov = record.coverage
        for status, ids in (("covered", cov.covered), ("partial", cov.partial), ("missing", cov.missing)):
            coverage += [(cov.catalogue, ind.split(".")[0], ind, status) for ind in ids]
    return PlanRows(plan, bases, tuple(items), tuple(coverage))


@dataclass
class Archive:
    """The single writer of an archive database."""

    path: Path
    conn: sqlite3.Connection = field(init=False)
    _catalogues: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=60)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA foreign_keys=ON")
            self.conn.executescript(schema_sql())
        except (OSError, sqlite3.Error) as e:
            raise OutputError(
                f"không mở hoặc tạo được cơ sở dữ liệu ({e}).",
                path=str(self.path),
                hint="Hãy kiểm tra đường dẫn, quyền ghi, và rằng đây là tệp SQLite do vanban tạo.",
            ) from e
        found = self.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        if found is None:
            self._meta()
        elif found[0] != SCHEMA_VERSION:
            self.conn.close()
            raise OutputError(
                f"cơ sở dữ liệu có lược đồ phiên bản {found[0]}, vanban này dùng phiên bản {SCHEMA_VERSION}.",
                path=str(self.path),
                hint="Hãy tạo cơ sở dữ liệu mới (chạy lại batch với --db khác).",
            )
        self._catalogues = {r[0] for r in self.conn.execute("SELECT DISTINCT catalogue FROM criteria")}

    def _meta(self) -> None:
        with self._transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                [("schema_version", SCHEMA_VERSION), ("vanban_version", __version__)],
            )

    def _transaction(self) -> _Transaction:
        return _Transaction(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reads -------------------------------------------------------------------------------
    def stored(self, path: str) -> str | None:
        """The hash stored for ``path`` in ``plans``, if any."""
        row = self.conn.execute("SELECT sha256 FROM plans WHERE path = ?", (path,)).fetchone()
        return None if row is None else str(row[0])

    def failed(self, path: str) -> tuple[str | None, str] | None:
        """``(sha256, code)`` of the last failure recorded for ``path``, if any."""
        row = self.conn.execute("SELECT sha256, code FROM failures WHERE path = ?", (path,)).fetchone()
        return None if row is None else (row[0], str(row[1]))

    # --- writes ------------------------------------------------------------------------------
    def store(self, parsed: Parsed) -> Literal["new", "updated"]:
        """Store one plan in one transaction, replacing the plan stored before for that path."""
        rows = parsed.rows
        catalogue = rows.plan[PLAN_COLUMNS.index("catalogue")]
        with self._transaction():
            if isinstance(catalogue, str) and catalogue not in self._catalogues:
                self._store_criteria(catalogue)
            old = self.conn.execute("DELETE FROM plans WHERE path = ? RETURNING id", (parsed.path,)).fetchall()
            self.conn.execute("DELETE FROM failures WHERE path = ?", (parsed.path,))
            cols = ", ".join(PLAN_COLUMNS)
            marks = ", ".join("?" * (len(PLAN_COLUMNS) + 5))
            cur = self.conn.execute(
                f"INSERT INTO plans (path, sha256, {cols}, vanban_version, parsed_at, record_json) VALUES ({marks})",
                (parsed.path, parsed.sha256, *rows.plan, __version__, now(), parsed.record_json),
            )
            plan_id = cur.lastrowid
            self.conn.executemany(
                "INSERT INTO legal_bases (plan_id, ord, kind, doc_type, number, symbol, date, issuer, text)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(plan_id, *b) for b in rows.legal_bases],
            )
            self._store_items(plan_id, rows.items)
            self.conn.executemany(
                "INSERT INTO coverage (plan_id, catalogue, criterion, indicator, status) VALUES (?, ?, ?, ?, ?)",
                [(plan_id, *c) for c in rows.coverage],
            )
        return "updated" if old else "new"

    def _store_items(self, plan_id: int | None, items: Sequence[ItemRows]) -> None:
        """All items of a plan and their facts in four statements: the item ids are given here
        (the next free ones; the transaction holds the write lock), not read back one by one."""
        if not items:
            return
        first = int(self.conn.execute("SELECT coalesce(max(id), 0) + 1 FROM items").fetchone()[0])
        numbered = list(enumerate(items, start=first))
        self.conn.executemany(
            "INSERT INTO items (id, plan_id, ord, item_key, label, section, text, solution, result, criterion,"
            " indicator, match_score, review) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(item_id, plan_id, *it.item) for item_id, it in numbered],
        )
        self.conn.executemany(
            "INSERT INTO assignments (item_id, plan_id, role, ord, unit) VALUES (?, ?, ?, ?, ?)",
            [(item_id, plan_id, *a) for item_id, it in numbered for a in it.assignments],
        )
        self.conn.executemany(
            "INSERT INTO people (item_id, plan_id, ord, name, position) VALUES (?, ?, ?, ?, ?)",
            [(item_id, plan_id, *p) for item_id, it in numbered for p in it.people],
        )
        self.conn.executemany(
            "INSERT INTO deadlines (item_id, plan_id, date, start, recurrence, kind, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(item_id, plan_id, *it.deadline) for item_id, it in numbered if it.deadline is not None],
        )

    def _store_criteria(self, catalogue: str) -> None:
        from vanban.catalogue import catalogue_ids, load_catalogue

        if catalogue in catalogue_ids():
            cat = load_catalogue(catalogue)
            self.conn.executemany(
                "INSERT OR IGNORE INTO criteria (catalogue, criterion, name, ord) VALUES (?, ?, ?, ?)",
                [(catalogue, c.id, c.name, i) for i, c in enumerate(cat.criteria)],
            )
        self._catalogues.add(catalogue)

    def store_failure(self, failed: Failed) -> bool:
        """Record a failure; a plan stored before for that path is removed (its file changed).
        Returns whether a stored plan was removed."""
        with self._transaction():
            gone = self.conn.execute("DELETE FROM plans WHERE path = ? RETURNING id", (failed.path,)).fetchall()
            self.conn.execute(
                "INSERT OR REPLACE INTO failures (path, sha256, code, message, at) VALUES (?, ?, ?, ?, ?)",
                (failed.path, failed.sha256, failed.code, failed.message, now()),
            )
        return bool(gone)


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` when the block raises."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection to an existing archive (for reports)."""
    p = Path(path)
    if not p.is_file():
        from vanban.errors import InputError

        raise InputError(
            "không có cơ sở dữ liệu này.", path=str(p), hint="Hãy tạo nó trước bằng «vanban batch THƯ-MỤC --db TỆP»."
        )
    try:
        conn = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True)
        conn.execute("SELECT 1 FROM plans LIMIT 1")
    except sqlite3.Error as e:
        from vanban.errors import CorruptFileError

        raise CorruptFileError(
            f"không phải cơ sở dữ liệu vanban ({e}).",
            path=str(p),
            hint="Hãy chỉ đến tệp do «vanban batch» tạo.",
        ) from e
    return conn


SNAPSHOT = {
    "plans": f"SELECT path, sha256, {', '.join(PLAN_COLUMNS)}, record_json FROM plans ORDER BY path",
    "failures": "SELECT path, sha256, code, message FROM failures ORDER BY path",
    "legal_bases": "SELECT p.path, b.ord, b.kind, b.doc_type, b.number, b.symbol, b.date, b.issuer, b.text"
    " FROM legal_bases b JOIN plans p ON p.id = b.plan_id ORDER BY p.path, b.ord",
    "items": "SELECT p.path, i.ord, i.item_key, i.label, i.section, i.text, i.solution, i.result, i.criterion,"
    " i.indicator, i.match_score, i.review FROM items i JOIN plans p ON p.id = i.plan_id ORDER BY p.path, i.ord",
    "assignments": "SELECT p.path, i.ord, a.role, a.ord, a.unit FROM assignments a JOIN items i ON i.id = a.item_id"
    " JOIN plans p ON p.id = a.plan_id ORDER BY p.path, i.ord, a.role, a.ord",
    "people": "SELECT p.path, i.ord, pe.ord, pe.name, pe.position FROM people pe JOIN items i ON i.id = pe.item_id"
    " JOIN plans p ON p.id = pe.plan_id ORDER BY p.path, i.ord, pe.ord",
    "deadlines": "SELECT p.path, i.ord, d.date, d.start, d.recurrence, d.kind, d.text FROM deadlines d"
    " JOIN items i ON i.id = d.item_id JOIN plans p ON p.id = d.plan_id ORDER BY p.path, i.ord",
    "coverage": "SELECT p.path, c.catalogue, c.criterion, c.indicator, c.status FROM coverage c"
    " JOIN plans p ON p.id = c.plan_id ORDER BY p.path, c.indicator",
    "criteria": "SELECT catalogue, criterion, name, ord FROM criteria ORDER BY catalogue, ord",
}


def snapshot(path: str | Path) -> dict[str, list[tuple[Value, ...]]]:
    """The content of an archive without row ids and timestamps, in a stable order: two
    databases made from the same files compare equal whatever the engine or the order of work."""
    conn = connect_readonly(path)
    try:
        return {table: [tuple(r) for r in conn.execute(sql)] for table, sql in SNAPSHOT.items()}
    finally:
        conn.close()
