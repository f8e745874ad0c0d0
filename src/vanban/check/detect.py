"""Which catalogue a plan answers to, and what kind of unit wrote it."""

from __future__ import annotations

import re

from vanban.catalogue import catalogue_ids, load_catalogue
from vanban.check.textkey import fold
from vanban.model import PlanRecord

# (catalogue id, cited decision number, year in the symbol or None)
_CITED = (("dtvm-2022", "04", "2022"), ("ntm-2026", "51", "2025"), ("ntm-2022", "318", None))


def _vocabulary(record: PlanRecord) -> str:
    parts = [record.header.title or ""]
    parts += [lb.text for lb in record.legal_bases]
    parts += [s.title for s in record.sections[:40]]
    parts += [it.text for it in record.items[:40]]
    return fold(" ".join(parts))


def detect_catalogue(record: PlanRecord) -> tuple[str | None, str]:
    """The catalogue id and why (Vietnamese), or None when the plan names no criteria set."""
    text = _vocabulary(record)
    year = None
    if record.header.date:
        year = int(record.header.date[:4])
    for cat_id, number, sym_year in _CITED:
        for lb in record.legal_bases:
            if lb.number == number and lb.symbol and "TTg" in lb.symbol and (sym_year is None or sym_year in lb.symbol):
                if cat_id == "ntm-2022" and "nang cao" in text:
                    cat_id = "ntm-nc-2022"
                return _in_force(cat_id, year), f"căn cứ Quyết định {number}/{lb.symbol}"
    # Vocabulary counts when the title names the set, or the text does so again and again:
    # a campaign name quoted once ("Toàn dân đoàn kết xây dựng nông thôn mới, đô thị văn minh")
    # does not make a plan answer to a criteria set.
    title = fold(record.header.title or "")

    def weight(pattern: str) -> int:
        return len(re.findall(pattern, text)) + (3 if re.search(pattern, title) else 0)

    dtvm = weight(r"do thi van minh|van minh do thi")
    ntm_nc = weight(r"nong thon moi nang cao|ntm nang cao")
    ntm = weight(r"nong thon moi|\bntm\b")
    if dtvm >= 3 and dtvm >= ntm:
        return "dtvm-2022", "nói đến «đô thị văn minh»"
    if ntm >= 3 and ntm_nc:
        return _in_force("ntm-nc-2022", year), "nói đến «nông thôn mới nâng cao»"
    if ntm >= 3:
        return _in_force("ntm-2022", year), "nói đến «nông thôn mới»"
    return None, "không thấy căn cứ hay từ ngữ của bộ tiêu chí nào"


def _in_force(cat_id: str, year: int | None) -> str:
    """From 2026 a superseded set gives way to its successor (QĐ 318 → QĐ 51/2025)."""
    cat = load_catalogue(cat_id)
    if year is not None and year >= 2026 and cat.superseded_by:
        nxt = cat.superseded_by[0]
        if nxt in catalogue_ids():
            return nxt
    return cat_id


def unit_type(record: PlanRecord) -> str | None:
    """phuong, thi-tran or xa, from the issuer, place and title."""
    h = record.header
    text = fold(" ".join(x for x in (h.issuer, h.place, h.title, h.parent_issuer) if x))
    for key, value in (("thi tran", "thi-tran"), ("phuong", "phuong"), ("xa ", "xa")):
        if key in text + " ":
            return value
    return None
