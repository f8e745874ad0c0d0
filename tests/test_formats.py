"""The same plan read as .txt, .docx and .pdf gives the same header, signer and deadlines.

The DOCX/PDF fixtures are made from the seed texts by scripts/make_fixtures.py (python-docx,
then LibreOffice). They add the issuer lines the OCR text lost, so the issuer is not compared.
"""

from __future__ import annotations

import pytest
from tests.conftest import load


def _view(rel: str) -> dict[str, object]:
    rec = load(rel)[1]
    h = rec.header
    return {
        "header": (h.number, h.symbol, h.place, h.date, h.doc_type, h.title),
        "signer": (rec.signer.authority, rec.signer.title, rec.signer.name),
        "legal": [(lb.number, lb.symbol, lb.date) for lb in rec.legal_bases],
        "deadlines": [(it.label, it.deadline and (it.deadline.start, it.deadline.date)) for it in rec.items],
        "recipients": [r.text for r in rec.recipients],
    }


@pytest.mark.parametrize(
    ("txt", "stem"),
    [("corpus/seeds/000_9f388ce2cba106c8.txt", "seed000"), ("corpus/seeds/002_c1c5aafbc76b6be8.txt", "seed002")],
)
@pytest.mark.parametrize("ext", [".docx", ".pdf"])
def test_same_plan_in_three_formats(txt: str, stem: str, ext: str) -> None:
    assert _view(f"tests/fixtures/{stem}{ext}") == _view(txt)
