"""``vanban report``: questions across an archive, answered by SQL over the tables of
``schema.sql``, written as a text table, CSV (UTF-8 with BOM, for Excel) or XLSX.

Every report is one SQL query in :data:`REPORTS` (named parameters ``:date_from`` and
``:date_to``, NULL for an open end); :func:`run` returns its Vietnamese headings and a row
iterator, so tests and other programs can use the figures without any rendering.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from vanban.archive.db import Value, connect_readonly
from vanban.errors import InputError

DOC_NO = (
    "CASE WHEN p.number IS NULL AND p.symbol IS NULL THEN NULL "
    "ELSE coalesce(p.number, '') || '/' || coalesce(p.symbol, '') END"
)


def _units(role: str) -> str:
    return (
        "(SELECT group_concat(unit, '; ') FROM (SELECT a.unit FROM assignments a "
        f"WHERE a.item_id = i.id AND a.role = '{role}' ORDER BY a.ord))"
    )


PEOPLE = (
    "(SELECT group_concat(x, '; ') FROM (SELECT pe.name || coalesce(' (' || pe.position || ')', '') AS x "
    "FROM people pe WHERE pe.item_id = i.id ORDER BY pe.ord))"
)


@dataclass(frozen=True)
class Report:
    title: str
    headings: tuple[str, ...]
    widths: tuple[int, ...]  # text: the most characters shown; XLSX: column width
    sql: str


REPORTS: dict[str, Report] = {
    "coverage": Report(
        "Mức độ giao nhiệm vụ theo tiêu chí, từng kế hoạch",
        (
            "Tệp",
            "Cơ quan ban hành",
            "Số, ký hiệu",
            "Ngày",
            "Năm",
            "Bộ tiêu chí",
            "Tiêu chí",
            "Tên tiêu chí",
            "Số nội dung",
            "Đã giao đủ",
            "Thiếu người hoặc thời hạn",
            "Chưa có nhiệm vụ",
            "Đánh giá",
        ),
        (40, 30, 14, 10, 5, 12, 8, 36, 8, 8, 10, 9, 10),
        f"""
        SELECT p.path, p.issuer, {DOC_NO}, p.date, p.plan_year, c.catalogue, c.criterion, cr.name,
               count(*), sum(c.status = 'covered'), sum(c.status = 'partial'), sum(c.status = 'missing'),
               CASE WHEN sum(c.status = 'covered') = count(*) THEN 'Đạt'
                    WHEN sum(c.status = 'missing') = count(*) THEN 'Chưa có'
                    ELSE 'Chưa đủ' END
        FROM coverage c
        JOIN plans p ON p.id = c.plan_id
        LEFT JOIN criteria cr ON cr.catalogue = c.catalogue AND cr.criterion = c.criterion
        GROUP BY c.plan_id, c.catalogue, c.criterion
        ORDER BY p.path, c.catalogue, CAST(c.criterion AS INTEGER), c.criterion
        """,
    ),
    "due": Report(
        "Nhiệm vụ đến hạn trong kỳ và người, đơn vị thực hiện",
        (
            "Hạn",
            "Bắt đầu",
            "Thời hạn (như văn bản)",
            "TT",
            "Nhiệm vụ",
            "Đơn vị thực hiện",
            "Lãnh đạo phụ trách",
            "Phối hợp",
            "Người phụ trách",
            "Cơ quan ban hành",
            "Số, ký hiệu",
            "Tệp",
        ),
        (10, 10, 24, 6, 50, 30, 24, 24, 30, 30, 14, 40),
        f"""
        SELECT d.date, d.start, d.text, i.label, i.text, {_units("responsible")}, {_units("lead")},
               {_units("coordinating")}, {PEOPLE}, p.issuer, {DOC_NO}, p.path
        FROM deadlines d
        JOIN items i ON i.id = d.item_id
        JOIN plans p ON p.id = d.plan_id
        WHERE d.date IS NOT NULL
          AND (:date_from IS NULL OR d.date >= :date_from)
          AND (:date_to IS NULL OR d.date <= :date_to)
        ORDER BY d.date, p.path, i.ord
        """,
    ),
    "by-unit": Report(
        "Nhiệm vụ theo đơn vị thực hiện (chủ trì)",
        (
            "Đơn vị thực hiện",
            "Nhiệm vụ",
            "Thời hạn",
            "Hạn",
            "Lãnh đạo phụ trách",
            "Phối hợp",
            "Người phụ trách",
            "TT",
            "Năm",
            "Cơ quan ban hành",
            "Số, ký hiệu",
            "Tệp",
        ),
        (30, 50, 24, 10, 24, 24, 30, 6, 5, 30, 14, 40),
        f"""
        SELECT a.unit, i.text, d.text, d.date, {_units("lead")}, {_units("coordinating")}, {PEOPLE},
               i.label, p.plan_year, p.issuer, {DOC_NO}, p.path
        FROM assignments a
        JOIN items i ON i.id = a.item_id
        JOIN plans p ON p.id = a.plan_id
        LEFT JOIN deadlines d ON d.item_id = i.id
        WHERE a.role = 'responsible'
          AND (:date_from IS NULL OR d.date >= :date_from)
          AND (:date_to IS NULL OR d.date <= :date_to)
        ORDER BY a.unit, p.plan_year, p.path, i.ord
        """,
    ),
    "people": Report(
        "Người phụ trách và nhiệm vụ được giao",
        (
            "Họ và tên",
            "Chức vụ",
            "Năm",
            "Nhiệm vụ",
            "Đơn vị thực hiện",
            "Thời hạn",
            "Hạn",
            "TT",
            "Cơ quan ban hành",
            "Số, ký hiệu",
            "Tệp",
        ),
        (24, 20, 5, 50, 30, 24, 10, 6, 30, 14, 40),
        f"""
        SELECT pe.name, pe.position, p.plan_year, i.text, {_units("responsible")}, d.text, d.date,
               i.label, p.issuer, {DOC_NO}, p.path
        FROM people pe
        JOIN items i ON i.id = pe.item_id
        JOIN plans p ON p.id = pe.plan_id
        LEFT JOIN deadlines d ON d.item_id = i.id
        WHERE (:date_from IS NULL OR d.date >= :date_from)
          AND (:date_to IS NULL OR d.date <= :date_to)
        ORDER BY pe.name, p.plan_year, p.path, i.ord, pe.ord
        """,
    ),
    "incomplete": Report(
        "Kế hoạch thiếu số, ngày hoặc người ký",
        ("Tệp", "Cơ quan ban hành", "Số, ký hiệu", "Ngày", "Người ký", "Còn thiếu"),
        (40, 30, 14, 10, 24, 40),
        f"""
        SELECT p.path, p.issuer, {DOC_NO}, p.date, p.signer_name,
               rtrim((CASE WHEN p.number IS NULL THEN 'số; ' ELSE '' END)
                  || (CASE WHEN p.date IS NULL THEN 'ngày; '
                           WHEN length(p.date) < 10 THEN 'ngày (chưa đủ ngày, tháng); ' ELSE '' END)
                  || (CASE WHEN p.signer_name IS NULL THEN 'người ký; ' ELSE '' END), '; ')
        FROM plans p
        WHERE p.number IS NULL OR p.date IS NULL OR length(p.date) < 10 OR p.signer_name IS NULL
        ORDER BY p.path
        """,
    ),
}
FORMATS = ("text", "csv", "xlsx")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def period_bound(text: str | None, end: bool) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as the first (``end=False``) or last day."""
    if text is None:
        return None
    m = _DATE.match(text.strip())
    if not m or not 1 <= int(m[2] or 1) <= 12:
        raise InputError(
            f"ngày «{text}» không đúng dạng.",
            hint="Hãy viết theo dạng NĂM-THÁNG-NGÀY, ví dụ 2026-03-31 (hoặc 2026-03).",
        )
    year, month = int(m[1]), int(m[2] or (12 if end else 1))
    if m[3]:
        day = int(m[3])
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            raise InputError(f"ngày «{text}» không có trong lịch.", hint="Hãy kiểm tra lại ngày, tháng.")
    else:
        day = calendar.monthrange(year, month)[1] if end else 1
    return f"{year:04d}-{month:02d}-{day:02d}"


