"""One scanned page through Tesseract, in a worker process (see :func:`ocr_pages`).

Grey and binarised (Otsu): almost no ink is a blank page, half ink is noise or a photo of a screen.
Isolated specks are erased; the page is deskewed (the shear that makes the rows of ink sharpest);
ruled tables are found from long runs of ink and cut into cells by pdfplumber's own table functions
(the PDF reader's algorithm), and the rules erased; Tesseract's ``tsv`` output gives words with
boxes and confidence, and table cells left empty are read again together; bold words are told by
their stroke width. A low mean confidence makes Tesseract's orientation detection (``--psm 0``)
turn the page (upside down, on its side) and read it again.
"""

from __future__ import annotations

import io
import math
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
from PIL import Image, ImageFilter

from vanban.errors import InputError
from vanban.parse.read.ocr_correct import lexicon
from vanban.parse.read.pdf import Box, Page, Word

DEFAULT_LANG = "vie"
UNREADABLE_CONF = 50.0  # a page whose mean word confidence stays under this is skipped (W033),
UNREADABLE_WEAK = 0.2  # and one where more than this share of the words is under WEAK_CONF
WEAK_CONF = 60.0  # a word Tesseract is unsure of (reported as W030)
_GARBAGE_CONF = 20.0  # Tesseract's reading of a speck or a smudge: dropped
_RETRY_CONF = 75.0  # under this, ask Tesseract for the page's orientation
_BLANK_INK, NOISE_INK = 0.001, 0.35  # shares of ink pixels
PDF_DPI = 300  # PDF pages without a scanned image (text drawn as outlines)
_TIMEOUT = 600  # seconds for one Tesseract run

Status = Literal["ok", "blank", "unreadable"]
Bool2D = NDArray[np.bool_]
Tables = list[tuple[Box, list[Box]]]


@dataclass
class OcrPage:
    """One page read by OCR, in pixels of the deskewed (and turned) image."""

    width: int
    height: int
    words: list[Word] = field(default_factory=list)
    tables: Tables = field(default_factory=list)
    status: Status = "ok"
    conf: float = 0.0  # mean word confidence, weighted by letters
    weak: float = 0.0  # share of the words under WEAK_CONF
    ink: float = 0.0
    skew: float = 0.0  # degrees the scan was turned back by
    rotation: int = 0  # clockwise degrees the orientation detection turned it by

    def layout(self) -> Page:
        return Page(float(self.width), float(self.height), self.words, self.tables)


@dataclass(frozen=True)
class OcrJob:
    lang: str
    dpi: int
    size: tuple[int, int] = (0, 0)
    pixels: bytes = b""  # grey, row by row; or else
    pdf: bytes = b""  # a one-page PDF


# --- Tesseract -------------------------------------------------------------------------------


@cache
def tesseract_langs() -> frozenset[str]:
    """Languages Tesseract has data for; empty when it is not installed."""
    exe = shutil.which("tesseract")
    if exe is None:
        return frozenset()
    done = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=60, check=False)
    return frozenset(ln.strip() for ln in done.stdout.splitlines()[1:] if ln.strip())


def tesseract_available(lang: str = DEFAULT_LANG) -> bool:
    return all(part in tesseract_langs() for part in lang.split("+"))


def check_tesseract(path: str, lang: str) -> None:
    missing = [p for p in lang.split("+") if p not in tesseract_langs()]
    if not tesseract_langs() or missing:
        what = "máy chưa cài Tesseract" if not tesseract_langs() else f"Tesseract thiếu dữ liệu «{'+'.join(missing)}»"
        raise InputError(
            f"cần nhận dạng chữ (OCR) nhưng {what}.",
            path=path,
            hint="Hãy cài gói tesseract-ocr và "
            + ", ".join(f"tesseract-ocr-{p.lower().replace('_', '-')}" for p in (missing or ["vie"]))
            + " (scripts/setup.sh cài sẵn tiếng Việt) rồi thử lại, hoặc chọn ngôn ngữ khác bằng --ocr-lang.",
        )


