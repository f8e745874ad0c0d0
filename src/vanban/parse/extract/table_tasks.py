"""Task items from assignment tables.

Column roles come from the header text (``vocabulary.yaml: column_roles``). OCR and page
breaks damage rows in three ways, all seen in seed 001's appendix:

* a cell is missing, so the cells that remain are shifted — cells are aligned to roles by an
  order-keeping assignment that scores how well each cell's content fits each role;
* a row is cut by a page break — a row with no leader, unit or deadline and no numbered
  content continues the row before (a criterion name cut in two is joined);
* one cell holds several numbered indicators ("1. … 2. … 3. …") and the following rows hold
  only their assignments — the indicators are split and take those rows in turn.

A table whose header names people but no deadline (seed 000's appendix) assigns officials to
criteria: :func:`people_assignments` returns them for the caller to attach.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from vanban.model import Block, Deadline, Document, Item, Person, SourceSpan
from vanban.parse.extract.deadline import parse_deadline
from vanban.parse.extract.deadline_phrases import task_deadline
from vanban.parse.extract.people import is_person_name, named_people, people_in, split_units
from vanban.parse.layout.tables import LogicalTable
from vanban.parse.vocab import column_role

_NUMBERED = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2})*)\s*[.:)]\s*(?=\S)")
_CRITERION = re.compile(r"^\s*(?:tiêu chí(?: số)?\s*)?(\d{1,2})\s*[.:]\s*\S", re.I)
_LEADER = re.compile(r"^\s*(?:Đ/c|đ/c|đồng chí|Đồng chí)\b")
_ASSIGNING = ("leads", "responsible", "coordinating", "deadline", "people")


@dataclass
class _Row:
    index: int
    cells: dict[str, list[Block]] = field(default_factory=dict)

    def text(self, role: str) -> str:
        return " ".join(b.text for b in self.cells.get(role, []))

    def has_assignment(self) -> bool:
        return any(self.text(r) for r in _ASSIGNING)


def header_roles(cells: list[Block]) -> dict[int, str]:
    """Column → role, from header cells; empty when the row is not a header."""
    roles: dict[int, str] = {}
    for c in cells:
        role = column_role(c.text)
        if role and role not in roles.values():
            roles[c.col or 0] = role
    return roles if len(roles) >= 2 else {}


@lru_cache(maxsize=4096)
def _is_deadline(text: str) -> bool:
    """A whole cell that is a deadline phrase (cached: each cell is scored against every role)."""
    return parse_deadline(text, None) is not None


def _fit(role: str, text: str) -> float:
    """How well ``text`` fits a role (positive = good). Empty cells fit anywhere at no cost."""
    if not text:
        return 0.0
    short = len(text) <= 45
    is_deadline = short and _is_deadline(text)
    numbered = bool(_NUMBERED.match(text))
    if role == "deadline":
        return 3.0 if is_deadline else -3.0
    if is_deadline:
        return -2.0
    if role == "leads":
        return 3.0 if _LEADER.match(text) and re.search(r"\b(?:P?CT|Chủ tịch|Bí thư|Phó)\b", text) else -1.0
    if role in ("responsible", "coordinating", "people", "position"):
        return (0.5 if short else -1.0) + (0.5 if _LEADER.match(text) else 0.0)
    if role == "content":
        return (2.0 if numbered else 0.0) + (1.0 if not short else 0.0)
    if role == "criterion":
        if numbered and len(text) <= 60:
            return 1.0
        # The tail of a criterion name cut by a page break ("nghèo đô thị").
        return 0.5 if short and text[:1].islower() else -1.0
    if role in ("solution", "note", "product"):
        return 0.5 if not short or not numbered else -0.5
    return 0.0


_SHIFT_COST = 0.3


def align(cells: list[Block], roles: list[str]) -> dict[str, list[Block]]:
    """Assign non-empty cells to roles keeping their order, maximising content fit.

    A cell may move away from its own column (a missing or extra OCR cell shifts the rest),
    at a small cost per column, so that without evidence cells stay where they are.
    """
    cells = [c for c in cells if c.text]
    n, k = len(roles), len(cells)
    neg = float("-inf")
    best = [[neg] * (k + 1) for _ in range(n + 1)]
    back: list[list[bool]] = [[False] * (k + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        best[i][0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, min(i, k) + 1):
            skip = best[i - 1][j]
            cell = cells[j - 1]
            cost = _SHIFT_COST * abs((cell.col or 0) - (i - 1))
            take = best[i - 1][j - 1] + _fit(roles[i - 1], cell.text) - cost
            best[i][j], back[i][j] = (take, True) if take > skip else (skip, False)
    out: dict[str, list[Block]] = {}
    i, j = n, k
    while j > 0 and i > 0:
        if back[i][j]:
            out.setdefault(roles[i - 1], []).insert(0, cells[j - 1])
            j -= 1
        i -= 1
    return out


_NUMBERING_ROW = re.compile(r"^\(?\s*\d{1,2}\s*\)?$")


def _rows(blocks: list[Block], roles: dict[int, str], header_rows: set[int], grid: bool) -> list[_Row]:
    """Rows by role. ``grid``: the table has a real grid (DOCX/PDF), so columns are trusted;
    OCR'd tab-separated rows are aligned by content instead."""
    by_row: dict[int, list[Block]] = {}
    for b in blocks:
        if b.row is not None and b.row not in header_rows:
            by_row.setdefault(b.row, []).append(b)
    ncols = max(roles) + 1
    ordered = [roles.get(c, "") for c in range(ncols)]
    out: list[_Row] = []
    for r, cells in sorted(by_row.items()):
        if all(_NUMBERING_ROW.match(c.text) for c in cells):
            continue  # the "(1) (2) (3) …" row under a header
        row = _Row(r)
        if grid or any(c.col_span > 1 for c in cells):
            # Real merged cells (DOCX/PDF): trust the grid.
            for c in cells:
                role = roles.get(c.col or 0, "")
                if role:
                    row.cells.setdefault(role, []).append(c)
        else:
            row.cells = align(sorted(cells, key=lambda c: c.col or 0), ordered)
            row.cells.pop("", None)
        out.append(row)
    return out


