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


def pdf_of(objects: list[bytes]) -> bytes:
    """A PDF file of ``objects`` (object 1 the catalogue), with its cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
