"""Score extracted text against a checked transcript.

Both texts are folded first (Unicode NFC, every run of whitespace to one space, optionally
lower case), then aligned character by character with a Levenshtein alignment
(:mod:`rapidfuzz`). Two figures come out:

* **character accuracy** — ``1 - edit distance / len(transcript)``, floored at 0;
* **diacritic accuracy** — the share of the transcript's diacritic-bearing characters (any
  character whose NFD has a combining mark, plus ``đ``/``Đ``) that the extracted text has,
  unchanged, at the aligned position.

Diacritic accuracy is the figure that tells whether a legacy encoding (TCVN3, VNI) was
converted: a wrong table or a lost letter shows there long before it moves the character
accuracy.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz.distance import Levenshtein

if TYPE_CHECKING:
    from vanban.model import Document

_SPACE_RX = re.compile(r"\s+")


@dataclass(frozen=True)
class TextScore:
    """The outcome of :func:`score_text`."""

    chars: int
    """Characters in the folded transcript."""
    edits: int
    """Levenshtein distance between the folded texts."""
    diacritics: int
    """Diacritic-bearing characters in the folded transcript."""
    diacritics_found: int
    """Of those, how many the extracted text has at the aligned position."""

    @property
    def char_accuracy(self) -> float:
        return max(0.0, 1.0 - self.edits / self.chars) if self.chars else 1.0

    @property
    def diacritic_accuracy(self) -> float:
        return self.diacritics_found / self.diacritics if self.diacritics else 1.0


def fold(text: str, *, casefold: bool = False) -> str:
    """NFC, whitespace runs to one space, stripped; lower case when ``casefold``.

    Lower-casing is done character by character and only where it keeps the length, so the
    positions of the folded text match those of the unfolded one.
    """
    text = _SPACE_RX.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if casefold:
        text = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return text


def has_diacritic(char: str) -> bool:
    """True for a letter with a Vietnamese (or any) combining mark, and for đ/Đ."""
    if char in "đĐ":
        return True
    return any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", char))


def score_text(extracted: str, transcript: str, *, casefold: bool = False) -> TextScore:
    """Align ``extracted`` with ``transcript`` and count what was recovered.

    ``casefold`` compares lower-cased texts: use it when the transcript and the extraction
    may differ only in case (a ``.VnTimeH`` heading is drawn upper-case but its bytes are
    lower-case letters, and transcripts differ on which they record).
    """
    hyp = fold(extracted, casefold=casefold)
    ref = fold(transcript, casefold=casefold)
    marked = [i for i, c in enumerate(ref) if has_diacritic(c)]
    found = 0
    if marked:
        equal = bytearray(len(ref))
        for op in Levenshtein.opcodes(ref, hyp):
            if op.tag == "equal":
                equal[op.src_start : op.src_end] = b"\x01" * (op.src_end - op.src_start)
        found = sum(equal[i] for i in marked)
    return TextScore(
        chars=len(ref),
        edits=Levenshtein.distance(ref, hyp),
        diacritics=len(marked),
        diacritics_found=found,
    )


def document_text(doc: Document, *, normalized: bool = False) -> str:
    """The document's blocks joined by newlines: as read (``raw``), or normalised (``text``).

    Score the raw text against a transcript: normalisation deliberately rewrites some
    spellings (``hoà`` → ``hòa``) that a faithful transcript keeps.
    """
    return "\n".join(b.text if normalized else b.raw for b in doc.blocks)
