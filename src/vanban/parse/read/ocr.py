"""OCR of scans with Tesseract: images (PNG, JPEG, TIFF, multi-page TIFF) and PDF pages without a
usable text layer (the PDF reader decides page by page and sends those here).

Pages are read in parallel by :mod:`vanban.parse.read.ocr_page` (blank pages skipped: W032; noise, a
photo of a screen or an unreadable page skipped: W033; a page turned upright: W034), then laid out
by the PDF reader's own code (lines, the two-column header split, paragraphs, table cells by
position), so a scan gives the blocks its PDF would. ``source_text`` is the raw OCR text; blocks
are post-corrected (:mod:`vanban.parse.read.ocr_correct`) and normalised through
:class:`~vanban.mapped.MappedText`, so offsets point into the raw text. Words under ``LOW_CONF``
are reported (W030, with their span); :func:`flag_low_confidence` flags the fields of a record
read from them (W031).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from vanban.errors import CorruptFileError, EmptyFileError
from vanban.mapped import MappedText
from vanban.model import BlockKind, Diagnostic, Document, PlanRecord, SourceFormat, SourceSpan
from vanban.parse.read.builder import DocumentBuilder
from vanban.parse.read.ocr_correct import correct
from vanban.parse.read.ocr_page import (
    DEFAULT_LANG,
    NOISE_INK,
    PDF_DPI,
    WEAK_CONF,
    OcrJob,
    OcrPage,
    check_tesseract,
    ocr_pages,
    pdf_pages,
    tesseract_available,
)
from vanban.parse.read.pdf import LayoutReader, Page

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
LOW_CONF = WEAK_CONF  # a word under this is reported (W030)
_FIELDS = {"parent_issuer": "cơ quan chủ quản", "issuer": "cơ quan ban hành", "number": "số", "symbol": "ký hiệu"}
_FIELDS |= {"place": "địa danh", "date": "ngày ban hành", "doc_type": "tên loại", "title": "trích yếu"}

__all__ = ["IMAGE_SUFFIXES", "assemble", "flag_low_confidence", "read_image", "read_pdf_scans", "tesseract_available"]


# --- the document ----------------------------------------------------------------------------


class _Collector:
    """Takes the layout's blocks as raw text first: the source text must be whole before the
    corrected blocks can be mapped into it."""

    def __init__(self) -> None:
        self.pieces: list[tuple[str, BlockKind, dict[str, Any], bool]] = []
        self.ocr = False

    def add(self, raw: str, kind: BlockKind = "paragraph", **attrs: Any) -> object:
        self.pieces.append((raw, kind, attrs, self.ocr))
        return None


def _why(pg: OcrPage) -> str:
    if pg.words:
        return f"độ tin cậy trung bình {pg.conf:.0f}/100, {pg.weak:.0%} số chữ kém tin cậy"
    return f"{pg.ink:.0%} diện tích là mực" if pg.ink > NOISE_INK else "không thấy dòng chữ nào"


def _page_notes(pno: int, pg: OcrPage) -> Diagnostic | None:
    if pg.status == "blank":
        return Diagnostic(code="W032", message=f"Trang {pno} trắng (không có chữ), đã bỏ qua.")
    if pg.status == "unreadable":
        return Diagnostic(
            code="W033",
            message=f"Trang {pno} không nhận dạng được chữ ({_why(pg)}): ảnh mờ, nhiễu, quá tối hoặc là ảnh chụp "
            "màn hình; đã bỏ qua. Hãy quét lại trang này.",
        )
    if pg.rotation:
        how = "lộn ngược" if pg.rotation == 180 else f"xoay {pg.rotation}°"
        return Diagnostic(code="W034", level="info", message=f"Trang {pno} bị {how}, đã xoay lại để nhận dạng.")
    return None


def assemble(path: str, fmt: SourceFormat, data: bytes, pages: Sequence[Page | OcrPage]) -> Document:
    """Lay out pages (a PDF's text-layer pages and OCR'd pages, in order) into a Document."""
    sink = _Collector()
    reader = LayoutReader(sink)
    diagnostics = [d for pno, pg in enumerate(pages, 1) if isinstance(pg, OcrPage) and (d := _page_notes(pno, pg))]
    for pno, pg in enumerate(pages, start=1):
        sink.ocr = isinstance(pg, OcrPage)
        if isinstance(pg, Page):
            reader.page(pno, pg)
        elif pg.status == "ok":
            reader.page(pno, pg.layout())
    if not sink.pieces:
        raise _nothing_read(path, fmt, [p for p in pages if isinstance(p, OcrPage)])
    source = "\n".join(raw for raw, *_ in sink.pieces)
    builder = DocumentBuilder(path, fmt, data, source_text=source)
    builder.pages = len(pages)
    base = 0
    for (raw, kind, attrs, ocr), spans in zip(sink.pieces, reader.spans, strict=True):
        mapped = MappedText.from_source(raw, base)
        block = builder.add_mapped(correct(mapped) if ocr else mapped, kind, **attrs)
        for s, e, w in spans:
            if block is not None and w.conf is not None and w.conf < LOW_CONF and any(map(str.isalpha, w.text)):
                span = SourceSpan(block=block.index, page=block.page, start=base + s, end=base + e, text=w.text)
                msg = f"Chữ nhận dạng kém tin cậy «{w.text}» (độ tin cậy {w.conf:.0f}/100), trang {block.page}."
                diagnostics.append(Diagnostic(code="W030", level="info", message=msg, source=span))
        base += len(raw) + 1
    builder.diagnostics = diagnostics + builder.diagnostics
    return builder.build()


def _nothing_read(path: str, fmt: SourceFormat, pages: list[OcrPage]) -> EmptyFileError:
    what = "tệp PDF không có lớp chữ, và nhận dạng chữ (OCR) " if fmt == "pdf" else "nhận dạng chữ (OCR) "
    bad = [p for p in pages if p.status == "unreadable"]
    if not bad:
        many = f"cả {len(pages)} trang đều trắng" if len(pages) > 1 else "trang trắng"
        return EmptyFileError(
            what + f"không thấy chữ nào: {many}.",
            path=path,
            hint="Hãy kiểm tra lại bản quét (đúng tệp, đủ trang, không phải mặt sau).",
        )
    best = max(bad, key=lambda p: p.conf - 100 * p.weak)
    return EmptyFileError(
        what + f"không đọc được trang nào ({_why(best)}): ảnh mờ, nhiễu, quá tối hoặc là ảnh chụp màn hình.",
        path=path,
        hint="Hãy quét lại văn bản giấy (200–300 dpi, thang xám, đặt thẳng) hoặc dùng tệp gốc (Word, PDF có chữ).",
    )


# --- readers ---------------------------------------------------------------------------------


def _frames(path: str, data: bytes) -> list[tuple[Image.Image, int]]:
    """The pages of an image file (every frame of a TIFF) as grey images on white, with their dpi."""
    try:
        frames = []
        for page in ImageSequence.Iterator(Image.open(io.BytesIO(data))):
            frame = ImageOps.exif_transpose(page) or page  # a phone photo stored sideways
            dpi = round(float(frame.info.get("dpi", (0, 0))[0] or 0))
            if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:  # transparent: on white paper
                rgba = frame.convert("RGBA")
                grey = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("L")
            else:
                grey = frame.convert("L")
            frames.append((grey, dpi if 100 <= dpi <= 1200 else 200))
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError) as e:
        raise CorruptFileError(
            f"tệp ảnh bị hỏng hoặc không đúng định dạng, không đọc được ({type(e).__name__}).",
            path=path,
            hint="Hãy mở tệp bằng trình xem ảnh và lưu lại (PNG, JPEG hoặc TIFF) rồi thử lại.",
        ) from e
    return frames


def read_image(path: str, data: bytes, lang: str = DEFAULT_LANG) -> Document:
    """Read a scanned page image (PNG, JPEG, TIFF incl. multi-page TIFF) into a Document by OCR."""
    if not data.strip(b"\x00"):
        raise EmptyFileError("tệp rỗng, không có nội dung.", path=path, hint="Hãy kiểm tra lại tệp đã chọn.")
    frames = _frames(path, data)
    check_tesseract(path, lang)
    jobs = [OcrJob(lang, dpi, size=img.size, pixels=img.tobytes()) for img, dpi in frames]
    return assemble(path, "image", data, ocr_pages(jobs))


def read_pdf_scans(path: str, data: bytes, pages: list[Page], scans: list[int], lang: str = DEFAULT_LANG) -> Document:
    """A PDF whose pages ``scans`` (0-based) have no usable text layer: OCR those, lay out the rest."""
    check_tesseract(path, lang)
    jobs = [OcrJob(lang, PDF_DPI, pdf=page) for page in pdf_pages(data, scans)]
    by_index = dict(zip(scans, ocr_pages(jobs), strict=True))
    return assemble(path, "pdf", data, [by_index.get(i, pg) for i, pg in enumerate(pages)])


def flag_low_confidence(record: PlanRecord) -> PlanRecord:
    """Add a W031 warning for each field of ``record`` read from a word reported as W030."""
    weak = [d.source for d in record.diagnostics if d.code == "W030" and d.source is not None]
    fields: list[tuple[str, SourceSpan | None]] = [
        (f"Trường «{_FIELDS.get(k, k)}» (header.{k})", s) for k, s in record.header.sources.items()
    ]
    fields.append(("Người ký", record.signer.source))
    fields += [(f"Căn cứ «{lb.text[:40]}»", lb.source) for lb in record.legal_bases]
    fields += [(f"Nhiệm vụ {it.id}" + (f" (thời hạn «{it.deadline.text}»)" if it.deadline else ""), it.source)
               for it in record.items]  # fmt: skip
    flags = []
    for label, span in fields:
        hits = [w for w in weak if span is not None and w.start < span.end and span.start < w.end]
        if hits:
            words = ", ".join(f"«{w.text}»" for w in hits[:5])
            msg = f"{label} đọc từ chữ nhận dạng kém tin cậy ({words}); hãy đối chiếu với bản quét."
            flags.append(Diagnostic(code="W031", message=msg, source=span))
    return record.model_copy(update={"diagnostics": (*record.diagnostics, *flags)}) if flags else record
