"""Zones of a document: header, body, closing (signer, nơi nhận), appendices, and page furniture.

Boundaries come from content, which every format has: the header ends at the first căn cứ /
thực hiện line or outline heading after the document type; the closing starts at "Nơi nhận" or
the signer's authority line (TM./KT./TL. …); appendices start at a "PHỤ LỤC" heading after the
closing. Page furniture — running headers and footers, page numbers, the "ĐẾN Số: … Ngày: …"
receipt stamp, the e-signature notes that signing software prints (``ttcbth@… 18.11.2024
07:25:14 +07:00``, ``Ký bởi: …``) — is found by its shape and, in paged formats, by repetition
at the top or bottom of several pages.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from vanban.model import Block, Document
from vanban.parse.layout.lines import block_lines
from vanban.parse.read.ocr_correct import fold  # letters without marks, one for one
from vanban.parse.vocab import vocab

NOI_NHAN = re.compile(r"^\W*Nơi\s+nhận\s*:?\s*", re.I)
_BODY_START = re.compile(r"^(?:căn cứ|thực hiện|để|nhằm|I\.|A\.|1\.)\s", re.I)
_APPENDIX = re.compile(r"^\W*phụ\s+lục\b", re.I)
SUBJECT_RX = re.compile(r"^\s*V/v\b\s*[:.]?\s*", re.I | re.M)  # a công văn's subject line
KINH_GUI = re.compile(r"^\s*Kính\s+gửi\b", re.I | re.M)  # a công văn's addressees
_ADDRESSEE = re.compile(r"^\s*(?:[-+•]\s|Kính\s+gửi\b)", re.I)
_ESIGN = re.compile(
    r"\S+@\S+\.\S+\s+\d{1,2}[./]\d{1,2}[./]\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[+-]\d{2}:?\d{2})?"
    r"|^\W*(?:Ký\s+bởi|Người\s+ký|Thời\s+gian\s+ký|Ngày\s+ký)\s*:",
    re.I,
)
_RECEIPT = re.compile(r"^\W*(?:CÔNG\s+VĂN\s+)?(?:ĐẾN|DEN)\b\W*(?:Số|Ngày|Chuyển)\b", re.I)
_LIST_ITEM = re.compile(r"^\s*(?:[-–+•*]|\(?\w{1,4}[.)])\s")
_PAGE_NUMBER = re.compile(r"^[-–—\s]*(?:trang\s*)?\d{1,4}(?:\s*/\s*\d{1,4})?[-–—\s]*$", re.I)


def is_upper(text: str) -> bool:
    """Every letter a capital (at least two letters)."""
    if text.upper() != text:  # a lower-case letter somewhere: the quick answer for most lines
        return False
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def is_authority(t: str) -> bool:
    """A signer's authority line ('TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH')."""
    return len(t) < 80 and t.startswith(tuple(vocab().signer_prefixes)) and is_upper(t)


def doc_type_of(text: str) -> tuple[str, bool] | None:
    """The document type a line names (``KẾ HOẠCH``) and whether it took reading past OCR slips
    of its marks (``KẼ HOẠCH``, ``KÉ HOẠCH``: the same letters without marks); None for other lines."""
    t = " ".join(text.split()).upper()
    if t in vocab().doc_types:
        return t, False
    if len(t) > 24:
        return None
    found = _folded_types().get(fold(t))
    return (found, True) if found else None


@cache
def _folded_types() -> dict[str, str]:
    return {fold(t): t for t in vocab().doc_types}


def is_doc_type(text: str) -> bool:
    return doc_type_of(text) is not None


def header_end(doc: Document) -> int:
    """Index of the first block after the header: the first căn cứ/thực hiện line or outline
    heading after the document type; in a công văn, which has no type line, the first block after
    its "V/v …" subject and its "Kính gửi:" list."""
    seen_type = subject = -1
    for b in doc.blocks:
        t = b.text
        if b.index > 60:
            break
        if is_doc_type(t):
            seen_type = b.index
            continue
        # The line right after the type is the title even when it reads "Thực hiện …".
        if seen_type >= 0 and b.index > seen_type + 1 and _BODY_START.match(t):
            return b.index
        if seen_type < 0 and (SUBJECT_RX.search(t) or KINH_GUI.search(t)):
            subject = b.index
    if seen_type < 0 and subject >= 0:
        return _after_addressees(doc, subject)
    return min(len(doc.blocks), 60)


def _after_addressees(doc: Document, last: int) -> int:
    """The first block after a công văn's subject and addressees (the same header table, or the
    "- …" lines of the Kính gửi list)."""
    table = doc.blocks[last].table
    for b in doc.blocks[last + 1 :]:
        if table is not None and b.table == table:
            continue
        if _ADDRESSEE.match(b.text) and b.index <= last + 15 and len(b.text) < 200:
            continue
        return b.index
    return len(doc.blocks)


@cache
def _closing_hint() -> re.Pattern[str]:
    """A line that may open the closing: looser than the real tests, to skip other blocks fast."""
    prefixes = "|".join(re.escape(p) for p in vocab().signer_prefixes)
    return re.compile(rf"^\W*Nơi\s+nhận|^\s*(?:{prefixes})", re.I | re.M)


def closing_start(doc: Document, body_start: int) -> int:
    """Index of the first closing block ('Nơi nhận:' or the signer's authority line)."""
    hint = _closing_hint()
    for b in doc.blocks[body_start:]:
        if (b.table is not None and (b.row or 0) > 2) or not hint.search(b.text):
            continue
        if any(NOI_NHAN.match(ln.text) or is_authority(ln.text) for ln in block_lines([b])):
            return b.index
    return len(doc.blocks)


def appendix_start(doc: Document, closing: int) -> int:
    """Index of the first appendix heading ('PHỤ LỤC …') after the closing; the end when none."""
    for b in doc.blocks[closing:]:
        if b.table is None and _APPENDIX.match(b.text) and len(b.text) < 200:
            return b.index
    return len(doc.blocks)


def furniture(doc: Document) -> frozenset[int]:
    """Blocks that are page furniture, not the document's text."""
    out = {b.index for b in doc.blocks if _stamp_like(b)}
    out |= _repeated_at_page_edges(doc.blocks)
    return frozenset(out)


def _stamp_like(b: Block) -> bool:
    t = b.text
    if len(t) > 200:
        return False
    if _ESIGN.search(t) or (_RECEIPT.match(t) and len(t) < 120):
        return True
    return b.page is not None and b.table is None and bool(_PAGE_NUMBER.match(t))


def _edge_blocks(blocks: tuple[Block, ...]) -> list[Block]:
    """The first and last text block (outside tables) of each page."""
    pages: dict[int, list[Block]] = defaultdict(list)
    for b in blocks:
        if b.page is not None and b.table is None:
            pages[b.page].append(b)
    return [b for bs in pages.values() for b in {bs[0], bs[-1]}]


def _repeated_at_page_edges(blocks: tuple[Block, ...]) -> set[int]:
    """Running headers and footers: the same short line (numbers aside), not a list item, first or
    last on at least three pages."""
    seen: dict[str, list[Block]] = defaultdict(list)
    for b in _edge_blocks(blocks):
        if len(b.text) <= 80 and "\n" not in b.text and not _LIST_ITEM.match(b.text):
            seen[re.sub(r"\d+", "#", " ".join(b.text.split()).casefold())].append(b)
    # Three pages at least: an issuer restated at the top of an appendix page is not a running
    # header; the document's own first lines (its header) are never furniture.
    return {b.index for bs in seen.values() if len({b.page for b in bs}) >= 3 for b in bs if b.index >= 8}
