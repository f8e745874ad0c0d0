"""Read OCR'd text and markdown (the seed plans) into blocks.

The source text is the decoded file itself, so block offsets point straight into it. What the
reader undoes, always through :class:`MappedText` so offsets survive:

* markdown emphasis and headings (``**…**``, ``*…*``, ``## …``), escaped characters;
* HTML fragments inside table cells (``<b>``, ``<p>``, ``<ul><li>``);
* LaTeX-like maths (``$\\geq 30$`` → ``≥ 30``);
* tab-separated rows → table cells; consecutive rows (across blank lines) form one table;
* page furniture inside a table (short upper-case lines such as ``BÌNH THỦY``) is dropped
  with a diagnostic, so the table continues.
"""

from __future__ import annotations

import re

from vanban.errors import EmptyFileError
from vanban.mapped import MappedText
from vanban.model import BlockKind, Document, SourceFormat
from vanban.parse.read.builder import DocumentBuilder

_HEADING = re.compile(r"^(#{1,6})\s+")
_LIST = re.compile(r"^\s*(?:[-+•]|\*(?=\s))\s*")
_MATH = re.compile(r"\$\s*(.*?)\s*\$")
_TEX = {
    r"\geq": "≥",
    r"\leq": "≤",
    r"\ge": "≥",
    r"\le": "≤",
    r"\%": "%",
    r"\times": "×",
    r"\pm": "±",
}
_TEX_RX = re.compile("|".join(re.escape(k) for k in sorted(_TEX, key=len, reverse=True)))
_HTML_BREAK = re.compile(r"</?(?:p|br|div|ul|ol)(?:\s[^>]*)?/?>", re.I)
_HTML_LI = re.compile(r"<li(?:\s[^>]*)?>\s*(?:-\s*)?", re.I)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPHASIS = re.compile(r"\*{1,3}|(?<!\w)_{1,3}|_{1,3}(?!\w)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")


def _page_furniture(line: str) -> bool:
    """A short line of capitals only (a running page header left by OCR)."""
    s = line.strip()
    return 0 < len(s) <= 30 and s == s.upper() and any(c.isalpha() for c in s) and not re.search(r"\d", s)


def _clean(mt: MappedText) -> MappedText:
    """Remove markup, keeping offsets. Cell HTML becomes line breaks and '- ' bullets."""
    text = mt.text  # each kind of markup needs its own character: most lines have none
    if "$" in text:
        mt = mt.sub(_MATH, lambda m: _TEX_RX.sub(lambda t: _TEX[t.group(0)], m.group(1)).replace("\\", ""))
    if "<" in mt.text:
        mt = mt.sub(_HTML_LI, "\n- ")
        mt = mt.sub(_HTML_BREAK, "\n")
        mt = mt.sub(_HTML_TAG, "")
    if "\\" in mt.text:
        mt = mt.sub(_ESCAPE, r"\1")
    if "*" in mt.text or "_" in mt.text:
        mt = mt.sub(_EMPHASIS, "")
    return mt


def _line_kind(text: str) -> tuple[BlockKind, int | None, int]:
    """Block kind, heading level, and how many leading characters are markup."""
    m = _HEADING.match(text)
    if m:
        return "heading", len(m.group(1)), m.end()
    if _LIST.match(text) and not text.lstrip().startswith("**"):
        return "list_item", None, 0
    return "paragraph", None, 0


def read_text(path: str, data: bytes, fmt: SourceFormat = "txt") -> Document:
    """Read a ``.txt``/``.md`` plan. Raises :class:`EmptyFileError` when it holds no text."""
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        source = data.decode("cp1258", errors="replace")
    if not source.strip():
        raise EmptyFileError("tệp rỗng, không có nội dung.", path=path, hint="Hãy kiểm tra lại tệp nguồn.")
    b = DocumentBuilder(path, fmt, data, source_text=source)
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in source.splitlines(keepends=True):
        lines.append((pos, line.rstrip("\r\n")))
        pos += len(line)

    table_no = -1
    row_no = 0
    in_table = False
    for i, (start, line) in enumerate(lines):
        if not line.strip():
            continue
        if "\t" in line:
            if not in_table:
                table_no += 1
                row_no = 0
                in_table = True
            _add_row(b, start, line, table_no, row_no)
            row_no += 1
            continue
        if in_table and _page_furniture(line) and _table_resumes(lines, i + 1):
            b.warn("W001", f"Bỏ dòng đầu trang lẫn trong bảng: «{line.strip()}».")
            continue
        if in_table:
            in_table = False
        kind, level, skip = _line_kind(line)
        mt = _clean(MappedText.from_source(line, start).slice(skip))
        raw_bold = line.strip().startswith("**") or line.strip().startswith("<b>")
        raw_italic = bool(re.match(r"^\s*\*(?!\*)\S", line)) or bool(re.match(r"^\s*\d[\d.]*\s*\*", line))
        b.add_mapped(mt, kind, level=level, bold=raw_bold, italic=raw_italic)
    doc = b.build()
    if not doc.blocks:
        raise EmptyFileError("tệp không có chữ nào đọc được.", path=path, hint="Hãy kiểm tra lại tệp nguồn.")
    return doc


def _table_resumes(lines: list[tuple[int, str]], i: int) -> bool:
    """After page furniture, does the table go on (next real line is a tab row)?"""
    for _, ln in lines[i:]:
        if not ln.strip() or _page_furniture(ln):
            continue
        return "\t" in ln
    return False


def _add_row(b: DocumentBuilder, start: int, line: str, table: int, row: int) -> None:
    col = 0
    cell_start = 0
    for part in line.split("\t"):
        mt = _clean(MappedText.from_source(part, start + cell_start))
        bold = "<b>" in part or part.strip().startswith("**")
        # An empty cell makes no block, but its column still counts (col keeps the position).
        b.add_mapped(mt, "table_cell", table=table, row=row, col=col, bold=bold)
        cell_start += len(part) + 1
        col += 1
