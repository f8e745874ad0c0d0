"""Document numbers, symbols and dates as plans write them.

``42/KH-UBND``, ``Số: /KH - BCĐ`` (number left blank), ``04/2022/QĐ - TTg``, ``63 - QĐ/ĐU``;
dates ``18/2/2022``, ``ngày 12 tháng 8 năm 2022``, ``ngày … tháng 3 năm 2023`` (day blank).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from vanban.parse.vocab import vocab

# A symbol: upper-case groups (KH, UBND, QĐ, QyĐ, TTg, BTT…) joined by - or /, spaces allowed.
_SYM = r"[A-ZĐ][A-Za-zĐđ&]*(?:\s*[-–/]\s*[A-ZĐ][A-Za-zĐđ&]*)*"
NUMBER_RX = re.compile(rf"(?P<number>\d+)?\s*(?:/\s*(?P<year>(?:19|20)\d\d)\s*)?(?:/|\s[-–]\s|-)\s*(?P<symbol>{_SYM})")
SO_RX = re.compile(
    rf"^\s*Số\s*[:.]?\s*(?P<number>[\d.…]*\s*)?/?\s*(?P<year>(?:19|20)\d\d\s*/\s*)?(?P<symbol>{_SYM})?", re.I
)
NUMERIC_DATE = re.compile(r"(?<![\d/])(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*((?:19|20)\d\d)(?!\d)")
WORDED_DATE = re.compile(
    r"ngày\s*(?P<d>\d{1,2})?[\s.…_]*tháng\s*(?P<m>\d{1,2})?[\s.…_]*năm\s*(?P<y>(?:19|20)\d\d)", re.I
)


def clean_symbol(sym: str | None) -> str | None:
    """'KH - BCĐ' → 'KH-BCĐ'; '63 - QĐ/ĐU' keeps 'QĐ/ĐU'."""
    if not sym:
        return None
    s = re.sub(r"\s*([-–/])\s*", r"\1", sym.strip()).replace("–", "-")
    return s or None


def iso(y: int, m: int | None = None, d: int | None = None) -> str | None:
    """ISO date, partial when day or month is unknown; None when the date does not exist."""
    if m is None:
        return f"{y:04d}"
    if not 1 <= m <= 12:
        return None
    if d is None:
        return f"{y:04d}-{m:02d}"
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> tuple[str, int, int] | None:
    """The first date in ``text`` (worded or numeric) as (ISO, start, end)."""
    best: tuple[str, int, int] | None = None
    m = WORDED_DATE.search(text)
    if m:
        y = int(m.group("y"))
        mm = int(m.group("m")) if m.group("m") else None
        dd = int(m.group("d")) if m.group("d") and mm else None
        value = iso(y, mm, dd)
        if value:
            best = (value, m.start(), m.end())
    n = NUMERIC_DATE.search(text)
    if n and (best is None or n.start() < best[1]):
        value = iso(int(n.group(3)), int(n.group(2)), int(n.group(1)))
        if value:
            best = (value, n.start(), n.end())
    return best


@dataclass(frozen=True)
class DocRef:
    """A cited document: 'Quyết định số 04/2022/QĐ-TTg ngày 18/2/2022 của Thủ tướng Chính phủ'."""

    doc_type: str | None
    number: str | None
    symbol: str | None
    date: str | None
    issuer: str | None
    start: int
    end: int


@cache
def _cited_rx() -> re.Pattern[str]:
    types = "|".join(sorted((re.escape(t) for t in vocab().cited_types), key=len, reverse=True))
    return re.compile(
        rf"(?P<type>{types})\s+(?:số\s*[:.]?\s*)?(?P<ref>\d+\s*(?:/\s*(?:19|20)\d\d\s*)?(?:/|\s*[-–]\s*)\s*{_SYM})?",
        re.I,
    )


_ISSUER = re.compile(r"\bcủa\s+(?P<issuer>.+?)(?=\s+(?:về|quy định|ban hành|hướng dẫn|phê duyệt|v/v)\b|[;,.]|$)", re.I)


def find_doc_refs(text: str) -> list[DocRef]:
    """Every cited document in ``text`` with its number, symbol, date and issuer."""
    refs: list[DocRef] = []
    matches = list(_cited_rx().finditer(text))
    for i, m in enumerate(matches):
        if i + 1 < len(matches) and not m.group("ref") and matches[i + 1].start() - m.end() < 3:
            continue
        limit = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        tail = text[m.end() : limit]
        number = symbol = None
        if m.group("ref"):
            n = NUMBER_RX.search(m.group("ref"))
            if n:
                number = n.group("number")
                year = n.group("year")
                symbol = clean_symbol(n.group("symbol"))
                if year and symbol:
                    symbol = f"{year}/{symbol}"
        d = find_date(tail[:60])
        if d is None and not m.group("ref"):
            continue  # a bare word such as "kế hoạch" in prose
        issuer_m = _ISSUER.search(tail[:160])
        refs.append(
            DocRef(
                doc_type=_canonical_type(m.group("type")),
                number=number,
                symbol=symbol,
                date=d[0] if d else None,
                issuer=issuer_m.group("issuer").strip() if issuer_m else None,
                start=m.start(),
                end=m.end() + (d[2] if d else 0),
            )
        )
    return refs


def _canonical_type(word: str) -> str:
    for t in vocab().cited_types:
        if t.lower() == word.lower():
            return t
    return word
