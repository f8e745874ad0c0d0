"""Vietnamese deadline phrases → :class:`~vanban.model.Deadline`.

The grammar is data: ``data/deadlines.yaml`` lists the rules (regex with named groups, kind,
resolver) and the spans to ignore (cited document numbers and their dates, căn cứ lines, the
header's date line, "giai đoạn 2021-2025"). Text is matched case-insensitively after Unicode NFC.

How a phrase is chosen in a longer text (:func:`find_deadline`):

1. every ``ignore`` pattern is matched and its spans are removed: a date that belongs to a cited
   document ("Kế hoạch số 68/KH-UBND ngày 08/02/2023") is never a deadline;
2. every rule is matched; rules with ``context: standalone`` (recurrence words, "theo ...") count
   only when they stand alone (see ``standalone`` in the YAML), so "Thường xuyên tuyên truyền ..."
   is prose, not a deadline;
3. dated matches beat recurring/open ones; then the leftmost wins, then the longest, then the
   earlier rule in the file;
4. a match naming a day that does not exist (30/02/2023) gives no deadline and hides every match
   overlapping it, so the month of an impossible day is not taken instead.

Both functions are pure: a missing year is ``plan_year`` (or the year of the range's other end),
never today's; when it is unknown the phrase is still recognised, with ``date``/``start`` null.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cache, lru_cache
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from vanban.datafiles import load_data
from vanban.errors import DataFileError
from vanban.mapped import MappedText
from vanban.model import Deadline
from vanban.normalize import nfc

FILE = "deadlines.yaml"
Kind = Literal["day", "month", "quarter", "half_year", "year", "range", "school_year", "recurring", "open"]
Recurrence = Literal["continuous", "daily", "weekly", "monthly", "quarterly", "yearly"]
Resolver = Literal["day", "month_end", "quarter_end", "fixed", "range", "since", "recurring", "open"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Expected(_Strict):
    """What an example must parse to; absent fields must be null."""

    kind: Kind
    date: str | None = None
    start: str | None = None
    recurrence: Recurrence | None = None


Example = tuple[str, int | None, Expected | None]


class Standalone(_Strict):
    why: str
    before: str = Field(description="Must match the text before a standalone match (anchored with $).")
    after: str = Field(description="Must match the text after a standalone match (anchored with ^).")


class Ignore(_Strict):
    id: str
    pattern: str
    why: str
    source: str
    examples: list[Example]


class Rule(_Strict):
    id: str
    pattern: str
    kind: Kind
    resolver: Resolver
    context: Literal["anywhere", "standalone"] = "anywhere"
    end_on: str | None = Field(default=None, pattern=r"^\d\d-\d\d$", description="MM-DD, for resolver 'fixed'.")
    recurrence: Recurrence | None = None
    why: str
    source: str
    examples: list[Example] = Field(min_length=1)

    @model_validator(mode="after")
    def _resolver_fields(self) -> Rule:
        if (self.resolver == "fixed") != (self.end_on is not None):
            raise ValueError("end_on is required by, and only by, resolver 'fixed'")
        if (self.resolver == "recurring") != (self.recurrence is not None):
            raise ValueError("recurrence is required by, and only by, resolver 'recurring'")
        return self


class DeadlineData(_Strict):
    macros: dict[str, str]
    standalone: Standalone
    ignore: list[Ignore]
    rules: list[Rule]

    @model_validator(mode="after")
    def _unique_ids(self) -> DeadlineData:
        ids = [r.id for r in self.rules] + [i.id for i in self.ignore]
        if dupes := sorted({i for i in ids if ids.count(i) > 1}):
            raise ValueError(f"duplicate ids: {', '.join(dupes)}")
        return self


@dataclass(frozen=True)
class _Grammar:
    rules: tuple[tuple[Rule, re.Pattern[str]], ...]
    ignore: tuple[re.Pattern[str], ...]
    before: re.Pattern[str]
    after: re.Pattern[str]


@dataclass(frozen=True)
class _Dates:
    date: str | None = None
    start: str | None = None


@dataclass(frozen=True)
class _Hit:
    rule: Rule
    dates: _Dates | None  # None: the phrase names a day that does not exist
    start: int
    end: int


class _NoSuchDay(Exception):
    pass


_MACRO = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


@cache
def data() -> DeadlineData:
    """The validated grammar file."""
    return load_data(FILE, DeadlineData)


def _compile(pattern: str, macros: dict[str, str], where: str) -> re.Pattern[str]:
    try:
        for _ in range(10):  # macros may use macros; ten levels is plenty
            if not _MACRO.search(pattern):
                break
            pattern = _MACRO.sub(lambda m: macros[m.group(1)], pattern)
        return re.compile(pattern, re.IGNORECASE)
    except KeyError as e:
        raise DataFileError(FILE, [f"{FILE}: {where}: unknown macro {e}"]) from e
    except re.error as e:
        raise DataFileError(FILE, [f"{FILE}: {where}: bad regex: {e}"]) from e


@cache
def _grammar() -> _Grammar:
    d = data()
    return _Grammar(
        rules=tuple((r, _compile(r.pattern, d.macros, f"rules.{r.id}.pattern")) for r in d.rules),
        ignore=tuple(_compile(i.pattern, d.macros, f"ignore.{i.id}.pattern") for i in d.ignore),
        before=_compile(d.standalone.before, d.macros, "standalone.before"),
        after=_compile(d.standalone.after, d.macros, "standalone.after"),
    )


def _day(year: int | None, month: int, day: int | None) -> str | None:
    """ISO date (``day`` None = last day of the month); None when the year is unknown.

    Raises :class:`_NoSuchDay` when the date cannot exist; an unknown year is checked as a leap year.
    """
    y = 2000 if year is None else year
    if not 1900 <= y <= 2199 or not 1 <= month <= 12:
        raise _NoSuchDay
    last = calendar.monthrange(y, month)[1]
    d = last if day is None else day
    if not 1 <= d <= last:
        raise _NoSuchDay
    return None if year is None else date(year, month, d).isoformat()


def _resolve(rule: Rule, groups: dict[str, Any], plan_year: int | None) -> _Dates:
    def num(name: str) -> int | None:
        value = groups.get(name)
        return int(value) if value else None

    def need(name: str) -> int:
        value = num(name)
        if value is None:
            raise ValueError(f"rule {rule.id}: group {name!r} did not match")
        return value

    y = num("y")
    year = y if y is not None else plan_year
    r = rule.resolver
    if r in ("recurring", "open"):
        return _Dates()
    if r == "fixed":
        assert rule.end_on is not None  # checked by Rule
        month, day = (int(p) for p in rule.end_on.split("-"))
        return _Dates(_day(year, month, day))
    if r == "day":
        return _Dates(_day(year, need("m"), need("d")))
    if r == "month_end":
        return _Dates(_day(year, need("m"), None))
    if r == "quarter_end":
        q = groups["q"].lower()
        return _Dates(_day(year, 3 * (_ROMAN[q] if q in _ROMAN else int(q)), None))
    if r == "since":
        return _Dates(start=_day(num("sy"), need("sm"), need("sd")))
    # range: the end carries the year; the start borrows it, and crosses into the year before
    # when it would otherwise come after the end ("từ 15/12 đến 15/01/2024").
    sy = num("sy")
    end_year = y if y is not None else sy if sy is not None else plan_year
    start_year = sy if sy is not None else end_year
    end = _day(end_year, need("m"), num("d"))
    start = _day(start_year, need("sm"), num("sd") or 1)
    if start is not None and end is not None and start > end:
        if sy is not None or start_year is None:
            raise _NoSuchDay
        start = _day(start_year - 1, need("sm"), num("sd") or 1)
    return _Dates(end, start)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


@lru_cache(maxsize=8192)
def _scan(text: str, plan_year: int | None) -> _Hit | None:
    """The deadline phrase of ``text`` (already NFC), as offsets into it (cached: plans of one
    office repeat their deadline cells and phrases)."""
    g = _grammar()
    ignored = [m.span() for rx in g.ignore for m in rx.finditer(text)]
    hits: list[_Hit] = []
    for rule, rx in g.rules:
        for m in rx.finditer(text):
            s, e = m.span()
            if s == e or _overlaps(s, e, ignored):
                continue
            if rule.context == "standalone" and not (g.before.search(text[:s]) and g.after.search(text[e:])):
                continue
            try:
                dates: _Dates | None = _resolve(rule, m.groupdict(), plan_year)
            except _NoSuchDay:
                dates = None
            hits.append(_Hit(rule, dates, s, e))
    order = {r.id: i for i, (r, _) in enumerate(g.rules)}
    hits.sort(key=lambda h: (h.rule.kind in ("recurring", "open"), h.start, -h.end, order[h.rule.id]))
    dead: list[tuple[int, int]] = []
    for hit in hits:
        if _overlaps(hit.start, hit.end, dead):
            continue
        if hit.dates is None:
            dead.append((hit.start, hit.end))
            continue
        return hit
    return None


def _deadline(hit: _Hit, text: str) -> Deadline:
    assert hit.dates is not None
    return Deadline(
        text=text,
        date=hit.dates.date,
        start=hit.dates.start,
        recurrence=hit.rule.recurrence,
        kind=hit.rule.kind,
        rule=hit.rule.id,
    )


@lru_cache(maxsize=8192)
def find_deadline(text: str, plan_year: int | None) -> tuple[Deadline, int, int] | None:
    """The first deadline phrase in ``text`` and its ``[start, end)`` offsets in ``text``.

    ``Deadline.text`` is ``text[start:end]``, the phrase as written. None when there is none.
    """
    mapped = nfc(MappedText.from_source(text))
    hit = _scan(mapped.text, plan_year)
    if hit is None:
        return None
    span = mapped.slice(hit.start, hit.end)
    start, end = span.offsets[0], span.offsets[-1]
    return _deadline(hit, text[start:end]), start, end


def parse_deadline(text: str, plan_year: int | None) -> Deadline | None:
    """Parse a deadline cell or phrase; ``Deadline.text`` is the whole input, stripped.

    None when ``text`` holds no deadline phrase (or only a date that does not exist).
    """
    found = find_deadline(text, plan_year)
    return None if found is None else found[0].model_copy(update={"text": text.strip()})
