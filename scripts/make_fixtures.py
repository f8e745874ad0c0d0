"""Make the DOCX and PDF test fixtures from two seed plans.

    .venv/bin/python scripts/make_fixtures.py

Writes tests/fixtures/seed000.docx, seed000.pdf, seed002.docx, seed002.pdf (and seed002-locked.pdf,
the same PDF with an open password, when this LibreOffice can make one). Each seed text becomes
a Word document laid out like a real plan: the header as a borderless two-column table (issuer |
quốc hiệu and tiêu ngữ; "Số: …" | place and date), body paragraphs, the signature block as a
borderless two-column table (Nơi nhận | signer) and, for seed 000, the appendix's tab-separated
rows as a ruled Word table with a two-row repeated header. LibreOffice (``soffice``) converts each
DOCX to PDF. The DOCX files are byte-for-byte reproducible; the PDFs differ only in their dates
and IDs.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
OUT = ROOT / "tests" / "fixtures"

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Seed:
    name: str
    source: str
    issuer: str


SEED_LIST = (
    Seed("seed002", "002_c1c5aafbc76b6be8.txt", "UBND THỊ TRẤN HÀ TRUNG"),
    Seed("seed000", "000_9f388ce2cba106c8.txt", "BCĐ XÂY DỰNG ĐÔ THỊ VĂN MINH"),
)


def clean(text: str) -> str:
    """Drop the seeds' markdown and HTML fragments and their LaTeX-like maths."""
    text = re.sub(r"</?(b|p|ul|li|br)\s*/?>", "", text)
    text = text.replace("\\leq", "≤").replace("\\geq", "≥").replace("\\%", "%").replace("$", "")
    text = re.sub(r"^#+\s*", "", text.strip()).replace("**", "")
    return re.sub(r"\s+", " ", text).strip()


def runs(line: str) -> list[tuple[str, bool]]:
    """Split a cleaned line on single ``*`` into (text, italic) runs."""
    parts = line.replace("**", "").split("*")
    return [(p, i % 2 == 1) for i, p in enumerate(parts) if p]


def para(
    container: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 14,
    align: Any = WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    first: bool = False,
) -> Any:
    p = container.paragraphs[0] if first and container.paragraphs and not container.paragraphs[0].text else None
    p = p or container.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(3)
    if indent:
        p.paragraph_format.first_line_indent = Cm(1)
    for chunk, it in runs(text):
        r = p.add_run(chunk)
        r.bold, r.italic, r.font.size = bold, italic or it, Pt(size)
    return p


