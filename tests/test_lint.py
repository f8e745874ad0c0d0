"""``vanban lint``: NĐ 30/2020/NĐ-CP checks on documents built here with python-docx."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from vanban.datafiles import load_data
from vanban.errors import CorruptFileError
from vanban.generate.lint import LintReport, RuleBook, cli_lint, lint_docx, render_text, rulebook
from vanban.generate.lint_rules import CHECKS, rule_ids

CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT


@dataclass
class Plan:
    """What the test plan looks like; each field can plant one violation."""

    left_mm: float = 30
    date: str = "Xã X, ngày 05 tháng 02 năm 2024"
    number: str = "Số: 05/KH-UBND"
    tieungu: str | None = "Độc lập - Tự do - Hạnh phúc"
    body_font: str | None = None  # a direct font on the body runs
    noinhan: bool = True
    signer: list[str] = field(default_factory=lambda: ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"])
    title_page: bool = True
    body_align: Any = JUSTIFY
    body_style: bool = False  # body formatting from a paragraph style based on Normal, not direct
    page_number: str = "header"  # "header", "header-tab" (centred by a centre tab stop) or "footer"


def _run(p: Any, text: str, *, size: float | None = None, bold: bool = False, italic: bool = False) -> Any:
    r = p.add_run(text)
    r.bold, r.italic = bold or None, italic or None
    if size:
        r.font.size = Pt(size)
    return r


def _para(container: Any, text: str, align: Any = CENTER, first: bool = False, **kw: Any) -> Any:
    p = container.paragraphs[0] if first else container.add_paragraph()
    p.alignment = align
    if text:
        _run(p, text, **kw)
    return p


def _borderless(table: Any) -> None:
    """python-docx tables have no style by default; say "no borders" explicitly as Word does."""
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.append(borders)


def _page_field(p: Any, size: float = 14) -> None:
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "2"), ("end", None)):
        r = p.add_run()
        r.font.size = Pt(size)
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        r._r.append(el)


BODY = [
    "Căn cứ Nghị quyết số 10/NQ-HĐND ngày 20 tháng 12 năm 2023 của Hội đồng nhân dân xã X;",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích: triển khai có hiệu quả các nhiệm vụ xây dựng nông thôn mới năm 2024 trên địa bàn xã.",
    "2. Yêu cầu: các bộ phận chuyên môn, các thôn chủ động xây dựng kế hoạch thực hiện và báo cáo đúng hạn.",
    "II. NỘI DUNG THỰC HIỆN",
    "Tổ chức rà soát, đánh giá thực trạng các tiêu chí; xác định tiêu chí chưa đạt và giải pháp thực hiện.",
]


def build(plan: Plan | None = None) -> bytes:
    """A conforming plan (NĐ 30 format) with the violations ``plan`` plants."""
    plan = plan or Plan()
    d = docx.Document()
    sec = d.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Mm(20), Mm(20), Mm(plan.left_mm), Mm(15)
    normal = d.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    head = d.add_table(rows=1, cols=2)
    _borderless(head)
    left, right = head.cell(0, 0), head.cell(0, 1)
    _para(left, "UBND XÃ X", first=True, size=13, bold=True)
    _para(left, plan.number, size=13)
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", first=True, size=12, bold=True)
    if plan.tieungu is not None:
        _para(right, plan.tieungu, size=13, bold=True)
    _para(right, plan.date, size=14, italic=True)
    d.add_paragraph()
    _para(d, "KẾ HOẠCH", size=14, bold=True)
    _para(d, "Xây dựng nông thôn mới năm 2024", size=14, bold=True)
    if plan.body_style:
        style = d.styles.add_style("KH Nội dung", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = normal
        style.paragraph_format.alignment = plan.body_align
        style.paragraph_format.first_line_indent = Cm(1)
        style.paragraph_format.space_before = Pt(6)
    for text in BODY:
        if plan.body_style:
            p = d.add_paragraph(style="KH Nội dung")
            _run(p, text, bold=text.startswith(("I.", "II.")))
            continue
        p = _para(d, text, align=plan.body_align, bold=text.startswith(("I.", "II.")))
        p.paragraph_format.first_line_indent = Cm(1.27)
        p.paragraph_format.space_after = Pt(6)
        if plan.body_font:
            for r in p.runs:
                r.font.name = plan.body_font
    d.add_paragraph()
    sig = d.add_table(rows=1, cols=2)
    _borderless(sig)
    recv, sign = sig.cell(0, 0), sig.cell(0, 1)
    if plan.noinhan:
        _para(recv, "Nơi nhận:", align=LEFT, first=True, size=12, bold=True, italic=True)
        _para(recv, "- UBND huyện Y;", align=LEFT, size=11)
        _para(recv, "- Lưu: VT, VP.", align=LEFT, size=11)
    for i, line in enumerate(plan.signer):
        _para(sign, line, first=i == 0, size=14, bold=True)
    _para(sign, "")
    _para(sign, "Nguyễn Văn A", size=14, bold=True)
    sec.different_first_page_header_footer = plan.title_page
    hp = (sec.footer if plan.page_number == "footer" else sec.header).paragraphs[0]
    if plan.page_number == "header-tab":
        hp.paragraph_format.tab_stops.add_tab_stop(Mm((210 - plan.left_mm - 15) / 2), WD_TAB_ALIGNMENT.CENTER)
        _run(hp, "\t")
    else:
        hp.alignment = CENTER
    _page_field(hp)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def results(report: LintReport) -> dict[str, Any]:
    return {r.rule_id: r for r in report.results}


def failing(report: LintReport) -> dict[str, str]:
    return {r.rule_id: r.message for r in report.results if r.status == "fail"}


# --- the rules file ---------------------------------------------------------------------------


def test_rules_yaml_loads_and_matches_the_checks() -> None:
    book = load_data("nd30_rules.yaml", RuleBook)
    yaml_ids = {r.id for r in book.rules}
    assert len(yaml_ids) == len(book.rules) >= 25
    assert yaml_ids == rule_ids(), yaml_ids ^ rule_ids()
    declared = [i for ids, _ in CHECKS for i in ids]
    assert len(declared) == len(set(declared))  # each rule checked by one check only
    for r in book.rules:
        assert r.locator.startswith("NĐ 30/2020/NĐ-CP"), r.id
        assert r.title and r.example


def test_rules_yaml_holds_the_decree_constants() -> None:
    book = rulebook().by_id()
    assert book["ND30-PAGE-MARGINS"].parameters["left_mm"] == [30, 35]
    codes = book["ND30-SO-KYHIEU"].parameters["type_codes"]
    assert isinstance(codes, dict)
    for code in ("KH", "QĐ", "BC", "TB", "TTr", "CTr", "QyĐ", "HD", "PA", "ĐA", "DA", "NQ", "CT", "QC", "TC", "BB"):
        assert code in codes
    for code in ("HĐ", "CĐ", "BGN", "BTT", "GUQ", "GM", "GGT", "GNP", "PG", "PC", "PB"):
        assert code in codes
    assert "CV" not in codes
    assert book["ND30-SO-BLANK"].severity == "warning"


# --- a conforming plan ------------------------------------------------------------------------


def test_conforming_plan_has_no_failures() -> None:
    report = lint_docx(build(), name="ke-hoach.docx")
    assert failing(report) == {}
    assert report.counts.failed == 0 and report.ok
    assert {r.rule_id for r in report.results} == rule_ids()
    not_evaluated = {r.rule_id: r.message for r in report.results if r.status == "not_evaluated"}
    assert not_evaluated == {}
    res = results(report)
    assert "Nguyễn" not in res["ND30-SIGNER"].message
    assert res["ND30-SO-KYHIEU"].paragraph == 2
    assert res["ND30-PAGENUM-FIRST"].location == "trang 1"


def _edit(data: bytes, fn: Any) -> bytes:
    d = docx.Document(io.BytesIO(data))
    fn(d)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _doc_default_size(half_points: str | None) -> Any:
    """Remove Normal's size and set (or remove) the ``w:docDefaults`` size."""

    def fn(d: Any) -> None:
        rpr = d.styles["Normal"].element.find(qn("w:rPr"))
        for tag in ("w:sz", "w:szCs"):
            for el in rpr.findall(qn(tag)):
                rpr.remove(el)
        default = d.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        for el in default.findall(qn("w:sz")):
            if half_points is None:
                default.remove(el)
            else:
                el.set(qn("w:val"), half_points)

    return fn


