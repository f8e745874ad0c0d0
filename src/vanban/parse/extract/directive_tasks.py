"""Tasks of the documents that direct work: công văn, thông báo kết luận, chỉ thị, quyết định.

These documents assign work in their numbered and bulleted body, in a few shapes (each rule
with the documents of the development corpus that show it):

1. **An assignment sentence names its unit**: "Giao X chủ trì, phối hợp với Y …" (58, 60, 62, 63),
   "giao X …" inside a sentence (58 "4. Đối với …, giao UBND phường Văn Phú tìm kiếm …"),
   "Đề nghị X …" (49, 61), "Yêu cầu X …" (51), "X chủ trì, phối hợp …" (52).
2. **A unit heading** — a numbered or lettered line that names a unit and no work of its own
   ("1. Sở Công Thương", "a) Giao Sở Tài chính", "2. Ủy ban nhân dân các xã, phường:", "6. Trách
   nhiệm của các tổ chức, doanh nghiệp …") or that ends with an assignment and a colon ("1. Thống
   nhất …. Giao Trung tâm … thực hiện:") — gives its unit to every line under it, down to the next
   line of its level or above (50, 52, 56, 61, 63, 64).
3. A line under a unit heading is a task of that unit, unless it names its own unit.
4. A numbered item or paragraph with an assignment sentence and no lines under it is a task
   (58, 60, 62).
5. In a part whose title says it lists tasks ("II. NHIỆM VỤ VÀ GIẢI PHÁP", "IV. TỔ CHỨC THỰC HIỆN",
   ``vocabulary.yaml: assignment_sections``), every listed duty (numbered or bulleted) with no
   lines under it is a task, named unit or not (plans 01, 41, 47; thông báo 51 "II. Nhiệm vụ cụ
   thể"); a paragraph there that assigns nothing is a lead-in ("Các cơ quan … được phân công tại
   Phụ lục … có trách nhiệm …").

Parts that assess or justify (Đánh giá chung, Mục đích – yêu cầu, Tình hình, Kết quả) and the
closing lines ("Trên đây là …", "… trân trọng thông báo") give no task. Deadlines come from the
task's own text, else from its heading's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from vanban.model import Block, Deadline, Document, Item
from vanban.parse.extract.deadline import find_deadline
from vanban.parse.extract.deadline_phrases import task_deadline
from vanban.parse.extract.inline_tasks import _Draft, assign_responsible
from vanban.parse.layout.lines import Line, block_lines
from vanban.parse.layout.outline import Label, block_label
from vanban.parse.vocab import vocab

# Verbs that end a unit's name in "Giao X <verb> …".
_VERBS = (
    "chủ trì|phối hợp|tổ chức|tham mưu|thực hiện|khẩn trương|rà soát|nghiên cứu|theo dõi|chỉ đạo|hướng dẫn|"
    "tiếp tục|triển khai|chịu trách nhiệm|có trách nhiệm|xây dựng|kiểm tra|tăng cường|quan tâm|căn cứ|cung cấp|"
    "tiến hành|đôn đốc|lập|ban hành|bố trí|tập trung|chủ động|trình|tìm kiếm|đẩy nhanh|hoàn thành|báo cáo|"
    "tổng hợp|giám sát|quản lý|thường xuyên|phổ biến|tuyên truyền|đảm bảo|bảo đảm|nắm|cử|chuẩn bị|thẩm định|"
    "làm việc|xem xét|giải quyết|xử lý|thống nhất|vận động|làm rõ|sớm|ưu tiên|nâng cao|rút kinh nghiệm"
)
_ASSIGN = re.compile(
    rf"(?:^|(?<=[.;:,])\s*|\s)(?P<verb>[Gg]iao(?:\s+cho)?|[Đđ]ề nghị|[Yy]êu cầu)\s+(?P<unit>[^.;:()]{{2,140}}?)"
    rf"(?=\s+(?:{_VERBS})\b|\s*[:;(]|\s*,\s*(?:{_VERBS})\b|\s*$)"
)
_BULLET = re.compile(r"^\s*[-+•*–]")
_UNIT_LEADS = re.compile(r"^(?P<unit>[^,:;.]{3,110}?)\s+(?:chủ trì|có trách nhiệm|chịu trách nhiệm)\b")
_NOT_TASKS = re.compile(
    r"^\W*(?:đánh giá|mục đích|yêu cầu chung|tình hình|kết quả|căn cứ|quan điểm|mục tiêu|bối cảnh|"
    r"thực trạng|ưu điểm|hạn chế|tồn tại|khó khăn|nguyên nhân|yêu cầu\W*$)",
    re.I,
)
# A paragraph that hands the whole document to everyone ("Các cơ quan, đơn vị … được phân công tại
# Phụ lục kèm theo Kế hoạch này có trách nhiệm …", "Căn cứ Kế hoạch này, các sở, ngành …").
_HAND_OVER = re.compile(
    r"^\W*(?:Căn cứ .{0,80}?|Thủ trưởng )?(?:các|Các) (?:cơ quan|sở|đơn vị|ban|ngành)[^.]{0,160}?"
    r"(?:Kế hoạch|Chỉ thị|Thông báo|văn bản|Công văn|Phụ lục)(?: kèm theo)?(?: Kế hoạch)? này",
    re.I,
)
_CLOSING = re.compile(
    r"^\W*(?:Trên đây là|Trong quá trình (?:tổ chức )?thực hiện|.{0,80}trân trọng (?:thông báo|đề nghị)|"
    r"Nhận được (?:văn bản|Công văn|Kế hoạch|Thông báo)|Căn cứ (?:nội dung|ý kiến chỉ đạo) (?:trên|nêu trên))",
    re.I,
)


@cache
def _unit_heading_rx() -> re.Pattern[str]:
    v = vocab()
    prefixes = "|".join(re.escape(p) for p in v.unit_heading_prefixes)
    heads = "|".join(re.escape(h) for h in sorted(v.unit_heads, key=len, reverse=True))
    return re.compile(
        rf"^(?:(?:{prefixes})\s+(?:cho\s+)?)?(?P<unit>(?:{heads})\b[^:;.]{{0,140}}?)\s*(?::\s*(?P<rest>.*))?$", re.I
    )


@dataclass
class _Context:
    level: int  # depth of the heading's label (bullets are one below the deepest label)
    unit: str
    deadline: Deadline | None


def _unit_of(text: str) -> tuple[str, int] | None:
    """The unit an assignment sentence names, and where the task's text starts."""
    m = _ASSIGN.search(text)
    if m and _is_unit(m.group("unit")):
        return m.group("unit").strip(" ,"), m.start("verb")
    m = _UNIT_LEADS.match(text)
    if m and _is_unit(m.group("unit")):
        return m.group("unit").strip(" ,"), 0
    return None


