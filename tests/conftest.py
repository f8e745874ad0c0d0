"""Shared fixtures: the corpus, parsed once per test session."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from vanban.api import read, to_record
from vanban.model import Document, PlanRecord

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


def corpus_files() -> list[str]:
    """Every plan in corpus/ and the format fixtures, as paths relative to the repository."""
    files = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
    files += sorted(p for p in (ROOT / "corpus" / "real").iterdir() if not p.name.endswith(".groundtruth.txt"))
    files += sorted(p for p in (ROOT / "tests" / "fixtures").glob("seed*.*") if "locked" not in p.name)
    return [str(p.relative_to(ROOT)) for p in files]


@cache
def load(rel: str) -> tuple[Document, PlanRecord]:
    doc = read(ROOT / rel)
    doc = doc.model_copy(update={"path": rel})
    return doc, to_record(doc)


def record_dict(rel: str) -> dict[str, object]:
    data: dict[str, object] = json.loads(load(rel)[1].model_dump_json())
    return data


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
