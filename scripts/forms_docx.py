"""The Word side of scripts/make_forms.py: a reference plan read into a neutral layout (:class:`Plan`),
written as a DOCX in the NĐ 30 layout, and the Word-like variants of that DOCX (tables split
where the column count changes, header rows not repeated, appendix in a landscape section).

The paragraph, header, signature and seed-000 appendix helpers are those of
scripts/make_fixtures.py, imported.
"""

from __future__ import annotations

import copy
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from make_fixtures import (
    Seed,
    appendix_table,
    header,
    mark_header_row,
    new_document,
    para,
    reproducible_zip,
    signature,
    widths,
)

from vanban.api import read, to_record
from vanban.model import Block, Item

PORTRAIT_WIDTH = 16.0  # cm of text on A4 portrait (21 − 3 − 2)
LANDSCAPE_WIDTH = 24.7  # cm of text on A4 landscape (29.7 − 3 − 2)
MIN_COL = 2.0  # cm, the narrowest column that is not a number column
CENTER, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT


@dataclass
class Para:
    text: str
    bold: bool = False
    center: bool = False
    italic: bool = False


@dataclass
class Cell:
    row: int
    col: int
    text: str
    rows: int = 1
    cols: int = 1
    bold: bool = False


@dataclass
class Grid:
    """A table as a grid of cells with their spans; ``header_rows`` rows repeat on each page."""

    n_rows: int
    n_cols: int
    cells: list[Cell]
    header_rows: int = 1


@dataclass
class RawRows:
    """Seed 000's appendix: its OCR'd tab-separated rows, for make_fixtures.appendix_table."""

    rows: list[list[str]]


Element = Para | Grid | RawRows


@dataclass
class Plan:
    name: str
    issuer: list[str]
    number: str
    date: str
    title: list[Para]
    body: list[Element] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer: list[str] = field(default_factory=list)
    appendix: list[Element] = field(default_factory=list)


# --- reading the reference ----------------------------------------------------------------------

_QUOC_HIEU = re.compile(r"CỘNG H[OÒ]A|Độc lập|^[-_–—. ]+$", re.IGNORECASE)
_DATE_LINE = re.compile(r"ngày\b.*\bnăm\b", re.IGNORECASE)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _is_name(text: str) -> bool:
    return text != text.upper() and len(text.split()) <= 5 and not text.startswith(("-", "("))


def _bold(b: Block, txt: bool) -> bool:
    if not txt or b.bold:
        return b.bold
    return "**" in b.raw or b.kind == "heading" or bool(re.match(r"^([IVX]+|[A-Z])\.\s", b.text))


def extract_plan(name: str, path: Path) -> Plan:
    """The reference plan's text and tables, laid out for rebuilding (see make_forms' docstring)."""
    doc = read(path)
    rec = to_record(doc)
    blocks = doc.blocks
    txt = doc.format in ("txt", "md")
    src = rec.header.sources
    doc_type = rec.header.doc_type or "KẾ HOẠCH"
    i_type = (
        src["doc_type"].block
        if "doc_type" in src
        else next(b.index for b in blocks if b.text.upper().startswith(doc_type))
    )
    head = [ln.strip() for b in blocks[:i_type] for ln in b.text.split("\n") if ln.strip()]
    number = next((ln for ln in head if re.match(r"Số\b", ln)), "")
    date = next((ln for ln in head if _DATE_LINE.search(ln) and ln != number), "")
    issuer = [ln for ln in head if ln not in (number, date) and not _QUOC_HIEU.search(ln)]
    if not issuer:  # the OCR lost the issuer block: the one the parser found elsewhere
        issuer = [s.upper() for s in (rec.header.parent_issuer, rec.header.issuer) if s]

    title = [Para(blocks[i_type].text, bold=True, center=True)]
    j = i_type + 1
    while (
        j < len(blocks)
        and blocks[j].table is None
        and blocks[j].text
        and _norm(blocks[j].text) in _norm(rec.header.title or "")
    ):
        title.append(Para(blocks[j].text, bold=True, center=True))
        j += 1

    i_close = next((b.index for b in blocks[j:] if b.text.startswith("Nơi nhận")), len(blocks))
    plan = Plan(name, issuer, number, date, title)
    if i_close == len(blocks):  # no closing found: everything is body
        end = i_close
    elif blocks[i_close].table is not None:  # a signature table: Nơi nhận | signer
        t = blocks[i_close].table
        cells = [b for b in blocks if b.table == t]
        plan.recipients = [ln for ln in blocks[i_close].text.split("\n")[1:] if ln.strip()]
        plan.signer = [ln for b in cells if b is not blocks[i_close] for ln in b.text.split("\n") if ln.strip()]
        end = cells[-1].index + 1
    else:
        k = i_close + 1
        while k < len(blocks) and blocks[k].text.startswith("-"):
            plan.recipients.append(blocks[k].text)
            k += 1
        while k < len(blocks) and blocks[k].table is None and len(plan.signer) < 5:
            plan.signer.append(blocks[k].text)
            k += 1
            if _is_name(plan.signer[-1]):
                break
        end = k
    plan.body = _flow(blocks[j:i_close], doc, rec.items, txt, appendix=False)
    plan.appendix = _flow(blocks[end:], doc, rec.items, txt, appendix=True)
    return plan


