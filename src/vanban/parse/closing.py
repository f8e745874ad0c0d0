"""The closing of a plan: nơi nhận (recipients) and the signature block.

In OCR text they follow the body; in DOCX/PDF they are often a two-column table (recipients
left, signer right), so the parser looks for their shapes anywhere after the body.
"""

from __future__ import annotations

import re

from vanban.model import Block, Document, Recipient, Signer
from vanban.parse.vocab import vocab

_NOI_NHAN = re.compile(r"^\W*Nơi\s+nhận\s*:?\s*", re.I)
_SIGNATURE_NOISE = re.compile(r"^\W*(?:\(?\s*đã\s+ký\s*\)?|\[?\s*ký[^\]]*\]?|\(?ký,?\s*ghi rõ.*\)?|dấu)\W*$", re.I)
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+)(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){1,4}$")
_RECIPIENT_END = re.compile(r"^\W*Lưu\b", re.I)


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def closing_start(doc: Document, body_start: int) -> int:
    """Index of the first closing block ('Nơi nhận:' or the signer's authority line)."""
    prefixes = tuple(vocab().signer_prefixes)
    candidates = []
    for b in doc.blocks[body_start:]:
        if b.table is not None and b.row is not None and b.row > 2:
            continue
        t = b.text.strip()
        if _NOI_NHAN.match(t) or (t.upper().startswith(prefixes) and _is_upper(t) and len(t) < 60):
            candidates.append(b.index)
    return candidates[0] if candidates else len(doc.blocks)


def parse_recipients(doc: Document, start: int) -> list[Recipient]:
    out: list[Recipient] = []
    blocks = doc.blocks[start:]
    for i, b in enumerate(blocks):
        m = _NOI_NHAN.match(b.text)
        if not m:
            continue
        rest = b.text[m.end() :].strip()
        pieces: list[tuple[Block, int]] = [(b, m.end())] if rest else []
        for nb in blocks[i + 1 : i + 40]:
            t = nb.text.strip()
            if _is_upper(t) and t.upper().startswith(tuple(vocab().signer_prefixes)):
                break
            if not re.match(r"^\s*[-+•*]", t) and pieces and not _RECIPIENT_END.match(t) and _is_upper(t):
                break
            pieces.append((nb, 0))
            if _RECIPIENT_END.match(t.lstrip("-+•* ")):
                break
        for pb, off in pieces:
            for part in re.split(r"\n|(?<=;)\s+(?=-)", pb.text[off:]):
                text = part.strip().lstrip("-+•* ").strip().rstrip(";").strip()
                if text:
                    s = pb.text.find(part.strip(), off)
                    out.append(Recipient(text=text, source=doc.span(pb, s, s + len(part.strip()))))
        break
    return out


def parse_signer(doc: Document, start: int) -> Signer:
    """Authority (TM./KT./… lines), title and name of the signer, searched from ``start``."""
    prefixes = tuple(vocab().signer_prefixes)
    blocks = doc.blocks[start:]
    for i, b in enumerate(blocks):
        lines = [ln.strip() for ln in b.text.split("\n")]
        first = lines[0]
        if not (_is_upper(first) and (first.startswith(prefixes) or _looks_like_title(first))):
            continue
        authority: list[str] = []
        title: str | None = None
        name: str | None = None
        name_block = b
        seq = [(b, t) for t in lines] + [(nb, nb.text.strip()) for nb in blocks[i + 1 : i + 12]]
        for blk, t in seq:
            if not t or _SIGNATURE_NOISE.match(t) or _NOI_NHAN.match(t):
                continue
            if _is_upper(t) and t.startswith(prefixes):
                authority.append(t)
            elif _is_upper(t) and len(t) < 60 and title is None and not name:
                title = t
            elif _NAME.match(t) or (authority or title) and _is_name_like(t):
                name = t
                name_block = blk
                break
            elif re.match(r"^\s*[-+•]", t):
                continue
            elif authority or title:
                break
        if authority or title:
            if title is None and len(authority) > 1:
                title = authority.pop()
            if title is None and authority and re.match(r"^(KT|Q|TL|TUQ)\.", authority[-1]):
                title = authority.pop()
            end = name_block
            span = doc.span(b)
            if end.index != b.index:
                span = span.model_copy(update={"end": end.end, "text": doc.source_text[span.start : end.end]})
            return Signer(authority="\n".join(authority) or None, title=title, name=name, source=span)
    return Signer()


_TITLES = re.compile(r"^(?:PHÓ\s+)?(?:CHỦ TỊCH|TRƯỞNG BAN|BÍ THƯ|GIÁM ĐỐC|CHÁNH VĂN PHÒNG|TRƯỞNG PHÒNG|CHỦ NHIỆM)\b")


def _looks_like_title(t: str) -> bool:
    return bool(_TITLES.match(t))


def _is_name_like(t: str) -> bool:
    words = t.split()
    return 2 <= len(words) <= 5 and all(w[:1].isupper() for w in words) and not _is_upper(t)
