"""The parser's vocabulary, loaded once from ``data/vocabulary.yaml`` through a strict schema."""

from __future__ import annotations

import re
from functools import cache, lru_cache

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from vanban.datafiles import load_data


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InlineField(_Strict):
    role: str
    pattern: str
    example: str
    source: str


class ColumnRole(_Strict):
    role: str
    pattern: str


class Vocabulary(_Strict):
    inline_fields: list[InlineField]
    coordination_markers: list[str]
    responsible_prefixes: list[str]
    unit_descriptors: list[str]
    column_roles: list[ColumnRole]
    unit_heads: list[str]
    unit_heading_prefixes: list[str]
    assignment_sections: str
    doc_types: list[str]
    cited_types: list[str]
    unit_words: list[str]
    signer_prefixes: list[str]
    surnames: list[str]
    address_forms: list[str]
    position_words: list[str]


@cache
def vocab() -> Vocabulary:
    return load_data("vocabulary.yaml", Vocabulary)


@cache
def inline_field_rx() -> re.Pattern[str]:
    """``<bullet>? <label> :`` at the start of a block; group ``label`` and named role groups."""
    alts = "|".join(f"(?P<{f.role}>{f.pattern})" for f in vocab().inline_fields)
    return re.compile(rf"^[\s\-+*•]*(?:{alts})\s*(?:\([^)]*\))?\s*:\s*", re.I)


@cache
def inline_field_inside_rx() -> re.Pattern[str]:
    """The same labels after a sentence's end inside a block ("… huyện. Trách nhiệm chỉ đạo: …"),
    where a PDF line joined two lines of a Word document."""
    alts = "|".join(f"(?P<{f.role}>{f.pattern})" for f in vocab().inline_fields)
    return re.compile(rf"(?:(?<=[.;])\s+|\n)[\s\-+*•]*(?:{alts})\s*(?:\([^)]*\))?\s*:\s*", re.I)


@cache
def column_role_rxs() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((c.role, re.compile(c.pattern, re.I)) for c in vocab().column_roles)


@cache
def _role_keywords() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each role's header words, folded (no marks, no spaces) for OCR'd headers."""
    out = []
    for c in vocab().column_roles:
        words = (_squash(re.sub(r"[\^$()?:]", "", alt)) for alt in c.pattern.split("|"))
        out.append((c.role, tuple(w for w in words if len(w) >= 6)))
    return tuple(out)


def _squash(text: str) -> str:
    from vanban.parse.read.ocr_correct import fold  # letters without marks, one for one

    return re.sub(r"[^a-z]", "", fold(text))


@lru_cache(maxsize=4096)
def column_role(text: str) -> str | None:
    """The role a table header cell names (``vocabulary.yaml: column_roles``, first match wins).

    A scan's header often comes out of OCR with its spaces and some marks lost ("Đơnvj/cánhânthực
    hện"): a short cell no pattern matches is compared, marks and spaces aside, with each role's
    words of six letters or more (rapidfuzz partial ratio ≥ 85).
    """
    t = text.strip()
    for role, rx in column_role_rxs():
        if rx.search(t):
            return role
    if len(t) > 60:
        return None
    key = _squash(t)
    for role, words in _role_keywords():
        if any(fuzz.partial_ratio(w, key) >= 85 for w in words if len(key) >= len(w) - 1):
            return role
    return None


@cache
def surname_set() -> frozenset[str]:
    return frozenset(vocab().surnames)
