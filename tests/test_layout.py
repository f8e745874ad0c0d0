"""The layout stage: logical tables and zones, the same whatever reader produced the blocks.

Rule tables use blocks made here (a reader's output in miniature: cells with table, row, column,
spans, page and box); each rule is also checked on documents: real files of the corpus and the
forms scripts/make_forms.py makes from the seeds (LibreOffice PDFs with the header only on page 1,
Word tables split where the column count changes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from vanban.api import read
from vanban.model import Document
from vanban.parse.layout.document import lay_out
from vanban.parse.layout.tables import LogicalTable, logical_tables
from vanban.parse.layout.zones import furniture
from vanban.parse.read.builder import DocumentBuilder

ROOT = Path(__file__).resolve().parent.parent
HEADER = ("Nội dung", "Đơn vị thực hiện", "Thời gian hoàn thành")
EDGES = ((0.0, 200.0), (200.0, 350.0), (350.0, 500.0))


@dataclass(frozen=True)
class Cell:
    table: int
    row: int
    col: int
    text: str
    page: int | None = 1
    row_span: int = 1
    edges: tuple[tuple[float, float], ...] = EDGES


def _doc(items: list[Cell | str], fmt: str = "pdf") -> Document:
    b = DocumentBuilder("t.pdf", fmt, b"x")  # type: ignore[arg-type]
    for it in items:
        if isinstance(it, str):
            b.add(it, "paragraph", page=1)
            continue
        x0, x1 = it.edges[it.col]
        b.add(
            it.text,
            "table_cell",
            table=it.table,
            row=it.row,
            col=it.col,
            page=it.page,
            row_span=it.row_span,
            box=(x0, 10.0 * it.row, x1, 10.0 * it.row + 9),
        )
    return b.build()


def _header(table: int, page: int = 1) -> list[Cell]:
    return [Cell(table, 0, c, t, page) for c, t in enumerate(HEADER)]


def _row(
    table: int, row: int, page: int, texts: tuple[str, ...], edges: tuple[tuple[float, float], ...] = EDGES
) -> list[Cell]:
    return [Cell(table, row, c, t, page, edges=edges) for c, t in enumerate(texts) if t]


def _rows(t: LogicalTable) -> list[tuple[str, ...]]:
    return [tuple(c.text for c in cs) for _, cs in t.body()]


TASK_A = ("1. Rà soát quy hoạch", "Phòng Kinh tế", "Quý I/2025")
TASK_B = ("2. Kiểm tra công trình", "Đội Trật tự", "Năm 2025")
TASK_C = ("3. Tuyên truyền", "Văn hóa", "Hằng tháng")

JOIN_CASES = [
    # (name, blocks, logical tables as (header rows, body rows) per table)
    (
        "header repeated on the next page: one table, the repeat dropped",
        [*_header(0), *_row(0, 1, 1, TASK_A), *_header(1, 2), *_row(1, 1, 2, TASK_B)],
        [(1, [TASK_A, TASK_B])],
    ),
    (
        "no header on the next page, same column edges: one table",
        [*_header(0), *_row(0, 1, 1, TASK_A), *_row(1, 0, 2, TASK_B), *_row(1, 1, 2, TASK_C)],
        [(1, [TASK_A, TASK_B, TASK_C])],
    ),
    (
        "no header on the next page, other column edges: two tables",
        [*_header(0), *_row(0, 1, 1, TASK_A), *_row(1, 0, 2, TASK_B, ((0, 100), (100, 300), (300, 500)))],
        [(1, [TASK_A]), (0, [TASK_B])],
    ),
    (
        "a paragraph between: two tables",
        [*_header(0), *_row(0, 1, 1, TASK_A), "Phụ lục II", *_row(1, 0, 2, TASK_B)],
        [(1, [TASK_A]), (0, [TASK_B])],
    ),
    (
        "a header of its own on the next page: two tables",
        [
            *_header(0),
            *_row(0, 1, 1, TASK_A),
            *[Cell(1, 0, c, t, 2) for c, t in enumerate(("TT", "Họ và tên", "Chức vụ"))],
        ],
        [(1, [TASK_A]), (1, [])],
    ),
    (
        "a row cut by the page break is rejoined",
        [
            *_header(0),
            *_row(0, 1, 1, ("1. Rà soát quy hoạch chung", "Phòng Kinh", "Quý I/2025")),
            *_row(1, 0, 2, ("và quy hoạch chi tiết", "tế", "")),
            *_row(1, 1, 2, TASK_B),
        ],
        [(1, [("1. Rà soát quy hoạch chung", "và quy hoạch chi tiết", "Phòng Kinh", "tế", "Quý I/2025"), TASK_B])],
    ),
]


@pytest.mark.parametrize(("name", "items", "expected"), JOIN_CASES, ids=[c[0] for c in JOIN_CASES])
def test_join_rules(name: str, items: list[Cell | str], expected: list[tuple[int, list[tuple[str, ...]]]]) -> None:
    tables = logical_tables(_doc(items))
    assert [(t.header_rows, _rows(t)) for t in tables] == expected, name


def test_split_word_table_maps_columns_after_a_merged_grouping_column() -> None:
    """Word splits a table where a criterion cell merged down leaves a row one cell short: the
    short table's columns are the ones after the criterion column."""
    wide = ((0.0, 80.0), (80.0, 280.0), (280.0, 400.0), (400.0, 500.0))
    narrow = ((0.0, 230.0), (230.0, 380.0), (380.0, 500.0))  # drawn to the full width, other widths
    items: list[Cell | str] = [
        *[Cell(0, 0, c, t, None, edges=wide) for c, t in enumerate(("Tên tiêu chí", *HEADER))],
        Cell(0, 1, 0, "1. Quy hoạch", None, row_span=2, edges=wide),
        *[Cell(0, 1, c + 1, t, None, edges=wide) for c, t in enumerate(TASK_A)],
        *[Cell(0, 2, c + 1, t, None, edges=wide) for c, t in enumerate(TASK_B)],
        Cell(0, 3, 0, "2. Giao thông", None, edges=wide),
        *[Cell(0, 3, c + 1, t, None, edges=wide) for c, t in enumerate(TASK_C)],
        *[Cell(1, 0, c, t, None, edges=narrow) for c, t in enumerate(("4. Chiếu sáng đô thị", "Điện lực", "Năm 2025"))],
    ]
    [table] = logical_tables(_doc(items, "docx"))
    rows = {r: {c.col: c.text for c in cs} for r, cs in table.body()}
    assert rows[2] == {0: "1. Quy hoạch", 1: TASK_B[0], 2: TASK_B[1], 3: TASK_B[2]}  # merged cell repeated
    assert rows[4] == {1: "4. Chiếu sáng đô thị", 2: "Điện lực", 3: "Năm 2025"}
    assert table.is_repeat(next(c for c in table.cells if c.row == 2 and c.col == 0))


