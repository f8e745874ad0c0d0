"""Logical tables: the tables a reader found, joined into the tables the author wrote.

A reader reports each physical table it sees (a PDF page's ruled table, a Word table, a run of
tab-separated OCR rows) as ``table_cell`` blocks with the reader's table number, row, column,
spans and, where the format places text, a box. This module joins them, for every format alike:

* a table continued after a page break **with its header row(s) repeated** is one table; the
  repeat is dropped;
* a table continued **without** a repeated header is joined to the one before when its columns
  line up — the same number of columns and, where boxes are known, the same column edges within a
  tolerance; a Word table split into several consecutive tables (a different column count because
  of merged or missing cells) is joined when each of its columns maps onto one of the first's;
* only when nothing lies between them but page furniture (removed before: running headers,
  page numbers, stamps);
* a row cut by a page break (a cell of it carries on a sentence, in lower case, and none starts a
  numbered item) is rejoined to the row before;
* a vertically merged cell gives its value to every row it spans (the same block, repeated), also
  when a page break cuts it (the rows at the top of the next page with nothing in that column).

The result keeps the reader's blocks (their offsets and pages) with logical coordinates: ``table``
the logical table, ``row`` the row within it, ``col`` the column of the first part's grid.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from vanban.model import Block, Document
from vanban.parse.vocab import column_role

_EDGE_TOLERANCE = 0.03  # share of the table's width
_FIT = 1.0  # the most a continuation's column may differ from the one it lands on (see _misfit)
_CONTINUES = re.compile(r"^[a-zà-ỹđ,;:)]")  # a cell that carries on a sentence
_ITEM_START = re.compile(r"^\(?(?:\d{1,2}(?:\.\d{1,2})*|[a-zđ])[.)]\s|^\d{1,3}\.?$")  # "2.1. …", "a) …", "7"
_NUMBERING_ROW = re.compile(r"^\(?\s*\d{1,2}\s*\)?$")


@dataclass(frozen=True)
class LogicalTable:
    """One table as its author wrote it.

    ``cells``: every cell once per row it covers (a vertically merged cell is repeated in each row it
    spans, with ``row_span`` 1 on the repeats); ``header_rows``: how many leading rows are the header;
    ``parts``: the reader's table numbers joined into it; ``grid``: whether columns come from a real
    grid (Word, ruled PDF or scan) rather than OCR'd tab-separated rows, whose cells may be shifted.
    """

    index: int
    cells: tuple[Block, ...]
    header_rows: int
    ncols: int
    parts: tuple[int, ...]
    pages: tuple[int, ...]
    grid: bool

    @cached_property
    def rows(self) -> dict[int, list[Block]]:
        out: dict[int, list[Block]] = {}
        for c in self.cells:
            out.setdefault(c.row or 0, []).append(c)
        return {r: sorted(cs, key=lambda c: c.col or 0) for r, cs in sorted(out.items())}

    @cached_property
    def _origin_rows(self) -> dict[int, int]:
        out: dict[int, int] = {}
        for c in self.cells:
            out[c.index] = min(out.get(c.index, c.row or 0), c.row or 0)
        return out

    def is_repeat(self, cell: Block) -> bool:
        """Is ``cell`` a merged cell's value repeated in a row below its first?"""
        return (cell.row or 0) > self._origin_rows.get(cell.index, cell.row or 0)

    def header(self) -> list[list[Block]]:
        return [cs for r, cs in self.rows.items() if r < self.header_rows]

    def body(self) -> list[tuple[int, list[Block]]]:
        return [(r, cs) for r, cs in self.rows.items() if r >= self.header_rows]


