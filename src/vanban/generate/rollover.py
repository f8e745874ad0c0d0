"""Roll last year's plan into a new year's: the pure part.

``rollover(record, year)`` keeps criteria, tasks, assignments and people; moves every dated deadline
forward by ``year - plan_year`` years; changes the plan year in the title, sections, tasks and deadline
wording (never in căn cứ lines nor in cited documents); clears the số and the day of issue. It returns
every change and every point to review (:class:`Change`): căn cứ superseded or out of period
(``data/supersessions.yaml``), units gone since 01/7/2025, named officials. Source spans stay those of
the old plan: nothing is invented. ``render_changes`` writes the list as a Vietnamese Markdown report.
"""

from __future__ import annotations

import calendar
import importlib
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from vanban.datafiles import load_data
from vanban.errors import InputError
from vanban.model import Deadline, Item, LegalBasis, PlanRecord
from vanban.parse.extract.deadline import parse_deadline
from vanban.textscore import fold


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Change(_Strict):
    """One change made (``changed``) or one point for a person to review (``flag``)."""

    kind: Literal["changed", "flag"]
    field: str  # JSON-path-like, in the new record: "items[3].deadline"
    old: str | None = None
    new: str | None = None
    message: str  # Vietnamese
    where: str  # a place in the new plan a reader can find: "Nhiệm vụ 1.1", "Căn cứ thứ 2", "Phần đầu"


class CitedDoc(_Strict):
    doc_type: str
    number: str
    symbol: str
    date: str
    title: str
    in_force: str | None = None


class DocSupersession(_Strict):
    id: str
    old: CitedDoc
    replaced_by: CitedDoc | None
    from_year: int
    note: str
    source: str
    example: str


class UnitChange(_Strict):
    date: str
    from_year: int
    words: list[str]
    note: str
    source: str


class Supersessions(_Strict):
    documents: list[DocSupersession]
    units: UnitChange


@cache
def supersessions() -> Supersessions:
    return load_data("supersessions.yaml", Supersessions)


class _Out(list[Change]):
    def changed(self, field: str, where: str, old: str | None, new: str | None, message: str) -> None:
        self.append(Change(kind="changed", field=field, old=old, new=new, message=message, where=where))

    def flag(self, field: str, where: str, message: str, old: str | None = None, new: str | None = None) -> None:
        self.append(Change(kind="flag", field=field, old=old, new=new, message=message, where=where))


def _vn(iso: str) -> str:
    """'2023-06-30' → '30/6/2023', as plans write dates."""
    return "/".join(str(int(p)) for p in reversed(iso.split("-")))


# --- years in text -------------------------------------------------------------------------------

_SYM = r"[A-ZĐ][A-ZĐa-zđ0-9&]*(?:\s*[-/–]\s*[A-ZĐ][A-ZĐa-zđ0-9&]*)*"
_DATE = r"\d{1,2}[.…]*\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}"
# A cited document and its date ("04/2022/QĐ-TTg", "72/KH-UBND ngày 06/02/2023"): years in it stay.
_CITATION = re.compile(rf"\d+[.…]*(?:\s*/\s*\d{{4}})?\s*/\s*{_SYM}(?:\s*,?\s*[Nn]gày\s+[.…]*(?:{_DATE}))?")
_YEARS = re.compile(
    r"(?P<sy>năm\s+học\s+)(?P<y1>\d{4})(?P<sep>\s*[-–]\s*)(?P<y2>\d{4})(?!\d)"
    r"|(?P<n>năm\s+)(?P<ny>\d{4})(?!\d)(?!\s*[-–]\s*\d)"
    r"|(?P<q>quý\s+[IV1-4]+\s*/\s*)(?P<qy>\d{4})(?!\d)"
    r"|(?<![\d/.,])(?:(?P<d>\d{1,2})(?P<s1>\s*[/.-]\s*))?(?P<m>\d{1,2})(?P<s2>\s*[/.-]\s*)(?P<dy>\d{4})(?!\d)(?!\s*/)",
    re.I,
)
_PERIOD = re.compile(r"giai\s+đoạn\s+(\d{4})\s*[-–]\s*(\d{4})", re.I)
_YEAR_WORD = re.compile(r"năm\s+(\d{4})(?!\d)", re.I)