def test_formatting_resolves_through_styles_and_doc_defaults() -> None:
    """Body runs carry no formatting: alignment, indent and spacing come from a style based on
    Normal, and the size from ``w:docDefaults`` (14 pt passes, 12 pt fails)."""
    data = build(Plan(body_style=True))
    assert failing(lint_docx(data)) == {}
    assert failing(lint_docx(_edit(data, _doc_default_size("28")))) == {}
    bad = failing(lint_docx(_edit(data, _doc_default_size("24"))))
    assert set(bad) == {"ND30-BODY-SIZE"}
    assert "Cỡ chữ 12 pt ở đoạn 9–14" in bad["ND30-BODY-SIZE"]
    bad = failing(lint_docx(build(Plan(body_style=True, body_align=LEFT))))
    assert set(bad) == {"ND30-BODY-ALIGN"}


def test_size_set_nowhere_is_not_evaluated() -> None:
    res = results(lint_docx(_edit(build(), _doc_default_size(None))))
    assert res["ND30-BODY-SIZE"].status == "not_evaluated"
    assert res["ND30-BODY-SIZE"].paragraph == 9


def test_line_spacing_and_indent_variants() -> None:
    def exact(pt: float, first_line_chars: bool = False) -> Any:
        def fn(d: Any) -> None:
            for p in d.paragraphs[3:9]:  # the six body paragraphs
                p.paragraph_format.line_spacing = Pt(pt)
                if first_line_chars:
                    ind = p._p.get_or_add_pPr().find(qn("w:ind"))
                    ind.set(qn("w:firstLineChars"), "100")

        return fn

    assert failing(lint_docx(_edit(build(), exact(18)))) == {}  # 18 pt ≈ 1,1 lines of 14 pt
    bad = failing(lint_docx(_edit(build(), exact(12))))
    assert set(bad) == {"ND30-BODY-LINE"} and "cố định 12 pt" in bad["ND30-BODY-LINE"]
    res = results(lint_docx(_edit(build(), exact(18, first_line_chars=True))))
    assert res["ND30-BODY-INDENT"].status == "not_evaluated"


