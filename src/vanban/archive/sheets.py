"""Spreadsheet writing shared by reports and the assignment table: bold wrapped header row,
frozen, auto filter, column widths; text that Excel would take for a formula stays text."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Cell = str | int | float | None


@dataclass(frozen=True)
class Sheet:
    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[Cell]]
    widths: Sequence[int] = ()
    wrap: bool = True


def clean(value: Cell) -> Cell:
    """A value openpyxl can store: control characters removed."""
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def workbook(sheets: Sequence[Sheet], info: Sequence[tuple[str, str]] = ()) -> bytes:
    """An XLSX with one table per sheet (header on row 1, frozen, with filters) and, when
    ``info`` is given, a last sheet «Thông tin» of label/value pairs."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for spec in sheets:
        ws = wb.create_sheet(spec.title[:31])
        ws.append(list(spec.headings))
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.fill = head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        top = Alignment(wrap_text=spec.wrap, vertical="top")
        for row in spec.rows:
            ws.append([clean(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
                cell.alignment = top
        for i, width in enumerate(spec.widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"
        last = get_column_letter(max(1, len(spec.headings)))
        ws.auto_filter.ref = f"A1:{last}{max(1, ws.max_row)}"
    if info:
        ws = wb.create_sheet("Thông tin")
        for label, value in info:
            ws.append([label, clean(value)])
            ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.column_dimensions["A"].width = 24
        ws.column_dimensions["B"].width = 100
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