def _roll(text: str, delta: int, moves: Callable[[int], bool]) -> str:
    """``text`` with every year for which ``moves`` holds moved by ``delta`` (dates, "năm", quý, năm học)."""
    cited = [m.span() for m in _CITATION.finditer(text)]

    def sub(m: re.Match[str]) -> str:
        if delta == 0 or any(s <= m.start() < e for s, e in cited):
            return m[0]
        if m["sy"]:
            y1, y2 = int(m["y1"]), int(m["y2"])
            return f"{m['sy']}{y1 + delta}{m['sep']}{y2 + delta}" if moves(y1) or moves(y2) else m[0]
        for pre, grp in (("n", "ny"), ("q", "qy")):
            if m[pre]:
                return f"{m[pre]}{int(m[grp]) + delta}" if moves(int(m[grp])) else m[0]
        y, month = int(m["dy"]), int(m["m"])
        if not moves(y) or not 1 <= month <= 12:
            return m[0]
        if m["d"] is None:
            return f"{m['m']}{m['s2']}{y + delta}"
        day, last = m["d"], calendar.monthrange(y + delta, month)[1]
        if int(day) > last:  # 29/2 of a leap year
            day = str(last).zfill(len(day))
        return f"{day}{m['s1']}{m['m']}{m['s2']}{y + delta}"

    return _YEARS.sub(sub, text)


def roll_text(text: str, old_year: int, new_year: int) -> str:
    """Change the plan year ``old_year`` to ``new_year`` where ``text`` means it ("năm 2023", "11/2023")."""
    return _roll(text, new_year - old_year, lambda y: y == old_year)


def old_plan_year(record: PlanRecord) -> int | None:
    """The year of the old plan: that of its date, else the "năm YYYY" of its title."""
    if record.header.date and re.match(r"\d{4}", record.header.date):
        return int(record.header.date[:4])
    m = _YEAR_WORD.search(record.header.title or "")
    return int(m[1]) if m else None


def _period_flags(text: str | None, field: str, where: str, year: int, out: _Out) -> None:
    for m in _PERIOD.finditer(text or ""):
        if int(m[2]) < year:
            msg = f"Nhắc đến giai đoạn {m[1]}-{m[2]}, đã kết thúc trước năm {year}: cần đổi theo giai đoạn mới."
            out.flag(field, where, msg, old=m[0])


def _roll_attr(obj: Any, attr: str, field: str, where: str, plan: int, year: int, out: _Out) -> str | None:
    old: str | None = getattr(obj, attr)
    new = roll_text(old, plan, year) if old else old
    if new != old:
        out.changed(field, where, old, new, f"Đổi năm {plan} thành {year}.")
    _period_flags(old, field, where, year, out)
    return new


# --- deadlines -----------------------------------------------------------------------------------

_MONTH_END_KINDS = frozenset({"month", "quarter", "half_year", "year", "school_year"})


def _move(iso: str, delta: int, month_end: bool) -> str:
    if len(iso) != 10:
        return f"{int(iso[:4]) + delta}{iso[4:]}"
    d = date.fromisoformat(iso)
    last = calendar.monthrange(d.year + delta, d.month)[1]
    at_end = d.day == calendar.monthrange(d.year, d.month)[1]
    return date(d.year + delta, d.month, last if month_end and at_end else min(d.day, last)).isoformat()


def _show(d: Deadline) -> str:
    if d.start and d.date:
        return f"{d.text} (từ {_vn(d.start)} đến {_vn(d.date)})"
    day = d.date or d.start
    return f"{d.text} ({_vn(day)})" if day else d.text


