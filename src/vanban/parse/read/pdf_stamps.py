"""Words that annotations draw on a PDF page: what signing software stamps into the blanks.

A signed Vietnamese PDF leaves the number and the day blank in the page text (``Số:      /KH-UBND``,
``ngày     tháng 4 năm 2026``); the signing software draws them (``362``, ``14``) in the appearance
stream (``/AP /N``) of a signature widget or another annotation, so a reader of the page content
(pdfplumber) never sees them. :func:`stamp_words` finds those words with PDFium:

1. only pages with at least one visible annotation carrying an appearance stream are touched
   (widgets, signature fields, FreeText, Stamp …); hidden and NoView ones, links, popups, note icons
   and annotations without ``/AP`` are removed from the in-memory copy first (``/Invisible`` hides
   only annotation types a viewer does not know);
2. the page's characters are read, the annotations are flattened into the page content
   (``FPDFPage_Flatten``, normal display), the page is reloaded and read again;
3. the characters of the flattened page that were not on the page before (same character, same
   box) and lie inside one of the annotations' rectangles are the stamped ones; they are grouped
   into words and put in pdfplumber's coordinates (points, origin at the top left of the page).

The document is never written back. Any failure gives ``{}``: the stamps are a bonus, not a reason
to refuse a file.
"""

from __future__ import annotations

import ctypes
import logging
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

# Annotation flags (PDF 32000-1, 12.5.3) and subtypes (PDFium's FPDF_ANNOT_*) left alone.
_INVISIBLE, _HIDDEN, _NOVIEW = 1, 2, 32
_SKIP_SUBTYPES = {1, 2, 16}  # Text (a note icon), Link, Popup: nothing written on the page
_PAD = 1.0  # points around an annotation's rectangle


@dataclass(frozen=True)
class StampWord:
    """A word drawn by an annotation, in pdfplumber's coordinates (points, origin top left)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    fontname: str
    annot: int = 0  # which annotation of the page drew it (words of one annotation share it)


Rect = tuple[float, float, float, float]  # left, bottom, right, top in PDF user space


@dataclass
class _Char:
    text: str
    box: Rect
    size: float
    index: int
    annot: int = -1


def stamp_words(data: bytes) -> dict[int, list[StampWord]]:
    """Per 0-based page, the words drawn by the page's annotations (and not by its content).

    Pages without such words are left out; any failure gives ``{}``.
    """
    try:
        import pypdfium2 as pdfium  # type: ignore[import-untyped]
        import pypdfium2.raw as raw  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a dependency of vanban
        return {}
    try:
        doc = pdfium.PdfDocument(data)
    except Exception:  # a file PDFium cannot open: pdfplumber's problem, not ours
        return {}
    out: dict[int, list[StampWord]] = {}
    try:
        for pno in range(len(doc)):
            words = _page_stamps(doc, raw, pno)
            if words:
                out[pno] = words
    except Exception as e:  # never fail a read because of the stamps
        log.debug("stamp_words: %s", e)
        return {}
    finally:
        doc.close()
    return out


def _page_stamps(doc: Any, raw: Any, pno: int) -> list[StampWord]:
    page = raw.FPDF_LoadPage(doc.raw, pno)
    if not page:
        return []
    try:
        rects = _keep_annotations(raw, page)
        if not rects:
            return []
        tp = raw.FPDFText_LoadPage(page)
        if not tp:
            return []
        try:  # the page's own characters where the annotations lie
            before = Counter((c.text, _key(c.box)) for c in _chars(raw, tp) if _annotation(c.box, rects) >= 0)
        finally:
            raw.FPDFText_ClosePage(tp)
        if raw.FPDFPage_Flatten(page, raw.FLAT_NORMALDISPLAY) != raw.FLATTEN_SUCCESS:
            return []
        geometry = _geometry(raw, page)
    finally:
        raw.FPDF_ClosePage(page)
    page = raw.FPDF_LoadPage(doc.raw, pno)  # the flattened content is read on reload
    if not page:
        return []
    tp = raw.FPDFText_LoadPage(page)
    try:
        new: list[_Char] = []
        for c in _chars(raw, tp):
            c.annot = _annotation(c.box, rects)
            if c.annot < 0:
                continue
            k = (c.text, _key(c.box))
            if before[k] > 0:  # on the page before: not drawn by an annotation
                before[k] -= 1
            else:
                new.append(c)
        return _words(raw, tp, new, geometry) if new else []
    finally:
        if tp:
            raw.FPDFText_ClosePage(tp)
        raw.FPDF_ClosePage(page)


def _keep_annotations(raw: Any, page: Any) -> list[Rect]:
    """Remove the annotations that show nothing; the rectangles of those left that draw something."""
    rects = []
    for i in reversed(range(raw.FPDFPage_GetAnnotCount(page))):
        annot = raw.FPDFPage_GetAnnot(page, i)
        if not annot:
            continue
        try:
            flags = raw.FPDFAnnot_GetFlags(annot)
            rect = raw.FS_RECTF()
            subtype = raw.FPDFAnnot_GetSubtype(annot)
            keep = (
                not flags & (_HIDDEN | _NOVIEW)
                and not (flags & _INVISIBLE and subtype == raw.FPDF_ANNOT_UNKNOWN)  # Invisible: unknown types only
                and subtype not in _SKIP_SUBTYPES
                and raw.FPDFAnnot_HasKey(annot, b"AP")
                and raw.FPDFAnnot_GetRect(annot, rect)
            )
            box = (min(rect.left, rect.right), min(rect.bottom, rect.top), max(rect.left, rect.right),
                   max(rect.bottom, rect.top))  # fmt: skip
            if keep and flags & _INVISIBLE:
                raw.FPDFAnnot_SetFlags(annot, flags & ~_INVISIBLE)  # PDFium would not flatten it
        finally:
            raw.FPDFPage_CloseAnnot(annot)
        if keep and box[2] > box[0] and box[3] > box[1]:
            rects.append(box)
        else:
            raw.FPDFPage_RemoveAnnot(page, i)  # in memory only: flattening must not draw it
    return rects


def _key(box: Rect) -> tuple[int, int, int, int]:
    return round(box[0] * 4), round(box[1] * 4), round(box[2] * 4), round(box[3] * 4)


def _annotation(box: Rect, rects: list[Rect]) -> int:
    """The smallest of ``rects`` around the middle of ``box``; -1 when none is."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    inside = [i for i, r in enumerate(rects) if r[0] - _PAD <= cx <= r[2] + _PAD and r[1] - _PAD <= cy <= r[3] + _PAD]
    if len(inside) < 2:
        return inside[0] if inside else -1
    return min(inside, key=lambda i: (rects[i][2] - rects[i][0]) * (rects[i][3] - rects[i][1]))