def _flow(blocks: Any, doc: Any, items: Any, txt: bool, *, appendix: bool) -> list[Element]:
    out: list[Element] = []
    seen: set[int] = set()
    for b in blocks:
        if b.table is None:
            title = appendix and not seen
            out.append(
                Para(
                    b.text,
                    bold=_bold(b, txt) or (title and not b.text.startswith("(")),
                    center=title,
                    italic=title and b.text.startswith("("),
                )
            )
        elif b.table not in seen:
            seen.add(b.table)
            cells = [c for c in doc.blocks if c.table == b.table]
            out.append(_table(b.table, cells, [i for i in items if i.id.startswith(f"T{b.table}.")], doc, txt))
    return out


def _table(t: int, cells: list[Block], items: list[Item], doc: Any, txt: bool) -> Element:
    if txt and items:
        return assignment_grid(cells, items)
    if txt:
        start, end = cells[0].start, cells[-1].end
        first = doc.source_text.rfind("\n", 0, start) + 1
        rows = [[*ln.split("\t"), "", "", "", ""][:4] for ln in doc.source_text[first:end].split("\n") if "\t" in ln]
        if rows and rows[0][0].strip() == "TT" and "Phân công" in rows[0][2]:
            return RawRows(rows)
    return block_grid(cells)


# Columns of an assignment table, by a word of their header (first match wins), and what fills them.
_COLUMNS: list[tuple[str, Any]] = [
    ("nội dung", lambda i: f"{i.label.rsplit('.', 1)[-1]}. {i.text}" if i.label else i.text),
    ("giải pháp", lambda i: i.solution or ""),
    ("lãnh đạo", lambda i: "; ".join(i.leads)),
    ("phối hợp", lambda i: "; ".join(i.coordinating)),
    ("thực hiện", lambda i: "; ".join(i.responsible)),
    ("thời gian", lambda i: i.deadline.text if i.deadline else ""),
    ("tiêu chí", lambda i: i.section[0] if i.section else ""),
]


def assignment_grid(cells: list[Block], items: list[Item]) -> Grid:
    """One clean row per table item under the reference's column headers; the criterion cell
    merged down over the rows of its indicators."""
    heads = [c.text for c in sorted((c for c in cells if c.row == 0), key=lambda c: c.col or 0)]
    fill = [next((f for word, f in _COLUMNS if word in h.casefold()), lambda i: "") for h in heads]
    out = [Cell(0, k, h, bold=True) for k, h in enumerate(heads)]
    crit_col = next((k for k, h in enumerate(heads) if "tên tiêu chí" in h.casefold()), None)
    start = 1
    for r, item in enumerate(items, start=1):
        for k, f in enumerate(fill):
            if k != crit_col:
                out.append(Cell(r, k, f(item)))
        last = r == len(items) or items[r].section[:1] != item.section[:1]
        if crit_col is not None and last:
            out.append(Cell(start, crit_col, item.section[0] if item.section else "", rows=r - start + 1))
            start = r + 1
    return Grid(len(items) + 1, len(heads), out)


def block_grid(cells: list[Block]) -> Grid:
    rows = max((c.row or 0) + c.row_span for c in cells)
    cols = max((c.col or 0) + c.col_span for c in cells)
    out = [Cell(c.row or 0, c.col or 0, c.text, c.row_span, c.col_span, c.bold) for c in cells]
    return Grid(rows, cols, out)


# --- writing the DOCX ----------------------------------------------------------------------------


