"""Read a PDF with a text layer into blocks with pdfplumber.

Page by page, top to bottom: words are grouped into lines, lines into paragraphs (vertical
gap, indentation, a short previous line, a change of bold/italic/capitals); wrapped lines are
joined with a space, a line that starts like a list item ("- ", "a) ", "2. ") with "\\n". A line
with a wide gap between two word groups (the two-column header: issuer | quốc hiệu, "Số: …" |
"<place>, ngày …"; the signature: "Nơi nhận" | signer) is split in two; consecutive such lines
form a two-column region whose paragraphs come out band by band, left column before right.

Ruled tables (``page.find_tables()``, after dropping white or wide filled rectangles, which are
shading, not rules) become ``table_cell`` blocks numbered from 0; their words are not read
again as paragraphs; each ruled table found on a page is a table of its own, and every block
carries its box on the page: joining a table continued on the next page is the layout's work
(:mod:`vanban.parse.layout.tables`), the same for every format. Lone page numbers at the top or bottom of a page are
dropped. Paragraphs do not run across pages.
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
import struct
import warnings
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.text import WordExtractor

from vanban.errors import CorruptFileError, EmptyFileError, EncryptedFileError
from vanban.model import Block, BlockKind, Document
from vanban.parse.read.builder import DocumentBuilder
from vanban.parse.read.pdf_stamps import StampWord, join_notes, stamp_words

_BOLD_RX = re.compile(r"bold|black|heavy", re.IGNORECASE)
_ITALIC_RX = re.compile(r"italic|oblique", re.IGNORECASE)
_PAGE_NO_RX = re.compile(r"^[-–—\s]*(trang\s*)?\d{1,4}[-–—\s]*$", re.IGNORECASE)
_ITEM_RX = re.compile(r"^(?:[-–+•*]\s|\(?\d+(?:\.\d+)*[.)]\s|[a-zđ][.)]\s|[IVX]+\.\s)")
_WHITE = {(1.0,), (1.0, 1.0, 1.0), (0.0, 0.0, 0.0, 0.0)}
_ERRORS = (
    PdfminerException,
    PDFException,
    PSException,
    ValueError,
    KeyError,
    TypeError,
    IndexError,
    AssertionError,
    struct.error,
    zlib.error,
    RecursionError,
)

Box = tuple[float, float, float, float]


class _Sink(Protocol):  # a DocumentBuilder, or the OCR reader's collector
    def add(self, raw: str, kind: BlockKind = "paragraph", **attrs: Any) -> object: ...


@dataclass
class _Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    italic: bool
    conf: float | None = None  # OCR confidence (0–100); None for a text layer
    stamp: bool = False  # drawn by an annotation (a signature's stamped number or day), not the page content


class _Line:
    """Words on one baseline, left to right; ``col`` 1 is the right column of a two-column region."""

    def __init__(self, words: list[_Word], col: int = 0) -> None:
        self.words, self.col = sorted(words, key=lambda w: w.x0), col
        self.x0, self.x1 = min(w.x0 for w in words), max(w.x1 for w in words)
        self.top, self.bottom = min(w.top for w in words), max(w.bottom for w in words)
        self.size = max(w.size for w in words)
        self.text = ""
        self.spans: list[Span] = []  # where each word lies in ``text``
        for prev, w in zip([None, *self.words], self.words, strict=False):
            sep = prev is not None and w.x0 - prev.x1 > 0.1 * min(w.size, prev.size)
            self.text += " " if sep else ""
            self.spans.append((len(self.text), len(self.text) + len(w.text), w))
            self.text += w.text
        inked = [w for w in self.words if any(c.isalnum() for c in w.text)] or self.words
        wordy = sum(sum(c.isalpha() for c in w.text) >= 2 for w in self.words) >= 2
        caps = "mixed" if not wordy else "all" if all(c.isupper() for c in self.text if c.isalpha()) else "none"
        # Bold, italic and capitals of the line, each "all", "none" or "mixed".
        self.style = (_all_none([w.bold for w in inked]), _all_none([w.italic for w in inked]), caps)


def _all_none(flags: list[bool]) -> str:
    return "all" if all(flags) else "none" if not any(flags) else "mixed"


Span = tuple[int, int, "_Word"]  # a word's start and end in a joined text


@dataclass
class _Page:
    width: float
    height: float
    words: list[_Word]
    tables: list[tuple[Box, list[Box]]]  # (bbox, cells)
    image_share: float = 0.0  # share of the page covered by images (a scan: close to 1)


def _keep_object(obj: dict[str, Any]) -> bool:
    """Drop filled rectangles that are shading (white, or too wide to be a rule)."""
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return True
    color = obj.get("non_stroking_color")
    white = tuple(float(c) for c in color) in _WHITE if isinstance(color, (list, tuple)) else color == 1
    return min(obj["x1"] - obj["x0"], obj["bottom"] - obj["top"]) <= 3 and not white


def _box(b: Any) -> Box:
    return float(b[0]), float(b[1]), float(b[2]), float(b[3])


def _turn(page: Any) -> Callable[[Box], Box] | None:
    """How to turn the boxes of a page whose text mostly runs sideways or upside down (a landscape
    table on a portrait page, a page stored rotated) so that it reads left to right, top to bottom;
    None when the text is upright. The direction of each character is its text matrix's x axis."""
    votes: dict[str, int] = {}
    for c in page.chars:
        a, b = c["matrix"][0], c["matrix"][1]
        way = "ltr" if a > abs(b) else "rtl" if -a > abs(b) else "ttb" if b < 0 else "btt"
        votes[way] = votes.get(way, 0) + 1
    way = max(votes, key=lambda k: votes[k]) if votes else "ltr"
    if way == "ltr" or votes[way] < 0.6 * sum(votes.values()):
        return None
    w, h = float(page.width), float(page.height)
    if way == "ttb":  # lines read downwards, the first on the right: turn a quarter to the left
        return lambda b: (b[1], w - b[2], b[3], w - b[0])
    if way == "btt":  # lines read upwards, the first on the left: turn a quarter to the right
        return lambda b: (h - b[3], b[0], h - b[1], b[2])
    return lambda b: (w - b[2], h - b[3], w - b[0], h - b[1])  # upside down