def _roll_deadline(d: Deadline, plan: int, year: int, field: str, where: str, out: _Out) -> Deadline:
    delta, anchor = year - plan, d.date or d.start
    if anchor is None:  # recurring or open: no day to move, only the words
        new = d.model_copy(update={"text": roll_text(d.text, plan, year)})
    elif int(anchor[:4]) > plan:
        out.flag(field, where, f"Thời hạn đã sau năm {plan} của kế hoạch cũ: giữ nguyên, cần xem lại.", _show(d))
        return d
    else:
        month_end = d.kind in _MONTH_END_KINDS
        new = d.model_copy(
            update={
                "text": _roll(d.text, delta, lambda _: True),
                "date": _move(d.date, delta, month_end) if d.date else None,
                "start": _move(d.start, delta, month_end) if d.start else None,
            }
        )
        if int(anchor[:4]) < plan:
            msg = f"Thời hạn cũ trước năm {plan} của kế hoạch cũ; đã dời cùng {delta} năm, cần xem lại."
            out.flag(field, where, msg, _show(d), _show(new))
        before, after = parse_deadline(d.text, plan), parse_deadline(new.text, year)
        if before and (before.date, before.start) == (d.date, d.start):
            if after is None or (after.date, after.start) != (new.date, new.start):
                out.flag(field, where, "Lời văn thời hạn mới không khớp ngày đã dời: cần sửa lời văn.", new=_show(new))
    if new != d:
        msg = f"Dời thời hạn sang năm {year}." if anchor else f"Đổi năm {plan} thành {year} trong lời văn thời hạn."
        out.changed(field, where, _show(d), _show(new), msg)
    return new


def item_where(item: Item, index: int) -> str:
    """How a reader finds the item: "Nhiệm vụ 1.1", else "Nhiệm vụ thứ 3 (mục III.B.II.1)"."""
    if item.label:
        return f"Nhiệm vụ {item.label}"
    return f"Nhiệm vụ thứ {index + 1}" + (f" (mục {'.'.join(item.section)})" if item.section else "")


def _roll_item(it: Item, i: int, plan: int, year: int, out: _Out) -> Item:
    where, update = item_where(it, i), dict[str, Any]()
    for attr in ("text", "solution", "result"):
        update[attr] = _roll_attr(it, attr, f"items[{i}].{attr}", where, plan, year, out)
        cited = [m.span() for m in _CITATION.finditer(getattr(it, attr) or "")]
        stale = {
            int(m[1])
            for m in _YEAR_WORD.finditer(getattr(it, attr) or "")
            if plan - 3 <= int(m[1]) < plan and not any(s <= m.start() < e for s, e in cited)
        }
        if stale:
            years = ", ".join(map(str, sorted(stale)))
            msg = f"Nhắc đến năm {years} (trước năm kế hoạch cũ): số liệu, kết quả cần cập nhật cho năm {year}."
            out.flag(f"items[{i}].{attr}", where, msg)
    if it.deadline:
        update["deadline"] = _roll_deadline(it.deadline, plan, year, f"items[{i}].deadline", where, out)
    return it.model_copy(update=update)


# --- căn cứ --------------------------------------------------------------------------------------


def cites(basis: LegalBasis, doc: CitedDoc) -> bool:
    """Whether the căn cứ cites ``doc`` (by its parsed number and symbol, or in its text)."""

    def norm(symbol: str) -> str:
        return re.sub(r"\s+", "", symbol).replace("–", "-").upper()

    if basis.number and basis.symbol and basis.number.lstrip("0") == doc.number.lstrip("0"):
        if norm(basis.symbol) == norm(doc.symbol):
            return True
    sym = r"\s*".join("[-–]" if c == "-" else re.escape(c) for c in doc.symbol)
    return re.search(rf"(?<!\d)0*{doc.number}\s*/\s*{sym}", basis.text, re.I) is not None


def _ref(doc: CitedDoc) -> str:
    return f"{doc.doc_type} số {doc.number}/{doc.symbol} ngày {_vn(doc.date)} ({doc.title})"