# "Tổ chức …" is to organise (a task, or a part's title "TỔ CHỨC THỰC HIỆN"), not a "Tổ" (team).
_NOT_A_UNIT = re.compile(r"^\W*tổ\s+chức\b", re.I)


def _is_unit(text: str) -> bool:
    """Does ``text`` start like a body's name (Sở, UBND, Ủy ban, Công an, Các …, Trung tâm …)?"""
    heads = vocab().unit_heads
    t = text.strip()
    if _NOT_A_UNIT.match(t):
        return False
    return any(t.lower().startswith(h.lower()) and (len(t) == len(h) or not t[len(h)].isalnum()) for h in heads) or (
        t[:1].isupper() and len(t.split()) <= 12 and bool(re.search(r"\b(?:chủ đầu tư|doanh nghiệp|nhà thầu)", t, re.I))
    )


def _heading_unit(text: str) -> str | None:
    """The unit a heading names when it names nothing else ("Sở Công Thương", "Giao Sở Tài chính:")."""
    t = text.strip()
    if len(t) > 160:
        return None
    m = _unit_heading_rx().match(t)
    if m and not (m.group("rest") or "").strip() and not _NOT_A_UNIT.match(m.group("unit")):
        unit = m.group("unit").strip()
        # "Sở Công Thương chủ trì, phối hợp thực hiện" names its unit first.
        lead = _UNIT_LEADS.match(unit)
        return lead.group("unit") if lead else unit
    if t.endswith(":"):
        found = _unit_of(t)
        return found[0] if found else None
    return None


def _depth(label: Label | None, text: str, styles: list[str]) -> int:
    """How deep a line sits: its label style's rank in the order styles first appeared; bullets
    and unlabelled lines one deeper than the deepest style."""
    if label is None:
        return len(styles) + (1 if re.match(r"^\s*[-+•*–]", text) else 2)
    if label.style not in styles:
        styles.append(label.style)
    return styles.index(label.style)


