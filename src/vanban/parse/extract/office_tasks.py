"""Tasks assigned by office: a heading names a unit, the lines under it are its tasks.

    VII. TỔ CHỨC THỰC HIỆN
    1. Công chức Văn hóa - Xã hội:
    - Tham mưu cho UBND thị trấn xây dựng kế hoạch …

Each line under a unit heading becomes an item with that unit responsible (a heading "Sở Tài
chính chủ trì, phối hợp các sở, ban, ngành" also names partners). Used for plans that carry no
assignment table and no inline assignment lines.
"""

from __future__ import annotations

import re
from functools import cache

from vanban.model import Block, Document, Item, Section
from vanban.parse.extract.deadline_phrases import task_deadline
from vanban.parse.extract.inline_tasks import _Draft, assign_responsible
from vanban.parse.vocab import vocab

_CLOSING = re.compile(r"^\W*(?:Trên đây là|Yêu cầu các|Trong quá trình (?:tổ chức )?thực hiện)", re.I)


@cache
def _unit_rx() -> re.Pattern[str]:
    v = vocab()
    prefixes = "|".join(re.escape(p) for p in v.unit_heading_prefixes)
    heads = "|".join(re.escape(h) for h in sorted(v.unit_heads, key=len, reverse=True))
    return re.compile(rf"^(?:(?:{prefixes})\s+(?:cho\s+)?)?(?P<unit>(?:{heads})\b[^:]*?)\s*(?::\s*(?P<rest>.*))?$")


def office_items(doc: Document, sections: list[Section], end: int, plan_year: int | None) -> list[Item]:
    scope = re.compile(vocab().assignment_sections, re.I)
    heading_at = {s.source.block: s for s in sections}
    items: list[Item] = []
    unit: Section | None = None
    in_scope = False
    for b in doc.blocks[:end]:
        sec = heading_at.get(b.index)
        if sec is not None:
            if sec.level == 1:
                in_scope = bool(scope.search(sec.title))
            m = _unit_rx().match(sec.title)
            unit = sec if in_scope and m and len(sec.title) < 120 else None
            continue
        if unit is None or b.table is not None:
            continue
        if _CLOSING.match(b.text):
            break
        text = b.text.lstrip("-+*• ")
        if items and text[:1].islower() and items[-1].section == unit.path:
            # A paragraph cut by a page break: the rest of the previous task.
            prev = items[-1]
            span = prev.source.model_copy(update={"end": b.end, "text": doc.source_text[prev.source.start : b.end]})
            items[-1] = prev.model_copy(update={"text": f"{prev.text} {text}", "source": span})
            continue
        item = _item(doc, b, unit, plan_year)
        if item:
            items.append(item)
    return items


def _item(doc: Document, b: Block, unit: Section, plan_year: int | None) -> Item | None:
    text = b.text.lstrip("-+*• ").strip()
    if len(text) < 8:
        return None
    own = _unit_rx().match(text)
    if own and own.group("rest") and len(own.group("unit")) <= 60:
        # "- Đoàn TNCS Hồ Chí Minh xã: Tổ chức …" names its own unit under a collective heading.
        unit_text, text = own.group("unit"), own.group("rest")
    else:
        m = _unit_rx().match(unit.title)
        unit_text = m.group("unit") if m else unit.title
    draft = _Draft([b], None, unit.path)
    assign_responsible(draft, unit_text)
    deadline = task_deadline(text, plan_year)
    return Item(
        id=f"U{b.index}",
        text=text,
        section=unit.path,
        responsible=tuple(dict.fromkeys(draft.responsible)),
        coordinating=tuple(dict.fromkeys(draft.coordinating)),
        people=tuple({p.name: p for p in draft.people}.values()),
        deadline=deadline if deadline is not None and deadline.kind != "open" else None,
        source=doc.span(b),
    )
