"""OCR of scanned plans: seeds 002 and 000 rendered as scans (tests/ocr_pages.py: 200 dpi, grey,
specks, blur, ±1.5° skew), read by Tesseract and parsed, against the clean parse of their DOCX.

Seed 002 is OCR'd whole (8 pages, as a multi-page TIFF); seed 000 only where its header, first
tasks and signature are (pages 1–5 and 13–14 of 20, as an image-only PDF), so its tasks are
compared for those on pages 2–4 of its PDF. Fields: number, symbol, place, date, doc_type, title
(compared ignoring white space: OCR cannot see the space the plan typed after an opening quote),
authority, title and name of the signer, each task's deadline (start, date), and seed 002's
coverage (catalogue; covered, partial, missing indicators). The share that agrees must be ≥ 95 %.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from rapidfuzz import fuzz
from tests import ocr_pages
from tests.conftest import ROOT

from vanban.api import parse, read, to_record
from vanban.errors import CorruptFileError, EmptyFileError
from vanban.mapped import MappedText
from vanban.model import Diagnostic, Document, PlanRecord, SourceSpan
from vanban.parse.read import ocr_correct
from vanban.parse.read.ocr import flag_low_confidence, read_image
from vanban.parse.read.ocr_page import OcrJob, _ocr, tesseract_available
from vanban.parse.read.pdf import read_pdf

pytestmark = pytest.mark.skipif(
    not tesseract_available() or shutil.which("pdftoppm") is None,
    reason="Tesseract with Vietnamese data and poppler's pdftoppm are needed",
)

SEED000_PAGES = [1, 2, 3, 4, 5, 13, 14]
SEED000_TASK_PAGES = {2, 3, 4}


@pytest.fixture(scope="session")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("scans")


@pytest.fixture(scope="session")
def seed002(scans: Path) -> tuple[Document, PlanRecord]:
    tiff = ocr_pages.multipage_tiff(ocr_pages.scanned_pages("seed002", list(range(1, 9)), scans), scans / "seed002.tif")
    doc = read_image(str(tiff), tiff.read_bytes())
    return doc, flag_low_confidence(to_record(doc))


@pytest.fixture(scope="session")
def seed000(scans: Path) -> tuple[Document, PlanRecord]:
    pdf = ocr_pages.scanned_pdf(ocr_pages.scanned_pages("seed000", SEED000_PAGES, scans), scans / "seed000-scan.pdf")
    doc = read_pdf(str(pdf), pdf.read_bytes())
    return doc, flag_low_confidence(to_record(doc))


# --- field agreement with the clean parse ----------------------------------------------------------


def _same(a: object, b: object) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)
    return a == b


def _fields(clean: PlanRecord, ocr: PlanRecord, tasks: list[int] | None = None) -> Iterator[tuple[str, object, object]]:
    for k in ("number", "symbol", "place", "date", "doc_type", "title"):
        yield f"header.{k}", getattr(clean.header, k), getattr(ocr.header, k)
    for k in ("authority", "title", "name"):
        yield f"signer.{k}", getattr(clean.signer, k), getattr(ocr.signer, k)
    used: set[int] = set()
    for i, it in enumerate(clean.items):
        if tasks is not None and i not in tasks:
            continue
        score, j = max(((fuzz.token_set_ratio(it.text, o.text), j) for j, o in enumerate(ocr.items) if j not in used))
        got = ocr.items[j] if score >= 80 else None
        if got is not None:
            used.add(j)
        deadline = it.deadline and (it.deadline.start, it.deadline.date)
        yield f"task {it.label or it.id}", deadline, got and got.deadline and (got.deadline.start, got.deadline.date)


def _coverage(clean: PlanRecord, ocr: PlanRecord) -> Iterator[tuple[str, object, object]]:
    assert clean.coverage is not None
    for k in ("catalogue", "covered", "partial", "missing"):
        yield f"coverage.{k}", getattr(clean.coverage, k), ocr.coverage and getattr(ocr.coverage, k)


def test_scans_agree_with_the_clean_parse_on_95_percent_of_fields(
    seed002: tuple[Document, PlanRecord], seed000: tuple[Document, PlanRecord], capsys: pytest.CaptureFixture[str]
) -> None:
    clean002 = parse(ROOT / "tests/fixtures/seed002.docx")
    clean000 = parse(ROOT / "tests/fixtures/seed000.docx")
    pdf000 = parse(ROOT / "tests/fixtures/seed000.pdf")  # the same items, with their pages
    assert [it.label for it in pdf000.items] == [it.label for it in clean000.items]
    tasks000 = [i for i, it in enumerate(pdf000.items) if it.source.page in SEED000_TASK_PAGES]
    fields = [*_fields(clean002, seed002[1]), *_coverage(clean002, seed002[1])]
    fields += _fields(clean000, seed000[1], tasks000)
    wrong = [(name, want, got) for name, want, got in fields if not _same(want, got)]
    share = 1 - len(wrong) / len(fields)
    with capsys.disabled():
        print(f"\nOCR field agreement: {len(fields) - len(wrong)}/{len(fields)} = {share:.1%}")
    assert len(fields) >= 50 and len(tasks000) >= 12
    assert share >= 0.95, wrong


Scan = tuple[Document, PlanRecord]


def test_header_fields_of_both_scans(seed002: Scan, seed000: Scan) -> None:
    h = seed002[1].header
    want = ("42", "KH-UBND", "Thị trấn Hà Trung", "2023-03-10", "KẾ HOẠCH")
    assert (h.number, h.symbol, h.place, h.date, h.doc_type) == want
    h = seed000[1].header
    assert (h.number, h.symbol, h.date, h.doc_type) == (None, "KH-BCĐ", "2023-03", "KẾ HOẠCH")
    assert seed000[1].signer.name == "Cù Văn Hân"


# --- the document ------------------------------------------------------------------------------


def test_source_is_the_raw_ocr_and_offsets_point_into_it(seed002: tuple[Document, PlanRecord]) -> None:
    doc = seed002[0]
    assert doc.format == "image" and doc.pages == 8
    assert {b.page for b in doc.blocks} == set(range(1, 9))
    for b in doc.blocks:
        assert b.raw == doc.source_text[b.start : b.end]
        assert list(b.offsets) == sorted(b.offsets) and b.offsets[-1] <= len(doc.source_text)
    corrected = [b for b in doc.blocks if b.raw != b.text]
    assert corrected, "post-correction changed no block"


def test_two_column_header_is_split(seed002: tuple[Document, PlanRecord]) -> None:
    texts = [b.text for b in seed002[0].blocks[:6]]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Độc lập - Tự do - Hạnh phúc" in texts
    assert any(t.startswith("Số: 42") for t in texts)
    assert any(t.startswith("Thị trấn Hà Trung, ngày 10") for t in texts)


def test_low_confidence_words_are_reported_and_fields_flagged(seed002: tuple[Document, PlanRecord]) -> None:
    doc, rec = seed002
    weak = [d for d in doc.diagnostics if d.code == "W030"]
    assert weak and all(d.source and doc.source_text[d.source.start : d.source.end] == d.source.text for d in weak)
    number = rec.header.sources["number"]
    fake = Diagnostic(code="W030", level="info", message="thử", source=number)
    flagged = flag_low_confidence(rec.model_copy(update={"diagnostics": (fake,)}))
    assert [d.code for d in flagged.diagnostics] == ["W030", "W031"]
    assert "number" in flagged.diagnostics[1].message and flagged.diagnostics[1].source == number
    for d in rec.diagnostics:  # every W031 in the real record sits on a W030 word
        if d.code == "W031":
            assert d.source and any(_overlap(d.source, w.source) for w in weak if w.source)


def _overlap(a: SourceSpan, b: SourceSpan) -> bool:
    return a.start < b.end and b.start < a.end


def test_ruled_table_comes_back_as_cells(scans: Path) -> None:
    page = ocr_pages.scanned_pages("seed000", [16], scans)[0]
    doc = read_image(str(page), page.read_bytes())
    cells = {(b.row, b.col): b.text for b in doc.blocks if b.kind == "table_cell"}
    assert cells[(0, 0)] == "TT" and cells[(0, 1)] == "Nội dung tiêu chí"
    assert "Nguyễn Hoàng Chương" in cells.values() and "CCĐC" in cells.values()
    assert [cells.get((r, 0)) for r in sorted({r for r, c in cells if c == 0})][1:] == ["3", "4", "5"]
    want = [b.text for b in read(ROOT / "tests/fixtures/seed000.pdf").blocks if b.page == 16 and b.table is not None]
    found = sum(any(fuzz.ratio(w, c) >= 90 for c in cells.values()) for w in want)
    assert found >= 0.9 * len(want)


def test_mixed_pdf_reads_text_pages_and_ocrs_scanned_ones(scans: Path) -> None:
    page = ocr_pages.scanned_pages("seed002", [2], scans)
    scan = ocr_pages.scanned_pdf(page, scans / "p2-scan.pdf")
    mixed = ocr_pages.mixed_pdf(ROOT / "tests/fixtures/seed002.pdf", 1, scan, 1, scans / "mixed.pdf")
    doc = read_pdf(str(mixed), mixed.read_bytes())
    text = read(ROOT / "tests/fixtures/seed002.pdf")
    assert [b.text for b in doc.blocks if b.page == 1] == [b.text for b in text.blocks if b.page == 1]
    ocr = [b.text for b in doc.blocks if b.page == 2]
    want = " ".join(b.text for b in text.blocks if b.page == 2)
    assert ocr and fuzz.ratio(" ".join(ocr), want) >= 90


# --- bad scans -------------------------------------------------------------------------------------


def test_upside_down_jpeg_is_turned(scans: Path) -> None:
    from PIL import Image

    src = ocr_pages.scanned_pages("seed002", [1], scans)[0]
    out = io.BytesIO()
    with Image.open(src) as img:
        img.rotate(180).save(out, "JPEG", quality=80, dpi=(200, 200))
    doc = read_image("upside-down.jpg", out.getvalue())
    turned = [d.message for d in doc.diagnostics if d.code == "W034"]
    assert turned == ["Trang 1 bị lộn ngược, đã xoay lại để nhận dạng."]
    h = to_record(doc).header
    assert (h.number, h.symbol, h.date, h.doc_type) == ("42", "KH-UBND", "2023-03-10", "KẾ HOẠCH")


@pytest.mark.parametrize("skew", [-1.5, 1.2])
def test_skew_is_measured(scans: Path, skew: float) -> None:
    from PIL import Image

    path = ocr_pages.scanned_pages("seed002", [5], scans, skews={5: skew})[0]
    with Image.open(path) as img:
        page = _ocr(OcrJob("vie", 200, size=img.size, pixels=img.convert("L").tobytes()))
    assert page.status == "ok" and abs(page.skew - skew) <= 0.15 and page.conf > 85


def test_blank_page_is_skipped_and_reported(scans: Path) -> None:
    page = ocr_pages.scanned_pages("seed002", [8], scans)[0]
    blank = ocr_pages.blank_page(scans / "blank.png")
    tiff = ocr_pages.multipage_tiff([page, blank], scans / "with-blank.tif")
    doc = read_image(str(tiff), tiff.read_bytes())
    assert doc.pages == 2 and {b.page for b in doc.blocks} == {1}
    assert [d.message for d in doc.diagnostics if d.code == "W032"] == ["Trang 2 trắng (không có chữ), đã bỏ qua."]
    with pytest.raises(EmptyFileError, match="trang trắng") as info:
        read_image(str(blank), blank.read_bytes())
    assert info.value.hint


@pytest.mark.parametrize("kind", ["noise", "screen"])
def test_noise_or_photo_of_a_screen_gives_a_clear_error(scans: Path, kind: str) -> None:
    if kind == "noise":
        img = ocr_pages.noise_page(scans / "noise.png")
    else:
        img = ocr_pages.screen_photo(ocr_pages.scanned_pages("seed002", [2], scans)[0], scans / "screen.png")
    with pytest.raises(EmptyFileError) as info:
        read_image(str(img), img.read_bytes())
    assert "không đọc được trang nào" in info.value.message and "ảnh chụp màn hình" in info.value.message
    assert info.value.hint and "quét lại" in info.value.hint


def test_corrupt_image() -> None:
    with pytest.raises(CorruptFileError, match="tệp ảnh bị hỏng"):
        read_image("scan.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))


# --- post-correction -------------------------------------------------------------------------------

_DATA = ocr_correct.data()
CASES = [
    *_DATA.examples,
    *(e for r in _DATA.rules for e in r.examples),
    ("Ðảng bộ", "Đảng bộ"),
    ("CỘNG HÒA XÃ HỘI CHỦ NGHÌA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("Đẳng ủy thị trấn", "Đảng ủy thị trấn"),
    ("văn hoá, thể thao", "văn hoá, thể thao"),  # tone marks are normalize.py's job, not this one's
    # never invent: valid syllables, names, numbers, abbreviations and foreign words stay
    ("đẳng cấp", "đẳng cấp"),
    ("Cù Văn Hân", "Cù Văn Hân"),
    ("Văn hóa – Y tế", "Văn hóa – Y tế"),
    ("Nghị quyết số 26-NQ/ĐU", "Nghị quyết số 26-NQ/ĐU"),
    ("trang thông tin điện tử, Zalo, Fb", "trang thông tin điện tử, Zalo, Fb"),
    ("xyz", "xyz"),
]


@pytest.mark.parametrize(("raw", "want"), CASES)
def test_post_correction(raw: str, want: str) -> None:
    assert ocr_correct.correct_str(raw) == want


def test_correction_keeps_offsets_into_the_raw_text() -> None:
    raw = "Ban chấp hành Đẳng bộ, ngày 10.tháng 3, xây dựng đôthị văn mỉnh"
    out = ocr_correct.correct(MappedText.from_source(raw, 100))
    assert out.text == "Ban chấp hành Đảng bộ, ngày 10 tháng 3, xây dựng đô thị văn minh"
    assert len(out.offsets) == len(out.text) + 1 and list(out.offsets) == sorted(out.offsets)
    at = out.text.index("Đảng")
    assert raw[out.offsets[at] - 100 :].startswith("Đẳng")
    assert out.offsets[-1] == 100 + len(raw)


def test_known_syllables_are_never_replaced() -> None:
    freq, _ = ocr_correct.lexicon()
    common = [s for s, _ in freq.most_common(3000)]
    for i in range(0, len(common), 40):
        text = " ".join(common[i : i + 40])
        fixed = ocr_correct.correct_str(text)
        changed = [(a, b) for a, b in zip(text.split(), fixed.split(), strict=False) if a != b]
        # only the fixed phrases of data/ocr_corrections.yaml may change a known syllable
        assert all(ocr_correct.fold(a) == ocr_correct.fold(b) for a, b in changed), changed


def test_another_ocr_language_combination_reads_the_page(scans: Path) -> None:
    """``--ocr-lang vie+eng`` (both shipped with Tesseract here) reads Vietnamese as well."""
    page = ocr_pages.scanned_pages("seed000", [16], scans)[0]
    doc = read(page, ocr_lang="vie+eng")
    cells = {(b.row, b.col): b.text for b in doc.blocks if b.kind == "table_cell"}
    assert cells[(0, 1)] == "Nội dung tiêu chí"
    assert "Nguyễn Hoàng Chương" in cells.values()