def _legal_flags(bases: Sequence[LegalBasis], plan: int, year: int, out: _Out) -> None:
    for i, lb in enumerate(bases):
        field, where = f"legal_bases[{i}]", f"Căn cứ thứ {i + 1}"
        hits = [s for s in supersessions().documents if year >= s.from_year and cites(lb, s.old)]
        for s in hits:
            rb = s.replaced_by
            if rb is None:
                msg = f"{_ref(s.old)} không còn áp dụng cho năm {year}; chưa có văn bản thay thế được biết. {s.note}"
            else:
                force = f", có hiệu lực từ {_vn(rb.in_force)}" if rb.in_force else ""
                msg = f"{_ref(s.old)} đã được thay bằng {_ref(rb)}{force}. {s.note}"
            out.flag(field, where, msg, lb.text, _ref(rb) if rb else None)
        if not hits:  # a căn cứ for a period that has ended
            _period_flags(lb.text, field, where, year, out)
        if re.search(rf"năm\s+{plan}(?!\d)", _CITATION.sub(" ", lb.text), re.I):
            msg = f"Văn bản này dành cho năm {plan}: kế hoạch năm {year} cần căn cứ văn bản tương ứng của năm {year}."
            out.flag(field, where, msg, lb.text)


# --- units that no longer exist, and named officials ---------------------------------------------

_STOP = frozenset("của với và trong tại các cho thuộc ở trên đến về từ toàn".split())
_NEXT = re.compile(r"[ \t]+([^\W\d_]+)")
_ENDS = re.compile(r"[ \t]*(?:[,;.)\n]|$)")
_WARD = re.compile(r"(?i)(?:thị\s+trấn|xã|phường)\s+(?P<name>\S.*)$")
_COMRADE = re.compile(r"(?<!\w)đ\s*/?\s*c\.?(?=[ \t])", re.I)


def _name_after(text: str, pos: int, upper: bool = False) -> str:
    """The proper name after ``pos``: "Hà Trung", "Hà trung" before a comma, "HÀ TRUNG" after "HUYỆN"."""
    words: list[str] = []
    while len(words) < 3 and (t := _NEXT.match(text, pos)):
        w, pos = t[1], t.end()
        tail = len(words) == 1 and w.islower() and _ENDS.match(text, pos) is not None
        if not (w[0].isupper() and (upper or not w.isupper())) and not tail:
            break
        words.append(w)
        if tail:
            break
    return " ".join(words)


def _prefix_before(text: str, start: int) -> str:
    """The agency before a unit word ("BCĐ ", "Phòng TNMT ", "Trung tâm y tế "): up to 4 words from a capital."""
    words = re.split(r"[,;:.()“”\"'\n]", text[max(0, start - 80) : start])[-1].split()[-4:]
    best = None
    for i in range(len(words) - 1, -1, -1):
        if words[i].lower() in _STOP:
            break
        best = i if words[i][0].isupper() else best
    return "" if best is None else " ".join(words[best:]) + " "


def _words_rx(words: Sequence[str]) -> re.Pattern[str]:
    alts = "|".join(r"\s+".join(map(re.escape, w.split())) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.I)


def _mentions(text: str, rx: re.Pattern[str]) -> Iterator[tuple[str, str]]:
    """(phrase, context) for each unit word in ``text``: "thị trấn Hà Trung", "BCĐ huyện", "huyện"."""
    for m in rx.finditer(text):
        name = _name_after(text, m.end(), m[0].isupper())
        phrase = f"{m[0]} {name}" if name else f"{_prefix_before(text, m.start())}{m[0]}"
        words = text[max(0, m.start() - 40) : m.end() + 40].split()
        cut_a, cut_b = m.start() > 40, m.end() + 40 < len(text)
        context = " ".join(words[cut_a : len(words) - cut_b] or words)
        yield phrase, ("…" if cut_a else "") + context + ("…" if cut_b else "")


