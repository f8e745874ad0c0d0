"""Normalisation in one place, keeping a map back to the source.

``normalize(mapped)`` applies, in order: Unicode NFC (cluster by cluster, so offsets survive),
whitespace folding, the OCR confusables listed in ``data/normalize.yaml`` and one tone-mark
convention. The result is a :class:`MappedText` whose offsets still point into the
original source, so records can keep both the original and the normalised text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from pydantic import BaseModel, ConfigDict

from vanban.datafiles import load_data
from vanban.mapped import MappedText


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ToneMarks(_Strict):
    pairs: list[str]
    examples: list[tuple[str, str]]


class Confusable(_Strict):
    id: str
    pattern: str
    replacement: str
    why: str
    source: str
    examples: list[tuple[str, str]]


class NormalizeData(_Strict):
    tone_marks: ToneMarks
    confusables: list[Confusable]


# Combining tone marks (grave, acute, hook, tilde, dot below).
_TONES = "\u0300\u0301\u0309\u0303\u0323"
# Only what needs rewriting: two or more blanks, or any blank that is not a plain space.
_SPACE_RX = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000\f\v]{2,}|[\t\u00a0\u2000-\u200b\u202f\u3000\f\v]")
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200b\u202f\u3000\f\v]")
_NEWLINE_RX = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000\f\v]*[\r\n][\s]*")


@cache
def _data() -> NormalizeData:
    return load_data("normalize.yaml", NormalizeData)


@cache
def _confusables() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(c.pattern), c.replacement) for c in _data().confusables)


def nfc(mt: MappedText) -> MappedText:
    """Compose each base character with its combining marks; offsets go to the base."""
    if unicodedata.is_normalized("NFC", mt.text):
        return mt
    return mt.sub(r"\w[\u0300-\u036f]+", lambda m: unicodedata.normalize("NFC", m.group(0)))


def fold_spaces(mt: MappedText) -> MappedText:
    """Runs of spaces become one space; line breaks (paragraphs inside a cell) stay as one '\\n'."""
    text = mt.text
    if ("\n" in text or "\r" in text) and _NEWLINE_RX.search(text):
        mt = mt.sub(_NEWLINE_RX, "\n")
    if ("  " in text or _ODD_SPACE.search(text)) and _SPACE_RX.search(mt.text):
        mt = mt.sub(_SPACE_RX, " ")
    return mt.strip()


def tone_marks(mt: MappedText) -> MappedText:
    """Move the tone mark of open oa/oe/uy to the first vowel: hoà → hòa, uỷ → ủy."""

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        d = unicodedata.normalize("NFD", word)
        # Only the last two vowels are concerned; find a tone on the final vowel.
        mm = re.search(rf"([oOuU])([aAeEyY])([\u0302\u0306\u031b]?)([{_TONES}])$", d)
        if not mm or d[: mm.start()].lower().endswith("q"):
            return word
        first, second, hat, tone = mm.groups()
        pair = (first + second).lower()
        if pair not in _data().tone_marks.pairs or hat:
            return word
        fixed = d[: mm.start()] + first + tone + second
        out = unicodedata.normalize("NFC", fixed)
        return out if len(out) == len(word) else word

    return mt.sub(_OLD_STYLE, fix) if _OLD_STYLE_END.search(mt.text) else mt


# Words that may carry an old-style mark: o/u followed by a toned a/e/y at the end of the word
# (``_OLD_STYLE_END`` finds the ending alone, much faster than the whole word, to skip most texts).
_OLD_STYLE = re.compile(r"\w*[oOuU][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ](?!\w)")
_OLD_STYLE_END = re.compile(r"(?<![qQ])[oOuU][àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ](?!\w)")


def _prefilter(pattern: str) -> re.Pattern[str]:
    """A pattern that matches wherever ``pattern`` does, without its leading word boundary or
    look-behind: Python's regex engine then scans for the literal start, ten times faster."""
    p = pattern.removeprefix(r"\b")
    m = re.match(r"\(\?<[=!][^()]*\)", p)
    return re.compile(p[m.end() :] if m else p)


@cache
def _confusables_checked() -> tuple[tuple[re.Pattern[str], re.Pattern[str], str], ...]:
    return tuple((_prefilter(rx.pattern), rx, repl) for rx, repl in _confusables())


def confusables(mt: MappedText) -> MappedText:
    for pre, rx, repl in _confusables_checked():
        if pre.search(mt.text) and rx.search(mt.text):
            mt = mt.sub(rx, repl)
    return mt


def normalize(mt: MappedText) -> MappedText:
    """The full normalisation chain; see the module docstring."""
    # NFC again: a confusable replaced before a stray combining mark must compose with it; the
    # tone-mark convention last, as a confusable can leave an old-style word ('oέ̀' → 'oè').
    return nfc(tone_marks(nfc(confusables(fold_spaces(nfc(mt))))))


def normalize_str(text: str) -> str:
    """Normalise a plain string (no offsets needed)."""
    return normalize(MappedText.from_source(text)).text