def col_widths(g: Grid, total: float) -> list[float]:
    """Narrow columns for numbers (TT), the rest by the square root of their mean text length."""
    texts: list[list[str]] = [[] for _ in range(g.n_cols)]
    for c in g.cells:
        if c.row >= g.header_rows and c.cols == 1:
            texts[c.col].append(c.text)
    longest = [max((len(t) for t in col), default=0) for col in texts]
    weight = [max(3.0, sum(map(len, col)) / max(1, len(col))) ** 0.5 for col in texts]
    out = [1.2 if n <= 4 else 0.0 for n in longest]
    while True:  # the others share what is left by weight, none under MIN_COL cm
        free = [k for k, w in enumerate(out) if not w]
        if not free:
            return out
        left = total - sum(out)
        share = {k: left * weight[k] / sum(weight[f] for f in free) for k in free}
        small = [k for k in free if share[k] < MIN_COL]
        if not small or len(small) == len(free):
            return [out[k] or share[k] for k in range(len(out))]
        for k in small:
            out[k] = MIN_COL


def add_grid(doc: Any, g: Grid, total: float) -> Any:
    t = doc.add_table(rows=g.n_rows, cols=g.n_cols)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths(t, *col_widths(g, total))
    for c in g.cells:
        if c.rows > 1 or c.cols > 1:
            t.cell(c.row, c.col).merge(t.cell(c.row + c.rows - 1, c.col + c.cols - 1))
    cells = t._cells  # t.cell() walks the whole table each time
    for c in g.cells:
        head = c.row < g.header_rows
        align = CENTER if head or len(c.text) <= 4 else LEFT
        for k, line in enumerate(c.text.split("\n")):
            para(cells[c.row * g.n_cols + c.col], line, bold=c.bold or head, size=12, align=align, first=k == 0)
    for r in range(g.header_rows):
        mark_header_row(t.rows[r])
    return t


def fit(table: Any, total: float) -> None:
    """Scale a table's column widths to ``total`` cm."""
    now = [col.width or Cm(1) for col in table.columns]
    widths(table, *(total * w / sum(now) for w in now))


def build_docx(plan: Plan, *, repeat: bool = True, landscape: bool = False) -> bytes:
    """The plan as a DOCX in the NĐ 30 layout. ``repeat``: header rows marked to repeat on each
    page; ``landscape``: the appendix (the part after the signature) in an A4 landscape section."""
    doc = new_document()
    header(doc, Seed(plan.name, "", plan.issuer[0] if plan.issuer else ""), plan.number, plan.date)
    for line in plan.issuer[1:]:
        para(doc.tables[-1].cell(0, 0), line, bold=True, size=13, align=CENTER)
    for p in plan.title:
        para(doc, p.text, bold=True, align=CENTER)
    _write(doc, plan.body, PORTRAIT_WIDTH)
    signature(doc, plan.recipients, plan.signer or [""])
    if plan.appendix:
        total = PORTRAIT_WIDTH
        if landscape and any(not isinstance(e, Para) for e in plan.appendix):
            sec = doc.add_section(WD_SECTION.NEW_PAGE)
            sec.orientation = WD_ORIENT.LANDSCAPE
            sec.page_width, sec.page_height = Cm(29.7), Cm(21)
            total = LANDSCAPE_WIDTH
        else:
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _write(doc, plan.appendix, total)
    if not repeat:
        for el in list(doc.element.body.iter(qn("w:tblHeader"))):
            el.getparent().remove(el)
    buf = io.BytesIO()
    doc.save(buf)
    return reproducible_zip(buf.getvalue())


def _write(doc: Any, flow: list[Element], total: float) -> None:
    for e in flow:
        if isinstance(e, Para):
            align = CENTER if e.center else WD_ALIGN_PARAGRAPH.JUSTIFY
            para(doc, e.text, bold=e.bold, italic=e.italic, align=align, indent=not e.center)
        elif isinstance(e, Grid):
            add_grid(doc, e, total)
        else:
            appendix_table(doc, e.rows)
            if total != PORTRAIT_WIDTH:
                fit(doc.tables[-1], total)


# --- splitting tables the way Word does with merged or missing cells -----------------------------


def _cells(tr: Any) -> list[tuple[Any, int, int, str | None]]:
    """(tc, first grid column, span, vMerge: None | 'restart' | 'continue') of a row."""
    out, col = [], 0
    for tc in tr.findall(qn("w:tc")):
        pr = tc.find(qn("w:tcPr"))
        span_el = pr.find(qn("w:gridSpan")) if pr is not None else None
        vm = pr.find(qn("w:vMerge")) if pr is not None else None
        span = int(span_el.get(qn("w:val"))) if span_el is not None else 1
        state = None if vm is None else (vm.get(qn("w:val")) or "continue")
        out.append((tc, col, span, state))
        col += span
    return out


def _text(tc: Any) -> str:
    return "".join(t.text or "" for t in tc.iter(qn("w:t"))).strip()


