"""Build the default plan template ``templates/ke-hoach.docx`` (NĐ 30/2020/NĐ-CP, Phụ lục I).

    .venv/bin/python scripts/make_templates.py

The template is made with python-docx so that every measure is written down here, once:
A4; margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman; header as a borderless
two-column table (issuer | quốc hiệu, then số | địa danh–ngày on one row); tên loại and trích
yếu bold and centred; body 14 pt justified, first-line indent 1.27 cm, 6 pt after, line
spacing 1.15; signature table (nơi nhận 12 bold italic, list 11 | authority, title, name);
page numbers top centre from page 2; an appendix section in landscape with the assignment
table, its header row repeated on every page and the criterion cells merged (``{% vm %}``).
The placeholders are listed in ``templates/ke-hoach.manifest.yaml``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "templates" / "ke-hoach.docx"
FONT = "Times New Roman"
RULE_SHORT = "─" * 8
RULE_LONG = "─" * 17


def _font(
    run_or_style: object, size: float | None = None, bold: bool | None = None, italic: bool | None = None
) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    rpr = run_or_style.element.get_or_add_rPr() if hasattr(run_or_style, "element") else None  # type: ignore[attr-defined]
    if rpr is not None:
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.insert(0, fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)


def para(
    container: object,
    text: str = "",
    *,
    size: float = 14,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = WD_ALIGN_PARAGRAPH.CENTER,
    indent: bool = False,
    after: float = 0,
    style: str | None = None,
) -> Paragraph:
    if isinstance(container, _Cell) and len(container.paragraphs) == 1 and not container.paragraphs[0].text:
        p = container.paragraphs[0]
    else:
        p = container.add_paragraph()  # type: ignore[attr-defined]
    if style:
        p.style = style
    fmt = p.paragraph_format
    if align is not None:
        p.alignment = align
    fmt.first_line_indent = Cm(1.27) if indent else Cm(0)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(after)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if text:
        run = p.add_run(text)
        _font(run, size, bold, italic)
    return p


def _no_borders(table: Table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _widths(table: Table, widths_mm: list[float]) -> None:
    """Cell widths and the grid (LibreOffice lays tables out by ``w:gridCol``, Word by ``w:tcW``)."""
    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(w)
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm, strict=True):
        col.set(qn("w:w"), str(int(Mm(w).twips)))
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def _page_number_header(section: object) -> None:
    section.different_first_page_header_footer = True  # type: ignore[attr-defined]
    header = section.header  # type: ignore[attr-defined]
    p = header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    _font(run, 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _cant_split(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    tr_pr.append(OxmlElement("w:cantSplit"))


def build() -> None:
    doc = Document()
    normal = doc.styles["Normal"]
    _font(normal, 14)
    normal.element.get_or_add_rPr()
    pf = normal.paragraph_format
    pf.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    pf.first_line_indent = Cm(1.27)
    pf.space_after = Pt(6)
    pf.line_spacing = 1.15
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        normal.element.rPr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(20), Mm(20)
    sec.left_margin, sec.right_margin = Mm(30), Mm(15)
    sec.header_distance = Mm(10)
    _page_number_header(sec)

    # Header block: issuer | quốc hiệu, then số | địa danh, ngày — on one row each.
    head = doc.add_table(rows=2, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(head)
    left, right = head.rows[0].cells
    para(left, "{%p if parent_issuer %}", size=13)
    para(left, "{{ parent_issuer }}", size=13)
    para(left, "{%p endif %}", size=13)
    para(left, "{{ issuer }}", size=13, bold=True)
    para(left, RULE_SHORT, size=13)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
    para(right, "Độc lập - Tự do - Hạnh phúc", size=13, bold=True)
    para(right, RULE_LONG, size=13)
    para(head.rows[1].cells[0], "Số: {{ number_text }}/{{ symbol }}", size=13)
    para(head.rows[1].cells[1], "{{ place_date }}", size=14, italic=True)
    _widths(head, [62, 103])

    para(doc, "", after=6)
    para(doc, "{{ doc_type }}", bold=True)
    para(doc, "{{ title }}", bold=True)
    para(doc, RULE_SHORT, after=12)

    para(doc, "{%p for basis in legal_bases %}", align=None, indent=True)
    para(doc, "{{ basis }}", italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=6)
    para(doc, "{%p endfor %}", align=None, indent=True)
    para(doc, "{{ preamble }}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=6)
    para(doc, "{{p body }}", align=None, indent=True)

    sig = doc.add_table(rows=1, cols=2)
    _no_borders(sig)
    rec, sign = sig.rows[0].cells
    para(rec, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    para(rec, "{%p for r in recipients %}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    para(rec, "- {{ r }}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    para(rec, "{%p endfor %}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    para(sign, "{%p for a in authority_lines %}", size=14)
    para(sign, "{{ a }}", size=14, bold=True)
    para(sign, "{%p endfor %}", size=14)
    para(sign, "{{ signer_title }}", size=14, bold=True)
    for _ in range(4):
        para(sign, "", size=14)
    para(sign, "{{ signer_name }}", size=14, bold=True)
    _widths(sig, [75, 90])

    # Appendix: a landscape section with the assignment table.
    app = doc.add_section(WD_SECTION.NEW_PAGE)
    app.orientation = WD_ORIENT.LANDSCAPE
    app.page_width, app.page_height = Mm(297), Mm(210)
    app.top_margin, app.bottom_margin = Mm(30), Mm(15)
    app.left_margin, app.right_margin = Mm(20), Mm(20)
    app.header.is_linked_to_previous = True
    para(doc, "Phụ lục", bold=True)
    para(doc, "PHÂN CÔNG THỰC HIỆN NHIỆM VỤ", bold=True)
    para(
        doc,
        "(Kèm theo Kế hoạch số {{ number_text }}/{{ symbol }} ngày {{ date_short }} của {{ issuer_name }})",
        italic=True,
        after=12,
    )
    cols = [
        "TT",
        "Tiêu chí",
        "Nội dung",
        "Giải pháp thực hiện",
        "Lãnh đạo phụ trách",
        "Đơn vị thực hiện",
        "Người phụ trách",
        "Đơn vị phối hợp",
        "Thời gian hoàn thành",
    ]
    widths = [9, 28, 52, 46, 24, 28, 26, 26, 18]  # 257 mm: the landscape text width
    # Rows are looped per criterion, so that {% vm %} (which merges over its innermost loop)
    # merges each criterion's cells and restarts for the next one.
    table = doc.add_table(rows=6, cols=len(cols))
    table.style = doc.styles["Table Grid"]
    for cell, name in zip(table.rows[0].cells, cols, strict=True):
        para(cell, name, size=12, bold=True)
    _repeat_header(table.rows[0])
    para(table.rows[1].cells[0], "{%tr for group in table %}", size=12)
    para(table.rows[2].cells[0], "{%tr for row in group.rows %}", size=12)
    fields = [
        "{{ row.n }}",
        "{% vm %}{{ group.criterion }}",
        "{{ row.content }}",
        "{{ row.solution }}",
        "{{ row.leads }}",
        "{{ row.responsible }}",
        "{{ row.people }}",
        "{{ row.coordinating }}",
        "{{ row.deadline }}",
    ]
    for cell, text in zip(table.rows[3].cells, fields, strict=True):
        para(cell, text, size=12, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cant_split(table.rows[3])
    para(table.rows[4].cells[0], "{%tr endfor %}", size=12)
    para(table.rows[5].cells[0], "{%tr endfor %}", size=12)
    _widths(table, widths)
    OUT.parent.mkdir(exist_ok=True)
    doc.core_properties.author = "vanban"
    doc.core_properties.title = "Mẫu kế hoạch (NĐ 30/2020/NĐ-CP)"
    doc.save(str(OUT))
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    build()