@dataclass
class _Part:
    """One reader table, on its way into a logical table."""

    number: int
    blocks: list[Block]
    rows: dict[int, list[Block]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for b in self.blocks:
            self.rows.setdefault(b.row or 0, []).append(b)
        for cs in self.rows.values():
            cs.sort(key=lambda c: c.col or 0)

    @property
    def ncols(self) -> int:
        return max((b.col or 0) + b.col_span for b in self.blocks)

    @property
    def first(self) -> int:
        return min(b.index for b in self.blocks)

    @property
    def last(self) -> int:
        return max(b.index for b in self.blocks)

    @property
    def pages(self) -> list[int]:
        return sorted({b.page for b in self.blocks if b.page is not None})

    def edges(self) -> dict[int, tuple[float, float]] | None:
        """The extent (x0, x1) of each grid column that has a cell of its own; None without boxes."""
        if any(b.box is None for b in self.blocks):
            return None
        spans: dict[int, tuple[float, float]] = {}
        for b in self.blocks:
            assert b.box is not None
            if b.col_span == 1:
                lo, hi = spans.get(b.col or 0, (b.box[0], b.box[2]))
                spans[b.col or 0] = (min(lo, b.box[0]), max(hi, b.box[2]))
        return spans


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _row_key(cells: Iterable[Block]) -> tuple[tuple[int, str], ...]:
    return tuple((c.col or 0, _norm(c.text)) for c in cells)


def header_rows(rows: dict[int, list[Block]]) -> int:
    """How many leading rows are the header: a row of short cells, most of which name a column
    role (``vocabulary.yaml: column_roles``), at least two roles in all; the short row under it that
    names more (``Họ và tên | Chức vụ``); and a numbering row (``(1) (2) (3)``)."""
    order = sorted(rows)
    for k, r in enumerate(order[:3]):
        if _is_header_row(rows[r], 2):
            n = k + 1
            if n < len(order) and _is_header_row(rows[order[n]], 1):
                n += 1
            if n < len(order) and all(_NUMBERING_ROW.match(c.text) for c in rows[order[n]]):
                n += 1
            return n
    return 0


def _is_header_row(cells: list[Block], min_roles: int) -> bool:
    if any(len(c.text) > 80 or re.match(r"^\d+\.\s", c.text) for c in cells):
        return False
    found = [r for r in (column_role(c.text) for c in cells if len(c.text) <= 50) if r]
    return len(set(found)) >= min_roles and 2 * len(found) >= len(cells)


def _repeated_header(prev: _Part, nheader: int, part: _Part) -> int:
    """How many leading rows of ``part`` repeat ``prev``'s header rows: all of them, or the first
    ones (Word repeats the rows marked as header; a numbering row "(1) (2) …" often is not); 0
    when the first does not."""
    ph = [_row_key(prev.rows[r]) for r in sorted(prev.rows)[:nheader]]
    mine = [_row_key(part.rows[r]) for r in sorted(part.rows)[:nheader]]
    k = 0
    while k < min(len(ph), len(mine)) and ph[k] == mine[k]:
        k += 1
    return k


def _column_map(
    prev: dict[int, tuple[float, float]] | None, width: float, part: _Part, ncols: int
) -> dict[int, int] | None:
    """Map ``part``'s columns onto the logical table's by their extents: the same columns when the
    counts agree (and the edges, where known, within a tolerance of the table's ``width``); when
    the counts differ, each column onto the one it overlaps most. None when they do not line up."""
    mine = part.edges()
    if part.ncols == ncols:
        if prev is None or mine is None:
            return {c: c for c in range(ncols)}
        tol = _EDGE_TOLERANCE * width
        ok = all(abs(mine[c][0] - prev[c][0]) <= tol and abs(mine[c][1] - prev[c][1]) <= tol for c in mine if c in prev)
        return {c: c for c in range(ncols)} if ok else None
    if not prev or not mine:
        return None
    out: dict[int, int] = {}
    for c, (lo, hi) in sorted(mine.items()):
        best, i = max((min(hi, p[1]) - max(lo, p[0]), i) for i, p in prev.items())
        if best < 0.6 * (hi - lo):
            return None  # a column that straddles two of the first table's: another table
        out[c] = i
    cols = list(out.values())
    if cols != sorted(cols) or len(set(cols)) != len(cols):
        return None
    # A column without a cell of its own keeps its distance from the mapped column on its left.
    for c in range(part.ncols):
        if c not in out:
            left = max((k for k in out if k < c), default=None)
            out[c] = c if left is None else out[left] + c - left
    return out


class _Builder:
    """Accumulates parts into one logical table."""

    def __init__(self, index: int, part: _Part, grid: bool) -> None:
        self.index, self.grid = index, grid
        self.parts = [part.number]
        self.ncols = part.ncols
        self.edges = part.edges()
        extents = list((self.edges or {}).values())
        self.width = max(e[1] for e in extents) - min(e[0] for e in extents) if extents else 0.0
        self.header_count = header_rows(part.rows)
        self.first_part = part
        self.cells: list[Block] = []
        self.next_row = 0
        self.last_part = part
        self.open_merges: dict[int, list[Block]] = {}  # column → a merged cell reaching the last row
        self._add(part, {c: c for c in range(self.ncols)}, skip=0, cut=False)
        logical = sorted({c.row or 0 for c in self.cells})
        # Rows before this one are the header (rows without text have no cells, hence the lookup).
        self.header_rows = logical[self.header_count - 1] + 1 if self.header_count else 0

    def _add(self, part: _Part, cmap: dict[int, int], skip: int, cut: bool) -> None:
        """Append ``part``'s rows from its ``skip``-th on, its columns mapped by ``cmap``."""
        rows = sorted(part.rows)[skip:]
        base = self.next_row - (rows[0] if rows else 0)
        last = rows[-1] if rows else -1
        merges: dict[int, list[Block]] = {}  # column → the blocks of the merged cell in it
        reaching: dict[int, list[Block]] = {}  # merged cells that reach the last row may go on
        for k, r in enumerate(rows):
            cells = part.rows[r]
            cont = k == 0 and cut and bool(self.cells) and _continues_row(cells)
            if cont:
                base -= 1  # a row cut by the page break: its rest joins the row before
            target = base + r
            filled = {cmap.get(c.col or 0, c.col or 0) for c in cells}
            for col, blocks in list(self.open_merges.items()):
                if cont:
                    continue
                if col in filled:
                    self.open_merges.pop(col)
                else:  # a merged cell cut by the page break goes on down this row
                    self.cells += [b.model_copy(update={"row": target, "row_span": 1}) for b in blocks]
            for c in cells:
                col = cmap.get(c.col or 0, c.col or 0)
                lc = c.model_copy(update={"table": self.index, "row": target, "col": col})
                self.cells.append(lc)
                if c.row_span == 1:
                    continue
                # A merged cell whose start the page break left on the page before: both parts.
                head = [b for b in self.cells[:-1] if cont and b.row == target and b.col == col]
                merges[col] = [*head, lc]
                for span in range(1, c.row_span):
                    self.cells += [b.model_copy(update={"row": target + span, "row_span": 1}) for b in merges[col]]
                if r + c.row_span - 1 >= last:
                    reaching[col] = merges[col]
            self.next_row = max(self.next_row, target + 1)
        self.open_merges = reaching
        self.last_part = part

    def try_join(self, part: _Part) -> bool:
        prev = self.last_part
        if part.first != prev.last + 1:
            return False  # text between the two (page furniture is gone by now)
        skip = _repeated_header(self.first_part, self.header_count, part)
        if not skip and header_rows(part.rows):
            return False  # a header of its own: another table
        cmap = _column_map(self.edges, self.width, part, self.ncols)
        missing = self.ncols - part.ncols
        if missing > 0 and not (cmap and self._on_edges(part, cmap)):
            candidates = [cmap] if cmap else []
            # Word drops the cells of columns merged down from the table before (a criterion name
            # over its indicators, a task over its two products): the continuation lacks them and
            # the other columns follow. Taken when those are grouping columns, or when the
            # continuation's columns read like the ones they land on.
            shifted = {c: c + missing for c in range(part.ncols)}
            grouping = all(self._grouping(c) for c in range(missing))
            if grouping or self._misfit(part, shifted) <= _FIT * part.ncols:
                candidates.append(shifted)
            # Geometry can mislead (a continuation drawn narrower): the columns' contents decide.
            cmap = min(candidates, key=lambda m: self._misfit(part, m), default=None)
        if cmap is None:
            return False
        cut = bool(prev.pages and part.pages and part.pages[0] > prev.pages[-1])
        if not cut:
            self.open_merges = {}
        self.parts.append(part.number)
        for c, extent in (part.edges() or {}).items():
            if self.edges is not None:
                self.edges.setdefault(cmap[c], extent)
        self._add(part, cmap, skip=skip, cut=cut)
        return True

    def _grouping(self, col: int) -> bool:
        """A column that groups rows: fewer distinct cells in it than half the body rows (a name
        merged down over several rows, or mostly empty)."""
        body = {c.row for c in self.cells if (c.row or 0) >= self.header_rows}
        distinct = {c.index for c in self.cells if c.col == col and (c.row or 0) >= self.header_rows}
        return len(body) >= 2 and len(distinct) < 0.5 * len(body)

    def _on_edges(self, part: _Part, cmap: dict[int, int]) -> bool:
        """Does every cell of ``part`` lie on the edges of the column it is mapped to (the same grid,
        as a PDF page's continued table draws it)?"""
        mine, tol = part.edges() or {}, _EDGE_TOLERANCE * self.width
        theirs = self.edges or {}
        return bool(mine) and all(
            cmap[c] in theirs and abs(x0 - theirs[cmap[c]][0]) <= tol and abs(x1 - theirs[cmap[c]][1]) <= tol
            for c, (x0, x1) in mine.items()
        )

    def _misfit(self, part: _Part, cmap: dict[int, int]) -> float:
        """How unlike the columns they are mapped onto ``part``'s columns are (text length and
        numbering of their cells)."""
        total = 0.0
        for c, target in cmap.items():
            mine = [b.text for b in part.blocks if b.col == c]
            theirs = [b.text for b in self.cells if b.col == target and (b.row or 0) >= self.header_rows]
            if mine and theirs:
                a, b = _signature(mine), _signature(theirs)
                total += abs(a[0] - b[0]) + 2 * abs(a[1] - b[1])
        return total

    def build(self) -> LogicalTable:
        pages = sorted({c.page for c in self.cells if c.page is not None})
        return LogicalTable(
            index=self.index,
            cells=tuple(self.cells),
            header_rows=self.header_rows,
            ncols=self.ncols,
            parts=tuple(self.parts),
            pages=tuple(pages),
            grid=self.grid,
        )


def _signature(texts: list[str]) -> tuple[float, float]:
    """A column's kind of content: the median log length of its cells, the share that are numbered."""
    lengths = sorted(math.log1p(len(t)) for t in texts)
    return lengths[len(lengths) // 2], sum(bool(_ITEM_START.match(t)) for t in texts) / len(texts)


def _continues_row(cells: list[Block]) -> bool:
    """The first row on a new page carries on the row cut by the break: a cell of it starts inside
    a sentence (lower case or punctuation) and none starts a numbered item."""
    return any(_CONTINUES.match(c.text) for c in cells) and not any(_ITEM_START.match(c.text) for c in cells)


def logical_tables(doc: Document) -> list[LogicalTable]:
    """The document's tables as their authors wrote them (see the module docstring); ``doc`` is
    without its page furniture."""
    by_number: dict[int, list[Block]] = {}
    for b in doc.blocks:
        if b.table is not None:
            by_number.setdefault(b.table, []).append(b)
    parts = sorted((_Part(n, bs) for n, bs in by_number.items()), key=lambda p: p.first)
    grid = doc.format not in ("txt", "md")
    builders: list[_Builder] = []
    for part in parts:
        if builders and grid and builders[-1].try_join(part):
            continue
        builders.append(_Builder(len(builders), part, grid))
    return [b.build() for b in builders]
