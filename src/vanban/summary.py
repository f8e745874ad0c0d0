"""A readable Vietnamese summary of a record (``vanban parse --format text``)."""

from __future__ import annotations

from vanban.model import Deadline, PlanRecord


def _deadline(d: Deadline | None) -> str:
    if d is None:
        return "chưa có thời hạn"
    rec = {
        "continuous": "thường xuyên",
        "daily": "hằng ngày",
        "weekly": "hằng tuần",
        "monthly": "hằng tháng",
        "quarterly": "hằng quý",
        "yearly": "hằng năm",
    }
    if d.recurrence:
        return rec[d.recurrence]
    if d.start and d.date:
        return f"từ {d.start} đến {d.date}"
    return d.date or f"«{d.text}» (không có ngày cụ thể)"


def record_summary(rec: PlanRecord) -> str:
    h = rec.header
    lines = [
        f"Tệp: {rec.source.path}",
        f"Cơ quan ban hành: {h.issuer or '—'}" + (f" (trực thuộc {h.parent_issuer})" if h.parent_issuer else ""),
        f"Số, ký hiệu: {(h.number or '(để trống)')}/{h.symbol or '—'}",
        f"Địa danh, ngày: {h.place or '—'}, {h.date or '—'}",
        f"Tên loại: {h.doc_type or '—'}",
        f"Trích yếu: {h.title or '—'}",
        f"Căn cứ: {len(rec.legal_bases)} văn bản",
    ]
    for lb in rec.legal_bases:
        ref = " ".join(x for x in (lb.doc_type, f"{lb.number or ''}/{lb.symbol}" if lb.symbol else None) if x)
        lines.append(f"  - {ref or lb.text[:60]}" + (f" ngày {lb.date}" if lb.date else ""))
    lines.append(f"Nhiệm vụ: {len(rec.items)}")
    for it in rec.items:
        who = ", ".join(it.responsible) or "chưa giao"
        lines.append(f"  - [{it.label or '-'}] {it.text[:70]} — {who} — {_deadline(it.deadline)}")
    s = rec.signer
    lines.append(f"Người ký: {' / '.join(x for x in (s.authority, s.title, s.name) if x) or '—'}")
    lines.append(f"Nơi nhận: {len(rec.recipients)}")
    if rec.diagnostics:
        lines.append(f"Cảnh báo: {len(rec.diagnostics)}")
        for d in rec.diagnostics[:20]:
            lines.append(f"  [{d.code}] {d.message}")
    return "\n".join(lines) + "\n"