# --- planted violations -----------------------------------------------------------------------


def test_left_margin_20mm() -> None:
    bad = failing(lint_docx(build(Plan(left_mm=20))))
    assert set(bad) == {"ND30-PAGE-MARGINS"}
    assert "Lề trái 20 mm, quy định 30–35 mm" in bad["ND30-PAGE-MARGINS"]


def test_month_zero_padded() -> None:
    report = lint_docx(build(Plan(date="Xã X, ngày 05 tháng 03 năm 2024")))
    bad = failing(report)
    assert set(bad) == {"ND30-DATE-FORMAT"}
    assert "tháng 03" in bad["ND30-DATE-FORMAT"] and "tháng 3" in bad["ND30-DATE-FORMAT"]
    assert results(report)["ND30-DATE-FORMAT"].location == "đoạn 5 (bảng 1, hàng 1, cột 2)"


@pytest.mark.parametrize(
    ("date", "needle"),
    [
        ("Xã X, ngày 5 tháng 02 năm 2024", "ngày 5 phải viết «05»"),
        ("Xã X, ngày 05 tháng 2 năm 2024", "tháng 2 phải viết «02»"),
        ("Xã X ngày 05 tháng 02 năm 2024", "thiếu dấu phẩy"),
        ("Xã X, ngày 30 tháng 02 năm 2024", "không có thật"),
    ],
)
def test_date_rule_variants(date: str, needle: str) -> None:
    bad = failing(lint_docx(build(Plan(date=date))))
    assert needle in bad["ND30-DATE-FORMAT"]


def test_blank_day_is_a_draft_warning() -> None:
    report = lint_docx(build(Plan(date="Xã X, ngày    tháng 02 năm 2024")))
    res = results(report)
    assert res["ND30-DATE-FORMAT"].status == "pass"
    assert res["ND30-DATE-BLANK"].status == "fail" and res["ND30-DATE-BLANK"].severity == "warning"


