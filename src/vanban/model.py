"""The one typed model of vanban: source blocks and the plan record.

Readers turn a file into a :class:`Document` (a list of :class:`Block`); parsing turns
blocks into a :class:`PlanRecord`. Every extracted fact carries a :class:`SourceSpan` that
points back into ``Document.source_text`` so it can be checked and shown to a user.

All models are frozen and reject unknown fields. ``SCHEMA_VERSION`` is bumped whenever the
JSON shape changes; ``schema/plan-record.schema.json`` is generated from these classes and a
test keeps the two equal.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"

BlockKind = Literal["paragraph", "heading", "list_item", "table_cell"]
SourceFormat = Literal["txt", "md", "docx", "pdf", "doc", "rtf", "odt", "image"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceSpan(_Frozen):
    """Where a fact came from.

    ``start``/``end`` are character offsets into the document's ``source_text`` (for text
    files that is the decoded file itself; for DOCX/PDF it is the reader's extracted text,
    block by block). ``text`` is exactly ``source_text[start:end]``.
    """

    block: int = Field(description="Index of the first block the span lies in.")
    page: int | None = Field(default=None, description="1-based page, when the format has pages.")
    start: int
    end: int
    text: str


class Block(_Frozen):
    """One unit of the source: a paragraph, heading, list item or table cell.

    ``text`` is normalised (see :mod:`vanban.normalize`); ``raw`` is the source as read.
    ``offsets`` maps each character of ``text`` to an offset in ``Document.source_text``
    (length ``len(text) + 1``; the last entry is the end offset).
    """

    index: int
    kind: BlockKind
    text: str
    raw: str
    offsets: tuple[int, ...]
    page: int | None = None
    level: int | None = Field(default=None, description="Heading level (1 = top), when known.")
    bold: bool = False
    italic: bool = False
    table: int | None = Field(default=None, description="Table number within the document.")
    row: int | None = None
    col: int | None = None
    row_span: int = 1
    col_span: int = 1
    box: tuple[float, float, float, float] | None = Field(
        default=None,
        description="x0, top, x1, bottom on the page (PDF points, scan pixels), when the format places text; "
        "DOCX table cells give their column extent from the table grid, with top = bottom = 0.",
    )

    @property
    def start(self) -> int:
        return self.offsets[0]

    @property
    def end(self) -> int:
        return self.offsets[-1]

    def source_range(self, start: int = 0, end: int | None = None) -> tuple[int, int]:
        """Source offsets of ``text[start:end]``: from the first character kept to the next one."""
        end = len(self.text) if end is None else end
        return self.offsets[start], self.offsets[end] if end < len(self.text) else self.offsets[-1]


class Document(_Frozen):
    """What a reader produced: the blocks and the text their offsets point into."""

    path: str
    format: SourceFormat
    sha256: str
    source_text: str
    blocks: tuple[Block, ...]
    pages: int | None = None
    diagnostics: tuple[Diagnostic, ...] = ()

    def span(self, block: Block, start: int = 0, end: int | None = None) -> SourceSpan:
        """The source span of ``block.text[start:end]``."""
        s, e = block.source_range(start, end)
        return SourceSpan(block=block.index, page=block.page, start=s, end=e, text=self.source_text[s:e])


class Diagnostic(_Frozen):
    """Something the parser noticed but could live with. ``code`` is stable (``W###``)."""

    code: str
    level: Literal["info", "warning", "error"] = "warning"
    message: str = Field(description="Vietnamese, for the user.")
    source: SourceSpan | None = None


class DocNumber(_Frozen):
    """Số and ký hiệu of a document (``42/KH-UBND``)."""

    number: str | None = Field(description="The number as written (e.g. '05'); null when left blank.")
    symbol: str | None = Field(description="Ký hiệu, e.g. 'KH-UBND'.")


class Header(_Frozen):
    parent_issuer: str | None = None
    issuer: str | None = None
    number: str | None = Field(default=None, description="Số; null when blank ('Số: /KH-UBND').")
    symbol: str | None = Field(default=None, description="Ký hiệu, e.g. 'KH-UBND'.")
    place: str | None = None
    date: str | None = Field(
        default=None, description="ISO date, or partial: 'YYYY-MM' (day blank), 'YYYY' (only the year)."
    )
    doc_type: str | None = Field(default=None, description="Tên loại, e.g. 'KẾ HOẠCH'.")
    title: str | None = Field(default=None, description="Trích yếu.")
    number_from_appendix: bool = Field(
        default=False, description="True when number/date were read from an appendix caption."
    )
    sources: dict[str, SourceSpan] = Field(default_factory=dict, description="Field name → where it was read.")


class LegalBasis(_Frozen):
    """A căn cứ / thực hiện line and the document it cites."""

    kind: Literal["can_cu", "thuc_hien"]
    text: str
    doc_type: str | None = None
    number: str | None = None
    symbol: str | None = None
    date: str | None = None
    issuer: str | None = None
    source: SourceSpan


class Signer(_Frozen):
    authority: str | None = Field(default=None, description="e.g. 'TM. ỦY BAN NHÂN DÂN', 'KT. CHỦ TỊCH'.")
    title: str | None = None
    name: str | None = None
    source: SourceSpan | None = None


class Recipient(_Frozen):
    text: str
    source: SourceSpan


class Section(_Frozen):
    """A heading of the outline (I./A., 1., 1.1, a), …)."""

    label: str
    title: str
    level: int
    path: tuple[str, ...] = Field(description="Labels from the top, e.g. ('II', '2', '1').")
    source: SourceSpan


class Person(_Frozen):
    name: str
    position: str | None = None
    source: SourceSpan | None = None


class Deadline(_Frozen):
    """A deadline as written and as understood.

    ``date`` is the last day (ISO) or null when the phrase names no day (recurring, "theo tiến
    độ dự án"); ``start`` is the first day of a range; ``recurrence`` is one of daily, weekly,
    monthly, quarterly, yearly, continuous; ``kind`` tells how the date was derived.
    """

    text: str
    date: str | None = None
    start: str | None = None
    recurrence: Literal["continuous", "daily", "weekly", "monthly", "quarterly", "yearly"] | None = None
    kind: str = Field(
        description="Rule kind: day, month, quarter, half_year, year, range, school_year, recurring, open."
    )
    rule: str | None = Field(default=None, description="Id of the grammar rule that matched.")


class CriterionMatch(_Frozen):
    catalogue: str
    criterion: str
    indicator: str | None = None
    score: float
    method: str
    review: bool = False


class Item(_Frozen):
    """A task-like unit: an assignment-table row or a paragraph with inline assignments."""

    id: str = Field(description="Stable within the record: 'T<table>.R<row>' or 'P<block>'.")
    text: str
    solution: str | None = None
    result: str | None = Field(default=None, description="Expected result or product (kết quả, sản phẩm).")
    label: str | None = Field(default=None, description="The plan's own numbering, e.g. '2.3'.")
    section: tuple[str, ...] = Field(default=(), description="Outline path of the enclosing section.")
    criterion: str | None = None
    indicator: str | None = None
    match: CriterionMatch | None = None
    responsible: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    coordinating: tuple[str, ...] = ()
    people: tuple[Person, ...] = ()
    deadline: Deadline | None = None
    source: SourceSpan


class Appendix(_Frozen):
    title: str
    caption: str | None = None
    source: SourceSpan


class Coverage(_Frozen):
    """Indicator ids by status: covered (someone responsible and a deadline), partial (matched,
    but no one responsible or no deadline), missing (no item matches)."""

    catalogue: str
    covered: tuple[str, ...] = ()
    partial: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()


class IndicatorStatus(_Frozen):
    id: str
    criterion: str
    text: str
    status: Literal["covered", "partial", "missing"]
    items: tuple[str, ...] = Field(default=(), description="Ids of the matching items.")
    responsible: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()
    deadlines: tuple[str, ...] = Field(default=(), description="Deadlines as understood (date, range or text).")
    problems: tuple[str, ...] = Field(default=(), description="Vietnamese: what is missing.")
    score: float | None = None
    review: bool = False
    sources: tuple[SourceSpan, ...] = ()


class CriterionStatus(_Frozen):
    id: str
    name: str
    status: Literal["covered", "partial", "missing"]
    indicators: tuple[IndicatorStatus, ...]


class Finding(_Frozen):
    """Something to report beside coverage, e.g. a stated target below the catalogue threshold."""

    code: str
    indicator: str | None = None
    message: str
    source: SourceSpan | None = None


class CheckReport(_Frozen):
    schema_version: str = SCHEMA_VERSION
    source: SourceInfo
    catalogue: str
    catalogue_title: str
    decision: str
    catalogue_detected: bool
    unit_type: str | None
    criteria: tuple[CriterionStatus, ...]
    criteria_total: int
    criteria_covered: int
    indicators_total: int
    indicators_covered: int
    partial: int
    missing: int
    no_deadline: int
    no_owner: int
    summary: str = Field(description="One Vietnamese line, e.g. 'Đạt 9/9 tiêu chí, 52/52 nội dung'.")
    findings: tuple[Finding, ...] = ()


class SourceInfo(_Frozen):
    path: str
    format: SourceFormat
    sha256: str
    pages: int | None = None


class PlanRecord(_Frozen):
    """The structured record of one plan. See README 'The record'."""

    schema_version: str = SCHEMA_VERSION
    source: SourceInfo
    header: Header
    legal_bases: tuple[LegalBasis, ...] = ()
    sections: tuple[Section, ...] = ()
    items: tuple[Item, ...] = ()
    signer: Signer = Field(default_factory=Signer)
    recipients: tuple[Recipient, ...] = ()
    appendices: tuple[Appendix, ...] = ()
    coverage: Coverage | None = None
    diagnostics: tuple[Diagnostic, ...] = ()


Document.model_rebuild()
CheckReport.model_rebuild()
