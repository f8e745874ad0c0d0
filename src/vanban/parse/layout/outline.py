"""The outline of a plan: I./II. or A./B., 1., 1.1, a), -, +.

Levels are not fixed by the style of a label but by the order in which styles first appear
(as in nested lists): a style already on the stack closes everything below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from vanban.model import Block, Document, Section

_LABEL = re.compile(
    r"^[\s*#]{0,3}(?:"
    r"(?P<roman>[IVX]{1,5})\s*[.:/]"
    r"|(?P<upper>[A-ZĐ])\s*[.:/](?!\w)"
    r"|(?P<dotted>\d{1,2}(?:\.\d{1,2})+)(?![\d%,])\s*[.:]?"
    r"|(?P<arabic>\d{1,2})\s*[.:)/](?!\d)"
    r"|(?P<lower>[a-zđ])\s*\)"
    r")\s*"
)
_STYLES = ("roman", "upper", "dotted", "arabic", "lower")


@dataclass(frozen=True)
class Label:
    style: str
    value: str
    end: int  # where the text after the label starts


@lru_cache(maxsize=16384)
def block_label(text: str) -> Label | None:
    """The numbering a text starts with (cached: every pass over the blocks asks again)."""
    m = _LABEL.match(text)
    if not m:
        return None
    for style in _STYLES:
        v = m.group(style)
        if v:
            if style == "dotted":
                v = re.sub(r"\s+", "", v)
                style = f"dotted{v.count('.')}"
            return Label(style, v, m.end())
    return None


_BULLET = re.compile(r"^\s*[-+•*–]\s")


def is_list_item(b: Block) -> bool:
    """A bulleted line, whether the format marks lists (Word numbering, markdown) or the text
    carries its bullet ("- …" typed in a paragraph, a PDF line)."""
    return b.kind == "list_item" or bool(_BULLET.match(b.text))


def is_heading(b: Block, label: Label | None) -> bool:
    """A block that opens a section: a labelled short line, a markdown heading, or bold caps."""
    if b.kind == "table_cell":
        return False
    if b.kind == "heading":
        return True
    if label is None:
        return False
    rest = b.text[label.end :]
    if label.style in ("roman", "upper"):
        return len(rest) < 200
    short = len(rest) < 60 and not rest.rstrip().endswith(";")
    return short or (len(rest) < 110 and (b.bold or rest.rstrip().endswith(":") or not rest.rstrip().endswith(".")))


_ROMAN = {"I": 1, "V": 5, "X": 10}


def ordinal(value: str) -> int:
    """1 for 'I', 'A', 'a', '1'; the last part of a dotted label."""
    v = value.split(".")[-1]
    if v.isdigit():
        return int(v)
    if (set(v) <= set(_ROMAN) and len(v) > 1) or v in ("I", "V", "X"):
        total = 0
        for i, c in enumerate(v):
            n = _ROMAN[c]
            total += -n if i + 1 < len(v) and _ROMAN[v[i + 1]] > n else n
        return total
    return ord(v.lower()) - ord("a") + 1 if len(v) == 1 else 0


def _place(stack: list[tuple[str, str]], style: str, value: str) -> None:
    """Put a heading on the stack: close down to its own style, or nest a restarted numbering.

    'I.' seen again under 'III. … B.' starts a nested list when it restarts at one and is not
    the next in its series (seed 004: "B. Nhiệm vụ … I. Đối với 13 tiêu chí").
    """
    found = [i for i, (s, _) in enumerate(stack) if s.rstrip("+") == style]
    if found:
        i = found[-1]
        prev = ordinal(stack[i][1])
        if ordinal(value) == 1 and prev >= 1 and i < len(stack) - 1:
            stack.append((stack[-1][0] if stack[-1][0].rstrip("+") == style else style + "+", value))
            return
        style = stack[i][0]
        del stack[i:]
    stack.append((style, value))


def parse_outline(doc: Document, start: int, end: int) -> tuple[list[Section], dict[int, tuple[str, ...]]]:
    """Sections among blocks ``start``..``end`` and, for every block, its section path."""
    sections: list[Section] = []
    stack: list[tuple[str, str]] = []  # (style, value)
    paths: dict[int, tuple[str, ...]] = {}
    for b in doc.blocks[start:end]:
        label = block_label(b.text)
        if is_heading(b, label):
            style, value = (label.style, label.value) if label else (f"h{b.level or 0}", "")
            title = b.text[label.end :] if label else b.text
            if style == "roman" and title.isupper():
                # An upper-case Roman heading is always a top part (NĐ 30 "I. MỤC ĐÍCH, YÊU CẦU").
                stack.clear()
            _place(stack, style, value)
            path = tuple(v for _, v in stack if v)
            sections.append(
                Section(label=value, title=title.strip(" :"), level=len(stack), path=path, source=doc.span(b))
            )
        paths[b.index] = tuple(v for _, v in stack if v)
    return sections, paths