def run(
    conn: sqlite3.Connection, what: str, date_from: str | None = None, date_to: str | None = None
) -> tuple[Report, Iterator[tuple[Value, ...]]]:
    """The report ``what`` and its rows (lazily, from the cursor)."""
    if what not in REPORTS:
        raise InputError(f"không có báo cáo «{what}».", hint="Các báo cáo: " + ", ".join(REPORTS) + ".")
    rep = REPORTS[what]
    params = {"date_from": period_bound(date_from, False), "date_to": period_bound(date_to, True)}
    cur = conn.execute(rep.sql, params)
    return rep, (tuple(r) for r in cur)


def _cell(v: Value) -> str:
    return "" if v is None else str(v)


def _fit(text: str, width: int, path: bool) -> str:
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    return "…" + text[-(width - 1) :] if path else text[: width - 1] + "…"


def to_text(rep: Report, rows: Iterator[tuple[Value, ...]], period: str | None = None) -> str:
    paths = [h == "Tệp" for h in rep.headings]
    numeric = [False] * len(rep.headings)
    body: list[list[str]] = []
    for row in rows:
        body.append([_fit(_cell(v), w, p) for v, w, p in zip(row, rep.widths, paths, strict=True)])
        numeric = [n or isinstance(v, int | float) for n, v in zip(numeric, row, strict=True)]
    widths = [max([len(h), *(len(r[i]) for r in body)]) for i, h in enumerate(rep.headings)]

    def line(cells: Sequence[str]) -> str:
        out = [c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric, strict=True)]
        return " | ".join(out).rstrip()

    lines = [rep.title + (f" ({period})" if period else ""), ""]
    lines += [line(rep.headings), "-+-".join("-" * w for w in widths)]
    lines += [line(r) for r in body]
    lines += ["", f"Tổng số: {len(body)} dòng."]
    return "\n".join(lines) + "\n"


