"""The PDF reader on a real born-digital plan, on the seed fixtures and on broken input."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from tests.conftest import pdf_of

from vanban.api import to_record
from vanban.errors import CorruptFileError, EmptyFileError, EncryptedFileError, InputError
from vanban.model import Block, Document, PlanRecord
from vanban.parse.layout.document import lay_out
from vanban.parse.read.docx import read_docx
from vanban.parse.read.pdf import _join, _Line, _Word, read_pdf

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
NINHBINH = ROOT / "corpus" / "real" / "09_ninhbinh-ubnd-kh193-cayxanh-2024.pdf"
ALL = [NINHBINH, FIXTURES / "seed000.pdf", FIXTURES / "seed002.pdf"]


@cache
def read(path: Path) -> Document:
    return read_pdf(str(path), path.read_bytes())


def fold(text: str) -> str:
    return " ".join(text.split())


def find(doc: Document, text: str) -> Block:
    hits = [b for b in doc.blocks if fold(b.text) == text]
    assert len(hits) == 1, (text, hits)
    return hits[0]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_blocks_map_back_to_source(path: Path) -> None:
    doc = read(path)
    assert doc.format == "pdf" and doc.pages
    pages = [b.page or 0 for b in doc.blocks]
    assert all(1 <= p <= doc.pages for p in pages)
    assert pages == sorted(pages)  # page by page
    for i, b in enumerate(doc.blocks):
        assert b.index == i
        assert doc.source_text[b.offsets[0] : b.offsets[-1]] == b.raw
        assert (b.kind == "table_cell") == (b.table is not None)


def test_ninhbinh_header_is_split_into_blocks() -> None:
    doc = read(NINHBINH)
    assert doc.pages == 5
    first = [fold(b.text) for b in doc.blocks[:7]]
    assert first == [
        "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh Phúc",
        "Số: 193 /KH-UBND",  # number and day are drawn by the signatures' annotations (pdf_stamps)
        "Ninh Bình, ngày 01 tháng 11 năm 2024",
        "KẾ HOẠCH",
        "Triển khai thực hiện Chỉ thị số 20-CT/TU, ngày 10/10/2024 của Ban Thường vụ Tỉnh ủy về tăng cường "
        "công tác trồng, chăm sóc và bảo vệ cây xanh trên địa bàn tỉnh Ninh Bình",
    ]
    assert all(b.page == 1 and b.kind == "paragraph" for b in doc.blocks[:7])
    assert doc.blocks[0].bold and doc.blocks[1].bold and not doc.blocks[3].bold and doc.blocks[4].italic


def test_ninhbinh_body_paragraphs() -> None:
    doc = read(NINHBINH)
    find(doc, "I. MỤC ĐÍCH, YÊU CẦU")
    find(doc, "1. Mục đích")
    p = next(b for b in doc.blocks if b.text.startswith("- Triển khai kịp thời Chỉ thị số 20-CT/TU"))
    assert fold(p.text).endswith("giảm nhẹ thiên tai và phát triển kinh tế - xã hội.")
    assert "\n" not in p.text  # wrapped lines are joined
    # Lone page numbers at the top of pages 2 and 3 are dropped.
    assert not [b for b in doc.blocks if b.kind == "paragraph" and fold(b.text) in {"2", "3", "4", "5"}]


def test_ninhbinh_signature_block() -> None:
    doc = read(NINHBINH)
    recv = find(doc, "Nơi nhận:")
    recipients = doc.blocks[recv.index + 1]
    assert recipients.text.split("\n")[:2] == ["- Thường trực Tỉnh ủy (để b/c);", "- Ban Cán sự Đảng UBND tỉnh;"]
    assert "- Lưu: VT, VP3." in recipients.text
    signer = find(doc, "TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH")
    name = find(doc, "Trần Song Tùng")
    assert recv.page == signer.page == name.page == 3
    assert recv.index < recipients.index < signer.index < name.index


def test_ninhbinh_appendix_table_spans_two_pages() -> None:
    """The reader gives one table per page; the layout joins them (no repeated header on page 5)."""
    doc = read(NINHBINH)
    assert len({b.table for b in doc.blocks if b.kind == "table_cell"}) == 2  # a table on each page
    [table] = lay_out(doc).tables
    cells = list(table.cells)
    assert table.parts == (0, 1) and table.pages == (4, 5) and table.header_rows == 1
    rows = sorted({b.row for b in cells if b.row is not None})
    assert rows == list(range(11))  # header + tasks 1-10, no gap, no duplicated header
    header = [fold(b.text) for b in cells if b.row == 0]
    assert header == ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"]
    assert sum(fold(b.text) == "Cơ quan chủ trì" for b in doc.blocks) == 2  # repeated on page 5 …
    assert sum(fold(b.text) == "Cơ quan chủ trì" for b in cells) == 1  # … and dropped by the layout
    for r in range(1, 11):
        first = next(b for b in cells if b.row == r and b.col == 0)
        assert fold(first.text) == str(r) and first.page == (4 if r <= 6 else 5)
    seven = next(b for b in cells if b.row == 7 and b.col == 2)
    assert fold(seven.text) == "Sở Văn hóa và Thể thao"
    coop = next(b for b in cells if b.row == 1 and b.col == 3)
    assert coop.text == "- Các sở, ban ngành có liên quan;\n- UBND các huyện, thành phố."
    # Paragraph shading on page 2 is not a table; table text is not read again as paragraphs.
    assert not [b for b in cells if b.page is not None and b.page < 4]
    assert not [b for b in doc.blocks if b.kind == "paragraph" and "Sở Văn hóa và Thể thao" in b.text]


@pytest.mark.parametrize(
    ("name", "issuer", "number", "date"),
    [
        ("seed002", "UBND THỊ TRẤN HÀ TRUNG", "Số: 42 /KH-UBND", "Thị trấn Hà Trung, ngày 10 tháng 3 năm 2023"),
        ("seed000", "BCĐ XÂY DỰNG ĐÔ THỊ VĂN MINH", "Số: /KH - BCĐ", "Thị trấn Hà Trung, ngày tháng 3 năm 2023"),
    ],
)
def test_fixture_header_and_signature(name: str, issuer: str, number: str, date: str) -> None:
    doc = read(FIXTURES / f"{name}.pdf")
    texts = [fold(b.text) for b in doc.blocks[:6]]
    assert texts == [
        issuer,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        number,
        date,
        "KẾ HOẠCH",
    ]
    recv = find(doc, "Nơi nhận:")
    signer = next(b for b in doc.blocks if b.text.startswith("TM."))
    name_block = find(doc, "Cù Văn Hân")
    assert recv.index < signer.index < name_block.index
    assert recv.page == signer.page == name_block.page


def test_fixture_paragraphs_match_docx() -> None:
    """The PDF made from seed002.docx has the DOCX's body paragraphs (pages split a few)."""
    pdf = read(FIXTURES / "seed002.pdf")
    src = read_docx("seed002.docx", (FIXTURES / "seed002.docx").read_bytes())
    pdf_texts = {fold(b.text) for b in pdf.blocks}
    body = [fold(b.text) for b in src.blocks if b.kind != "table_cell"]
    missing = [t for t in body if t not in pdf_texts]
    assert len(missing) <= len(body) // 10, missing  # only paragraphs cut by a page break