def test_arial_body_text() -> None:
    bad = failing(lint_docx(build(Plan(body_font="Arial"))))
    assert set(bad) == {"ND30-FONT-RUNS"}
    assert "Arial ở đoạn 9–14" in bad["ND30-FONT-RUNS"]


def test_missing_noi_nhan() -> None:
    report = lint_docx(build(Plan(noinhan=False)))
    assert set(failing(report)) == {"ND30-NOINHAN"}
    res = results(report)
    for rid in ("ND30-NOINHAN-STYLE", "ND30-NOINHAN-LIST", "ND30-NOINHAN-LIST-STYLE", "ND30-NOINHAN-PUNCT"):
        assert res[rid].status == "not_evaluated"


def test_cv_is_not_a_type_code() -> None:
    bad = failing(lint_docx(build(Plan(number="Số: 12/CV-UBND"))))
    assert set(bad) == {"ND30-SO-KYHIEU"}
    assert "«CV» không phải chữ viết tắt tên loại" in bad["ND30-SO-KYHIEU"]


@pytest.mark.parametrize(
    ("number", "needle"),
    [
        ("Số: 5/KH-UBND", "«05»"),
        ("Số: 05/BC-UBND", "không khớp tên loại «KẾ HOẠCH»"),
        ("Số: 05/Kh-UBND", "phải viết «KH»"),
        ("Số 05/KH-UBND", "thiếu dấu hai chấm"),
    ],
)
def test_number_rule_variants(number: str, needle: str) -> None:
    bad = failing(lint_docx(build(Plan(number=number))))
    assert needle in bad["ND30-SO-KYHIEU"]


def test_blank_number_is_a_warning_not_an_error() -> None:
    report = lint_docx(build(Plan(number="Số:      /KH-UBND")))
    res = results(report)
    assert res["ND30-SO-KYHIEU"].status == "pass"
    assert res["ND30-SO-BLANK"].status == "fail"
    assert res["ND30-SO-BLANK"].severity == "warning"
    assert "Chưa có số" in res["ND30-SO-BLANK"].message
    assert report.ok and report.counts.warnings == 1


def test_missing_tieu_ngu() -> None:
    report = lint_docx(build(Plan(tieungu=None)))
    assert set(failing(report)) == {"ND30-TIEUNGU"}
    assert results(report)["ND30-TIEUNGU-STYLE"].status == "not_evaluated"


def test_tieu_ngu_wrong_form() -> None:
    bad = failing(lint_docx(build(Plan(tieungu="ĐỘC LẬP – TỰ DO – HẠNH PHÚC"))))
    assert set(bad) == {"ND30-TIEUNGU"}


def test_left_aligned_body() -> None:
    bad = failing(lint_docx(build(Plan(body_align=LEFT))))
    assert set(bad) == {"ND30-BODY-ALIGN"}
    assert "căn trái" in bad["ND30-BODY-ALIGN"]


def test_page_number_on_first_page() -> None:
    bad = failing(lint_docx(build(Plan(title_page=False))))
    assert set(bad) == {"ND30-PAGENUM-FIRST"}
    assert "w:titlePg" in bad["ND30-PAGENUM-FIRST"]


def test_page_number_in_footer() -> None:
    bad = failing(lint_docx(build(Plan(page_number="footer"))))
    assert set(bad) == {"ND30-PAGENUM"}
    assert "chân trang" in bad["ND30-PAGENUM"]


def test_page_number_centred_by_a_centre_tab() -> None:
    assert failing(lint_docx(build(Plan(page_number="header-tab")))) == {}

    def move_tab(d: Any) -> None:  # a centre tab at 2 cm is not the middle of the line
        tab = d.sections[0].header._element.find(f".//{qn('w:tab')}[@{qn('w:val')}='center']")
        tab.set(qn("w:pos"), "1134")

    bad = failing(lint_docx(_edit(build(Plan(page_number="header-tab")), move_tab)))
    assert set(bad) == {"ND30-PAGENUM"} and "căn trái" in bad["ND30-PAGENUM"]


