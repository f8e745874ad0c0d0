"""The DOCX reader on real plans, on the seed fixtures and on broken input."""

from __future__ import annotations

import io
import zipfile
from functools import cache
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml

from vanban.errors import CorruptFileError, EmptyFileError, EncryptedFileError, InputError
from vanban.model import Block, Document
from vanban.parse.read.docx import OLE_MAGIC, read_docx

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "corpus" / "real"
FIXTURES = ROOT / "tests" / "fixtures"
LAOCAI = REAL / "01_laocai-ubnd-kh-chithi11-khoangsan.docx"
LAMDONG = REAL / "04_lamdong-ubnd-kh-cchc-2026.docx"
LUONGMINH = REAL / "10_luongminh-mttqxa-kh16-baucu-2025.docx"
ALL = [LAOCAI, LAMDONG, LUONGMINH, FIXTURES / "seed000.docx", FIXTURES / "seed002.docx"]


@cache
def read(path: Path) -> Document:
    return read_docx(str(path), path.read_bytes())


def fold(text: str) -> str:
    return " ".join(text.split())


def find(doc: Document, text: str, **attrs: object) -> Block:
    hits = [b for b in doc.blocks if fold(b.text) == text and all(getattr(b, k) == v for k, v in attrs.items())]
    assert len(hits) == 1, (text, attrs, hits)
    return hits[0]


def cell(doc: Document, table: int, row: int, col: int) -> Block:
    hits = [b for b in doc.blocks if (b.table, b.row, b.col) == (table, row, col)]
    assert len(hits) == 1, (table, row, col, hits)
    return hits[0]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_blocks_map_back_to_source(path: Path) -> None:
    doc = read(path)
    assert doc.format == "docx" and doc.pages is None
    assert doc.blocks
    for i, b in enumerate(doc.blocks):
        assert b.index == i
        assert doc.source_text[b.offsets[0] : b.offsets[-1]] == b.raw
        assert b.page is None
        assert b.text.strip() == b.text and b.text
        assert (b.kind == "table_cell") == (b.table is not None)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_merged_cells_are_emitted_once(path: Path) -> None:
    doc = read(path)
    seen: set[tuple[int | None, int | None, int | None]] = set()
    covered: set[tuple[int | None, int, int]] = set()
    for b in doc.blocks:
        if b.kind != "table_cell":
            continue
        assert b.row is not None and b.col is not None
        key = (b.table, b.row, b.col)
        assert key not in seen and key not in covered, key
        seen.add(key)
        for r in range(b.row, b.row + b.row_span):
            for c in range(b.col, b.col + b.col_span):
                if (r, c) != (b.row, b.col):
                    covered.add((b.table, r, c))
    assert not seen & covered


def test_laocai_header_and_signature_tables() -> None:
    doc = read(LAOCAI)
    issuer = doc.blocks[0]
    assert (issuer.kind, issuer.table, issuer.row, issuer.col) == ("table_cell", 0, 0, 0)
    assert fold(issuer.text) == "ỦY BAN NHÂN DÂN TỈNH LÀO CAI" and issuer.bold
    qh = doc.blocks[1]
    assert (qh.table, qh.row) == (0, 0) and qh.col is not None and qh.col > 0
    assert fold(qh.text) == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc"
    so, date = doc.blocks[2], doc.blocks[3]
    assert fold(so.text) == "Số: /KH-UBND" and (so.table, so.row, so.col) == (0, 1, 0)
    assert fold(date.text) == "Lào Cai, ngày tháng năm 2026" and date.row == 1 and date.italic
    find(doc, "KẾ HOẠCH", kind="paragraph", bold=True)
    # Signature: Nơi nhận list left, signer right, one table.
    recv = next(b for b in doc.blocks if b.text.startswith("Nơi nhận"))
    sign = next(b for b in doc.blocks if b.text.startswith("TM. ỦY BAN NHÂN DÂN"))
    assert recv.table == sign.table == 1 and (recv.col, sign.col) == (0, 1) and recv.index < sign.index
    assert "Nguyễn Thành Sinh" in sign.text and "\n" in sign.raw


def test_laocai_appendix_table() -> None:
    doc = read(LAOCAI)
    head = [fold(cell(doc, 2, 0, c).text) for c in range(6)]
    assert head == [
        "TT",
        "Tên nhiệm vụ",
        "Sở, ngành chủ trì tham mưu",
        "Đơn vị phối hợp thực hiện",
        "Thời gian thực hiện",
        "Ghi chú",
    ]
    assert all(cell(doc, 2, 0, c).bold for c in range(6))
    assert fold(cell(doc, 2, 15, 0).text) == "14"
    assert fold(cell(doc, 2, 15, 2).text) == "UBND các xã, phường"
    assert max(b.row or 0 for b in doc.blocks if b.table == 2) == 15
    # The author styled bullet paragraphs "Heading 4": they come out as headings, level 4.
    h = next(b for b in doc.blocks if b.text.startswith("1. Công tác tuyên truyền, phổ biến pháp luật"))
    assert (h.kind, h.level) == ("heading", 4)