def _chars(raw: Any, tp: Any) -> Iterator[_Char]:
    """The text page's characters with their loose boxes (font ascent to descent, like pdfplumber's)."""
    if not tp:
        return
    rect = raw.FS_RECTF()
    for i in range(raw.FPDFText_CountChars(tp)):
        code = raw.FPDFText_GetUnicode(tp, i)
        if not code or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            continue
        text = chr(code)
        if text.isspace() or raw.FPDFText_IsGenerated(tp, i) == 1 or not raw.FPDFText_GetLooseCharBox(tp, i, rect):
            continue  # a word break: the next character's index is not this one's plus one
        box = (min(rect.left, rect.right), min(rect.bottom, rect.top), max(rect.left, rect.right),
               max(rect.bottom, rect.top))  # fmt: skip
        yield _Char(text, box, float(raw.FPDFText_GetFontSize(tp, i)), i)


@dataclass(frozen=True)
class _Geometry:
    """How pdfminer and pdfplumber place a point of PDF user space on the page (see pdfplumber's Page)."""

    mediabox: Rect
    rotation: int  # degrees, clockwise

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """x0, x1, top, bottom in pdfplumber's coordinates."""
        x0, y0, x1, y1 = self.mediabox
        ctm = {
            90: (0.0, -1.0, 1.0, 0.0, -y0, x1),
            180: (-1.0, 0.0, 0.0, -1.0, x1, y1),
            270: (0.0, 1.0, -1.0, 0.0, y1, -x0),
        }.get(self.rotation, (1.0, 0.0, 0.0, 1.0, -x0, -y0))
        a, b, c, d, e, f = ctm
        pts = [(a * x + c * y + e, b * x + d * y + f) for x, y in ((left, bottom), (right, top))]
        dx0, dx1 = sorted(p[0] for p in pts)
        dy0, dy1 = sorted(p[1] for p in pts)
        # pdfplumber: the mediabox normalised for the rotation, flipped; objects shifted back by its origin.
        nx0, ny0, _, ny1 = (y0, x0, y1, x1) if self.rotation in (90, 270) else (x0, y0, x1, y1)
        height = ny1 - ny0
        mb_top = height - ny1
        return dx0 + nx0, dx1 + nx0, height - dy1 + mb_top, height - dy0 + mb_top


