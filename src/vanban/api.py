"""The public API: read any supported file and parse it into a :class:`PlanRecord`."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from pathlib import Path

from vanban.errors import (
    CatalogueError,
    EmptyFileError,
    InputError,
    NotAPlanError,
    StrictModeError,
    UnsupportedFormatError,
)
from vanban.model import CheckReport, Document, PlanRecord, SourceFormat, SourceSpan

Reader = Callable[[str, bytes], Document]

SUPPORTED = (".txt", ".md", ".docx", ".pdf", ".doc", ".rtf", ".odt", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
IMAGES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


_OCR_LANG = re.compile(r"[A-Za-z_]+(?:\+[A-Za-z_]+)*")


def _reader(suffix: str, ocr_lang: str = "vie") -> Reader:
    # Imported lazily: each reader pulls in its own heavy library.
    if suffix in (".txt", ".md"):
        from vanban.parse.read.text import read_text

        fmt: SourceFormat = "md" if suffix == ".md" else "txt"
        return lambda p, d: read_text(p, d, fmt)
    if suffix == ".docx":
        from vanban.parse.read.docx import read_docx

        return read_docx
    if suffix == ".pdf":
        from vanban.parse.read.pdf import read_pdf

        return lambda p, d: read_pdf(p, d, ocr_lang)
    if suffix in IMAGES:
        from vanban.parse.read.ocr import read_image

        return lambda p, d: read_image(p, d, ocr_lang)
    if suffix in (".doc", ".rtf", ".odt"):
        from vanban.parse.read.legacy import read_legacy

        legacy: SourceFormat = "doc" if suffix == ".doc" else "rtf" if suffix == ".rtf" else "odt"
        return lambda p, d: read_legacy(p, d, legacy)
    raise UnsupportedFormatError(
        f"không đọc được tệp có đuôi «{suffix or '(không có)'}».",
        hint="Các định dạng được hỗ trợ: " + ", ".join(SUPPORTED) + ".",
    )


def read(source: str | Path | bytes, *, name: str | None = None, ocr_lang: str = "vie") -> Document:
    """Read a file (path) or its bytes (``name`` gives the format) into blocks. Scans are read
    with Tesseract's languages ``ocr_lang`` ('vie', 'vie+eng')."""
    if not _OCR_LANG.fullmatch(ocr_lang):
        raise InputError(
            f"mã ngôn ngữ nhận dạng chữ «{ocr_lang}» không hợp lệ.",
            path=name if isinstance(source, bytes) else str(source),
            hint="Dùng mã ngôn ngữ của Tesseract, nối bằng dấu +, ví dụ vie hoặc vie+eng.",
        )
    if isinstance(source, bytes):
        data, path = source, name or "<bytes>.txt"
    else:
        path = str(source)
        data = Path(source).read_bytes()
    suffix = Path(path).suffix.lower()
    try:
        reader = _reader(suffix, ocr_lang)
    except UnsupportedFormatError as e:
        e.path = path
        raise
    if not data.strip():
        raise EmptyFileError("tệp rỗng, không có nội dung.", path=path, hint="Hãy kiểm tra lại tệp nguồn.")
    return reader(path, data)