@dataclass
class _Draft:
    row: _Row
    criterion: str = ""
    content: str = ""
    label: str | None = None
    fields: dict[str, list[str]] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)


def _split_numbered(text: str) -> list[tuple[str, str]]:
    """'1. A 2. B 3. C' → [('1', 'A'), ('2', 'B'), ('3', 'C')] when the numbers run 1, 2, 3…"""
    marks = [m for m in re.finditer(r"(?:^|(?<=\s))(\d{1,2})\.\s", text)]
    seq: list[re.Match[str]] = []
    for m in marks:
        if int(m.group(1)) == len(seq) + 1:
            seq.append(m)
    if len(seq) < 2:
        return []
    parts = []
    for i, m in enumerate(seq):
        end = seq[i + 1].start() if i + 1 < len(seq) else len(text)
        parts.append((m.group(1), text[m.end() : end].strip()))
    return parts


def table_items(doc: Document, table: LogicalTable, plan_year: int | None) -> list[Item]:
    blocks = list(table.cells)
    if not blocks:
        return []
    header_rows, roles = _find_header(blocks)
    if not roles or not {"deadline", "leads", "responsible"} & set(roles.values()):
        return []
    if "content" not in roles.values():
        # A proposals table ("Giải pháp, kiến nghị | Cơ quan phụ trách"): the solutions are the tasks.
        sol = next((c for c, r in roles.items() if r == "solution"), None)
        if sol is None or "responsible" not in roles.values():
            return []
        roles = {**roles, sol: "content"}
    drafts: list[_Draft] = []
    queue: list[_Draft] = []  # indicators split out of one cell, waiting for their assignment rows
    criterion = ""
    grid = table.grid
    for row in _rows(blocks, roles, header_rows, grid):
        crit = row.text("criterion")
        content = row.text("content")
        merged: list[Block] = []
        if grid and not content and drafts and row.has_assignment() and not queue:
            content = drafts[-1].content  # a content cell merged down over several rows
            merged = drafts[-1].row.cells.get("content", [])
        numbered = bool(_NUMBERED.match(content))
        if crit:
            # In a real grid (DOCX/PDF) every criterion cell starts a criterion; only OCR'd rows
            # carry the tail of a name cut by a page break.
            if grid or _CRITERION.match(crit) or not criterion:
                criterion = crit
            else:  # a criterion name cut by a page break: join it, also for rows already read
                joined = f"{criterion} {crit}"
                for d in drafts:
                    if d.criterion == criterion:
                        d.criterion = joined
                criterion = joined
        if queue and not content and row.has_assignment():
            d = queue.pop(0)
            _take_fields(d, row)
            continue
        # A row with a number of its own in the TT column starts a task, assigned or not.
        own_number = bool(_NUMBERING_ROW.match(row.text("number"))) and content != ""
        if not own_number and (
            (not content and not row.has_assignment()) or (content and not numbered and not row.has_assignment())
        ):
            if drafts:  # continuation of the previous row across a page break
                _continue(drafts[-1], content, row.text("solution"))
                drafts[-1].blocks.extend(b for bs in row.cells.values() for b in bs)
            continue
        parts = _split_numbered(content) if numbered else []
        if parts:
            first = _Draft(row, criterion, parts[0][1], parts[0][0])
            _take_fields(first, row)
            drafts.append(first)
            queue = []
            for lab, txt in parts[1:]:
                d = _Draft(row, criterion, txt, lab)
                d.fields["solution"] = list(first.fields.get("solution", []))
                d.blocks.extend(row.cells.get("content", []))  # the span covers its text too
                drafts.append(d)
                queue.append(d)
            continue
        queue = []
        m = _NUMBERED.match(content)
        d = _Draft(row, criterion, content[m.end() :] if m else content, m.group(1) if m else None)
        _take_fields(d, row)
        d.blocks.extend(merged)
        drafts.append(d)
    timed = "deadline" in roles.values()
    return [_item(doc, table, d, plan_year, timed) for d in drafts]