def test_lamdong_numbering_and_merges() -> None:
    doc = read(LAMDONG)
    # "1. Cải cách thể chế" is an automatic number in Word: the label is rendered.
    item = find(doc, "1. Cải cách thể chế")
    assert (item.kind, item.level, item.bold) == ("list_item", 1, True)
    find(doc, "7. Công tác chỉ đạo, điều hành", kind="list_item")
    first = next(b for b in doc.blocks if b.text.startswith("a) Các sở, ban, ngành và Ủy ban nhân dân các xã"))
    assert first.kind == "list_item"
    # Appendix: 7 columns; vertically merged task rows come once with row_span 2.
    head = [fold(cell(doc, 2, 0, c).text) for c in range(7)]
    assert head[0] == "STT" and head[-1] == "Theo dõi, kiểm tra, đôn đốc"
    merged = cell(doc, 2, 51, 1)
    assert merged.row_span == 2 and merged.text.startswith("Tham mưu ban hành Kế hoạch kiểm tra")
    assert not [b for b in doc.blocks if (b.table, b.row, b.col) in ((2, 52, 0), (2, 52, 1))]
    assert fold(cell(doc, 2, 52, 2).text).startswith("Kế hoạch")  # the unmerged cells of row 52 are there
    # A cell spanning two grid columns: the next cell of the row starts two columns later.
    wide = cell(doc, 2, 11, 4)
    assert wide.col_span == 2 and wide.text.startswith("Theo phân công tại Quyết định số 1441/QĐ-UBND")
    assert cell(doc, 2, 11, 6).text
    assert not [b for b in doc.blocks if (b.table, b.row, b.col) == (2, 11, 5)]


def test_luongminh_one_row_header() -> None:
    doc = read(LUONGMINH)
    left, right = doc.blocks[0], doc.blocks[1]
    assert (left.table, left.row, left.col, right.col) == (0, 0, 0, 1)
    assert left.raw.split("\n")[-1] == "Số: 16/KH-MTTQ-BTT"
    assert "ỦY BAN MTTQ VIỆT NAM" in left.text
    assert right.text.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert right.raw.split("\n")[-1] == "Lương Minh, ngày 18 tháng 11 năm 2025"
    task = next(b for b in doc.blocks if b.text.startswith("1.1. Xây dựng và ban hành Hướng dẫn"))
    assert task.kind == "paragraph" and task.bold and task.italic
    assert {b.table for b in doc.blocks} == {None, 0, 1}


@pytest.mark.parametrize(
    ("name", "issuer", "number", "date"),
    [
        ("seed002", "UBND THỊ TRẤN HÀ TRUNG", "Số: 42 /KH-UBND", "Thị trấn Hà Trung, ngày 10 tháng 3 năm 2023"),
        ("seed000", "BCĐ XÂY DỰNG ĐÔ THỊ VĂN MINH", "Số: /KH - BCĐ", "Thị trấn Hà Trung, ngày tháng 3 năm 2023"),
    ],
)
def test_fixture_header(name: str, issuer: str, number: str, date: str) -> None:
    doc = read(FIXTURES / f"{name}.docx")
    texts = [fold(b.text) for b in doc.blocks[:4]]
    assert texts == [issuer, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc", number, date]
    assert [(b.table, b.row, b.col) for b in doc.blocks[:4]] == [(0, 0, 0), (0, 0, 1), (0, 1, 0), (0, 1, 1)]
    assert doc.blocks[1].raw == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    sign = next(b for b in doc.blocks if b.text.startswith("TM."))
    assert sign.table == 1 and sign.col == 1 and sign.raw.endswith("Cù Văn Hân")


def test_seed000_appendix_merges() -> None:
    doc = read(FIXTURES / "seed000.docx")
    tt, content, assign = cell(doc, 2, 0, 0), cell(doc, 2, 0, 1), cell(doc, 2, 0, 2)
    assert (fold(tt.text), tt.row_span, tt.col_span) == ("TT", 2, 1)
    assert (fold(content.text), content.row_span) == ("Nội dung tiêu chí", 2)
    assert (fold(assign.text), assign.col_span, assign.row_span) == ("Phân công người phụ trách", 2, 1)
    assert [fold(cell(doc, 2, 1, c).text) for c in (2, 3)] == ["Họ và tên", "Chức vụ"]
    person = find(doc, "Nguyễn Hoàng Chương, Nguyễn Hoàng Phương")
    assert (person.table, person.row, person.col, person.row_span) == (2, 2, 2, 8)
    assert fold(cell(doc, 2, 9, 1).text) == "1.7. Không có nhà tạm, nhà dột nát."
    assert cell(doc, 2, 2, 0).bold and fold(cell(doc, 2, 2, 1).text) == "Tiêu chí số 1: Quy hoạch đô thị"


# --- features built in memory ---------------------------------------------------------

_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"'
)


