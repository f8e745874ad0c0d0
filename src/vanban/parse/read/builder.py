"""Build a :class:`~vanban.model.Document` block by block.

Readers of formats without a plain-text source (DOCX, PDF, OCR) call :meth:`add`, which appends
the raw text to ``source_text`` (one block per line) and records offsets into it. The text
reader, whose source is the file itself, calls :meth:`add_mapped` with offsets it computed.
Both normalise the text through :func:`vanban.normalize.normalize`.
"""

from __future__ import annotations

import hashlib
from typing import Any

from vanban.mapped import MappedText
from vanban.model import Block, BlockKind, Diagnostic, Document, SourceFormat, SourceSpan
from vanban.normalize import normalize


class DocumentBuilder:
    def __init__(self, path: str, fmt: SourceFormat, data: bytes, source_text: str | None = None) -> None:
        self.path = path
        self.format: SourceFormat = fmt
        self.sha256 = hashlib.sha256(data).hexdigest()
        self._fixed_source = source_text
        self._parts: list[str] = []
        self._length = 0
        self.blocks: list[Block] = []
        self.diagnostics: list[Diagnostic] = []
        self.pages: int | None = None

    def add(self, raw: str, kind: BlockKind = "paragraph", **attrs: Any) -> Block | None:
        """Append ``raw`` as a new line of the source text and make a block of it.

        Returns None (and adds nothing) when the text is blank after normalisation.
        """
        if self._fixed_source is not None:
            raise RuntimeError("add() is for readers that build their own source text")
        if self._parts:
            self._parts.append("\n")
            self._length += 1
        base = self._length
        self._parts.append(raw)
        self._length += len(raw)
        return self.add_mapped(MappedText.from_source(raw, base), kind, _raw=(base, raw), **attrs)

    def add_mapped(
        self, mapped: MappedText, kind: BlockKind = "paragraph", _raw: tuple[int, str] | None = None, **attrs: Any
    ) -> Block | None:
        """Make a block of ``mapped`` (offsets already point into the source text).

        ``raw`` of the block is the source between its first and end offsets.
        """
        norm = normalize(mapped)
        if not norm.text:
            return None
        s, e = norm.offsets[0], norm.offsets[-1]
        if _raw is None:
            assert self._fixed_source is not None
            raw = self._fixed_source[s:e]
        else:
            base, text = _raw
            raw = text[s - base : e - base]
        block = Block(index=len(self.blocks), kind=kind, text=norm.text, raw=raw, offsets=norm.offsets, **attrs)
        self.blocks.append(block)
        return block

    def warn(self, code: str, message: str) -> None:
        self.diagnostics.append(Diagnostic(code=code, message=message))

    @property
    def next_offset(self) -> int:
        """Where the raw text of the next :meth:`add` starts in the source text."""
        return self._length + bool(self._parts)

    def note(self, code: str, message: str, start: int, end: int) -> None:
        """An ``info`` diagnostic on ``source_text[start:end]`` (offsets of text already added)."""
        source = self._fixed_source if self._fixed_source is not None else "".join(self._parts)
        block = next((b for b in reversed(self.blocks) if b.offsets[0] <= start), None)
        span = None
        if block is not None:
            span = SourceSpan(block=block.index, page=block.page, start=start, end=end, text=source[start:end])
        self.diagnostics.append(Diagnostic(code=code, level="info", message=message, source=span))

    def build(self) -> Document:
        source = self._fixed_source if self._fixed_source is not None else "".join(self._parts)
        return Document(
            path=self.path,
            format=self.format,
            sha256=self.sha256,
            source_text=source,
            blocks=tuple(self.blocks),
            pages=self.pages,
            diagnostics=tuple(self.diagnostics),
        )