def _continue(prev: _Draft, content: str, solution: str) -> None:
    """Append a page-split row's text to the field it continues.

    OCR may put a solution's continuation in the content column; text that starts in lower
    case goes to whichever of content/solution was left open (no final punctuation).
    """
    sol = prev.fields.setdefault("solution", [])
    content_open = not re.search(r"[.;:!?]\s*$", prev.content)
    solution_open = bool(sol) and not re.search(r"[.;:!?]\s*$", sol[-1])
    if content and not content_open and solution_open and content[:1].islower():
        solution, content = f"{content} {solution}".strip(), ""
    if content:
        prev.content = f"{prev.content} {content}".strip()
    if solution:
        sol.append(solution)


def _find_header(blocks: list[Block]) -> tuple[set[int], dict[int, str]]:
    rows: dict[int, list[Block]] = {}
    for b in blocks:
        rows.setdefault(b.row or 0, []).append(b)
    for r in sorted(rows)[:3]:
        roles = header_roles(rows[r])
        if roles:
            header = {r}
            nxt = rows.get(r + 1, [])
            extra = header_roles(nxt) if nxt else {}
            # A second header row ("Họ và tên | Chức vụ") is short; a first data row is not.
            if extra and not any(_NUMBERED.match(b.text) or len(b.text) > 40 for b in nxt):
                roles.update({c: v for c, v in extra.items() if c not in roles or v in ("people", "position")})
                header.add(r + 1)
            return header, roles
    return set(), {}


def _take_fields(d: _Draft, row: _Row) -> None:
    for role in ("solution", "leads", "responsible", "coordinating", "deadline", "people", "position", "note"):
        t = row.text(role)
        if t:
            d.fields.setdefault(role, []).append(t)
    d.blocks.extend(b for bs in row.cells.values() for b in bs)