def _texts(rec: PlanRecord) -> Iterator[tuple[str, str, str]]:
    """(field, where, text) of every place of the new plan where a unit or a person may be named."""
    for attr in ("parent_issuer", "issuer", "place"):
        if value := getattr(rec.header, attr):
            yield f"header.{attr}", "Phần đầu", value
    for i, it in enumerate(rec.items):
        for attr in ("text", "solution", "leads", "responsible", "coordinating"):
            values = getattr(it, attr)
            for k, value in enumerate(values) if isinstance(values, tuple) else [(None, values)]:
                if value:
                    yield f"items[{i}].{attr}" + ("" if k is None else f"[{k}]"), item_where(it, i), value
    for k, r in enumerate(rec.recipients):
        yield f"recipients[{k}]", "Nơi nhận", r.text
    for attr in ("authority", "title"):
        if value := getattr(rec.signer, attr):
            yield f"signer.{attr}", "Người ký", value


def _places(wheres: Sequence[str]) -> str:
    uniq = list(dict.fromkeys(wheres))
    more = f" và {len(uniq) - 5} chỗ khác" if len(uniq) > 5 else ""
    return f" Xuất hiện ở: {', '.join(uniq[:5])}{more}." if len(uniq) > 1 else ""


def _unit_flags(rec: PlanRecord, year: int, suggest: Callable[[str], str | None]) -> list[Change]:
    """One flag per distinct mention of a unit that no longer exists, or of a xã/phường now named otherwise."""
    data, out = supersessions().units, _Out()
    if year < data.from_year:
        return out
    texts = list(_texts(rec))
    context = []  # the first named district and province anywhere, to make an address for ``suggest``
    for rx in (_words_rx(["huyện", "quận", "thị xã"]), _words_rx(["tỉnh", "thành phố"])):
        everywhere = [t for _, _, t in texts] + [lb.text for lb in rec.legal_bases]
        named = (f"{m[0]} {n}" for t in everywhere for m in rx.finditer(t) if (n := _name_after(t, m.end())))
        context.append(next(named, ""))
    abolished, wards = _words_rx(data.words), _words_rx(["xã", "phường"])
    seen: dict[str, list[tuple[str, str, str, str]]] = {}  # key → [(phrase, field, where, context)]
    for field, where, text in texts:
        found = list(_mentions(text, abolished)) + [(p, c) for p, c in _mentions(text, wards) if _WARD.match(p)]
        for phrase, ctx in found:
            seen.setdefault(fold(phrase, casefold=True), []).append((phrase, field, where, ctx))
    for key, hits in seen.items():
        phrase, field, where, ctx = hits[0]
        hint = suggest(", ".join(p for p in (phrase, *context) if p)) if _WARD.match(phrase) else None
        if key.startswith(("xã ", "phường ")):
            if hint is None or fold(hint.split(",")[0], casefold=True) == key:
                continue  # a xã or phường not known to have been renamed
            msg = f"«{phrase}»: xã, phường đã được sắp xếp lại từ {_vn(data.date)}."
        else:
            msg = f"«{phrase}»: {data.note}"
        if hint:
            msg += f" Gợi ý tên hiện nay: «{hint}» (theo dữ liệu đơn vị hành chính, cần kiểm tra)."
        out.flag(field, where, msg + f" Ví dụ: «{ctx}».{_places([h[2] for h in hits])}", phrase, hint)
    return out