def to_csv(rep: Report, rows: Iterator[tuple[Value, ...]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(rep.headings)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return buf.getvalue().encode("utf-8-sig")


def to_xlsx(rep: Report, rows: Iterator[tuple[Value, ...]], info: list[tuple[str, str]]) -> bytes:
    from vanban.archive.sheets import Sheet, workbook

    return workbook([Sheet(rep.title[:31], rep.headings, rows, rep.widths)], [("Báo cáo", rep.title), *info])


def render(db: str | Path, what: str, fmt: str, date_from: str | None = None, date_to: str | None = None) -> bytes:
    """The report as bytes in ``fmt`` (text, csv, xlsx)."""
    if fmt not in FORMATS:
        raise InputError(f"không có định dạng «{fmt}».", hint="Chọn text, csv hoặc xlsx.")
    conn = connect_readonly(db)
    try:
        rep, rows = run(conn, what, date_from, date_to)
        period = None
        if date_from or date_to:
            period = f"từ {period_bound(date_from, False) or '…'} đến {period_bound(date_to, True) or '…'}"
        if fmt == "csv":
            return to_csv(rep, rows)
        if fmt == "xlsx":
            info = [("Cơ sở dữ liệu", str(db))] + ([("Kỳ", period)] if period else [])
            return to_xlsx(rep, rows, info)
        return to_text(rep, rows, period).encode("utf-8")
    finally:
        conn.close()


def cli_report(
    db: str,
    what: str = "coverage",
    fmt: str = "text",
    out: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> int:
    """``vanban report``: 0 on success, 2 on bad usage (XLSX without ``-o``)."""
    if fmt == "xlsx" and not out:
        print("vanban: định dạng xlsx cần -o TỆP.xlsx để ghi kết quả.", file=sys.stderr)
        return 2
    data = render(db, what, fmt, date_from, date_to)
    if out:
        from vanban.io import write_atomic

        write_atomic(Path(out), data)
        print(f"vanban: đã ghi {out}", file=sys.stderr)
    elif fmt == "csv":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        sys.stdout.write(data.decode("utf-8"))
    return 0