def mark_header_row(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    trpr.append(el)


def widths(table: Any, *cms: float) -> None:
    """Column widths that both Word (tcW) and LibreOffice (tblGrid) follow."""
    table.autofit = False
    for col, w in zip(table.columns, cms, strict=True):
        col.width = Cm(w)
        for cell in col.cells:
            cell.width = Cm(w)


def header(doc: Any, seed: Seed, number: str, date: str) -> None:
    t = doc.add_table(rows=2, cols=2)
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(t, 5.5, 10.5)
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(t.cell(0, 0), seed.issuer, bold=True, size=13, align=center, first=True)
    para(t.cell(0, 1), QUOC_HIEU, bold=True, size=12, align=center, first=True)
    para(t.cell(0, 1), TIEU_NGU, bold=True, size=14, align=center)
    para(t.cell(1, 0), number, size=13, align=center, first=True)
    para(t.cell(1, 1), date, italic=True, size=14, align=center, first=True)


def signature(doc: Any, recipients: list[str], signer: list[str]) -> None:
    t = doc.add_table(rows=1, cols=2)
    widths(t, 7.5, 8.5)
    t.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # keep the block on one page
    left, right = t.cell(0, 0), t.cell(0, 1)
    para(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    for r in recipients:
        para(left, r, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for i, line in enumerate(signer[:-1]):
        para(right, line, bold=True, size=14, align=center, first=i == 0)
    for _ in range(3):
        right.add_paragraph()
    para(right, signer[-1], bold=True, size=14, align=center)


def appendix_table(doc: Any, rows: list[list[str]]) -> None:
    """The appendix: two header rows (merged), then the data rows; officials merged down their group."""
    t = doc.add_table(rows=len(rows), cols=4)
    t.style = doc.styles["Table Grid"]
    widths(t, 1.2, 8.3, 3.8, 2.7)
    top = t.cell(0, 0).merge(t.cell(1, 0))
    content = t.cell(0, 1).merge(t.cell(1, 1))
    assign = t.cell(0, 2).merge(t.cell(0, 3))
    for cell, text in (
        (top, "TT"),
        (content, "Nội dung tiêu chí"),
        (assign, "Phân công người phụ trách"),
        (t.cell(1, 2), "Họ và tên"),
        (t.cell(1, 3), "Chức vụ"),
    ):
        para(cell, text, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, first=True)
    mark_header_row(t.rows[0])
    mark_header_row(t.rows[1])
    for row in t.rows:  # rows move whole to the next page, so PDF rows match DOCX rows
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    origin: dict[int, int] = {}
    spans: list[tuple[int, int, int]] = []
    for r, cells in enumerate(rows[2:], start=2):
        for c in (2, 3):
            if cells[c].strip():
                origin[c] = r
            elif not cells[0].strip() and c in origin:
                spans.append((c, origin[c], r))
        for c, raw in enumerate(cells):
            text = clean(raw)
            if text:
                bold = "<b>" in raw
                align = WD_ALIGN_PARAGRAPH.CENTER if c == 0 else WD_ALIGN_PARAGRAPH.LEFT
                para(t.cell(r, c), text, bold=bold, size=12, align=align, first=True)
    last: dict[tuple[int, int], int] = {}
    for c, o, r in spans:
        last[(c, o)] = max(last.get((c, o), r), r)
    for (c, o), r in sorted(last.items()):
        t.cell(o, c).merge(t.cell(r, c))


def new_document() -> Any:
    """An A4 document in Times New Roman 14 with NĐ 30 margins and fixed metadata (reproducible)."""
    doc = docx.Document()
    doc.core_properties.created = doc.core_properties.modified = dt.datetime(2024, 1, 1)
    doc.core_properties.last_modified_by = doc.core_properties.author = "vanban"
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(2), Cm(2), Cm(3), Cm(2)
    return doc


def build(seed: Seed) -> bytes:
    lines = [ln.rstrip() for ln in (SEEDS / seed.source).read_text(encoding="utf-8").splitlines()]
    stripped = [clean(ln) for ln in lines]
    i_num = next(i for i, s in enumerate(stripped) if s.startswith("Số:"))
    i_date = next(i for i in range(i_num + 1, len(lines)) if stripped[i])
    i_recv = next(i for i, s in enumerate(stripped) if s.startswith("Nơi nhận"))
    i_app = next((i for i, s in enumerate(stripped) if s.startswith("Phụ lục")), len(lines))

    doc = new_document()
    header(doc, seed, stripped[i_num], stripped[i_date])
    in_bold = False
    body = [ln for ln in lines[i_date + 1 : i_recv] if ln.strip()]
    for k, raw in enumerate(body):
        s = re.sub(r"^#+\s*", "", raw.strip())
        bold = in_bold or s.startswith("**") or bool(re.match(r"^[IVX]+\.\s", s))
        if s.count("**") % 2:
            in_bold = not in_bold
        if k < 2:  # tên loại (KẾ HOẠCH) and trích yếu
            para(doc, clean(s), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        else:
            para(doc, clean(s), bold=bold, indent=True)

    recipients: list[str] = []
    signer: list[str] = []
    for s in stripped[i_recv + 1 : i_app]:
        if not s:
            continue
        if s.startswith("-") and not signer:
            recipients.append(s)
        else:
            signer.append(s.replace("**", ""))
    signature(doc, recipients, signer)

    if i_app < len(lines):
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        table_rows: list[list[str]] = []
        for raw, text in zip(lines[i_app:], stripped[i_app:], strict=True):
            if "\t" in raw:
                table_rows.append([*raw.split("\t"), "", "", "", ""][:4])
            elif text and not table_rows:
                para(doc, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        appendix_table(doc, table_rows)

    buf = io.BytesIO()
    doc.save(buf)
    return reproducible_zip(buf.getvalue())


def reproducible_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and order so the same input gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def to_pdf(docx_path: Path, pdf_path: Path, export: str = "pdf") -> bool:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        sys.exit("make_fixtures: cần LibreOffice (soffice) để tạo PDF; hãy chạy scripts/setup.sh trước.")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        cmd = [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            export,
            "--outdir",
            tmp,
            str(docx_path),
        ]
        subprocess.run(cmd, check=True, capture_output=True, timeout=300)
        made = Path(tmp) / (docx_path.stem + ".pdf")
        if not made.exists():
            return False
        shutil.copyfile(made, pdf_path)
    return True


LOCKED_EXPORT = (
    'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
    '"DocumentOpenPassword":{"type":"string","value":"vanban"}}'
)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for seed in SEED_LIST:
        docx_path = OUT / f"{seed.name}.docx"
        docx_path.write_bytes(build(seed))
        to_pdf(docx_path, OUT / f"{seed.name}.pdf")
        print(f"make_fixtures: {docx_path.relative_to(ROOT)}, {seed.name}.pdf")
    locked = OUT / "seed002-locked.pdf"
    if to_pdf(OUT / "seed002.docx", locked, LOCKED_EXPORT) and b"/Encrypt" in locked.read_bytes():
        print("make_fixtures: tests/fixtures/seed002-locked.pdf")
    else:
        locked.unlink(missing_ok=True)
        print("make_fixtures: LibreOffice này không tạo được PDF có mật khẩu; bỏ qua seed002-locked.pdf")


if __name__ == "__main__":
    main()