def test_deputy_without_kt() -> None:
    bad = failing(lint_docx(build(Plan(signer=["TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH"]))))
    assert set(bad) == {"ND30-SIGNER"}
    assert "KT." in bad["ND30-SIGNER"]


def test_deputy_with_kt_passes() -> None:
    report = lint_docx(build(Plan(signer=["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"])))
    assert failing(report) == {}


# --- not evaluated ------------------------------------------------------------------------------


def test_signer_that_cannot_be_classified_is_not_evaluated() -> None:
    report = lint_docx(build(Plan(signer=["ỦY VIÊN"])))
    res = results(report)["ND30-SIGNER"]
    assert res.status == "not_evaluated"
    assert "ỦY VIÊN" in res.message
    assert report.counts.not_evaluated == 1 and report.counts.passed == report.counts.total - 1


def test_theme_font_without_theme_is_not_evaluated() -> None:
    """The body font comes from the theme (asciiTheme) and the theme part is gone: not a pass."""
    d = docx.Document(io.BytesIO(build()))
    normal = d.styles["Normal"].element
    rfonts = normal.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
    for attr in ("w:ascii", "w:hAnsi"):
        del rfonts.attrib[qn(attr)]
    rfonts.set(qn("w:asciiTheme"), "minorHAnsi")
    rfonts.set(qn("w:hAnsiTheme"), "minorHAnsi")
    for rid, rel in list(d.part.rels.items()):
        if rel.reltype.endswith("/theme"):
            del d.part.rels[rid]
    buf = io.BytesIO()
    d.save(buf)
    res = results(lint_docx(buf.getvalue()))
    assert res["ND30-FONT-RUNS"].status == "not_evaluated"
    assert "chủ đề" in res["ND30-FONT-RUNS"].message
    assert res["ND30-FONT-STYLES"].status == "not_evaluated"


def test_theme_font_is_resolved_from_the_theme() -> None:
    """python-docx's template: docDefaults say minorHAnsi, the theme says Cambria."""
    d = docx.Document()
    _para(d, "KẾ HOẠCH", size=14, bold=True)
    _para(d, "Nội dung kế hoạch được trình bày bằng phông mặc định.", align=JUSTIFY)
    buf = io.BytesIO()
    d.save(buf)
    res = results(lint_docx(buf.getvalue()))
    assert res["ND30-FONT-RUNS"].status == "fail"
    assert "Cambria" in res["ND30-FONT-RUNS"].message
    assert res["ND30-PAGE-A4"].status == "fail"  # US Letter


# --- report, CLI ------------------------------------------------------------------------------


def test_text_and_json_rendering(tmp_path: Path) -> None:
    path = tmp_path / "kh.docx"
    path.write_bytes(build(Plan(left_mm=20, number="Số:    /KH-UBND")))
    code, text = cli_lint(str(path), "text")
    assert code == 1
    assert "LỖI (1)" in text and "CẢNH BÁO (1)" in text
    assert "Lề trái 20 mm, quy định 30–35 mm" in text
    assert "Phụ lục I, Phần I, mục I.3" in text
    code, out = cli_lint(str(path), "json")
    data = json.loads(out)
    assert code == 1 and data["counts"]["errors"] == 1 and data["counts"]["warnings"] == 1
    assert {r["status"] for r in data["results"]} <= {"pass", "fail", "not_evaluated"}
    path.write_bytes(build())
    assert cli_lint(str(path), "text")[0] == 0
    assert "0 lỗi" in render_text(lint_docx(path))


def test_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(CorruptFileError) as e:
        lint_docx(b"PK\x03\x04 this is not a zip")
    assert "bị hỏng" in str(e.value) or "không phải" in str(e.value)
    with pytest.raises(CorruptFileError):
        lint_docx(b"")
    bad = tmp_path / "x.docx"
    bad.write_bytes(b"plain text")
    code, text = cli_lint(str(bad), "text")
    assert code == 2 and "E103" in text
    code, text = cli_lint(str(tmp_path / "missing.docx"), "json")
    assert code == 2 and json.loads(text)["error"]["code"] == "E103"
