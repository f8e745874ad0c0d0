"""The layout of a document: what every extractor reads instead of the reader's raw blocks."""

from __future__ import annotations

from dataclasses import dataclass

from vanban.model import Block, Diagnostic, Document
from vanban.parse.layout.tables import LogicalTable, logical_tables
from vanban.parse.layout.zones import appendix_start, closing_start, furniture, header_end


@dataclass(frozen=True)
class Layout:
    """A document laid out: ``doc`` holds its blocks without page furniture (renumbered; offsets
    still point into the source text), split into zones — header ``[0, header_end)``, body
    ``[header_end, closing)``, closing ``[closing, appendix)``, appendices ``[appendix, end)`` — and
    its logical tables."""

    doc: Document
    header_end: int
    closing: int
    appendix: int
    tables: tuple[LogicalTable, ...]
    furniture: tuple[Block, ...]


def lay_out(doc: Document) -> Layout:
    drop = furniture(doc)
    removed = tuple(b for b in doc.blocks if b.index in drop)
    if drop:
        kept = [b for b in doc.blocks if b.index not in drop]
        shown = "; ".join(f"«{b.text[:40]}»" for b in removed[:5]) + ("…" if len(removed) > 5 else "")
        note = Diagnostic(
            code="I003",
            level="info",
            message=f"Bỏ {len(removed)} dòng không thuộc nội dung văn bản (đầu/chân trang, số trang, dấu «ĐẾN», "
            f"ghi chú chữ ký số): {shown}",
            source=doc.span(removed[0]),
        )
        doc = doc.model_copy(
            update={
                "blocks": tuple(b.model_copy(update={"index": i}) for i, b in enumerate(kept)),
                "diagnostics": (*doc.diagnostics, note),
            }
        )
    start = header_end(doc)
    closing = closing_start(doc, start)
    return Layout(
        doc=doc,
        header_end=start,
        closing=closing,
        appendix=appendix_start(doc, closing),
        tables=tuple(logical_tables(doc)),
        furniture=removed,
    )
