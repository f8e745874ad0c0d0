"""Căn cứ / thực hiện lines and the documents they cite."""

from __future__ import annotations

import re

from vanban.model import Document, LegalBasis
from vanban.parse.extract.docref import find_doc_refs

_LEAD = re.compile(r"^\W*(?P<kind>căn cứ|thực hiện)\b", re.I)


def parse_legal_bases(doc: Document, start: int, end: int) -> list[LegalBasis]:
    """Legal bases among blocks ``start``..``end`` (the preamble between header and first heading).

    One basis per cited document; a line that cites nothing identifiable (e.g. 'Căn cứ tình
    hình thực tế') still gives one basis with only its text.
    """
    out: list[LegalBasis] = []
    for b in doc.blocks[start:end]:
        m = _LEAD.match(b.text)
        if not m:
            continue
        kind = "can_cu" if m.group("kind").lower().startswith("căn") else "thuc_hien"
        refs = find_doc_refs(b.text)
        if not refs:
            out.append(LegalBasis(kind=kind, text=b.text, source=doc.span(b)))
            continue
        if kind == "thuc_hien":
            refs = refs[:1]  # "Thực hiện Kế hoạch số …": later citations in the line are context
        for r in refs:
            out.append(
                LegalBasis(
                    kind=kind,
                    text=b.text,
                    doc_type=r.doc_type,
                    number=r.number,
                    symbol=r.symbol,
                    date=r.date,
                    issuer=r.issuer,
                    source=doc.span(b, r.start, r.end),
                )
            )
    return out
