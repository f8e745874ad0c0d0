"""Lines of blocks: a table cell may hold several paragraphs (the header block, the signature)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from vanban.model import Block, Document, SourceSpan


@dataclass(frozen=True)
class Line:
    block: Block
    start: int  # offset of the line in block.text
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def span(self, doc: Document, start: int = 0, end: int | None = None) -> SourceSpan:
        e = self.end if end is None else self.start + end
        return doc.span(self.block, self.start + start, e)


def block_lines(blocks: Iterable[Block]) -> list[Line]:
    out: list[Line] = []
    for b in blocks:
        pos = 0
        for part in b.text.split("\n"):
            if part.strip():
                lead = len(part) - len(part.lstrip())
                out.append(Line(b, pos + lead, part.strip()))
            pos += len(part) + 1
    return out
