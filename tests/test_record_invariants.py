"""Invariants over the whole corpus: every span holds its text, records match the schema."""

from __future__ import annotations

import json

import jsonschema
import pytest
from pydantic import BaseModel
from tests.conftest import corpus_files, load

from vanban.model import SourceSpan
from vanban.normalize import normalize_str
from vanban.schema_gen import SCHEMA_PATH, record_schema, schema_text


def _spans(obj: object) -> list[SourceSpan]:
    if isinstance(obj, SourceSpan):
        return [obj]
    if isinstance(obj, tuple | list):
        return [s for x in obj for s in _spans(x)]
    if isinstance(obj, dict):
        return [s for x in obj.values() for s in _spans(x)]
    if isinstance(obj, BaseModel):
        return [s for name in type(obj).model_fields for s in _spans(getattr(obj, name))]
    return []


@pytest.mark.parametrize("rel", corpus_files())
def test_every_span_holds_its_text(rel: str) -> None:
    doc, rec = load(rel)
    spans = _spans(rec)
    assert spans, "a record without any source span"
    for s in spans:
        assert 0 <= s.start <= s.end <= len(doc.source_text)
        assert doc.source_text[s.start : s.end] == s.text


@pytest.mark.parametrize("rel", corpus_files())
def test_block_offsets_map_back(rel: str) -> None:
    doc, _ = load(rel)
    for b in doc.blocks:
        assert len(b.offsets) == len(b.text) + 1
        assert list(b.offsets) == sorted(b.offsets)
        assert doc.source_text[b.offsets[0] : b.offsets[-1]] == b.raw


@pytest.mark.parametrize("rel", corpus_files())
def test_items_text_comes_from_their_span(rel: str) -> None:
    _, rec = load(rel)
    for it in rec.items:
        words = normalize_str(it.source.text)
        first = it.text.split()[:3]
        assert all(w.strip(".,;:") in words for w in first), (it.id, first)


@pytest.mark.parametrize("rel", corpus_files())
def test_record_validates_against_committed_schema(rel: str) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(load(rel)[1].model_dump_json()), schema)


def test_committed_schema_equals_model() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), "run: python -m vanban.schema_gen"
    assert record_schema()["properties"]["schema_version"]["default"] == "1.0"