def test_merged_cell_cut_by_a_page_break_goes_on() -> None:
    items: list[Cell | str] = [
        *_header(0),
        Cell(0, 1, 1, "Phòng Kinh tế", 1, row_span=2),
        *[Cell(0, r, c, t, 1) for r, task in ((1, TASK_A), (2, TASK_B)) for c, t in enumerate(task) if c != 1],
        *[Cell(1, 0, c, t, 2) for c, t in enumerate(TASK_C) if c != 1],
    ]
    [table] = logical_tables(_doc(items))
    assert [{c.col: c.text for c in cs}.get(1) for _, cs in table.body()] == ["Phòng Kinh tế"] * 3


FURNITURE = [
    ("ttcbth@quangngai.gov.vn 18.11.2024 07:25:14 +07:00", True),
    ("Ký bởi: Văn phòng Ủy ban nhân dân tỉnh", True),
    ("ĐẾN Số: 1234 Ngày: 05/11/2024", True),
    ("- 3 -", True),
    ("Trang 2/5", True),
    ("3. Sở Nội vụ chủ trì thực hiện trước ngày 10/12/2025", False),
    ("Số: 181 /BC-SNV", False),
]


@pytest.mark.parametrize(("text", "is_furniture"), FURNITURE)
def test_furniture_by_shape(text: str, is_furniture: bool) -> None:
    doc = _doc(["KẾ HOẠCH", text])
    assert (1 in furniture(doc)) is is_furniture