def _chars(page: Any, turn: Callable[[Box], Box] | None) -> list[dict[str, Any]]:
    if turn is None:
        return list(page.chars)
    out = []
    for c in page.chars:
        x0, top, x1, bottom = turn((float(c["x0"]), float(c["top"]), float(c["x1"]), float(c["bottom"])))
        # Upright now: pdfplumber's word builder reads a character's direction from its matrix.
        out.append(
            {
                **c,
                "x0": x0,
                "x1": x1,
                "top": top,
                "bottom": bottom,
                "doctop": top,
                "upright": True,
                "matrix": (1, 0, 0, 1, x0, top),
                "width": x1 - x0,
                "height": bottom - top,
            }
        )
    return out


def _load_page(page: Any, stamps: Sequence[StampWord] = ()) -> _Page:
    """The page's words and ruled tables; ``stamps`` (words drawn by annotations) join the words of a text page.
    A page whose text runs sideways is turned first (:func:`_turn`), its rules with it."""
    words = []
    turn = _turn(page)
    extractor = WordExtractor(x_tolerance=1.5, extra_attrs=["fontname", "size"])
    for w in extractor.extract_words(_chars(page, turn)):
        if w["text"].strip():
            font = str(w.get("fontname", ""))
            words.append(
                _Word(
                    w["text"],
                    float(w["x0"]),
                    float(w["x1"]),
                    float(w["top"]),
                    float(w["bottom"]),
                    float(w.get("size") or (w["bottom"] - w["top"])),
                    bool(_BOLD_RX.search(font)),
                    bool(_ITALIC_RX.search(font)),
                )
            )
    tables = []
    if words:
        for t in page.filter(_keep_object).find_tables():
            cells = [_box(c) if turn is None else turn(_box(c)) for c in t.cells]
            if len({round(c[0]) for c in cells}) >= 2:  # one column of rules is a box, not a table
                tables.append((_box(t.bbox) if turn is None else turn(_box(t.bbox)), cells))
    width, height = float(page.width), float(page.height)
    covered = sum(
        max(0.0, min(float(i["x1"]), width) - max(float(i["x0"]), 0.0))
        * max(0.0, min(float(i["bottom"]), height) - max(float(i["top"]), 0.0))
        for i in page.images
    )
    if turn is not None:
        x0, _, x1, _ = turn((0.0, 0.0, width, height))
        width, height = abs(x1 - x0), width * height / (abs(x1 - x0) or 1.0)  # a quarter turn swaps them
        stamps = [_turned(st, turn) for st in stamps]
    pg = _Page(width, height, words, tables, min(1.0, covered / (width * height or 1.0)))
    if stamps and not _needs_ocr(pg):  # a signature stamp does not make a scan a text page
        pg.words += [_stamped(s, words) for s in join_notes(list(stamps))]  # a signature note's lines as one piece
    return pg