def _piece(tbl: Any, rows: list[Any], drop: frozenset[int], keep_header: bool) -> Any:
    """A new table of ``rows`` (copies) without the grid columns ``drop``."""
    new = OxmlElement("w:tbl")
    new.append(copy.deepcopy(tbl.find(qn("w:tblPr"))))
    grid = OxmlElement("w:tblGrid")
    for k, gc in enumerate(tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol"))):
        if k not in drop:
            grid.append(copy.deepcopy(gc))
    new.append(grid)
    for tr in rows:
        tr = copy.deepcopy(tr)
        for tc, col, span, _ in _cells(tr):
            if span == 1 and col in drop:
                tr.remove(tc)
        if not keep_header:
            for el in list(tr.iter(qn("w:tblHeader"))):
                el.getparent().remove(el)
        new.append(tr)
    _mend_merges(new)
    return new


def _mend_merges(tbl: Any) -> None:
    """Drop vMerge marks left without a partner by the cut: a restart with nothing below, a continue
    with nothing above."""
    rows = [{col: (tc, st) for tc, col, _, st in _cells(tr)} for tr in tbl.findall(qn("w:tr"))]
    for r, row in enumerate(rows):
        for col, (tc, st) in row.items():
            above = r > 0 and col in rows[r - 1] and rows[r - 1][col][1] is not None
            below = r + 1 < len(rows) and rows[r + 1].get(col, (None, None))[1] == "continue"
            if (st == "restart" and not below) or (st == "continue" and not above):
                vm = tc.find(qn("w:tcPr")).find(qn("w:vMerge"))
                vm.getparent().remove(vm)
                row[col] = (tc, None)


def _split_points(tbl: Any) -> list[tuple[list[Any], frozenset[int]]]:
    """The table as consecutive (rows, grid columns to drop) pieces."""
    trs = tbl.findall(qn("w:tr"))
    n_cols = len(tbl.find(qn("w:tblGrid")).findall(qn("w:gridCol")))
    n_head = 0
    while n_head < len(trs) and trs[n_head].find(f".//{qn('w:tblHeader')}") is not None:
        n_head += 1
    n_head = max(1, n_head)
    head, body = trs[:n_head], trs[n_head:]
    texts = [[_text(tc) for tc, *_ in _cells(tr)] for tr in body]
    # A group row (I, II, … with its title) loses the empty columns; a row with vertically merged
    # cells loses the merged columns; other rows keep every column.
    keys: list[tuple[str, frozenset[int]]] = []
    for tr, t in zip(body, texts, strict=True):
        cont = frozenset(c for _, c, _, st in _cells(tr) if st == "continue")
        if not cont and n_cols >= 4 and len(t) >= 2 and t[1] and not any(t[2:]):
            keys.append(("group", frozenset(range(2, n_cols))))
        else:
            keys.append(("merged" if cont else "full", cont))
    starts = [
        k for k in range(1, len(body)) if keys[k][0] == "group" or (keys[k][0], keys[k - 1][0]) == ("full", "merged")
    ]
    if starts:  # the first group whole, then each run of rows alike a table of its own
        first = starts[0]
        runs: list[tuple[list[Any], frozenset[int]]] = [(head + body[:first], frozenset())]
        for k in range(first, len(body)):
            if k == first or keys[k] != keys[k - 1] or keys[k][0] == "group":
                runs.append(([body[k]], keys[k][1]))
            else:
                runs[-1][0].append(body[k])
        return runs
    half = len(body) // 2
    empty = frozenset(c for c in range(n_cols) if all(len(t) == n_cols and not t[c] for t in texts[half:]))
    return [(head + body[:half], frozenset()), (body[half:], empty)]


def split_tables(data: bytes, min_rows: int = 5) -> bytes:
    """Each table of at least ``min_rows`` rows becomes consecutive tables, an empty paragraph
    between them, with the header row(s) only in the first."""
    doc = docx.Document(io.BytesIO(data))
    body = doc.element.body
    for tbl in body.findall(qn("w:tbl")):
        if len(tbl.findall(qn("w:tr"))) < min_rows:
            continue
        pieces = _split_points(tbl)
        at = tbl
        for k, (rows, drop) in enumerate(pieces):
            if k:
                gap = OxmlElement("w:p")
                at.addnext(gap)
                at = gap
            new = _piece(tbl, rows, drop, keep_header=k == 0)
            at.addnext(new)
            at = new
        body.remove(tbl)
    buf = io.BytesIO()
    doc.save(buf)
    return reproducible_zip(buf.getvalue())
