"""Text that remembers where each character came from.

A :class:`MappedText` is a string plus, for each character, its offset in some source text,
and one extra entry for the end. Every transformation (markup removal, normalisation) goes
through :meth:`MappedText.sub`, so offsets survive any number of rewrites.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class MappedText:
    text: str
    offsets: tuple[int, ...]

    def __post_init__(self) -> None:
        if len(self.offsets) != len(self.text) + 1:
            raise ValueError("offsets must have len(text) + 1 entries")

    @classmethod
    def from_source(cls, text: str, base: int = 0) -> MappedText:
        """Identity mapping of ``text`` that starts at ``base`` in the source."""
        return cls(text, tuple(range(base, base + len(text) + 1)))

    @classmethod
    def join(cls, parts: list[MappedText], sep: str = " ") -> MappedText:
        """Concatenate parts; each separator maps to the end of the part before it."""
        text: list[str] = []
        offs: list[int] = []
        offs_end = 0
        for i, p in enumerate(parts):
            if i and sep:
                text.append(sep)
                offs.extend([offs_end] * len(sep))
            text.append(p.text)
            offs.extend(p.offsets[:-1])
            offs_end = p.offsets[-1]
        if not parts:
            return cls("", (0,))
        return cls("".join(text), (*offs, offs_end))

    def __len__(self) -> int:
        return len(self.text)

    def slice(self, start: int, end: int | None = None) -> MappedText:
        end = len(self.text) if end is None else end
        last = self.offsets[end] if end < len(self.text) else self.offsets[-1]
        return MappedText(self.text[start:end], (*self.offsets[start:end], last))

    def strip(self) -> MappedText:
        s = len(self.text) - len(self.text.lstrip())
        e = len(self.text.rstrip())
        if s == 0 and e == len(self.text):
            return self
        if e <= s:
            return MappedText("", (self.offsets[s] if s < len(self.offsets) else self.offsets[-1],))
        return self.slice(s, e)

    def sub(self, pattern: re.Pattern[str] | str, repl: str | Callable[[re.Match[str]], str]) -> MappedText:
        """``re.sub`` that keeps offsets.

        A replacement of the same length maps character for character; any other maps all its
        characters to the start of the match. The end offset of the whole text is unchanged.
        """
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        literal = isinstance(repl, str) and "\\" not in repl
        out: list[str] = []
        offs: list[int] = []
        pos = 0
        for m in rx.finditer(self.text):
            out.append(self.text[pos : m.start()])
            offs.extend(self.offsets[pos : m.start()])
            if isinstance(repl, str):
                r = repl if literal else m.expand(repl)
            else:
                r = repl(m)
            out.append(r)
            if len(r) == m.end() - m.start():
                offs.extend(self.offsets[m.start() : m.end()])
            else:
                offs.extend([self.offsets[m.start()]] * len(r))
            pos = m.end()
        if not out:
            return self
        out.append(self.text[pos:])
        offs.extend(self.offsets[pos:])
        return MappedText("".join(out), tuple(offs))