def _turned(st: StampWord, turn: Callable[[Box], Box]) -> StampWord:
    x0, top, x1, bottom = turn((st.x0, st.top, st.x1, st.bottom))
    return replace(st, x0=x0, top=top, x1=x1, bottom=bottom)


def _stamped(s: StampWord, words: list[_Word]) -> _Word:
    """A word drawn by an annotation, styled like the nearest page word on its line (a number stamped
    upright into an italic date line leaves the line italic); alone on its line, styled by its font."""
    mid, height = (s.top + s.bottom) / 2, s.bottom - s.top
    line = [w for w in words if abs((w.top + w.bottom) / 2 - mid) <= 0.35 * min(w.bottom - w.top, height)]
    if line:
        near = min(line, key=lambda w: max(w.x0 - s.x1, s.x0 - w.x1))
        bold, italic = near.bold, near.italic
    else:
        bold, italic = bool(_BOLD_RX.search(s.fontname)), bool(_ITALIC_RX.search(s.fontname))
    return _Word(s.text, s.x0, s.x1, s.top, s.bottom, s.size, bold, italic, stamp=True)


def _needs_ocr(pg: _Page) -> bool:
    """No usable text layer: no words, a page-size image with next to no text (a scan), or text that
    is mostly unmapped glyphs."""
    text = "".join(w.text for w in pg.words)
    if sum(c.isalnum() for c in text) < 20 and (not pg.words or pg.image_share > 0.3):
        return True
    bad = 5 * text.count("(cid:") + sum(c == "\ufffd" or "\ue000" <= c <= "\uf8ff" for c in text)
    return bad > 0.3 * len(text)


def _inside(w: _Word, box: Box) -> bool:
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _lines(words: list[_Word]) -> list[_Line]:
    groups: list[list[_Word]] = []
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        mid = (w.top + w.bottom) / 2
        for g in reversed(groups[-3:]):
            first = g[0]
            if abs(mid - (first.top + first.bottom) / 2) <= 0.35 * min(w.bottom - w.top, first.bottom - first.top):
                g.append(w)
                break
        else:
            groups.append([w])
    return sorted((_Line(g) for g in groups), key=lambda ln: ln.top)


def _split(line: _Line, width: float) -> tuple[_Line, _Line] | None:
    """Split a line at a wide gap between a left part and a right part, if it has one."""
    ws = line.words
    gaps = [b.x0 - a.x1 for a, b in itertools.pairwise(ws)]
    best: tuple[float, int] | None = None
    for i, g in enumerate(gaps):
        others = gaps[:i] + gaps[i + 1 :]
        if g < 1.5 * line.size or (others and g < 3 * statistics.median(others)):
            continue  # not wide, or as wide as the other gaps (a justified line)
        if ws[i].x1 <= 0.6 * width and ws[i + 1].x0 >= 0.3 * width and (best is None or g > best[0]):
            best = (g, i)
    if best is None:
        return None
    return _Line(ws[: best[1] + 1], 0), _Line(ws[best[1] + 1 :], 1)


