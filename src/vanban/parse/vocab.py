"""The parser's vocabulary, loaded once from ``data/vocabulary.yaml`` through a strict schema."""

from __future__ import annotations

import re
from functools import cache

from pydantic import BaseModel, ConfigDict

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
def column_role_rxs() -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((c.role, re.compile(c.pattern, re.I)) for c in vocab().column_roles)


@cache
def surname_set() -> frozenset[str]:
    return frozenset(vocab().surnames)
