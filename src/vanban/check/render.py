"""A coverage report as text, JSON, HTML (for a civil servant) or XLSX (one row per indicator)."""

from __future__ import annotations

import io
import json
from importlib import resources

from jinja2 import Environment, select_autoescape

from vanban.model import CheckReport

STATUS_VI = {"covered": "Đạt", "partial": "Chưa đủ", "missing": "Thiếu"}
UNIT_VI = {"phuong": "phường", "thi-tran": "thị trấn", "xa": "xã"}


def to_json(report: CheckReport) -> bytes:
    return (json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def to_text(report: CheckReport) -> bytes:
    lines = [
        f"Kế hoạch: {report.source.path}",
        f"Bộ tiêu chí: {report.catalogue_title} ({report.decision})"
        + ("" if report.catalogue_detected else " — chọn theo tham số --catalogue"),
        f"Loại đơn vị: {UNIT_VI.get(report.unit_type or '', 'không rõ')}",
        report.summary,
        "",
    ]
    for c in report.criteria:
        lines.append(f"Tiêu chí {c.id}. {c.name}: {STATUS_VI[c.status]}")
        for s in c.indicators:
            mark = {"covered": "✓", "partial": "!", "missing": "✗"}[s.status]
            detail = "; ".join(s.problems) if s.problems else ", ".join(s.responsible[:3])
            when = f" — {', '.join(s.deadlines)}" if s.deadlines else ""
            place = f" (khối {s.sources[0].block})" if s.sources and s.status != "missing" else ""
            lines.append(f"  {mark} {s.id} {s.text[:70]} — {detail}{when}{place}")
    if report.findings:
        lines.append("")
        lines.append("Lưu ý:")
        lines.extend(f"  - {f.message}" for f in report.findings)
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_html(report: CheckReport, source_text: str | None = None) -> bytes:
    env = Environment(autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(resources.files("vanban.check").joinpath("report.html.j2").read_text(encoding="utf-8"))
    lines: list[tuple[int, str]] = []
    if source_text is not None:
        lines = list(enumerate(source_text.splitlines(), start=1))

    def line_of(offset: int) -> int:
        return source_text.count("\n", 0, offset) + 1 if source_text is not None else 0

    unit = UNIT_VI.get(report.unit_type or "", "không rõ")
    html = template.render(r=report, status=STATUS_VI, unit=unit, lines=lines, line_of=line_of)
    return html.encode("utf-8")


def to_xlsx(report: CheckReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Tiêu chí"
    head = [
        "Tiêu chí",
        "Nội dung",
        "Yêu cầu",
        "Tình trạng",
        "Đơn vị, người phụ trách",
        "Lãnh đạo phụ trách",
        "Thời hạn",
        "Thiếu",
        "Nhiệm vụ trong kế hoạch",
        "Điểm khớp",
    ]
    ws.append(head)
    fills = {"covered": "C6EFCE", "partial": "FFEB9C", "missing": "FFC7CE"}
    for c in report.criteria:
        for s in c.indicators:
            ws.append(
                [
                    f"{c.id}. {c.name}",
                    s.id,
                    s.text,
                    STATUS_VI[s.status],
                    "; ".join(s.responsible),
                    "; ".join(s.leads),
                    "; ".join(s.deadlines),
                    "; ".join(s.problems),
                    ", ".join(s.items),
                    s.score,
                ]
            )
            ws.cell(ws.max_row, 4).fill = PatternFill("solid", fgColor=fills[s.status])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEFGHIJ", (28, 8, 60, 11, 30, 22, 20, 26, 18, 9), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    summary = wb.create_sheet("Tóm tắt")
    summary.append(["Kế hoạch", report.source.path])
    summary.append(["Bộ tiêu chí", f"{report.catalogue_title} ({report.decision})"])
    summary.append(["Kết quả", report.summary])
    for f in report.findings:
        summary.append(["Lưu ý", f.message])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