def plain_text(doc: Document) -> str:
    """The document as plain Unicode text: blocks in reading order, a table row per line with
    its cells separated by tabs."""
    lines: list[str] = []
    row_key: tuple[int, int] | None = None
    cells: list[str] = []
    for b in doc.blocks:
        key = (b.table, b.row) if b.table is not None and b.row is not None else None
        if key != row_key and cells:
            lines.append("\t".join(cells))
            cells = []
        row_key = key
        if key is None:
            lines.append(b.text)
        else:
            cells.append(b.text.replace("\n", " "))
    if cells:
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def body_mentions(doc: Document, record: PlanRecord) -> list[tuple[str, SourceSpan]]:
    """Body sentences (paragraphs, list items) that are part of no task, with their spans."""
    from vanban.parse.extract.record import restates
    from vanban.parse.layout.document import lay_out
    from vanban.parse.layout.outline import block_label, is_heading

    used = _union(sorted((it.source.start, it.source.end) for it in record.items))
    used_starts = [s for s, _ in used]
    # A plan that lists its tasks in the body and assigns them in an appendix table repeats them.
    task_texts = {it.text.casefold() for it in record.items}
    tasks = [it.text for it in record.items]
    layout = lay_out(doc)
    doc = layout.doc
    out: list[tuple[str, SourceSpan]] = []
    for b in doc.blocks[layout.header_end : layout.closing]:
        if is_heading(b, block_label(b.text)):
            continue  # a heading names a topic; it does not restate an indicator
        text = b.text.lstrip("-+*• ")
        label = block_label(text)
        if label is not None and text[label.end :].casefold() in task_texts:
            continue
        k = bisect.bisect_right(used_starts, b.start) - 1
        in_task = k >= 0 and b.start < used[k][1]
        if b.table is None and not in_task and text.casefold() not in task_texts and not restates(text, tasks):
            out.append((text, doc.span(b)))
    return out


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ``[start, end)`` spans merged where they overlap."""
    out: list[tuple[int, int]] = []
    for s, e in spans:
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _flag_uncertain(doc: Document, record: PlanRecord) -> PlanRecord:
    """Fields read from low-confidence OCR words get a W031 diagnostic."""
    if any(d.code == "W030" for d in doc.diagnostics):
        from vanban.parse.read.ocr import flag_low_confidence

        return flag_low_confidence(record)
    return record


def to_record(doc: Document) -> PlanRecord:
    """Parse blocks, then match the catalogue the plan answers to, when one is recognised."""
    from vanban.check.coverage import check_record
    from vanban.check.detect import detect_catalogue, unit_type
    from vanban.parse.extract.record import document_to_record

    record = _flag_uncertain(doc, document_to_record(doc))
    cat_id, _why = detect_catalogue(record)
    if cat_id is not None:
        from vanban.catalogue import load_catalogue

        cat = load_catalogue(cat_id)
        unit = unit_type(record) or cat.unit_types[0]
        record, _report = check_record(record, cat, unit, True, body_mentions(doc, record))
    return record


def check(
    source: str | Path | bytes,
    *,
    catalogue: str | None = None,
    unit: str | None = None,
    name: str | None = None,
    ocr_lang: str = "vie",
) -> tuple[PlanRecord, CheckReport, Document]:
    """Check a plan against a criteria catalogue (detected when ``catalogue`` is None)."""
    from vanban.catalogue import catalogue_ids, load_catalogue
    from vanban.check.coverage import check_record
    from vanban.check.detect import detect_catalogue, unit_type
    from vanban.parse.extract.record import document_to_record

    doc = read(source, name=name, ocr_lang=ocr_lang)
    record = _flag_uncertain(doc, document_to_record(doc))
    detected = catalogue is None
    if catalogue is None:
        catalogue, why = detect_catalogue(record)
        if catalogue is None:
            raise CatalogueError(
                f"không xác định được bộ tiêu chí ({why}).",
                path=doc.path,
                hint="Hãy chọn bằng --catalogue: " + ", ".join(catalogue_ids()) + ".",
            )
    elif catalogue not in catalogue_ids():
        raise CatalogueError(
            f"không có bộ tiêu chí «{catalogue}».", hint="Các bộ có sẵn: " + ", ".join(catalogue_ids()) + "."
        )
    cat = load_catalogue(catalogue)
    unit = unit or unit_type(record) or cat.unit_types[0]
    enriched, report = check_record(record, cat, unit, detected, body_mentions(doc, record))
    return enriched, report, doc


def parse(
    source: str | Path | bytes, *, name: str | None = None, strict: bool = False, ocr_lang: str = "vie"
) -> PlanRecord:
    """Read and parse a plan. ``strict`` turns warnings into a :class:`StrictModeError`."""
    doc = read(source, name=name, ocr_lang=ocr_lang)
    record = to_record(doc)
    if record.header.doc_type is None and not record.items and not record.legal_bases:
        raise NotAPlanError(
            "không nhận ra đây là một kế hoạch (không có tên loại, căn cứ hay nhiệm vụ nào).",
            path=doc.path,
            hint="Hãy kiểm tra đúng tệp kế hoạch (bản quét cần đủ rõ để nhận dạng chữ).",
        )
    if strict:
        problems = [d for d in record.diagnostics if d.level != "info"]
        if problems:
            raise StrictModeError(
                f"{len(problems)} cảnh báo khi đọc (chế độ --strict): "
                + "; ".join(f"[{d.code}] {d.message}" for d in problems[:5]),
                path=doc.path,
                hint="Bỏ --strict để vẫn nhận bản ghi kèm cảnh báo.",
            )
    return record
