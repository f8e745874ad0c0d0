"""Task items written as prose followed by labelled lines.

    1.1. Quy hoạch chung đô thị … được công bố công khai rộng rãi.
    - Giải pháp thực hiện: …
    - Thời gian thực hiện: đến tháng 6 năm 2023, bộ phận thực hiện Địa chính.

An item is the text since the previous item (or the last section heading) plus the fields
that follow it. A field with an empty value ("Trách nhiệm trong thực hiện:") takes the list
items under it. A section heading that carries its own dates ("Đợt 1: (từ ngày 01/3 đến
30/4/2023)") is an item too, with the content under it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from vanban.model import Block, Deadline, Document, Item, Person
from vanban.parse.extract.deadline import find_deadline, parse_deadline
from vanban.parse.extract.people import named_people, people_in, split_units
from vanban.parse.layout.outline import block_label, is_heading, is_list_item
from vanban.parse.vocab import inline_field_inside_rx, inline_field_rx, vocab

_SUBLABEL = re.compile(r"^[\W]*[^.]{0,40}:\W*$")  # "Nội dung cần thực hiện:"


@dataclass
class _Draft:
    blocks: list[Block]
    label: str | None
    section: tuple[str, ...]
    solution: list[str] = field(default_factory=list)
    result: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    coordinating: list[str] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    deadline: Deadline | None = None
    last: Block | None = None
    has_fields: bool = False
    from_heading: bool = False


def _strip_label(text: str) -> tuple[str | None, str]:
    lab = block_label(text)
    body = text[lab.end :] if lab else re.sub(r"^[\s\-+*•]+", "", text)
    return (lab.value if lab else None), body.strip()


def assign_responsible(d: _Draft, text: str) -> None:
    """'CC địa chính phối hợp Phòng TNMT huyện' → responsible + coordinating; people kept apart."""
    low = text.lower()
    for prefix in sorted(vocab().responsible_prefixes, key=len, reverse=True):
        if low.startswith(prefix):
            text = text[len(prefix) :].lstrip(" :,")
            low = text.lower()
    for marker in vocab().coordination_markers:
        i = low.find(f" {marker} ")
        if i > 0:
            d.coordinating.extend(split_units(text[i + len(marker) + 2 :]))
            text = text[:i]
            break
    d.people.extend(people_in(text))
    d.responsible.extend(split_units(re.sub(r"\(\s*(?:đ/c|Đ/c)[^)]*\)", "", text)))


def _apply(d: _Draft, role: str, value: str, plan_year: int | None) -> None:
    d.has_fields = True
    if role == "solution":
        d.solution.append(value)
    elif role == "deadline":
        found = find_deadline(value, plan_year)
        if found:
            dl, _s, e = found
            d.deadline = parse_deadline(value[:e].strip(" ,;."), plan_year) or dl
            rest = value[e:]
            # Only "…, bộ phận thực hiện X" or "…, Đảng ủy, MTTQ…" name units; "(sau khi …)",
            # "và Quý I/2026" are notes on the deadline.
            m = re.match(r"^\s*[,;.]\s*(?=[A-ZĐÀ-Ỹ]|bộ phận|đơn vị)", rest)
            if m:
                assign_responsible(d, rest[m.end() :].strip(" ,;."))
        elif value:
            d.deadline = parse_deadline(value, plan_year) or Deadline(text=value, kind="open")
    elif role == "leads":
        d.leads.extend(split_units(value))
        d.people.extend(people_in(value))
    elif role == "coordinating":
        d.coordinating.extend(split_units(value))
    elif role == "result":
        d.result.append(value)
    elif role == "people":
        d.people.extend(named_people(value))
    else:
        assign_responsible(d, value)


def _to_item(doc: Document, d: _Draft) -> Item | None:
    body = [b for b in d.blocks if not _SUBLABEL.match(b.text)] or d.blocks
    if not body:
        return None
    label, first = _strip_label(body[0].text)
    text = " ".join([first, *(b.text.lstrip("-+*• ") for b in body[1:])]).strip()
    end = d.last or body[-1]
    span = doc.span(body[0])
    span = span.model_copy(update={"end": end.end, "text": doc.source_text[span.start : end.end]})
    if d.deadline is None:
        found = find_deadline(text, None)
        if found and found[0].kind in ("range", "day"):
            d.deadline = found[0]
    return Item(
        id=f"{'H' if d.from_heading else 'P'}{body[0].index}",
        text=text,
        label=label or d.label,
        section=d.section,
        solution=" ".join(d.solution) or None,
        result=" ".join(d.result) or None,
        responsible=tuple(dict.fromkeys(d.responsible)),
        leads=tuple(dict.fromkeys(d.leads)),
        coordinating=tuple(dict.fromkeys(d.coordinating)),
        people=tuple({p.name: p for p in d.people}.values()),
        deadline=d.deadline,
        source=span,
    )


def inline_items(
    doc: Document, start: int, end: int, paths: dict[int, tuple[str, ...]], plan_year: int | None
) -> list[Item]:
    items: list[Item] = []
    pending: list[Block] = []
    current: _Draft | None = None
    awaiting: str | None = None
    heading: _Draft | None = None
    last_heading: Block | None = None
    rx = inline_field_rx()

    def flush() -> None:
        nonlocal current
        if current is not None and current.has_fields:
            it = _to_item(doc, current)
            if it:
                items.append(it)
        current = None

    def close_heading() -> None:
        nonlocal heading
        if heading is not None:
            it = _to_item(doc, heading)
            if it:
                items.append(it)
        heading = None

    for b in doc.blocks[start:end]:
        if b.table is not None:
            continue
        m = rx.match(b.text)
        label = block_label(b.text)
        if m:
            role = next(k for k, v in m.groupdict().items() if v)
            value = b.text[m.end() :].strip()
            if current is None:
                source = pending or ([last_heading] if last_heading else [])
                current = _Draft(source, None, paths.get(b.index, ()))
                pending = []
            current.last = b
            awaiting = None if value else role
            # A field's value ends where another field's label starts (two lines joined in one).
            for inner in reversed(list(inline_field_inside_rx().finditer(value))):
                inner_role = next(k for k, v in inner.groupdict().items() if v)
                if value[inner.end() :].strip():
                    _apply(current, inner_role, value[inner.end() :].strip(), plan_year)
                value = value[: inner.start()].strip()
            if value:
                _apply(current, role, value, plan_year)
            continue
        if awaiting and current is not None and is_list_item(b):
            entry = b.text.lstrip("-+*• ")
            if awaiting == "responsible":
                # "- Giao cho công chức văn hóa:" names a unit; the bullets under it are its tasks.
                unit = re.match(r"^([^:]{2,80}):\s*$", entry)
                if unit:
                    assign_responsible(current, unit.group(1))
                else:
                    current.blocks.append(b)
            else:
                _apply(current, awaiting, entry, plan_year)
            current.last = b
            continue
        awaiting = None
        if is_heading(b, label):
            flush()
            close_heading()
            pending = []
            last_heading = b
            title = b.text[label.end :] if label else b.text
            dl = find_deadline(title, plan_year)
            if dl and dl[0].kind in ("range", "day") and not rx.match(title):
                heading = _Draft([b], label.value if label else None, paths.get(b.index, ()), deadline=dl[0])
                heading.has_fields = heading.from_heading = True
            continue
        flush()
        if heading is not None:
            heading.blocks.append(b)
            heading.last = b
        pending.append(b)
    flush()
    close_heading()
    return _dedupe_phases(items)


def _dedupe_phases(items: list[Item]) -> list[Item]:
    """A phase named twice (a schedule 'Đợt 1: Từ … đến …', then its tasks under the same
    dates) is one item: keep the fuller one."""
    out: list[Item] = []
    for it in items:
        if it.id.startswith("H") and it.deadline is not None:
            twin = next(
                (
                    i
                    for i, o in enumerate(out)
                    if o.id.startswith("H")
                    and o.deadline is not None
                    and (o.deadline.start, o.deadline.date) == (it.deadline.start, it.deadline.date)
                ),
                None,
            )
            if twin is not None:
                if len(it.text) > len(out[twin].text):
                    out[twin] = it
                continue
        out.append(it)
    return out