def _join(lines: list[_Line], cell: Box | None = None, right: float | None = None) -> tuple[str, list[Span]]:
    """Lines as one text (a wrapped line after a space, a list item after a newline), and its words' spans.

    ``cell``: the lines fill this table cell, where a word too long for the cell is broken wherever
    the width runs out ("QLTTĐ" / "T;"): a line that is one word from the cell's left text edge to
    so near its right one that not even the next line's first letter would have fitted is such a
    piece. A line that ends in a hyphen inside an abbreviation ("CT-" / "XH") was wrapped there.
    Either way the next line goes on without a space. ``right``: the right edge of the page's text
    block, when the lines are body text.
    """
    text, spans = "", []
    narrow = cell is not None
    left = min((ln.x0 for ln in lines), default=0.0)
    # The cell's right text edge: the same padding on both sides.
    cell_right = cell[2] - (left - cell[0]) if cell is not None else 0.0
    for i, ln in enumerate(lines):
        if i:
            prev, first = lines[i - 1], ln.words[0]
            letter = (0.7 if first.text[:1].isupper() else 0.5) * first.size  # the next letter's width, about
            # Only codes and abbreviations run that long in a cell ("QLTTĐ" / "T;", "GSĐTC" / "Đ"):
            # a word that ends a line before a lower-case one ("UBND" / "phường") was wrapped.
            code = not any(c.islower() for c in prev.text) and not first.text[:1].islower()
            broken = (
                narrow and code and len(prev.words) == 1 and prev.x0 <= left + 1 and prev.x1 + letter > cell_right + 0.5
            )
            # An abbreviation wrapped at its hyphen or ampersand ("CT-" / "XH", "LĐTB&" / "XH");
            # "CCVP- Thống kê" keeps its space.
            hyphen = (
                narrow and bool(re.search(r"[A-ZĐ][-&]$", prev.text)) and bool(re.match(r"[A-ZĐ&]{2,}\b", first.text))
            )
            # "- " at the start of a line opens an item unless the line before ran to the right
            # edge without closing its sentence: then the dash is the text's own ("Văn hóa - xã hội").
            full = right is not None and prev.x1 >= right - prev.size and not re.search(r"[.;:!?…]\s*$", prev.text)
            item = bool(_ITEM_RX.match(ln.text)) and not full
            text += "\n" if item else "" if broken or hyphen else " "
        spans += [(s + len(text), e + len(text), w) for s, e, w in ln.spans]
        text += ln.text
    return text, spans


def _grid(values: list[float], tol: float = 2.0) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def _index(grid: list[float], v: float) -> int:
    return min(range(len(grid)), key=lambda i: abs(grid[i] - v))


def _edges(lines: list[_Line]) -> tuple[float, float]:
    """Left and right edges of the text block: where most full-width lines start and end."""
    lo, hi = min(ln.x0 for ln in lines), max(ln.x1 for ln in lines)
    long = [ln for ln in lines if ln.x1 - ln.x0 >= 0.7 * (hi - lo)] or lines
    return statistics.median(ln.x0 for ln in long), statistics.median(ln.x1 for ln in long)


def _breaks(prev: _Line, cur: _Line, edges: tuple[float, float] | None, base_gap: float) -> bool:
    """Does ``cur`` start a new paragraph after ``prev``? ``edges`` None: skip the indentation rules."""
    size = max(prev.size, cur.size)
    if cur.top - prev.bottom > max(0.5 * size, base_gap + 0.3 * size):
        return True
    if any({a, b} == {"all", "none"} for a, b in zip(prev.style, cur.style, strict=True)):
        return True
    if edges is None:
        return False
    left, right = edges
    mid = (left + right) / 2
    centred = all(abs((ln.x0 + ln.x1) / 2 - mid) < 0.5 * size for ln in (prev, cur))
    if centred and abs(prev.x0 - cur.x0) > 0.5 * size and max(prev.x0, cur.x0) > left + 0.5 * size:
        return False  # centred lines of a title or caption
    if cur.x0 > prev.x0 + 0.7 * size:
        return True  # a first-line indent
    if cur.x0 > left + 0.7 * size and abs(cur.x0 - prev.x0) < 0.3 * size:
        return True  # two first lines in a row: prev was a one-line paragraph
    return prev.x1 < right - 2 * size  # prev ended short of the right edge