def test_fixture_table_continues_with_repeated_two_row_header() -> None:
    """Six pages of the appendix, its two header rows repeated on each: one logical table with the
    Word table's cells at the same rows and columns, merged names given to every row they span."""
    pdf = read(FIXTURES / "seed000.pdf")
    src = read_docx("seed000.docx", (FIXTURES / "seed000.docx").read_bytes())
    assert len({b.table for b in pdf.blocks if b.kind == "table_cell"}) >= 3
    [table] = lay_out(pdf).tables
    [word] = [t for t in lay_out(src).tables if t.header_rows]
    cells = list(table.cells)
    assert len(table.pages) >= 3 and table.header_rows == 2
    assert sum(fold(b.text) == "Họ và tên" for b in cells) == 1
    assert sum(fold(b.text) == "Phân công người phụ trách" for b in cells) == 1
    tt = next(b for b in cells if fold(b.text) == "TT")
    assert (tt.row, tt.col, tt.row_span) == (0, 0, 2)
    # Every cell of the Word table is in the PDF at the same row and column.
    want = {(b.row, b.col): fold(b.text) for b in word.cells}
    got = {(b.row, b.col): fold(b.text) for b in cells}
    assert got == want


# --- bad input --------------------------------------------------------------------------


def _pdf_without_text() -> bytes:
    """A valid one-page PDF that only draws a rectangle, like a scan with no text layer."""
    content = b"0 0 0 rg 100 100 200 300 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    return pdf_of(objects)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (bytes(range(256)) * 8, CorruptFileError),
        (b"", EmptyFileError),
        (b"%PDF-1.7\n" + bytes(range(256)) * 4, CorruptFileError),
        (NINHBINH.read_bytes()[:6000], CorruptFileError),
    ],
    ids=["random", "empty", "garbage-after-header", "truncated"],
)
def test_bad_input(data: bytes, error: type[InputError]) -> None:
    with pytest.raises(error) as info:
        read_pdf("bad.pdf", data)
    assert type(info.value) is error
    assert info.value.path == "bad.pdf" and "bad.pdf" in str(info.value)
    assert info.value.hint