def _person_flags(rec: PlanRecord, year: int) -> list[Change]:
    """One flag per distinct named person; a given name alone ("Đông") joins the one full name ending in it."""
    found: list[tuple[str, str | None, str, str]] = []  # (name, position, field, where)
    for i, it in enumerate(rec.items):
        where = item_where(it, i)
        found += [(p.name, p.position, f"items[{i}].people[{k}]", where) for k, p in enumerate(it.people)]
        for attr in ("leads", "responsible", "coordinating"):
            for k, text in enumerate(getattr(it, attr)):
                names = (_name_after(text, m.end()) for m in _COMRADE.finditer(text))
                found += [(n, None, f"items[{i}].{attr}[{k}]", where) for n in names if n]
    if rec.signer.name:
        found.append((rec.signer.name, rec.signer.title, "signer.name", "Người ký"))
    keys = [fold(name, casefold=True) for name, *_ in found]
    by_last: dict[str, set[str]] = {}
    for key in keys:
        if " " in key:
            by_last.setdefault(key.rsplit(" ", 1)[1], set()).add(key)
    groups: dict[str, list[tuple[str, str | None, str, str]]] = {}
    for key, entry in zip(keys, found, strict=True):
        owners = by_last.get(key, set()) if " " not in key else set()
        groups.setdefault(next(iter(owners)) if len(owners) == 1 else key, []).append(entry)
    out = _Out()
    for key, entries in groups.items():
        name = next((n for n, *_ in entries if fold(n, casefold=True) == key), entries[0][0])
        position = next((f" ({p})" for _, p, _, _ in entries if p), "")
        msg = f"Cán bộ được nêu tên «{name}»{position}: cần xác nhận người đảm nhiệm trong năm {year}."
        out.flag(entries[0][2], entries[0][3], msg + _places([e[3] for e in entries]), name)
    return out


@cache
def _converter() -> Callable[[str], Any] | None:
    # vietnamadminunits (MIT, optional) ships its data in the wheel; an address without a street needs no network.
    try:
        convert: Callable[[str], Any] = importlib.import_module("vietnamadminunits").convert_address
    except ImportError:
        return None
    return convert


def suggest_current_unit(name: str) -> str | None:
    """The xã/phường that took over an old one on 01/7/2025 ("thị trấn Hà Trung, huyện Hà Trung, Thanh Hóa"
    → "Xã Hà Trung, Tỉnh Thanh Hóa"), from "ward[, district][, province]"; None when the optional package
    vietnamadminunits is missing or does not know the unit. A divided unit gets the package's default successor.
    """
    parts = [p.strip() for p in name.split(",") if p.strip()]
    m, convert = _WARD.match(parts[0]) if parts else None, _converter()
    if m is None or len(parts) > 3 or convert is None:
        return None  # a fourth part would be read as a street, which the package geocodes online
    try:
        unit = convert(", ".join(parts))
    except Exception:  # the package raises bare exceptions on what it cannot read
        return None
    old = getattr(unit, "OldAdminUnit", None)
    if unit.ward is None or old is None or fold(old.short_ward or "", casefold=True) != fold(m["name"], casefold=True):
        return None  # unknown, or the package guessed another unit
    return f"{unit.ward}, {unit.province}"


# --- the rollover ----------------------------------------------------------------------------------


def rollover(
    record: PlanRecord, year: int, *, suggest: Callable[[str], str | None] = suggest_current_unit
) -> tuple[PlanRecord, list[Change]]:
    """The plan ``record`` rolled into ``year``, and every change made and every point to review.

    ``suggest`` names the current unit for an old address (default :func:`suggest_current_unit`).
    """
    plan, path = old_plan_year(record), record.source.path
    if plan is None:
        msg = "không xác định được năm của kế hoạch cũ (không có ngày ban hành, trích yếu không ghi «năm …»)."
        raise InputError(msg, path=path, hint="Hãy ghi ngày ban hành hoặc năm trong trích yếu của kế hoạch cũ.")
    if year < plan:
        raise InputError(f"năm mới ({year}) trước năm của kế hoạch cũ ({plan}).", path=path)
    out, h, top = _Out(), record.header, "Phần đầu"
    title = _roll_attr(h, "title", "header.title", top, plan, year, out)
    if h.number is not None:
        out.changed("header.number", top, h.number, None, "Bỏ số của kế hoạch cũ: kế hoạch mới chưa có số.")
    if h.date != str(year):
        out.changed("header.date", top, h.date, str(year), f"Ngày ban hành chỉ còn năm {year}.")
    out.flag("header.date", top, f"Kế hoạch năm {year} chưa ban hành: cần ghi số và ngày ban hành khi ký.")
    _legal_flags(record.legal_bases, plan, year, out)
    sections = []
    for i, sec in enumerate(record.sections):
        title_i = _roll_attr(sec, "title", f"sections[{i}].title", f"Mục {'.'.join(sec.path)}", plan, year, out)
        sections.append(sec.model_copy(update={"title": title_i}))
    items = tuple(_roll_item(it, i, plan, year, out) for i, it in enumerate(record.items))
    appendices = []
    for i, a in enumerate(record.appendices):
        field, where = f"appendices[{i}]", f"Phụ lục thứ {i + 1}"
        if re.search(r"kèm\s+theo", f"{a.title} {a.caption or ''}", re.I):
            out.flag(field, where, "Phụ lục còn ghi số, ngày của kế hoạch cũ: cần ghi lại theo kế hoạch mới.", a.title)
            appendices.append(a)
            continue
        rolled = {k: _roll_attr(a, k, f"{field}.{k}", where, plan, year, out) for k in ("title", "caption")}
        appendices.append(a.model_copy(update=rolled))
    header = h.model_copy(update={"number": None, "date": str(year), "title": title})
    update = {"header": header, "sections": tuple(sections), "items": items, "appendices": tuple(appendices)}
    new = record.model_copy(update=update)
    return new, out + _unit_flags(new, year, suggest) + _person_flags(new, year)