def _group(lines: list[_Line], edges: tuple[float, float] | None, base_gap: float) -> list[list[_Line]]:
    paras: list[list[_Line]] = []
    for ln in lines:
        if paras and not _breaks(paras[-1][-1], ln, edges, base_gap):
            paras[-1].append(ln)
        else:
            paras.append([ln])
    return paras


def _columns(region: list[_Line], base_gap: float) -> list[list[_Line]]:
    """Paragraphs of a two-column region, band by band, left column before right."""
    paras: list[tuple[int, list[_Line]]] = []
    for col in (0, 1):
        lines = sorted((ln for ln in region if ln.col == col), key=lambda ln: ln.top)
        # Inside a column lines are centred or ragged: break on gaps (against the column's own) and style.
        gaps = [b.top - a.bottom for a, b in itertools.pairwise(lines)]
        paras += [(col, p) for p in _group(lines, None, statistics.median(gaps) if len(gaps) > 1 else base_gap)]
    paras.sort(key=lambda cp: cp[1][0].top)
    bands: list[list[tuple[int, list[_Line]]]] = []
    bottom = float("-inf")
    for cp in paras:
        top, low = cp[1][0].top, max(ln.bottom for ln in cp[1])
        if bands and top < bottom - 1:
            bands[-1].append(cp)
            bottom = max(bottom, low)
        else:
            bands.append([cp])
            bottom = low
    return [p for band in bands for _, p in sorted(band, key=lambda cp: (cp[0], cp[1][0].top))]