def _tesseract(img: Image.Image, *args: str) -> str:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core per page; pages run in parallel
    # An uncompressed BMP file: the cheapest for both sides (Tesseract reads a pipe slowly).
    with tempfile.NamedTemporaryFile(suffix=".bmp") as f:
        img.save(f, "BMP")
        f.flush()
        try:
            cmd = ["tesseract", f.name, "stdout", *args]
            done = subprocess.run(cmd, capture_output=True, env=env, timeout=_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            raise InputError(f"Tesseract không đọc xong một trang sau {_TIMEOUT} giây.") from e
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"Tesseract báo lỗi khi nhận dạng: {err[-1] if err else done.returncode}.")
    return done.stdout.decode("utf-8", "replace")


def _tsv_words(tsv: str) -> list[Word]:
    """Words with confidence. Each gets the box height of its Tesseract line, so that words on one
    baseline group into one line whatever their letters; punctuation that is a dot or stands far
    from any word is a speck and dropped, as are words Tesseract barely believes and the bits of
    table rules read as bars and underscores."""
    rows = [r for r in (ln.split("\t") for ln in tsv.splitlines()[1:]) if len(r) >= 12]
    lines = {tuple(r[2:5]): (int(r[7]), int(r[7]) + int(r[9])) for r in rows if r[0] == "4"}
    heights = sorted(b - t for t, b in lines.values()) or [0]
    by_line: dict[tuple[str, ...], list[tuple[Word, int]]] = {}
    for r in rows:
        if r[0] != "5" or not r[11].strip() or float(r[10]) < _GARBAGE_CONF:
            continue
        x0, top, width, height = (int(v) for v in r[6:10])
        lt, lb = lines.get(tuple(r[2:5]), (top, top + height))
        if lb - lt > 2 * heights[len(heights) // 2]:  # a line box over several lines: the word's own box
            lt, lb = top, top + height
        # Bars and underscores at a word's ends are a table rule read as text ("|", "_CCVP").
        text = r[11].strip().strip("|¦_~")
        if not text:
            continue
        word = Word(text, x0, x0 + width, lt, lb, max(1, lb - lt), False, False, float(r[10]))
        by_line.setdefault(tuple(r[2:5]), []).append((word, max(width, height)))
    words = []
    for line in by_line.values():
        for i, (w, extent) in enumerate(line):
            gaps = [w.x0 - line[i - 1][0].x1] if i else []
            gaps += [line[i + 1][0].x0 - w.x1] if i + 1 < len(line) else []
            if any(c.isalnum() for c in w.text) or (extent >= 0.2 * w.size and gaps and min(gaps) < 0.6 * w.size):
                words.append(w)
    return words


def _orientation(img: Image.Image) -> int:
    """Clockwise degrees that turn the page upright, by Tesseract's orientation detection."""
    try:
        out = _tesseract(img, "--psm", "0", "-l", "osd")
    except InputError:
        return 0  # too little text to tell
    fields = dict(ln.split(":", 1) for ln in out.splitlines() if ":" in ln)
    rotate = int(fields.get("Rotate", "0").strip() or 0)
    sure = float(fields.get("Orientation confidence", "0").strip() or 0) >= 1.0
    return rotate if sure and rotate in (90, 180, 270) else 0


# --- the image -------------------------------------------------------------------------------


def _ink(img: Image.Image) -> Bool2D:
    """Dark pixels, by Otsu's threshold (kept between 100 and 200 so that paper grain is not ink)."""
    hist = np.asarray(img.histogram(), dtype=np.float64)
    cum, mean = np.cumsum(hist), np.cumsum(hist * np.arange(256))
    w0, w1 = cum[:-1], cum[-1] - cum[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean[-1] * w0 / cum[-1] - mean[:-1]) ** 2 / (w0 * w1)
    thr = int(np.nanargmax(between)) if np.isfinite(between).any() else 128
    ink: Bool2D = np.asarray(img) <= min(200, max(100, thr))
    return ink


def _specks(ink: Bool2D, dpi: int) -> Bool2D:
    """Isolated dots: ink whose small window holds little ink and whose ring around it none.
    Dots of letters, diacritics and punctuation have a letter within a few pixels and stay."""
    mask = Image.fromarray(ink.astype(np.uint8) * 255)
    r, ring = max(2, round(dpi / 40)), max(2, round(dpi / 50))

    def count(radius: int) -> NDArray[np.float32]:  # ink pixels in the (2·radius+1)² window
        blurred = np.asarray(mask.filter(ImageFilter.BoxBlur(radius)), dtype=np.float32)
        out: NDArray[np.float32] = blurred * ((2 * radius + 1) ** 2 / 255)
        return out

    small = count(r)
    specks: Bool2D = ink & (small <= r * r) & (count(r + ring) - small < 1.0)
    return specks


def _skew(ink: Bool2D) -> float:
    """Counter-clockwise skew of the text lines in degrees: the shear that makes rows of ink sharpest."""
    small = ink[::2, ::2]
    ys, xs = np.nonzero(small)
    if len(ys) < 500:
        return 0.0
    step = max(1, len(ys) // 150_000)
    yf, xf = ys[::step].astype(np.float64), xs[::step].astype(np.float64) - small.shape[1] / 2

    def sharpness(deg: float) -> float:
        rows = np.rint(yf + xf * math.tan(math.radians(deg))).astype(np.int64)
        hist = np.bincount(rows - rows.min()).astype(np.float64)
        return float(np.dot(hist, hist))

    best = 0.0
    for span, step_deg in ((6.0, 0.5), (0.5, 0.1), (0.1, 0.025)):
        best = max(
            (best + step_deg * k for k in range(-round(span / step_deg), round(span / step_deg) + 1)), key=sharpness
        )
    return best


def _runs(mask: Bool2D, min_len: int) -> list[tuple[int, int, int]]:
    """Runs of True along each row at least ``min_len`` long: (row, start, end)."""
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), np.int8)
    padded[:, 1:-1] = mask
    d = np.diff(padded, axis=1)
    r0, c0 = np.nonzero(d == 1)
    c1 = np.nonzero(d == -1)[1]
    keep = c1 - c0 >= min_len
    return list(zip(r0[keep].tolist(), c0[keep].tolist(), c1[keep].tolist(), strict=True))