def _geometry(raw: Any, page: Any) -> _Geometry:
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if raw.FPDFPage_GetMediaBox(page, left, bottom, right, top):
        box = (left.value, bottom.value, right.value, top.value)
    else:  # inherited from the page tree, which this getter does not follow: the page's bounding box
        r = raw.FS_RECTF()
        raw.FPDF_GetPageBoundingBox(page, r)
        box = (r.left, r.bottom, r.right, r.top)
    mediabox = (min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3]))
    return _Geometry(mediabox, 90 * (raw.FPDFPage_GetRotation(page) % 4))


def _words(raw: Any, tp: Any, chars: list[_Char], geometry: _Geometry) -> list[StampWord]:
    groups: list[list[_Char]] = []
    prev: _Char | None = None
    for c in chars:
        if prev is not None and prev.index == c.index - 1 and prev.annot == c.annot and _same_word(prev, c):
            groups[-1].append(c)
        else:
            groups.append([c])
        prev = c
    names = [_font_name(raw, tp, g[0].index) for g in groups]
    words = []
    for g, name in zip(groups, names, strict=True):
        x0, x1, top, bottom = geometry.box(
            min(c.box[0] for c in g), min(c.box[1] for c in g), max(c.box[2] for c in g), max(c.box[3] for c in g)
        )
        size = max(c.size for c in g) or bottom - top
        words.append(StampWord("".join(c.text for c in g), x0, x1, top, bottom, size, name, g[0].annot))
    return words


def _same_word(a: _Char, b: _Char) -> bool:
    """``b`` follows ``a`` on the same line with no word gap between them."""
    size = max(a.size, b.size, 1.0)
    mid_a, mid_b = (a.box[1] + a.box[3]) / 2, (b.box[1] + b.box[3]) / 2
    return abs(mid_a - mid_b) < 0.5 * size and -0.5 * size < b.box[0] - a.box[2] < 0.25 * size


def _font_name(raw: Any, tp: Any, index: int) -> str:
    flags = ctypes.c_int()
    n = raw.FPDFText_GetFontInfo(tp, index, None, 0, flags)
    if not n:
        return ""
    buf = ctypes.create_string_buffer(n)
    raw.FPDFText_GetFontInfo(tp, index, buf, n, flags)
    return buf.value.decode("utf-8", "replace")


def join_notes(words: list[StampWord]) -> list[StampWord]:
    """``words`` with the words of each annotation that draws more than one line (a signature note:
    ``TRUNG TÂM CÔNG BÁO … ttcbth@quangngai.gov.vn 18.11.2024 07:25:14 +07:00``, ``Ký bởi: …``) joined
    into one piece on the note's first line, so that a reader lays the note out as one line of text
    instead of a column of short lines that a header or paragraph could take for its own."""
    by_annot: dict[int, list[StampWord]] = {}
    for w in words:
        by_annot.setdefault(w.annot, []).append(w)
    out: list[StampWord] = []
    for annot, ws in by_annot.items():
        lines: list[list[StampWord]] = []
        for w in sorted(ws, key=lambda w: (w.top, w.x0)):
            last = lines[-1][0] if lines else None
            if last is not None and abs((w.top + w.bottom) / 2 - (last.top + last.bottom) / 2) < 0.5 * w.size:
                lines[-1].append(w)
            else:
                lines.append([w])
        if len(lines) == 1:
            out += ws
            continue
        text = " ".join(w.text for ln in lines for w in sorted(ln, key=lambda w: w.x0))
        first = lines[0]
        out.append(
            StampWord(
                text,
                min(w.x0 for w in ws),
                max(w.x1 for w in ws),
                min(w.top for w in first),
                max(w.bottom for w in first),
                max(w.size for w in ws),
                first[0].fontname,
                annot,
            )
        )
    return out