class _PdfReader:
    """Lays out pages into ``sink``; ``spans[i]`` places the words of the i-th text added (for OCR confidence)."""

    def __init__(self, sink: _Sink) -> None:
        self.b = sink
        self.tables = 0
        self.spans: list[list[Span]] = []

    def add(self, text: str, spans: list[Span], kind: BlockKind, **attrs: Any) -> None:
        self.spans.append(spans)
        self.b.add(text, kind, **attrs)

    def page(self, pno: int, pg: _Page) -> None:
        tables = sorted(pg.tables, key=lambda t: t[0][1])
        lines = _lines([w for w in pg.words if not any(_inside(w, t[0]) for t in tables)])
        for ln in [*lines[:1], *lines[-1:]]:  # a lone page number at the top or bottom
            margin = ln.bottom < 0.12 * pg.height or ln.top > 0.88 * pg.height
            if margin and _PAGE_NO_RX.match(ln.text) and ln in lines:
                lines.remove(ln)
        items = sorted([(ln.top, 0, i) for i, ln in enumerate(lines)] + [(t[0][1], 1, i) for i, t in enumerate(tables)])
        run: list[_Line] = []
        for _, kind, i in items:
            if kind == 0:
                run.append(lines[i])
                continue
            self.paragraphs(pno, run, pg, lines)
            run = []
            self.table(pno, tables[i], [w for w in pg.words if _inside(w, tables[i][0])])
        self.paragraphs(pno, run, pg, lines)

    def paragraphs(self, pno: int, lines: list[_Line], pg: _Page, all_lines: list[_Line]) -> None:
        if not lines:
            return
        edges = _edges(all_lines)
        gaps = [b.top - a.bottom for a, b in itertools.pairwise(all_lines) if b.top >= a.bottom]
        base_gap = statistics.median(gaps) if gaps else 0.0
        i = 0

        def split(k: int) -> tuple[_Line, _Line] | None:
            # A line that carries on a sentence the full line before it left open is not two
            # columns, however wide its gaps (a justified line ended by a line break: "xảy … ra").
            if k:
                prev, cur = lines[k - 1], lines[k]
                full = prev.x0 <= edges[0] + prev.size and prev.x1 >= edges[1] - prev.size
                if full and cur.x0 <= edges[0] + cur.size and not re.search(r"[.:;!?]\s*$", prev.text):
                    return None
            return _split(lines[k], pg.width)

        while i < len(lines):
            parts = split(i)
            if parts is None:
                j = i + 1
                while j < len(lines) and split(j) is None:
                    j += 1
                self.emit(pno, _group(lines[i:j], edges, base_gap), edges[1])
                i = j
                continue
            region, last, j = list(parts), lines[i], i + 1
            while j < len(lines) and lines[j].top - last.bottom <= 1.2 * lines[j].size:
                ln = lines[j]
                left_end = max(seg.x1 for seg in region if seg.col == 0)
                right_start = min(seg.x0 for seg in region if seg.col == 1)
                sp = _split(ln, pg.width)
                if sp is not None:
                    region += sp
                elif ln.x1 < right_start - ln.size:
                    region.append(_Line(ln.words, 0))  # only the left column has text here
                elif ln.x0 > left_end + ln.size:
                    region.append(_Line(ln.words, 1))
                else:
                    break
                last, j = ln, j + 1
            self.emit(pno, _columns(region, base_gap))
            i = j

    def emit(self, pno: int, paras: list[list[_Line]], right: float | None = None) -> None:
        for p in paras:
            bold, italic = (all(ln.style[k] == "all" for ln in p) for k in (0, 1))
            box = (min(ln.x0 for ln in p), p[0].top, max(ln.x1 for ln in p), max(ln.bottom for ln in p))
            self.add(*_join(p, right=right), "paragraph", page=pno, bold=bold, italic=italic, box=box)

    def table(self, pno: int, t: tuple[Box, list[Box]], words: list[_Word]) -> None:
        bbox, boxes = t
        xs, ys = _grid([c[0] for c in boxes] + [bbox[2]]), _grid([c[1] for c in boxes] + [bbox[3]])
        cells: list[tuple[int, int, int, int, str, list[Span], bool, bool, Box]] = []
        for c in boxes:
            lines = _lines([w for w in words if _inside(w, c)])
            row, col = _index(ys, c[1]), _index(xs, c[0])
            bold, italic = (bool(lines) and all(ln.style[k] == "all" for ln in lines) for k in (0, 1))
            rs, cs = max(1, _index(ys, c[3]) - row), max(1, _index(xs, c[2]) - col)
            cells.append((row, col, rs, cs, *_join(lines, cell=c), bold, italic, c))
        cells.sort(key=lambda c: (c[:5], c[6:8]))
        number, self.tables = self.tables, self.tables + 1
        for row, col, rs, cs, text, spans, bold, italic, cbox in cells:
            if text.strip():
                lead = len(text) - len(text.lstrip())
                self.add(
                    text.strip(),
                    [(s - lead, e - lead, w) for s, e, w in spans],
                    "table_cell",
                    page=pno,
                    table=number,
                    row=row,
                    col=col,
                    row_span=rs,
                    col_span=cs,
                    bold=bold,
                    italic=italic,
                    box=cbox,
                )


def _open_error(path: str, e: BaseException) -> Exception:
    inner = e.args[0] if isinstance(e, PdfminerException) and e.args else e
    if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)) or "password" in str(inner).lower():
        return EncryptedFileError(
            "tệp PDF được bảo vệ bằng mật khẩu (đã mã hóa) nên không đọc được.",
            path=path,
            hint="Hãy mở tệp bằng trình đọc PDF, gỡ mật khẩu (in hoặc lưu lại thành PDF không mật khẩu) rồi thử lại.",
        )
    return CorruptFileError(
        f"tệp PDF bị hỏng hoặc không đúng định dạng, không đọc được ({type(inner).__name__}: {inner}).",
        path=path,
        hint="Hãy mở tệp bằng trình đọc PDF và lưu (hoặc in) lại thành PDF mới rồi thử lại.",
    )


class _Recorder:
    """A sink that remembers, for each text added to ``builder``, where it starts in the source text, the text
    and its block."""

    def __init__(self, builder: DocumentBuilder) -> None:
        self.builder = builder
        self.added: list[tuple[int, str, Block | None]] = []

    def add(self, raw: str, kind: BlockKind = "paragraph", **attrs: Any) -> Block | None:
        start = self.builder.next_offset
        block = self.builder.add(raw, kind, **attrs)
        self.added.append((start, raw, block))
        return block