def _rules(ink: Bool2D, dpi: int) -> list[dict[str, Any]]:
    """Horizontal and vertical rules as pdfplumber edges. Horizontal runs are looked for in pairs of
    rows joined (a hairline drifting by a pixel stays one run), vertical ones in pairs of columns;
    along the run the resolution is kept, so that letters a pixel apart never join into a rule."""
    h, w = ink.shape[0] // 2 * 2, ink.shape[1] // 2 * 2
    edges: list[dict[str, Any]] = []
    for y, a, b in _runs(ink[0:h:2] | ink[1:h:2], int(0.3 * dpi)):
        edges.append({"x0": a, "x1": b, "top": 2 * y, "bottom": 2 * y + 2, "width": b - a, "height": 0})
    for x, a, b in _runs((ink[:, 0:w:2] | ink[:, 1:w:2]).T, int(0.25 * dpi)):
        edges.append({"x0": 2 * x, "x1": 2 * x + 2, "top": a, "bottom": b, "width": 0, "height": b - a})
    for e in edges:  # pdfplumber's edges are lines: through the middle of the pixel pair
        mid = "x" if e["height"] else "y"
        e |= {"orientation": "v" if mid == "x" else "h", "box": (e["x0"], e["top"], e["x1"], e["bottom"])}
        if mid == "x":
            e["x0"] = e["x1"] = e["x0"] + 1
        else:
            e["top"] = e["bottom"] = e["top"] + 1
        e["doctop"] = e["top"]
    return edges


def _rule_mask(shape: tuple[int, int], edges: list[dict[str, Any]], tables: Tables, dpi: int) -> Bool2D:
    """The pixels of the rules of the tables, and of any rule an inch long (underlines): to erase.
    A short run of ink outside a table may be letters in bold that touch, and stays."""
    mask, tol = np.zeros(shape, np.bool_), dpi / 50
    for e in edges:
        x0, y0, x1, y1 = e["box"]
        near = any(t[0] - tol <= x0 and x1 <= t[2] + tol and t[1] - tol <= y0 and y1 <= t[3] + tol for t, _ in tables)
        if near or max(x1 - x0, y1 - y0) >= dpi:
            mask[y0:y1, x0:x1] = True
    mask[1:] |= mask[:-1].copy()  # and the blurred edges of the rules
    mask[:, 1:] |= mask[:, :-1].copy()
    return mask