def _docx(*body_xml: str) -> bytes:
    d = docx.Document()
    body = d.element.body
    for xml in body_xml:
        body.insert(len(body) - 1, parse_xml(xml))  # before w:sectPr
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _p(text: str) -> str:
    return f'<w:p {_NS}><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def test_content_controls_text_boxes_and_nested_tables() -> None:
    box = "<w:txbxContent><w:p><w:r><w:t>DỰ THẢO</w:t></w:r></w:p></w:txbxContent>"
    data = _docx(
        f"<w:sdt {_NS}><w:sdtPr/><w:sdtContent>{_p('Trong điều khiển nội dung')}</w:sdtContent></w:sdt>",
        f"<w:sdt {_NS}><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>{_p('Nhấn để nhập')}</w:sdtContent></w:sdt>",
        f"<w:p {_NS}><w:r><w:t>Neo</w:t></w:r><w:r><mc:AlternateContent>"
        f'<mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></w:drawing></mc:Choice>'
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
        '<w:del w:id="1" w:author="x" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>đã xóa</w:delText></w:r></w:del>'
        '<w:ins w:id="2" w:author="x"><w:r><w:t xml:space="preserve"> thêm</w:t></w:r></w:ins>'
        "</w:p>",
        f"<w:tbl {_NS}><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid><w:tr>"
        "<w:tc><w:p><w:r><w:t>Ngoài</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>b</w:t></w:r></w:p></w:tc></w:tr>"
        "<w:tr><w:tc><w:p><w:r><w:t>c</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>"
        "<w:p/></w:tc></w:tr></w:tbl>",
    )
    doc = read_docx("mem.docx", data)
    assert [b.raw for b in doc.blocks] == ["Trong điều khiển nội dung", "Neo thêm", "DỰ THẢO", "Ngoài", "a | b\nc"]
    assert [(b.table, b.row, b.col) for b in doc.blocks[3:]] == [(0, 0, 0), (0, 0, 1)]


def test_numbering_labels() -> None:
    d = docx.Document()
    d.add_paragraph("Mục một", style="List Number")
    d.add_paragraph("Mục hai", style="List Number")
    d.add_paragraph("Gạch đầu dòng", style="List Bullet")
    d.add_heading("Đầu mục", level=2)
    buf = io.BytesIO()
    d.save(buf)
    doc = read_docx("mem.docx", buf.getvalue())
    got = [(b.kind, b.level, fold(b.text)) for b in doc.blocks]
    assert got == [
        ("list_item", 1, "1. Mục một"),
        ("list_item", 1, "2. Mục hai"),
        ("list_item", 1, "• Gạch đầu dòng"),
        ("heading", 2, "Đầu mục"),
    ]


# --- bad input --------------------------------------------------------------------------


def _zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, blob in files.items():
            z.writestr(name, blob)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (bytes(range(256)) * 8, CorruptFileError),
        (b"", EmptyFileError),
        (LAOCAI.read_bytes()[:20000], CorruptFileError),
        (_zip({"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<x/>"}), CorruptFileError),
        (OLE_MAGIC + b"\0" * 600 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600, EncryptedFileError),
        (OLE_MAGIC + b"\0" * 1200, CorruptFileError),
    ],
    ids=["random", "empty", "truncated", "no-document-xml", "encrypted", "word97"],
)
def test_bad_input(data: bytes, error: type[InputError]) -> None:
    with pytest.raises(error) as info:
        read_docx("bad.docx", data)
    assert type(info.value) is error
    assert info.value.path == "bad.docx" and "bad.docx" in str(info.value)
    assert info.value.hint


def test_no_text_is_empty() -> None:
    d = docx.Document()
    d.add_paragraph("   ")
    d.add_table(rows=1, cols=2)
    buf = io.BytesIO()
    d.save(buf)
    with pytest.raises(EmptyFileError, match="không có chữ"):
        read_docx("trong.docx", buf.getvalue())