def _note_stamps(builder: DocumentBuilder, added: list[tuple[int, str, Block | None]], spans: list[list[Span]]) -> None:
    """An I040 note for each block with words drawn by an annotation rather than the page content."""
    for (base, raw, block), sp in zip(added, spans, strict=True):
        runs: list[tuple[int, int]] = []  # runs of consecutive stamped words, as (start, end) in raw
        for k, (s, e, w) in enumerate(sp):
            if w.stamp:
                if runs and k and sp[k - 1][2].stamp:
                    runs[-1] = (runs[-1][0], e)
                else:
                    runs.append((s, e))
        if block is None or not runs:
            continue
        quoted = ", ".join(f"«{_clip(raw[s:e])}»" for s, e in runs[:5]) + (", …" if len(runs) > 5 else "")
        builder.note(
            "I040",
            f"Trang {block.page}: {quoted} lấy từ chữ hiển thị của chữ ký số/dấu trên tệp PDF "
            "(không có trong lớp chữ của trang).",
            base + runs[0][0],
            base + runs[-1][1],
        )


def _clip(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_pdf(path: str, data: bytes, ocr_lang: str = "vie") -> Document:
    """Read the PDF ``data`` (named ``path``) into a :class:`Document` of blocks; pages without a usable
    text layer are read by OCR (Tesseract, languages ``ocr_lang``) when Tesseract is installed."""
    if not data.strip(b"\x00 \t\r\n"):
        raise EmptyFileError("tệp rỗng, không có nội dung.", path=path, hint="Hãy kiểm tra lại tệp đã chọn.")
    if b"%PDF" not in data[:1024]:
        raise CorruptFileError(
            "tệp không phải là tệp PDF (không có phần đầu %PDF).",
            path=path,
            hint="Hãy kiểm tra lại tệp, hoặc mở bằng chương trình đã tạo ra nó và xuất lại PDF.",
        )
    stamps = stamp_words(data)  # the number and day a signing program draws over the blanks; {} on failure
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pdfminer warns about many harmless oddities
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                pages = [_load_page(p, stamps.get(i, ())) for i, p in enumerate(pdf.pages)]
    except _ERRORS as e:
        raise _open_error(path, e) from e
    scans = [i for i, pg in enumerate(pages) if _needs_ocr(pg)]
    if scans:
        from vanban.parse.read import ocr as read_ocr  # Tesseract, numpy and Pillow only for scans
        from vanban.parse.read import ocr_page

        if read_ocr.tesseract_available(ocr_lang):
            return read_ocr.read_pdf_scans(path, data, pages, scans, ocr_lang)
        if ocr_lang != ocr_page.DEFAULT_LANG:
            ocr_page.check_tesseract(path, ocr_lang)  # asked for by name: say what is missing
    if not any(pg.words for pg in pages):
        raise EmptyFileError(
            "tệp PDF không có lớp chữ (có lẽ là bản quét/ảnh chụp), nên không đọc được nội dung.",
            path=path,
            hint="Cần nhận dạng chữ (OCR): hãy cài Tesseract (gói tesseract-ocr, tesseract-ocr-vie), "
            "hoặc dùng bản PDF có chữ, tệp Word gốc.",
        )
    builder = DocumentBuilder(path, "pdf", data)
    builder.pages = len(pages)
    recorder = _Recorder(builder)
    reader = _PdfReader(recorder)
    for pno, pg in enumerate(pages, start=1):
        if pno - 1 in scans:
            builder.warn("W035", f"Trang {pno} không có lớp chữ (bản quét) và máy chưa cài Tesseract nên bỏ qua.")
        reader.page(pno, pg)
    _note_stamps(builder, recorder.added, reader.spans)
    if not builder.blocks:
        raise EmptyFileError("tệp PDF không có chữ nào để đọc.", path=path, hint="Hãy kiểm tra lại tệp.")
    return builder.build()


# The layout engine, shared with the OCR reader (vanban.parse.read.ocr), which feeds it Tesseract's words.
Word = _Word
Page = _Page
LayoutReader = _PdfReader