def _tables(edges: list[dict[str, Any]], dpi: int) -> Tables:
    """Ruled tables from rule edges, with pdfplumber's merge → intersections → cells → tables."""
    if not edges:
        return []
    snap, join = max(3.0, dpi / 40), max(3.0, dpi / 15)
    merged = [e for e in merge_edges(edges, snap, snap, join, join) if max(e["width"], e["height"]) >= dpi / 8]
    out = []
    for cells in cells_to_tables(intersections_to_cells(edges_to_intersections(merged, snap, snap))):
        boxes = [(float(c[0]), float(c[1]), float(c[2]), float(c[3])) for c in cells]
        if len({round(b[0] / snap) for b in boxes}) >= 2:  # one column of rules is a box, not a table
            xs, ys = [b[0] for b in boxes] + [b[2] for b in boxes], [b[1] for b in boxes] + [b[3] for b in boxes]
            out.append(((min(xs), min(ys), max(xs), max(ys)), boxes))
    return out


def _empty_cells(img: Image.Image, ink: Bool2D, tables: Tables, words: list[Word], job: OcrJob) -> list[Word]:
    """Read again the table cells with ink but no word (Tesseract's page layout drops a lone number
    or a short heading in a narrow column), all of them stacked in one image."""
    pad = round(job.dpi / 25)
    crops: list[tuple[tuple[int, int, int, int], int]] = []
    at = pad
    for _, cells in tables:
        for c in cells:
            x0, y0, x1, y1 = round(c[0]) + pad, round(c[1]) + pad, round(c[2]) - pad, round(c[3]) - pad
            inside = any(x0 <= (w.x0 + w.x1) / 2 <= x1 and y0 <= (w.top + w.bottom) / 2 <= y1 for w in words)
            if x1 > x0 and y1 > y0 and not inside and ink[y0:y1, x0:x1].mean() > 0.002:
                crops.append(((x0, y0, x1, y1), at))
                at += y1 - y0 + 2 * pad
    if not crops:
        return []
    sheet = Image.new("L", (max(b[2] - b[0] for b, _ in crops) + 2 * pad, at), 255)
    for box, top in crops:
        sheet.paste(img.crop(box), (pad, top))
    found = []
    for w in _tsv_words(_tesseract(sheet, "-l", job.lang, "--dpi", str(job.dpi), "--psm", "6", "tsv")):
        for (x0, y0, _, y1), top in crops:
            if top - pad <= (w.top + w.bottom) / 2 < top + y1 - y0 + pad:
                dx, dy = x0 - pad, y0 - top
                found.append(
                    Word(w.text, w.x0 + dx, w.x1 + dx, w.top + dy, w.bottom + dy, w.size, False, False, w.conf)
                )
                break
    return found


