"""The closing of a plan: nơi nhận (recipients) and the signature block.

In OCR text they follow the body; in DOCX/PDF they are often a two-column table (recipients
left, signer right), and a cell holds several lines, so both are read line by line.
"""

from __future__ import annotations

import re

from vanban.model import Document, Recipient, Signer
from vanban.parse.layout.lines import Line, block_lines
from vanban.parse.layout.zones import NOI_NHAN, is_authority, is_upper

_SIGNATURE_NOISE = re.compile(
    r"^\W*(?:\(?\s*đã\s+ký\s*\)?|\[?\s*ký[^\]]*\]?|\(?ký,?\s*ghi rõ.*\)?|dấu|\S*[_\d]\S*)\W*$", re.I
)
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+)(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4}$")
_RECIPIENT_END = re.compile(r"^\W*Lưu\b", re.I)
_TITLES = re.compile(
    r"^(?:PHÓ\s+)?(?:CHỦ TỊCH|TRƯỞNG BAN|BÍ THƯ|GIÁM ĐỐC|CHÁNH VĂN PHÒNG|TRƯỞNG PHÒNG|CHỦ NHIỆM|THỦ TRƯỞNG)\b"
)


def parse_recipients(doc: Document, start: int) -> list[Recipient]:
    lines = block_lines(doc.blocks[start:])
    out: list[Recipient] = []
    for i, ln in enumerate(lines):
        m = NOI_NHAN.match(ln.text)
        if not m:
            continue
        pieces: list[tuple[Line, int]] = [(ln, m.end())] if ln.text[m.end() :].strip() else []
        for nl in lines[i + 1 : i + 40]:
            t = nl.text
            if not re.match(r"^[-+•*]", t):
                # The signature block may sit beside the list (two columns read line by line).
                if is_upper(t) or _SIGNATURE_NOISE.match(t) or _NAME.match(t):
                    continue
                if pieces and nl.block is not pieces[-1][0].block:
                    break
            pieces.append((nl, 0))
            if _RECIPIENT_END.match(t.lstrip("-+•* ")):
                break
        for pl, off in pieces:
            raw = pl.text[off:]
            text = raw.strip().lstrip("-+•* ").strip().rstrip(";").strip()
            if text:
                out.append(Recipient(text=text, source=pl.span(doc, off, len(pl.text))))
        break
    return out


_TITLE_INSIDE = re.compile(
    r"\s(?=(?:KT|Q|TL|TUQ)\.\s?)|(?<=\S)\s(?=(?:PHÓ\s+)?(?:CHỦ TỊCH|TRƯỞNG BAN|BÍ THƯ|GIÁM ĐỐC|CHỦ NHIỆM)\b)"
)


def _signature_lines(lines: list[Line]) -> list[Line]:
    """Split a signature written on one line ('TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH').

    PDF text layers and some DOCX files put the authority, the 'KT.' line and the title on one
    line; they are cut before each prefix and before a title that follows a body name.
    """
    out: list[Line] = []
    for ln in lines:
        if not is_authority(ln.text):
            out.append(ln)
            continue
        cuts = [0] + [m.end() for m in _TITLE_INSIDE.finditer(ln.text)]
        # "KT. CHỦ TỊCH": a title right after the prefix belongs to it.
        cuts = [c for c in cuts if c == 0 or not re.search(r"(?:\bPHÓ|\b(?:KT|Q|TL|TUQ)\.)$", ln.text[:c].rstrip())]
        for a, b in zip(cuts, [*cuts[1:], len(ln.text)], strict=True):
            part = ln.text[a:b].strip()
            if part:
                out.append(Line(ln.block, ln.start + a, part))
    return out


def parse_signer(doc: Document, start: int) -> Signer:
    """Authority (TM./KT./… lines), title and name of the signer, searched from ``start``."""
    lines = _signature_lines(block_lines(doc.blocks[start:]))
    for i, ln in enumerate(lines):
        first = ln.text
        if not (is_authority(first) or (is_upper(first) and _TITLES.match(first))):
            continue
        authority: list[str] = []
        title: str | None = None
        name: str | None = None
        last = ln
        for nl in lines[i : i + 12]:
            t = nl.text
            if _SIGNATURE_NOISE.match(t) or NOI_NHAN.match(t):
                continue
            if is_authority(t):
                authority.append(t)
            elif is_upper(t) and len(t) < 60 and title is None and _TITLES.match(t):
                title = t
            elif _NAME.match(t) or ((authority or title) and _is_name_like(t)):
                name, last = t, nl
                break
            elif re.match(r"^[-+•]", t) or (nl.block.table is not None and nl.block is not ln.block):
                continue
            else:
                break
        if title is None and authority and re.match(r"^(KT|Q|TL|TUQ)\.", authority[-1]):
            title = None if len(authority) == 1 else authority.pop()
        span = ln.span(doc)
        end = last.span(doc).end
        span = span.model_copy(update={"end": end, "text": doc.source_text[span.start : end]})
        return Signer(authority="\n".join(authority) or None, title=title, name=name, source=span)
    return Signer()


def _is_name_like(t: str) -> bool:
    words = t.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words) and not is_upper(t)