# --- the report ----------------------------------------------------------------------------------

_GROUPS = {"header": "Phần đầu", "legal_bases": "Căn cứ", "sections": "Đề mục", "items": "Nhiệm vụ"}
_GROUPS |= {"recipients": "Nơi nhận", "signer": "Người ký", "appendices": "Phụ lục"}


def _cell(text: str | None) -> str:
    return " ".join(text.split()).replace("|", "\\|") if text else "—"


def _excerpts(old: str | None, new: str | None, width: int = 120) -> tuple[str, str]:
    """Both values, or for long ones the stretch around their first difference."""
    if old is None or new is None or max(len(old), len(new)) <= width:
        return _cell(old), _cell(new)
    p = next((k for k, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    s = max(0, p - 40)

    def cut(v: str) -> str:
        return _cell(("…" if s else "") + v[s : s + width] + ("…" if len(v) > s + width else ""))

    return cut(old), cut(new)


def render_changes(changes: Sequence[Change], old_path: str, new_year: int) -> str:
    """A Vietnamese Markdown report: summary counts, a table of the changes made, a table of points to review."""
    made, flags = [c for c in changes if c.kind == "changed"], [c for c in changes if c.kind == "flag"]
    lines = [f"# Chuyển kế hoạch sang năm {new_year}", "", f"Kế hoạch gốc: `{old_path}`", "", "## Tóm tắt", ""]
    lines.append(f"- {len(made)} thay đổi đã thực hiện, {len(flags)} điểm cần xem lại.")
    for label, group in (("Thay đổi", made), ("Cần xem lại", flags)):
        counts: dict[str, int] = {}
        for c in group:
            g = _GROUPS.get(re.split(r"[.\[]", c.field, maxsplit=1)[0], c.field)
            counts[g] = counts.get(g, 0) + 1
        if counts:
            lines.append(f"- {label}: " + "; ".join(f"{g} {n}" for g, n in counts.items()) + ".")
    lines += ["", "## Thay đổi đã thực hiện", ""]
    if made:
        lines += ["| # | Vị trí | Trường | Trước | Sau | Ghi chú |", "|---|---|---|---|---|---|"]
        for n, c in enumerate(made, 1):
            old, new = _excerpts(c.old, c.new)
            lines.append(f"| {n} | {_cell(c.where)} | `{c.field}` | {old} | {new} | {_cell(c.message)} |")
    lines += ["Không có."] if not made else []
    lines += ["", "## Điểm cần xem lại", ""]
    if flags:
        lines += ["| # | Vị trí | Trường | Nội dung |", "|---|---|---|---|"]
        lines += [f"| {n} | {_cell(c.where)} | `{c.field}` | {_cell(c.message)} |" for n, c in enumerate(flags, 1)]
    lines += ["Không có."] if not flags else []
    return "\n".join(lines) + "\n"
