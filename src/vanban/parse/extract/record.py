"""Blocks → record: the pure middle of parsing (no files, no clock)."""

from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import fuzz

from vanban.model import Appendix, Diagnostic, Document, Header, Item, Person, PlanRecord, SourceInfo
from vanban.parse.extract.closing import parse_recipients, parse_signer
from vanban.parse.extract.directive_tasks import directive_items
from vanban.parse.extract.header import parse_header
from vanban.parse.extract.inline_tasks import inline_items
from vanban.parse.extract.legal import parse_legal_bases
from vanban.parse.extract.office_tasks import office_items
from vanban.parse.extract.table_tasks import people_assignments, table_items
from vanban.parse.layout.document import lay_out
from vanban.parse.layout.outline import parse_outline

_YEAR = re.compile(r"\bnăm\s+((?:19|20)\d\d)\b", re.I)
_APPENDIX = re.compile(r"^\W*(phụ lục\b.*|.*\bkèm theo\s+(?:kế hoạch|quyết định)\b.*)$", re.I)


def header_year(header: Header) -> int | None:
    """The plan's year as its header gives it: from the title ('… năm 2026'), else the date.

    The title wins because a plan for 2026 is often signed in December 2025.
    """
    m = _YEAR.search(header.title or "")
    if m:
        return int(m.group(1))
    d = header.date
    return int(d[:4]) if d and d[:4].isdigit() else None


def plan_year(header: Header, doc: Document) -> int | None:
    """The plan's year: :func:`header_year`, else the year the text cites most."""
    year = header_year(header)
    if year is not None:
        return year
    years = Counter(int(y) for b in doc.blocks[:80] for y in _YEAR.findall(b.text))
    return years.most_common(1)[0][0] if years else None


def document_to_record(doc: Document) -> PlanRecord:
    layout = lay_out(doc)
    doc, body_start, closing = layout.doc, layout.header_end, layout.closing
    header, diags = parse_header(doc, body_start)
    sections, paths = parse_outline(doc, body_start, closing)
    first_section = sections[0].source.block if sections else closing
    legal = parse_legal_bases(doc, body_start, first_section)
    year = plan_year(header, doc)
    diagnostics = list(doc.diagnostics) + diags
    if year is None:
        diagnostics.append(
            Diagnostic(code="W011", message="Không xác định được năm của kế hoạch; thời hạn thiếu năm để trống.")
        )

    items = inline_items(doc, body_start, closing, paths, year)
    for t in layout.tables:
        items.extend(table_items(doc, t, year))
    for t in layout.tables:
        items = _attach_people(items, people_assignments(doc, t))
    items = _drop_restated_phases(items)
    if not any(it.id[0] in "PT" for it in items):
        # No table and no inline assignment lines: the plan assigns its tasks by office.
        items.extend(office_items(doc, sections, closing, year))
    # Assignment sentences, unit headings and the duties of task parts, where no other shape read them.
    directs = header.doc_type in ("CHỈ THỊ", "CÔNG VĂN", "THÔNG BÁO", "CÔNG ĐIỆN")
    found = directive_items(doc, body_start, closing, year, skip=_covered_blocks(doc, items), directs=directs)
    items.extend(_new_tasks(found, items))

    appendices = [
        Appendix(title=b.text, caption=None, source=doc.span(b))
        for b in doc.blocks[closing:]
        if b.table is None and _APPENDIX.match(b.text) and len(b.text) < 200
    ]
    for it in items:
        if it.deadline is None:
            diagnostics.append(
                Diagnostic(code="W020", message=f"Nhiệm vụ chưa có thời hạn: «{it.text[:60]}».", source=it.source)
            )
    return PlanRecord(
        source=SourceInfo(path=doc.path, format=doc.format, sha256=doc.sha256, pages=doc.pages),
        header=header,
        legal_bases=tuple(legal),
        sections=tuple(sections),
        items=tuple(items),
        signer=parse_signer(doc, closing),
        recipients=tuple(parse_recipients(doc, closing)),
        appendices=tuple(appendices),
        diagnostics=tuple(diagnostics),
    )


def _new_tasks(found: list[Item], known: list[Item]) -> list[Item]:
    """The tasks of ``found`` that ``known`` does not hold already: a plan that lists its tasks in
    the body and assigns them in a table (or a generated plan, which writes both) says each twice."""
    texts = [it.text for it in known]
    return [it for it in found if not restates(it.text, texts)]


def restates(text: str, tasks: list[str]) -> bool:
    """Does ``text`` say again one of ``tasks`` (the same words, give or take a tenth, or a part of one)?"""
    t = text.casefold()
    return any(fuzz.ratio(t, k.casefold()) >= 90 or (len(t) >= 40 and t in k.casefold()) for k in tasks)


def _covered_blocks(doc: Document, items: list[Item]) -> frozenset[int]:
    """The blocks that items' source spans cover."""
    spans = [(it.source.start, it.source.end) for it in items]
    return frozenset(b.index for b in doc.blocks if any(s < b.end and b.start < e for s, e in spans))


def _drop_restated_phases(items: list[Item]) -> list[Item]:
    """A dated heading ('Đợt 1: (từ … đến …)') whose phase an appendix row restates with the same
    dates is one task, not two: keep the row, which carries the assignments."""
    rows = {(it.deadline.start, it.deadline.date) for it in items if it.id.startswith("T") and it.deadline}
    return [
        it
        for it in items
        if not (it.id.startswith("H") and it.deadline and (it.deadline.start, it.deadline.date) in rows)
    ]


def _attach_people(items: list[Item], rows: list[tuple[str | None, str, list[Person], list[str]]]) -> list[Item]:
    """Give each item the officials an appendix assigns to its indicator (by label, else by text)."""
    if not rows:
        return items
    out = list(items)
    for label, text, people, units in rows:
        if not people and not units:
            continue
        idx = next((i for i, it in enumerate(out) if label and it.label == label), None)
        if idx is None:
            crit = label.split(".")[0] if label else None
            scored = [
                (fuzz.token_set_ratio(text, it.text), i)
                for i, it in enumerate(out)
                if crit is None or (it.label or "").split(".")[0] == crit or not it.label
            ]
            best = max(scored, default=(0.0, -1))
            idx = best[1] if best[0] >= 75 else None
        if idx is None:
            continue
        it = out[idx]
        names = {p.name for p in it.people}
        out[idx] = it.model_copy(
            update={
                "people": it.people + tuple(p for p in people if p.name not in names),
                "responsible": it.responsible + tuple(u for u in units if u not in it.responsible),
            }
        )
    return out
