"""Whole archives: batch into SQLite, resumability, a killed batch, reports, the assignment table."""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from tests.conftest import ROOT

from vanban import api
from vanban.archive import batch, report
from vanban.archive.db import Archive, Outcome, connect_readonly, schema_sql, snapshot
from vanban.archive.xlsx import COLUMNS, cli_export_xlsx, cli_import_xlsx, export_xlsx, import_xlsx
from vanban.errors import CatalogueError, CorruptFileError, InputError, OutputError
from vanban.generate.draft import load_record
from vanban.model import PlanRecord

SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
REAL_DOCX = sorted((ROOT / "corpus" / "real").glob("*.docx"))
BAD = {"rong.txt": "E102", "cat-ngan.docx": "E103", "ngau-nhien.pdf": "E103", "co-mat-khau.pdf": "E104"}
PAGE = 3000  # characters of an A4 page of plan text (13 pt, single spacing)


def big_plan(pages: int) -> str:
    """Seed 000 with its body repeated until the text fills ``pages`` pages."""
    text = (ROOT / "corpus/seeds/000_9f388ce2cba106c8.txt").read_text(encoding="utf-8")
    head, sep, body = text.partition("**I. MỤC ĐÍCH")
    copies = -(-pages * PAGE // len(sep + body))
    return head + (sep + body) * copies


def make_mixed(folder: Path) -> dict[str, Path]:
    """Good plans (seeds, real DOCX, a 500-page plan) and bad files; returns the good ones."""
    good: dict[str, Path] = {}
    sub = folder / "xa-phuong" / "2023"
    sub.mkdir(parents=True)
    for src in SEEDS:
        good[src.name] = Path(shutil.copy(src, sub / src.name))
    for src in REAL_DOCX:
        good[src.name] = Path(shutil.copy(src, folder / src.name))
    big = folder / "ke-hoach-500-trang.txt"
    big.write_text(big_plan(500), encoding="utf-8")
    good[big.name] = big
    (folder / "rong.txt").write_bytes(b"")
    data = REAL_DOCX[0].read_bytes()
    (folder / "cat-ngan.docx").write_bytes(data[: len(data) // 3])
    (folder / "ngau-nhien.pdf").write_bytes(random.Random(6).randbytes(20_000))
    shutil.copy(ROOT / "tests/fixtures/seed002-locked.pdf", folder / "co-mat-khau.pdf")
    (folder / "ghi-chu.xyz").write_text("không phải kế hoạch", encoding="utf-8")  # not picked up in a folder
    (folder / "~$cat-ngan.docx").write_bytes(b"\0" * 162)  # Word's lock file: not picked up
    return good


class ParseCounter:
    """Wraps :func:`vanban.api.parse` to count the files parsed (the batch runs in-process)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []
        real = api.parse

        def counting(
            source: str | Path | bytes, *, name: str | None = None, strict: bool = False, ocr_lang: str = "vie"
        ) -> PlanRecord:
            self.calls.append(name or str(source))
            return real(source, name=name, strict=strict, ocr_lang=ocr_lang)

        monkeypatch.setattr(api, "parse", counting)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path], Path]:
    """The mixed folder, its good files and a database made from it by one serial batch."""
    folder = tmp_path_factory.mktemp("mixed")
    good = make_mixed(folder)
    db = folder.parent / "mixed.sqlite"
    result = batch.run_batch([folder], db)
    assert result.stored == len(good) and result.failed == len(BAD)
    return folder, good, db


@pytest.fixture(scope="module")
def records(mixed: tuple[Path, dict[str, Path], Path]) -> dict[str, PlanRecord]:
    """Every good plan parsed independently of the archive, by absolute path."""
    return {str(p.resolve()): api.parse(p.resolve()) for p in mixed[1].values()}


def query(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = connect_readonly(db)
    try:
        return [tuple(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


# --- batch -------------------------------------------------------------------------------------
def test_schema_is_documented_and_created(tmp_path: Path) -> None:
    sql = schema_sql()
    for table in ("plans", "failures", "legal_bases", "items", "assignments", "people", "deadlines", "coverage"):
        assert f"CREATE TABLE IF NOT EXISTS {table} (" in sql
    with Archive(tmp_path / "a.sqlite") as archive:
        names = {r[0] for r in archive.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"plans", "failures", "items", "assignments", "people", "deadlines", "coverage"} <= names
        assert archive.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert archive.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "1"
    Archive(tmp_path / "a.sqlite").close()  # opening again keeps it


def test_mixed_folder_stores_every_good_plan_and_lists_every_bad_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = make_mixed(tmp_path / "in")
    db = tmp_path / "archive.sqlite"
    counter = ParseCounter(monkeypatch)
    assert batch.cli_batch([str(tmp_path / "in")], str(db)) == 2  # some failed
    err = capsys.readouterr().err
    assert f"{len(good)} đã lưu" in err and f"{len(BAD)} lỗi" in err
    assert len(counter.calls) == len(good) + len(BAD)
    stored = {r[0] for r in query(db, "SELECT path FROM plans")}
    assert stored == {str(p.resolve()) for p in good.values()}
    failures = {Path(str(r[0])).name: (r[1], r[2]) for r in query(db, "SELECT path, code, message FROM failures")}
    assert {name: code for name, (code, _) in failures.items()} == BAD
    for name, (_code, message) in failures.items():
        assert message and name in err
    assert "mật khẩu" in str(failures["co-mat-khau.pdf"][1])
    big = query(db, "SELECT items_count, length(record_json) FROM plans WHERE path LIKE '%500-trang.txt'")
    assert int(str(big[0][0])) > 0

    # The second run parses nothing: every file is stored or failed before with the same content.
    counter.calls.clear()
    started = time.perf_counter()
    assert batch.cli_batch([str(tmp_path / "in")], str(db)) == 2
    assert counter.calls == []
    assert time.perf_counter() - started < 5
    err = capsys.readouterr().err
    assert f"{len(good)} không đổi" in err and f"{len(BAD)} tệp vẫn lỗi" in err

    # A changed file is parsed again and replaces its plan; a fixed file leaves `failures`.
    seed = good[SEEDS[2].name]
    seed.write_text(seed.read_text(encoding="utf-8") + "\nNơi nhận:\n- Lưu: VT.\n", encoding="utf-8")
    shutil.copy(SEEDS[3], tmp_path / "in" / "rong.txt")
    (tmp_path / "in" / "cat-ngan.docx").unlink()
    shutil.copy(REAL_DOCX[0], tmp_path / "in" / "cat-ngan.docx")
    counter.calls.clear()
    result = batch.run_batch([tmp_path / "in"], db)
    assert sorted(Path(c).name for c in counter.calls) == sorted(["cat-ngan.docx", seed.name, "rong.txt"])
    assert (result.new, result.updated, result.known_failed) == (2, 1, 2)
    assert query(db, "SELECT count(*) FROM plans WHERE path = ?", str(seed.resolve())) == [(1,)]
    assert {Path(str(r[0])).name for r in query(db, "SELECT path FROM failures")} == {
        "ngau-nhien.pdf",
        "co-mat-khau.pdf",
    }
    assert_consistent(db)

    # A stored plan whose file turns bad is removed and listed as a failure.
    seed.write_bytes(b"")
    result = batch.run_batch([tmp_path / "in"], db)
    assert result.removed == 1
    assert query(db, "SELECT code FROM failures WHERE path = ?", str(seed.resolve())) == [("E102",)]
    assert query(db, "SELECT count(*) FROM plans WHERE path = ?", str(seed.resolve())) == [(0,)]
    assert_consistent(db)
    capsys.readouterr()


def assert_consistent(db: Path) -> None:
    """Integrity, foreign keys, and every stored plan complete (its rows match its record)."""
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for plan_id, items_count, record_json in conn.execute("SELECT id, items_count, record_json FROM plans"):
            record = PlanRecord.model_validate_json(record_json)
            assert items_count == len(record.items)
            assert conn.execute("SELECT count(*) FROM items WHERE plan_id = ?", (plan_id,)).fetchone()[0] == len(
                record.items
            )
            deadlines = sum(it.deadline is not None for it in record.items)
            assert conn.execute("SELECT count(*) FROM deadlines WHERE plan_id = ?", (plan_id,)).fetchone()[0] == (
                deadlines
            )
            cov = record.coverage
            indicators = len(cov.covered) + len(cov.partial) + len(cov.missing) if cov else 0
            assert conn.execute("SELECT count(*) FROM coverage WHERE plan_id = ?", (plan_id,)).fetchone()[0] == (
                indicators
            )
        orphans = conn.execute("SELECT count(*) FROM items WHERE plan_id NOT IN (SELECT id FROM plans)").fetchone()
        assert orphans == (0,)
    finally:
        conn.close()


def test_stored_rows_are_the_record(mixed: tuple[Path, dict[str, Path], Path], records: dict[str, PlanRecord]) -> None:
    _folder, _good, db = mixed
    assert_consistent(db)
    for path, record_json, sha, issuer, number, date, signer in query(
        db, "SELECT path, record_json, sha256, issuer, number, date, signer_name FROM plans"
    ):
        record = records[str(path)]
        assert PlanRecord.model_validate_json(str(record_json)) == record
        assert (sha, issuer, number, date, signer) == (
            record.source.sha256,
            record.header.issuer,
            record.header.number,
            record.header.date,
            record.signer.name,
        )
    units = Counter(
        (str(r[0]), str(r[1]), str(r[2]))
        for r in query(db, "SELECT p.path, a.role, a.unit FROM assignments a JOIN plans p ON p.id = a.plan_id")
    )
    expected = Counter(
        (path, role, unit)
        for path, rec in records.items()
        for it in rec.items
        for role, names in (("responsible", it.responsible), ("lead", it.leads), ("coordinating", it.coordinating))
        for unit in names
    )
    assert units == expected


def test_parallel_batch_equals_serial(mixed: tuple[Path, dict[str, Path], Path], tmp_path: Path) -> None:
    folder, _good, db = mixed
    result = batch.run_batch([folder], tmp_path / "pool.sqlite", jobs=2)
    assert result.stored == len(mixed[1])
    assert snapshot(tmp_path / "pool.sqlite") == snapshot(db)


def dying_worker(path: str, catalogue: str | None) -> Outcome:
    """A pool worker that dies (as on a native crash or the OOM killer) on files named chet.txt."""
    if path.endswith("chet.txt"):
        os._exit(3)
    return batch.parse_file(path, catalogue)


def always_dying_worker(path: str, catalogue: str | None) -> Outcome:
    os._exit(3)


def test_a_worker_that_dies_is_a_failure_of_its_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for src in SEEDS[:3]:
        shutil.copy(src, folder / src.name)
    shutil.copy(SEEDS[3], folder / "chet.txt")
    db = tmp_path / "a.sqlite"
    result = batch.run_batch([folder], db, engine=batch.pool_engine(2, None, dying_worker))
    assert (result.stored, result.failed) == (3, 1)
    [(path, code, message)] = query(db, "SELECT path, code, message FROM failures")
    assert str(path).endswith("chet.txt") and code == "E100" and "dừng đột ngột" in str(message)
    assert_consistent(db)
    with pytest.raises(OutputError, match="--jobs 1"):  # a pool that cannot work stops the batch
        batch.run_batch([folder], tmp_path / "b.sqlite", engine=batch.pool_engine(2, None, always_dying_worker))


KILLER = """
import os, signal, sys
from vanban.archive import batch, db

real = db.Archive._store_items
stored = {"plans": 0}
real_store = db.Archive.store

def store(self, parsed):
    stored["plans"] += 1
    return real_store(self, parsed)

def store_items(self, plan_id, items):
    real(self, plan_id, items)
    if stored["plans"] == 3:  # in the middle of the third plan's transaction: items in, coverage not
        os.kill(os.getpid(), signal.SIGKILL)

db.Archive.store = store
db.Archive._store_items = store_items
sys.exit(batch.cli_batch([sys.argv[1]], sys.argv[2], jobs=int(sys.argv[3])))
"""


@pytest.mark.parametrize("jobs", [1, 2])
def test_killed_batch_leaves_a_consistent_database_the_next_run_completes(tmp_path: Path, jobs: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for src in SEEDS:
        shutil.copy(src, folder / src.name)
    db = tmp_path / "killed.sqlite"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-c", KILLER, str(folder), str(db), str(jobs)]
    # With 2 jobs this also shows the pool workers leave with the batch: until they do, they hold
    # its stderr open and run() would wait for them.
    proc = subprocess.run(cmd, env=env, capture_output=True, timeout=120)
    assert proc.returncode == -9, proc.stderr.decode()
    assert query(db, "SELECT count(*) FROM plans") == [(2,)]  # the third plan's transaction is gone
    assert_consistent(db)
    result = batch.run_batch([folder], db)
    assert (result.unchanged, result.new) == (2, len(SEEDS) - 2)
    assert_consistent(db)
    clean = tmp_path / "clean.sqlite"
    batch.run_batch([folder], clean)
    assert snapshot(db) == snapshot(clean)


def test_interrupt_keeps_stored_plans(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for src in SEEDS[:3]:
        shutil.copy(src, folder / src.name)

    def engine(tasks: Iterator[batch.Task]) -> Iterator[Outcome]:
        for i, (path, _sha) in enumerate(tasks):
            if i == 2:
                raise KeyboardInterrupt
            yield batch.parse_file(path)

    result = batch.run_batch([folder], tmp_path / "a.sqlite", engine=engine)
    assert result.interrupted and result.stored == 2 and not result.ok
    assert any("chạy lại" in line for line in batch.summary(result, "a.sqlite"))
    assert batch.run_batch([folder], tmp_path / "a.sqlite").new == 1


def test_progress_bar_only_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    shutil.copy(SEEDS[4], tmp_path / SEEDS[4].name)
    (tmp_path / "rong.txt").write_bytes(b"")
    plain = io.StringIO()
    monkeypatch.setattr(sys, "stderr", plain)
    batch.run_batch([tmp_path], tmp_path / "a.sqlite")
    assert plain.getvalue() == ""  # not a terminal: no bar
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    batch.run_batch([tmp_path], tmp_path / "b.sqlite")
    bar = terminal.getvalue()
    assert "2/2" in bar and "tệp/s" in bar and "lỗi 1" in bar


def test_batch_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "a.sqlite")
    assert batch.cli_batch([str(tmp_path)], db, jobs=0) == 2
    with pytest.raises(CatalogueError):
        batch.cli_batch([str(tmp_path)], db, catalogue="khong-co")
    (tmp_path / "empty").mkdir()
    assert batch.cli_batch([str(tmp_path / "empty")], db) == 2
    assert "không tìm thấy tệp" in capsys.readouterr().err
    assert batch.cli_batch([str(tmp_path / "khong-co.txt")], db) == 2
    assert query(tmp_path / "a.sqlite", "SELECT code FROM failures") == [("E107",)]
    with pytest.raises(InputError):
        batch.make_engine("spark", 1, None, None)


def test_catalogue_option_checks_against_that_catalogue(tmp_path: Path) -> None:
    shutil.copy(SEEDS[2], tmp_path / SEEDS[2].name)
    db = tmp_path / "a.sqlite"
    assert batch.cli_batch([str(tmp_path / SEEDS[2].name)], str(db), catalogue="ntm-2022") == 0
    assert query(db, "SELECT DISTINCT catalogue FROM plans") == [("ntm-2022",)]
    assert query(db, "SELECT DISTINCT catalogue FROM coverage") == [("ntm-2022",)]


def test_a_crashing_parser_is_a_failure_not_the_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for src in SEEDS[:2]:
        shutil.copy(src, tmp_path / src.name)
    real = api.parse

    def flaky(
        source: str | Path | bytes, *, name: str | None = None, strict: bool = False, ocr_lang: str = "vie"
    ) -> PlanRecord:
        if name and name.endswith(SEEDS[0].name):
            raise RecursionError("giả lập")
        return real(source, name=name, strict=strict, ocr_lang=ocr_lang)

    monkeypatch.setattr(api, "parse", flaky)
    result = batch.run_batch([tmp_path], tmp_path / "a.sqlite")
    assert (result.stored, result.failed) == (1, 1)
    assert result.examples[0].code == "E100" and "RecursionError" in result.examples[0].message
    monkeypatch.setattr(api, "parse", real)
    assert batch.run_batch([tmp_path], tmp_path / "a.sqlite").new == 1  # E100 is tried again


# --- reports -----------------------------------------------------------------------------------
def rows(db: Path, what: str, date_from: str | None = None, date_to: str | None = None) -> list[tuple[object, ...]]:
    conn = connect_readonly(db)
    try:
        _rep, it = report.run(conn, what, date_from, date_to)
        return list(it)
    finally:
        conn.close()


def test_report_coverage_equals_the_records(
    mixed: tuple[Path, dict[str, Path], Path], records: dict[str, PlanRecord]
) -> None:
    got = {(r[0], r[6]): r[8:12] for r in rows(mixed[2], "coverage")}
    expected: dict[tuple[object, object], tuple[int, int, int, int]] = {}
    for path, rec in records.items():
        if rec.coverage is None:
            continue
        counts: dict[str, list[int]] = {}
        for k, ids in enumerate((rec.coverage.covered, rec.coverage.partial, rec.coverage.missing)):
            for ind in ids:
                counts.setdefault(ind.split(".")[0], [0, 0, 0])[k] += 1
        for crit, (cov, part, miss) in counts.items():
            expected[(path, crit)] = (cov + part + miss, cov, part, miss)
    assert got == expected
    assert any(r[12] == "Đạt" for r in rows(mixed[2], "coverage"))


def test_report_due_equals_the_records(
    mixed: tuple[Path, dict[str, Path], Path], records: dict[str, PlanRecord]
) -> None:
    got = rows(mixed[2], "due", "2023-06", "2023-09-30")
    expected = sorted(
        (it.deadline.date, path, "; ".join(it.responsible))
        for path, rec in records.items()
        for it in rec.items
        if it.deadline and it.deadline.date and "2023-06-01" <= it.deadline.date <= "2023-09-30"
    )
    assert expected and sorted((r[0], r[11], r[5] or "") for r in got) == expected
    assert [r[0] for r in got] == sorted(str(r[0]) for r in got)  # by date
    everything = rows(mixed[2], "due")
    assert len(everything) == sum(bool(it.deadline and it.deadline.date) for r in records.values() for it in r.items)


def test_report_by_unit_and_people_equal_the_records(
    mixed: tuple[Path, dict[str, Path], Path], records: dict[str, PlanRecord]
) -> None:
    by_unit = Counter(r[0] for r in rows(mixed[2], "by-unit"))
    assert by_unit == Counter(u for rec in records.values() for it in rec.items for u in it.responsible)
    people = Counter((r[0], r[1]) for r in rows(mixed[2], "people"))
    assert people == Counter((p.name, p.position) for rec in records.values() for it in rec.items for p in it.people)


def test_report_incomplete_equals_the_records(
    mixed: tuple[Path, dict[str, Path], Path], records: dict[str, PlanRecord]
) -> None:
    got = {r[0]: r[5] for r in rows(mixed[2], "incomplete")}
    expected = {
        path
        for path, rec in records.items()
        if rec.header.number is None or not rec.header.date or len(rec.header.date) < 10 or rec.signer.name is None
    }
    assert set(got) == expected
    for path, missing in got.items():
        assert ("số" in str(missing).split("; ")) == (records[str(path)].header.number is None)


def test_report_formats(
    mixed: tuple[Path, dict[str, Path], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(mixed[2])
    assert report.cli_report(db, "by-unit", "text") == 0
    text = capsys.readouterr().out
    n = len(rows(mixed[2], "by-unit"))
    assert text.startswith("Nhiệm vụ theo đơn vị thực hiện") and f"Tổng số: {n} dòng." in text
    assert report.cli_report(db, "due", "csv", str(tmp_path / "due.csv"), "2023", "2023") == 0
    data = (tmp_path / "due.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0][:3] == ["Hạn", "Bắt đầu", "Thời hạn (như văn bản)"]
    assert len(table) - 1 == len(rows(mixed[2], "due", "2023-01-01", "2023-12-31"))
    assert report.cli_report(db, "coverage", "xlsx") == 2  # xlsx needs -o
    assert report.cli_report(db, "coverage", "xlsx", str(tmp_path / "cov.xlsx")) == 0
    wb = load_workbook(tmp_path / "cov.xlsx")
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert [c.value for c in ws[1]][:4] == ["Tệp", "Cơ quan ban hành", "Số, ký hiệu", "Ngày"]
    assert ws.max_row - 1 == len(rows(mixed[2], "coverage"))
    assert "Thông tin" in wb.sheetnames
    capsys.readouterr()


def test_report_errors(mixed: tuple[Path, dict[str, Path], Path], tmp_path: Path) -> None:
    assert report.period_bound("2024-02", True) == "2024-02-29"
    assert report.period_bound("2023", False) == "2023-01-01"
    for bad in ("2023-13", "31/12/2023", "2023-02-30"):
        with pytest.raises(InputError):
            report.period_bound(bad, False)
    with pytest.raises(InputError):
        report.render(mixed[2], "khong-co", "text")
    with pytest.raises(InputError):
        report.render(tmp_path / "khong-co.sqlite", "due", "text")
    (tmp_path / "rac.sqlite").write_bytes(b"not a database at all" * 100)
    with pytest.raises(CorruptFileError):
        report.render(tmp_path / "rac.sqlite", "due", "text")


# --- the assignment table ----------------------------------------------------------------------
SEED_TABLE = ROOT / "corpus/seeds/001_377a1ae89155c130.txt"


@pytest.fixture(scope="module")
def table_plan() -> PlanRecord:
    return api.parse(SEED_TABLE)


def edit(xlsx: Path, out: Path, change: Callable[[Workbook], None]) -> None:
    wb = load_workbook(xlsx)
    change(wb)
    wb.save(out)


def test_export_xlsx_is_the_assignment_table(table_plan: PlanRecord, tmp_path: Path) -> None:
    out = tmp_path / "bang-phan-cong.xlsx"
    assert cli_export_xlsx(str(SEED_TABLE), str(out)) == 0
    ws = load_workbook(out)["Phân công"]
    assert [c.value for c in ws[1]] == [h for h, _ in COLUMNS]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    assert ws.max_row - 1 == len(table_plan.items)
    first = table_plan.items[0]
    row = [c.value for c in ws[2]]
    assert row[0] == 1 and row[2] == first.text and row[5] == "; ".join(first.responsible)
    assert row[4] == "; ".join(first.leads) and row[-1] == first.id


def test_import_unchanged_gives_the_same_record(table_plan: PlanRecord, tmp_path: Path) -> None:
    xlsx = tmp_path / "t.xlsx"
    xlsx.write_bytes(export_xlsx(table_plan))
    result = import_xlsx(xlsx, table_plan)
    assert (result.changed, result.added, result.removed) == (0, 0, 0)
    assert result.record == table_plan


def test_import_ignores_spacing_and_characters_a_sheet_cannot_hold(table_plan: PlanRecord, tmp_path: Path) -> None:
    first = table_plan.items[0].model_copy(update={"text": "  Nhiệm vụ\x0b có ký tự lạ\n ", "solution": "a  b"})
    base = table_plan.model_copy(update={"items": (first, *table_plan.items[1:])})
    xlsx = tmp_path / "t.xlsx"
    xlsx.write_bytes(export_xlsx(base))
    result = import_xlsx(xlsx, base)
    assert (result.changed, result.added, result.removed) == (0, 0, 0)
    assert result.record == base


def test_import_brings_edits_back_into_a_record_generate_can_write(
    table_plan: PlanRecord, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = tmp_path / "old.json"
    old.write_text(table_plan.model_dump_json(), encoding="utf-8")
    xlsx = tmp_path / "t.xlsx"
    xlsx.write_bytes(export_xlsx(table_plan))

    def change(wb: Workbook) -> None:
        ws = wb["Phân công"]
        ws.cell(2, 6).value = "Bộ phận VHXH; Công an phường"  # đơn vị thực hiện
        ws.cell(2, 9).value = "trước ngày 30/9"  # thời hạn, no year: the plan's
        ws.cell(3, 7).value = "Nguyễn Văn Bình (Phó Chủ tịch UBND)"  # người phụ trách
        ws.cell(3, 5).value = "Đ/c Bình PCT UBND"  # lãnh đạo phụ trách
        ws.cell(4, 8).value = ""  # phối hợp cleared
        ws.delete_rows(6)  # item 5 removed
        ws.append([99, "9.2", "Rà soát, bổ sung hồ sơ tiêu chí 9", None, None, "Văn phòng", None, None, "Quý IV/2023"])

    new = tmp_path / "new.json"
    edit(xlsx, tmp_path / "t2.xlsx", change)
    assert cli_import_xlsx(str(tmp_path / "t2.xlsx"), str(new), str(old)) == 0
    assert "3 nhiệm vụ sửa, 1 thêm, 1 bỏ" in capsys.readouterr().err
    rec = load_record(new)
    items = {it.id: it for it in rec.items}
    a, b, c = table_plan.items[:3]
    assert items[a.id].responsible == ("Bộ phận VHXH", "Công an phường")
    deadline = items[a.id].deadline
    assert deadline is not None and deadline.date == "2023-09-30"
    assert items[a.id].text == a.text and items[a.id].source == a.source  # untouched fields keep their span
    assert [(p.name, p.position) for p in items[b.id].people] == [("Nguyễn Văn Bình", "Phó Chủ tịch UBND")]
    assert items[b.id].leads == ("Đ/c Bình PCT UBND",)
    assert items[c.id].coordinating == ()
    assert table_plan.items[4].id not in items
    added = rec.items[-1]
    assert (added.text, added.indicator, added.criterion, added.responsible) == (
        "Rà soát, bổ sung hồ sơ tiêu chí 9",
        "9.2",
        "9",
        ("Văn phòng",),
    )
    assert added.deadline is not None and added.deadline.date == "2023-12-31"
    assert len(rec.items) == len(table_plan.items)

    from vanban.generate.plan import write_plan

    assert write_plan(rec, tmp_path / "ke-hoach.docx") == [tmp_path / "ke-hoach.docx"]


def test_import_without_the_id_column_matches_by_tt(table_plan: PlanRecord, tmp_path: Path) -> None:
    xlsx = tmp_path / "t.xlsx"
    xlsx.write_bytes(export_xlsx(table_plan))

    def change(wb: Workbook) -> None:
        ws = wb["Phân công"]
        ws.delete_cols(len(COLUMNS))
        ws.cell(3, 9).value = "Tháng 10/2023"

    edit(xlsx, tmp_path / "t2.xlsx", change)
    result = import_xlsx(tmp_path / "t2.xlsx", table_plan)
    assert (result.changed, result.added, result.removed) == (1, 0, 0)
    assert result.record.items[1].deadline is not None and result.record.items[1].deadline.date == "2023-10-31"


def test_import_without_a_record_uses_the_sheet(table_plan: PlanRecord, tmp_path: Path) -> None:
    xlsx = tmp_path / "t.xlsx"
    xlsx.write_bytes(export_xlsx(table_plan))
    assert cli_import_xlsx(str(xlsx), str(tmp_path / "r.json")) == 0
    rec = load_record(tmp_path / "r.json")
    assert rec.header.issuer == table_plan.header.issuer and rec.header.number == table_plan.header.number
    assert [it.text for it in rec.items] == [it.text for it in table_plan.items]
    assert [it.responsible for it in rec.items] == [it.responsible for it in table_plan.items]


def test_import_rejects_what_is_not_an_assignment_table(tmp_path: Path) -> None:
    (tmp_path / "rac.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(CorruptFileError):
        import_xlsx(tmp_path / "rac.xlsx")
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Họ tên", "Ngày sinh"])
    wb.save(tmp_path / "khac.xlsx")
    with pytest.raises(InputError, match="dòng tiêu đề"):
        import_xlsx(tmp_path / "khac.xlsx")