def _bold(words: list[Word], ink: Bool2D) -> None:
    """Mark bold words: strokes (ink per horizontal run) a third thicker than the page's usual."""
    strokes = []
    for w in words:
        box = ink[int(w.top) : int(w.bottom), int(w.x0) : int(w.x1)]
        runs = int(box[:, :1].sum()) + int((box[:, 1:] & ~box[:, :-1]).sum())
        strokes.append(int(box.sum()) / runs if runs else 0.0)
    usual = sorted(s for s, w in zip(strokes, words, strict=True) if sum(c.isalpha() for c in w.text) >= 2)
    for s, w in zip(strokes, words, strict=True):
        w.bold = bool(usual) and s > 1.3 * usual[len(usual) // 2]


# --- a page ----------------------------------------------------------------------------------


def _clean(img: Image.Image, mask: Bool2D) -> Image.Image:
    pixels = np.array(img)
    pixels[mask] = 255
    return Image.fromarray(pixels)


def _read(img: Image.Image, job: OcrJob) -> OcrPage:
    """Despeckle, deskew, find tables and OCR one page as it lies."""
    ink = _ink(img)
    share = float(ink.mean())
    if not _BLANK_INK <= share <= NOISE_INK:
        return OcrPage(img.width, img.height, status="blank" if share < _BLANK_INK else "unreadable", ink=share)
    specks = _specks(ink, job.dpi)
    img, ink = _clean(img, specks), ink & ~specks
    skew = _skew(ink)
    if abs(skew) >= 0.1:
        img = img.rotate(-skew, resample=Image.Resampling.BILINEAR, fillcolor=255)
        ink = _ink(img)
    edges = _rules(ink, job.dpi)
    tables = _tables(edges, job.dpi)
    rules = _rule_mask(ink.shape, edges, tables, job.dpi)
    img, ink = _clean(img, rules), ink & ~rules
    words = _tsv_words(_tesseract(img, "-l", job.lang, "--dpi", str(job.dpi), "--psm", "3", "tsv"))
    words += _empty_cells(img, ink, tables, words, job)
    _bold(words, ink)
    lettered = [(w.conf or 0.0, sum(c.isalpha() for c in w.text)) for w in words]
    letters = sum(n for _, n in lettered)
    page = OcrPage(img.width, img.height, words, tables, ink=share, skew=skew)
    page.conf = sum(c * n for c, n in lettered) / letters if letters else 0.0
    page.weak = sum(c < WEAK_CONF for c, n in lettered if n) / max(1, sum(1 for _, n in lettered if n))
    if not any(c >= UNREADABLE_CONF and n >= 2 for c, n in lettered):
        page.status = "blank" if share < 0.02 else "unreadable"
    elif page.conf < UNREADABLE_CONF or page.weak > UNREADABLE_WEAK:
        page.status = "unreadable"  # garbage: a photo of a screen reads as words, many of them guessed
    return page


def pdf_pages(data: bytes, indices: list[int]) -> list[bytes]:
    """Each of the pages ``indices`` (0-based) of a PDF as a PDF of its own: what a worker is sent."""
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    src = pdfium.PdfDocument(data)
    out = []
    for i in indices:
        one = pdfium.PdfDocument.new()
        one.import_pages(src, [i])
        buf = io.BytesIO()
        one.save(buf)
        out.append(buf.getvalue())
    return out


def _render(pdf: bytes) -> tuple[Image.Image, int]:
    """A one-page PDF as a grey image, at the resolution of its scan (else ``PDF_DPI``)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_raw  # type: ignore[import-untyped]

    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        width, height = page.get_size()
        dpis = []
        for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE]):
            x0, y0, x1, y1 = obj.get_bounds()
            if (x1 - x0) * (y1 - y0) > 0.3 * width * height:  # a scan, not a logo
                dpis.append(obj.get_metadata().horizontal_dpi)
        dpi = round(min(400, max(150, max(dpis)))) if dpis else PDF_DPI
        return page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L"), dpi
    finally:
        doc.close()


def _ocr(job: OcrJob) -> OcrPage:
    """The worker: one page, read upright."""
    if job.pdf:
        img, dpi = _render(job.pdf)
        job = OcrJob(job.lang, dpi)
    else:
        img = Image.frombytes("L", job.size, job.pixels)
    page = _read(img, job)
    if page.status == "blank" or not page.words or (page.status == "ok" and page.conf >= _RETRY_CONF):
        return page
    turn = _orientation(img)
    if turn:
        again = _read(img.rotate(-turn, expand=True), job)
        again.rotation = turn
        if again.status == "ok" and (page.status != "ok" or again.conf > page.conf):
            return again
    return page


def _workers(pages: int) -> int:
    """Processes for ``pages`` pages: one per core; ``VANBAN_OCR_JOBS`` overrides; one inside a worker
    process of a batch (``vanban batch`` already keeps every core busy, one file per core)."""
    wanted = os.environ.get("VANBAN_OCR_JOBS", "")
    if wanted.isdigit() and int(wanted) > 0:
        return min(int(wanted), pages)
    return 1 if multiprocessing.parent_process() is not None else min(os.cpu_count() or 1, pages)


def ocr_pages(jobs: Sequence[OcrJob]) -> list[OcrPage]:
    """OCR pages in parallel (a process per core), with a progress bar when stderr is a terminal."""
    from tqdm import tqdm

    results: dict[int, OcrPage] = {}
    workers = _workers(len(jobs))
    bar = partial(tqdm, total=len(jobs), desc="OCR", unit="trang", file=sys.stderr, disable=not sys.stderr.isatty())
    if workers <= 1:
        with bar() as progress:
            for i, job in enumerate(jobs):
                results[i] = _ocr(job)
                progress.update(1)
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(_ocr, job): i for i, job in enumerate(jobs)}  # the workers start here,
            with bar() as progress:  # before the progress bar's thread
                lexicon()  # load the corrector's lexicon meanwhile
                for fut in as_completed(futures):
                    results[futures[fut]] = fut.result()
                    progress.update(1)
    return [results[i] for i in range(len(jobs))]