def _item(doc: Document, table: LogicalTable, d: _Draft, plan_year: int | None, timed: bool = True) -> Item:
    """The task of a row; ``timed``: the table has a time column (else the task's words may give it)."""
    f = d.fields
    leads_text = " ".join(f.get("leads", []))
    resp_text = "; ".join(f.get("responsible", []))
    people: list[Person] = people_in(leads_text) + people_in(resp_text)
    for name_text in f.get("people", []):
        pos = " ".join(f.get("position", [])) or None
        # "Nguyễn Hoàng Chương (CCĐC - XD); Quế" — a position in brackets, else the position column.
        people += [p if p.position else p.model_copy(update={"position": pos}) for p in named_people(name_text)]
    deadline: Deadline | None = None
    if f.get("deadline"):
        text = " ".join(f["deadline"])
        deadline = parse_deadline(text, plan_year) or Deadline(text=text, kind="open")
    elif not timed:
        # No time column: the task's own words may give it ("… trước tháng 6/2027").
        deadline = task_deadline(d.content, plan_year)
    blocks = sorted(d.blocks, key=lambda b: b.index) or [b for bs in d.row.cells.values() for b in bs]
    # The span covers the row's own cells and its text, not a merged cell (a criterion name) that
    # starts rows above it.
    span = _span(doc, [b for b in blocks if not table.is_repeat(b) or b.text in d.content] or blocks)
    crit = _CRITERION.match(d.criterion)
    label = d.label
    if crit and label and "." not in label:
        label = f"{crit.group(1)}.{label}"
    return Item(
        id=f"T{table.index}.R{d.row.index}" + (f".{d.label}" if d.label and d.row.index and len(d.fields) else ""),
        text=d.content.strip(),
        solution=" ".join(f.get("solution", [])) or None,
        label=label,
        section=(d.criterion,) if d.criterion else (),
        responsible=tuple(split_units(resp_text)),
        leads=tuple(split_units(leads_text)),
        coordinating=tuple(split_units("; ".join(f.get("coordinating", [])))),
        people=tuple({p.name: p for p in people}.values()),
        deadline=deadline,
        source=span,
    )


def _span(doc: Document, blocks: list[Block]) -> SourceSpan:
    first = min(blocks, key=lambda b: b.start)
    last = max(blocks, key=lambda b: b.end)
    s = doc.span(first)
    return s.model_copy(update={"end": last.end, "text": doc.source_text[s.start : last.end]})


def people_assignments(doc: Document, table: LogicalTable) -> list[tuple[str | None, str, list[Person], list[str]]]:
    """Rows of an officials-to-criteria table: (indicator label, text, people, units).

    The group row ("Tiêu chí số 3 … (mục 5,6)" + names) applies to the indicator rows below it.
    """
    blocks = list(table.cells)
    header_rows, roles = _find_header(blocks)
    if "people" not in roles.values() or "deadline" in roles.values():
        return []
    out: list[tuple[str | None, str, list[Person], list[str]]] = []
    people: list[Person] = []
    units: list[str] = []
    crit_no: str | None = None
    group_cell: int | None = None
    items: list[str] = []
    for row in _rows(blocks, roles, header_rows, table.grid):
        content = row.text("content")
        names = row.text("people")
        cell = row.cells.get("people", [])
        # A names cell merged down a group is repeated in each row it spans: only its first row
        # (or a "Tiêu chí …" row) opens a group.
        repeat = bool(cell) and cell[0].index == group_cell
        group = bool(re.match(r"^\s*tiêu chí", content, re.I)) or bool(names and not repeat)
        if group:
            group_cell = cell[0].index if cell else None
            people, units = _people_cell(doc, cell, names, row.text("position") or None)
            m = re.search(r"tiêu chí(?: số)?\s*(\d{1,2})", content, re.I)
            crit_no = m.group(1) if m else crit_no
            items = re.findall(r"\d+", content[content.find("mục") :]) if "mục" in content else []
            continue
        if not content:
            continue
        m = _NUMBERED.match(content)
        label = m.group(1) if m and "." in m.group(1) else None
        text = content[m.end() :] if m else content
        if label is None and crit_no and len(items) == 1:
            label = f"{crit_no}.{items[0]}"
        out.append((label, text.strip(), people, units))
    return out


def _people_cell(doc: Document, cell: list[Block], names: str, position: str | None) -> tuple[list[Person], list[str]]:
    """The officials (with their position) and the units named in a names cell."""
    src = doc.span(cell[0]) if cell else None
    parts = split_units(names)
    return [Person(name=n, position=position, source=src) for n in parts if is_person_name(n)], [
        u for u in parts if not is_person_name(u)
    ]