def test_no_text_layer_asks_for_ocr() -> None:
    with pytest.raises(EmptyFileError) as info:
        read_pdf("scan.pdf", _pdf_without_text())
    assert "lớp chữ" in info.value.message and "OCR" in str(info.value)


def test_password_protected() -> None:
    locked = FIXTURES / "seed002-locked.pdf"
    if not locked.exists():
        pytest.skip("make_fixtures.py could not make a password-protected PDF with this LibreOffice")
    with pytest.raises(EncryptedFileError, match="mật khẩu"):
        read_pdf(str(locked), locked.read_bytes())


# --- joining the lines of a paragraph or a cell -----------------------------------------------


def _line(top: float, *words: tuple[str, float, float]) -> _Line:
    return _Line([_Word(t, x0, x1, top, top + 12, 12.0, False, False) for t, x0, x1 in words])


CELL = (425.2, 300.0, 481.9, 500.0)  # a 57 pt wide cell, 5.5 pt padding: text from 430.7 to 476.4
JOIN_CASES = [
    # A word too long for the cell, broken where the width ran out (seed 001's partner column).
    (
        "word broken at the cell edge",
        [_line(0, ("QLTTĐ", 430.7, 469.95)), _line(14, ("T;", 430.7, 439.0))],
        CELL,
        None,
        "QLTTĐT;",
    ),
    # A short word that left room for the next letter: an ordinary wrap (seed 001's deadline cell).
    (
        "ordinary wrap in a cell",
        [_line(0, ("Hàng", 430.7, 456.0)), _line(14, ("tuần", 430.7, 452.0))],
        CELL,
        None,
        "Hàng tuần",
    ),
    # An abbreviation wrapped at its hyphen (seed 001 landscape: "CT-" / "XH").
    (
        "abbreviation wrapped at its hyphen",
        [_line(0, ("đoàn", 430.7, 450.0), ("CT-", 452.0, 470.0)), _line(14, ("XH", 430.7, 445.0))],
        CELL,
        None,
        "đoàn CT-XH",
    ),
    # A space after the hyphen in the source (seed 000's appendix: "CCVP- Thống kê").
    (
        "hyphen before a word",
        [_line(0, ("CCVP-", 430.7, 466.0)), _line(14, ("Thống", 430.7, 460.0), ("kê", 462.0, 474.0))],
        CELL,
        None,
        "CCVP- Thống kê",
    ),
    # Body text: a line run to the right edge without closing its sentence, then "- xã hội" (seed 000).
    (
        "dash of the text after a full line",
        [
            _line(0, ("thực", 85.0, 110.0), ("hiện", 112.0, 140.0), ("Văn", 142.0, 160.0), ("hóa", 162.0, 538.0)),
            _line(14, ("-", 85.0, 89.0), ("xã", 92.0, 104.0), ("hội.", 106.0, 125.0)),
        ],
        None,
        539.0,
        "thực hiện Văn hóa - xã hội.",
    ),
    # A list after a closed line (seed 002's recipients and bullets).
    (
        "an item after a closed line",
        [
            _line(0, ("-", 85.0, 89.0), ("Như", 92.0, 110.0), ("trên;", 112.0, 538.0)),
            _line(14, ("-", 85.0, 89.0), ("Lưu:", 92.0, 115.0), ("VT.", 117.0, 135.0)),
        ],
        None,
        539.0,
        "- Như trên;\n- Lưu: VT.",
    ),
]


@pytest.mark.parametrize(("name", "lines", "cell", "right", "text"), JOIN_CASES, ids=[c[0] for c in JOIN_CASES])
def test_join_lines(
    name: str, lines: list[_Line], cell: tuple[float, float, float, float] | None, right: float | None, text: str
) -> None:
    assert _join(lines, cell=cell, right=right)[0] == text, name


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_pages_stored_rotated_read_as_upright(tmp_path: Path, rotation: int) -> None:
    """A page stored with /Rotate (a landscape table page of a portrait document, a page scanned in
    sideways and saved turned) reads as the upright page: the same header, signer, and tasks with
    the same labels, deadlines and people. (Units are not compared: a few letters with stacked
    marks come out of the turn as words of their own, "hi ện".)"""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(FIXTURES / "seed000.pdf"))
    for i in range(len(pdf)):
        pdf[i].set_rotation(rotation)
    turned = tmp_path / "turned.pdf"
    pdf.save(str(turned))
    pdf.close()
    upright, sideways = to_record(read(FIXTURES / "seed000.pdf")), to_record(read(turned))

    def view(rec: PlanRecord) -> list[object]:
        return [(it.label, sorted(p.name for p in it.people), it.deadline) for it in rec.items]

    assert sideways.header == upright.header
    assert (sideways.signer.title, sideways.signer.name) == (upright.signer.title, upright.signer.name)
    assert view(sideways) == view(upright)