def directive_items(
    doc: Document,
    start: int,
    end: int,
    plan_year: int | None,
    skip: frozenset[int] = frozenset(),
    directs: bool = False,
) -> list[Item]:
    """Tasks among blocks ``start``..``end`` (see the module docstring), leaving out the blocks in
    ``skip`` (already read as tasks of another shape). ``directs``: the document directs work (a
    chỉ thị, công văn, thông báo kết luận), so its whole body is a tasks part until a part's title
    says otherwise."""
    items: list[Item] = []
    stack: list[_Context] = []
    styles: list[str] = []
    skip_level: int | None = None  # inside an assessment part: no tasks down to its end
    in_scope = directs  # inside a part whose title says it lists tasks ("NHIỆM VỤ, GIẢI PHÁP")
    scope = re.compile(vocab().assignment_sections, re.I)
    # Line by line: a PDF paragraph may hold several listed lines ("… điện tử.\n- + chưa có …").
    lines = block_lines(b for b in doc.blocks[start:end] if b.table is None)
    last = -1  # the line of the last task
    for k, ln in enumerate(lines):
        b = ln.block
        if _CLOSING.match(ln.text):
            break
        label = block_label(ln.text)
        bullet = _BULLET.match(ln.text) is not None
        text = (ln.text[label.end :] if label else re.sub(r"^[\s\-+•*–]+", "", ln.text)).strip()
        depth = _depth(label, ln.text, styles)
        while stack and stack[-1].level >= depth:
            stack.pop()
        if skip_level is not None and depth <= skip_level:
            skip_level = None
        if label and label.style in ("roman", "upper") and len(text) < 200:
            in_scope = bool(scope.search(text)) and not _NOT_TASKS.match(text)
        if label and _NOT_TASKS.match(text) and len(text) < 160:
            skip_level = depth if skip_level is None else min(skip_level, depth)
            continue
        if skip_level is not None or len(text) < 8 or b.index in skip:
            continue
        if label is None and not bullet and text[:1].islower() and items and k == last + 1:
            items[-1] = _continued(doc, items[-1], ln, text)  # a paragraph cut by a page break or a line break
            last = k
            continue
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        # A child is a listed line below this one; a lower-case paragraph carries this one on (a page break).
        has_children = (
            nxt is not None
            and not (block_label(nxt.text) is None and not _BULLET.match(nxt.text) and nxt.text[:1].islower())
            and _depth(block_label(nxt.text), nxt.text, list(styles)) > depth
        )
        unit = _heading_unit(text)
        if unit and has_children:
            found = find_deadline(text, plan_year)
            stack.append(_Context(depth, unit, found[0] if found and found[0].kind != "open" else None))
            continue
        if text.rstrip().endswith(":") and has_children and unit is None and _unit_of(text) is None:
            continue  # a heading that groups the lines under it ("Nội dung tuyên truyền:")
        own = _unit_of(text)
        listed = label is not None or bullet  # an item, not a lead-in paragraph
        if not listed and _HAND_OVER.match(text):
            continue
        if (
            own is None
            and not stack
            and not (in_scope and listed and not has_children and not _is_title(b, label, text))
        ):
            continue  # neither an assignment, nor under a unit, nor a duty listed in a tasks part
        if own is not None and has_children and text.rstrip().endswith(":"):
            stack.append(_Context(depth, own[0], None))
            continue
        if own is not None and label is None and not bullet and text.rstrip().endswith(":"):
            # A lead-in that assigns what follows ("Sở Công Thương đề nghị các chủ đầu tư thực hiện
            # các nội dung sau:", "Yêu cầu Thủ trưởng các sở … thực hiện:"): its unit for the list.
            stack[:] = [_Context(-1, own[0], None)]
            continue
        unit_text = own[0] if own else stack[-1].unit if stack else ""
        items.append(_item(doc, ln, text[own[1] :] if own else text, unit_text, stack, plan_year))
        last = k
    return items


def _continued(doc: Document, item: Item, ln: Line, text: str) -> Item:
    end = ln.span(doc).end
    span = item.source.model_copy(update={"end": end, "text": doc.source_text[item.source.start : end]})
    return item.model_copy(update={"text": f"{item.text} {text}", "source": span})


def _is_title(b: Block, label: Label | None, text: str) -> bool:
    """A heading line (a short labelled line without a sentence's end), not a duty."""
    return bool(label) and len(text) < 90 and not re.search(r"[.;]\s*$", text) and (b.bold or text.isupper())


def _item(doc: Document, ln: Line, text: str, unit: str, stack: list[_Context], plan_year: int | None) -> Item:
    draft = _Draft([ln.block], None, ())
    if unit:
        assign_responsible(draft, unit)
    m = re.search(r"\bphối hợp(?: với)?\s+(?P<who>[^.;:]{3,160}?)(?=\s+(?:" + _VERBS + r")\b|[.;:]|$)", text)
    if m and not draft.coordinating:
        assign_responsible(draft, f"x phối hợp với {m.group('who')}")
        draft.responsible = [u for u in draft.responsible if u != "x"]
    own = task_deadline(text, plan_year)
    inherited = next((c.deadline for c in reversed(stack) if c.deadline), None)
    deadline = own if own is not None and (own.kind != "open" or inherited is None) else inherited
    return Item(
        id=f"D{ln.block.index}" + (f".{ln.start}" if ln.start else ""),
        text=text.strip(),
        responsible=tuple(dict.fromkeys(draft.responsible)),
        coordinating=tuple(dict.fromkeys(draft.coordinating)),
        people=tuple({p.name: p for p in draft.people}.values()),
        deadline=deadline,
        source=ln.span(doc),
    )
