"""Numbers and days that signing software stamps into signed PDFs (annotation appearance streams)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import pdfplumber
import pytest
from tests.conftest import pdf_of

from vanban.api import parse, to_record
from vanban.api import read as read_file
from vanban.model import Document
from vanban.parse.read import pdf as read_pdf_module
from vanban.parse.read.pdf_stamps import StampWord, join_notes, stamp_words

ROOT = Path(__file__).resolve().parent.parent
STAMPED = ROOT / "tests" / "fixtures" / "stamped-number.pdf"
REAL2 = ROOT / "corpus" / "real2"
NINHBINH = ROOT / "corpus" / "real" / "09_ninhbinh-ubnd-kh193-cayxanh-2024.pdf"

# The six signed PDFs of real2: (file, number line, date line, number, ISO date) as the pages show them.
SIGNED = [
    ("40_vungtau-phuong1-ubnd-kh447-tiepcanphapluat-2025.pdf", "Số: 447 /KH-UBND",
     "Phường 1, ngày 24 tháng 03 năm 2025", "447", "2025-03-24"),
    ("41_vungtau-ubnd-kh2144-danso-2025.pdf", "Số: 2144/KH-UBND",
     "Vũng Tàu, ngày 18 tháng 3 năm 2025", "2144", "2025-03-18"),  # the month is stamped too
    ("42_dongthap-sgddt-kh362-tiepdoan-kiemtra-stem-2026.pdf", "Số: 362 /KH-SGDĐT",
     "Đồng Tháp, ngày 14 tháng 4 năm 2026", "362", "2026-04-14"),
    ("49_vungtau-phuong1-ubnd-cv397-chungthuc-dientu-2025.pdf", "Số: 397 /UBND -TP",
     "Phường 1, ngày 13 tháng 03 năm 2025", "397", "2025-03-13"),
    ("50_laocai-ubnd-cv193-vatlieuno-2026.pdf", "Số: 193 /UBND-KT",
     "Lào Cai, ngày 10 tháng 01năm 2026", "193", "2026-01-10"),  # day and month stamped; no space before năm
    ("51_quangngai-ubnd-tb565-ketluan-ctmtqg-2024.pdf", "Số:565 /TB-UBND",
     "Quảng Ngãi, ngày 15 tháng 11 năm 2024", "565", "2024-11-15"),  # the stamp touches "Số:"
]  # fmt: skip


@cache
def read(path: Path) -> Document:
    return read_file(path)


def fold(text: str) -> str:
    return " ".join(text.split())


def texts(doc: Document) -> list[str]:
    return [fold(b.text) for b in doc.blocks]


def i040(doc: Document) -> list[str]:
    return [d.message for d in doc.diagnostics if d.code == "I040"]


# --- the fixture: a plan whose number and day are drawn by a signature widget and a FreeText -------


def test_fixture_number_and_day_through_parse() -> None:
    record = parse(STAMPED)
    assert record.header.number == "57" and record.header.symbol == "KH-UBND"
    assert record.header.date == "2023-03-14"
    assert record.header.issuer == "UBND THỊ TRẤN HÀ TRUNG" and record.header.parent_issuer is None
    assert record.header.sources["number"].text.startswith("Số: 57")


def test_fixture_lines_and_diagnostics() -> None:
    doc = read(STAMPED)
    lines = texts(doc)
    assert "Số: 57 /KH-UBND" in lines
    assert "Thị trấn Hà Trung, ngày 14 tháng 3 năm 2023" in lines
    # The two-line signature note comes out as one line, which the layout drops as page furniture.
    assert lines[0] == "ubndthitran@hatrung.thanhhoa.gov.vn 14.03.2023 08:15:00 +07:00"
    assert "999" not in doc.source_text  # drawn by a hidden annotation
    notes = {d.source.text: d for d in doc.diagnostics if d.code == "I040" and d.source is not None}
    assert set(notes) == {"57", "14", lines[0]}
    for text, d in notes.items():
        assert d.level == "info" and d.source is not None and d.source.page == 1
        assert doc.source_text[d.source.start : d.source.end] == text
        assert d.message.startswith(f"Trang 1: «{text[:20]}") and "chữ ký số" in d.message
    date_block = next(b for b in doc.blocks if "ngày 14" in b.text)
    assert date_block.italic  # a number stamped upright into the italic date line keeps the line italic


def test_stamp_words_of_fixture() -> None:
    data = STAMPED.read_bytes()
    words = stamp_words(data)
    assert set(words) == {0}
    by_text = {w.text: w for w in words[0]}
    assert {"57", "14", "ubndthitran@hatrung.thanhhoa.gov.vn", "14.03.2023", "08:15:00", "+07:00"} == set(by_text)
    with pdfplumber.open(STAMPED) as pdf:
        page_words = pdf.pages[0].extract_words(x_tolerance=1.5)
    so = next(w for w in page_words if w["text"] == "Số:")
    kh = next(w for w in page_words if w["text"].startswith("/KH-UBND"))
    n = by_text["57"]
    assert so["x1"] < n.x0 < n.x1 < kh["x0"]  # over the blank, in pdfplumber's coordinates
    assert abs((n.top + n.bottom) / 2 - (so["top"] + so["bottom"]) / 2) < 0.35 * n.size  # on the line of "Số:"
    assert n.size == 13 and n.fontname == "Times-Roman"
    assert by_text["ubndthitran@hatrung.thanhhoa.gov.vn"].top < so["top"]  # the note is above the header


def test_join_notes_keeps_one_line_stamps_apart() -> None:
    one = [StampWord("362", 10, 20, 100, 110, 11, "F", 0), StampWord("14", 300, 310, 100, 110, 11, "F", 1)]
    assert join_notes(one) == one
    note = [
        StampWord("Ký", 400, 410, 10, 19, 9, "F", 2),
        StampWord("bởi:", 412, 425, 10, 19, 9, "F", 2),
        StampWord("18.11.2024", 400, 440, 20, 29, 9, "F", 2),
    ]
    [joined] = join_notes(note)
    assert joined.text == "Ký bởi: 18.11.2024"
    assert (joined.x0, joined.x1, joined.top, joined.bottom) == (400, 440, 10, 19)  # on the note's first line


def test_no_stamps_without_annotations_or_on_bad_input() -> None:
    assert stamp_words((ROOT / "tests" / "fixtures" / "seed002.pdf").read_bytes()) == {}
    assert stamp_words(b"") == {}
    assert stamp_words(b"%PDF-1.7\n" + bytes(range(256)) * 4) == {}
    assert stamp_words(STAMPED.read_bytes()[:5000]) in ({}, {0: []})


def _pdf_with_annotation(content: bytes, flags: int = 4, ap: bool = True) -> bytes:
    """A one-page PDF drawing ``content``, with a Stamp annotation (``flags``; an appearance stream when ``ap``)
    that draws a two-line signature note."""
    note = b"BT /F1 9 Tf 2 14 Td (ubnd@example.gov.vn) Tj 0 -10 Td (14.03.2023 08:15:00 +07:00) Tj ET"
    apd = b" /AP << /N 6 0 R >>" if ap else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 7 0 R >> >>"
        b" /Annots [5 0 R] >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Annot /Subtype /Stamp /F %d /Rect [400 790 560 820]%s >>" % (flags, apd),
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 160 30] /Resources << /Font << /F1 7 0 R >> >> /Length %d >>"
        b"\nstream\n" % len(note) + note + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_of(objects)


TEXT = b"BT /F1 12 Tf 72 700 Td 14 TL" + b" (Noi dung cua van ban co lop chu day du de doc duoc.) '" * 6 + b" ET"
SCAN = b"0 0 0 rg 100 100 200 300 re f"  # no text layer: a scan without Tesseract's help


def test_stamp_annotation_on_text_page() -> None:
    data = _pdf_with_annotation(TEXT)
    [(page, words)] = stamp_words(data).items()
    assert page == 0 and [w.text for w in words][:1] == ["ubnd@example.gov.vn"]
    # Drawn at (2, 14) in a 160×30 form on the rectangle [400 790 560 820]: baseline 804, 38 from the top.
    assert words[0].x0 == pytest.approx(402, abs=0.5) and words[0].top < 38 < words[0].bottom
    doc = read_pdf_module.read_pdf("note.pdf", data)
    assert texts(doc)[0] == "ubnd@example.gov.vn 14.03.2023 08:15:00 +07:00"
    assert len(i040(doc)) == 1


@pytest.mark.parametrize(("flags", "ap"), [(2, True), (4 | 32, True), (4, False)], ids=["hidden", "noview", "no-ap"])
def test_hidden_or_blank_annotations_are_skipped(flags: int, ap: bool) -> None:
    assert stamp_words(_pdf_with_annotation(TEXT, flags, ap)) == {}


def test_invisible_flag_does_not_hide_a_known_annotation_type() -> None:
    assert stamp_words(_pdf_with_annotation(TEXT, 4 | 1))  # /Invisible is for types a viewer does not know


def test_stamp_does_not_make_a_scan_a_text_page() -> None:
    data = _pdf_with_annotation(SCAN)
    assert stamp_words(data)  # the note is there …
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pg = read_pdf_module._load_page(pdf.pages[0], stamp_words(data)[0])
    assert pg.words == []  # … but the page still has no text layer: it goes to OCR, not to the layout


# --- the real signed PDFs -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "number_line", "date_line", "number", "date"), SIGNED, ids=[s[0][:2] for s in SIGNED])
def test_real_signed_pdf(name: str, number_line: str, date_line: str, number: str, date: str) -> None:
    path = REAL2 / name
    doc = read(path)
    lines = texts(doc)
    assert number_line in lines and date_line in lines
    assert any(m.startswith(f"Trang 1: «{number}»") for m in i040(doc))
    header = to_record(doc).header
    assert (header.number, header.date) == (number, date)


def test_real_appendix_captions_get_the_stamps() -> None:
    """42 stamps number and day into both appendix captions too: each caption is one line again."""
    doc = read(REAL2 / "42_dongthap-sgddt-kh362-tiepdoan-kiemtra-stem-2026.pdf")
    caption = "(Đính kèm Kế hoạch số 362 /KH-SGDĐT ngày 14 /4/2026 của Sở GDĐT)"
    captions = [b for b in doc.blocks if fold(b.text) == caption]
    assert [b.page for b in captions] == [4, 5]
    assert {m for m in i040(doc) if m.startswith(("Trang 4", "Trang 5"))} == {
        f"Trang {p}: «362», «14» lấy từ chữ hiển thị của chữ ký số/dấu trên tệp PDF (không có trong lớp chữ của trang)."
        for p in (4, 5)
    }


def test_real_signature_note_is_one_block_before_the_header() -> None:
    """51 carries the Công báo signature note above the header: one block, not the parent issuer."""
    doc = read(REAL2 / "51_quangngai-ubnd-tb565-ketluan-ctmtqg-2024.pdf")
    assert texts(doc)[:2] == [
        "TRUNG TÂM CÔNG BÁO VÀ TIN HỌC ttcbth@quangngai.gov.vn 18.11.2024 07:25:14 +07:00",
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
    ]
    header = to_record(doc).header
    assert header.parent_issuer is None and header.issuer == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"


def test_real_scans_stay_scans() -> None:
    """The scans' only text is their signature note: the pages still need OCR (the note is not their text)."""
    for name in ("52_quangngai-ubnd-ct16-tet-nham-dan-2021-scan.pdf",
                 "53_bariavungtau-ubnd-qd-giaithe-ttdvdn-2025-scan.pdf"):  # fmt: skip
        data = (REAL2 / name).read_bytes()
        stamps = stamp_words(data)
        assert stamps.get(0)
        with pdfplumber.open(REAL2 / name) as pdf:
            pg = read_pdf_module._load_page(pdf.pages[0], stamps[0])
        assert read_pdf_module._needs_ocr(pg) and not any(w.stamp for w in pg.words)