def test_running_header_on_three_pages_is_furniture_but_not_the_issuer() -> None:
    b = DocumentBuilder("t.pdf", "pdf", b"x")
    b.add("SỞ GIÁO DỤC VÀ ĐÀO TẠO", page=1)
    for i in range(8):
        b.add(f"Đoạn văn {i} của trang đầu.", page=1)
    for page in (2, 3, 4):
        b.add("Kế hoạch số 12/KH-UBND", page=page)
        b.add(f"Nội dung trang {page}.", page=page)
    b.add("SỞ GIÁO DỤC VÀ ĐÀO TẠO", page=4)
    doc = b.build()
    assert {doc.blocks[i].text for i in furniture(doc)} == {"Kế hoạch số 12/KH-UBND"}


# --- real documents -------------------------------------------------------------------------


def test_real_pdf_table_with_repeated_header_is_one_table() -> None:
    """Ninh Bình's appendix (a real signed plan) and the seed 000 fixture: header repeated on
    each page, one logical table."""
    for rel, pages in (("corpus/real/09_ninhbinh-ubnd-kh193-cayxanh-2024.pdf", 2), ("tests/fixtures/seed000.pdf", 3)):
        tables = [t for t in lay_out(read(ROOT / rel)).tables if t.header_rows]
        assert len(tables) == 1 and len(tables[0].pages) >= pages, rel


def test_issuer_restated_on_appendix_pages_stays() -> None:
    """Plan 42 restates its issuer at the top of both appendix pages: not a running header."""
    layout = lay_out(read(ROOT / "corpus/real2/42_dongthap-sgddt-kh362-tiepdoan-kiemtra-stem-2026.pdf"))
    texts = [b.text for b in layout.doc.blocks]
    assert texts[0] == "UBND TỈNH ĐỒNG THÁP" and texts.count("SỞ GIÁO DỤC VÀ ĐÀO TẠO") == 3
    assert not layout.furniture


# --- headers laid out with tabs or spaces -----------------------------------------------------

HEADER_LINES = [
    # 55 (a .doc of 2009, tab stops) and 13 (VNI .doc of 2008): both columns on one line.
    ("ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]),
    ("TỈNH BÌNH DƯƠNG\tĐộc lập - Tự do - Hạnh phúc", ["TỈNH BÌNH DƯƠNG", "Độc lập - Tự do - Hạnh phúc"]),
    (
        "Số: 09/2009/CT-UBND\tThủ Dầu Một, ngày 15 tháng 4 năm 2009",
        ["Số: 09/2009/CT-UBND", "Thủ Dầu Một, ngày 15 tháng 4 năm 2009"],
    ),
    (
        "Số: 256/2004/QĐ-UB    TP. Cần Thơ, ngày 01 tháng 7 năm 2004",
        ["Số: 256/2004/QĐ-UB", "TP. Cần Thơ, ngày 01 tháng 7 năm 2004"],
    ),
    ("Số: 991/QĐ-UBND", ["Số: 991/QĐ-UBND"]),
]


@pytest.mark.parametrize(("line", "parts"), HEADER_LINES)
def test_header_line_with_both_columns_is_split(line: str, parts: list[str]) -> None:
    from vanban.parse.extract.header import _split_columns
    from vanban.parse.layout.lines import block_lines

    doc = _doc([line])
    [ln] = block_lines([doc.blocks[0]])
    got = _split_columns(ln)
    assert [p.text for p in got] == parts
    assert all(doc.source_text[p.span(doc).start : p.span(doc).end] == p.text for p in got)


@pytest.mark.parametrize(
    ("rel", "number", "symbol", "place", "date"),
    [
        ("corpus/real2/55_binhduong-ubnd-ct09-khcn-coso-2009.doc", "09", "2009/CT-UBND", "Thủ Dầu Một", "2009-04-15"),
        ("corpus/real/13_binhphuoc-ubnd-qd991-kh-rung-2008-vni.doc", "991", "QĐ-UBND", "Đồng Xoài", "2008-05-14"),
    ],
)
def test_tab_laid_headers(rel: str, number: str, symbol: str, place: str, date: str) -> None:
    from vanban.api import to_record

    h = to_record(read(ROOT / rel)).header
    assert (h.number, h.symbol, h.place, h.date) == (number, symbol, place, date)
    assert h.issuer is not None and h.issuer.startswith("ỦY BAN NHÂN DÂN TỈNH")
