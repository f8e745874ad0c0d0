"""Vietnamese post-correction of OCR text that never invents text.

:func:`correct` rewrites a :class:`~vanban.mapped.MappedText` (so offsets still point into the
raw OCR text) in four steps, data in ``data/ocr_corrections.yaml``:

1. look-alike characters that never belong in Vietnamese (the Icelandic ``Ð`` for ``Đ``);
2. fixed phrases of plans, matched on their letters with marks and case ignored, take the
   phrase's marks (``CỌNG HOÀ XÃ HỘI`` → ``CỘNG HÒA XÃ HỘI``);
3. regex rules for a valid syllable misread as another where the context decides
   (``Đẳng`` → ``Đảng`` except in ``bình đẳng``);
4. the lexicon check: a token that is not a Vietnamese syllable is replaced by a known syllable
   one edit away, and only when one candidate is clearly best: it makes a known word with a
   neighbour (syllable bigrams of the dictionary), or it is the only syllable with the same
   letters. A valid syllable is never replaced by this step, and a token with no candidate
   stays as read.

The lexicon is underthesea's Viet74K word list (in its wheel, a dependency of vanban); without
it step 4 changes nothing. Every replacement keeps the token's length where it can, so the
mapping stays character for character.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import unicodedata
from collections import Counter
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from vanban.datafiles import load_data
from vanban.mapped import MappedText
from vanban.normalize import nfc, tone_marks


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class CharFix(_Strict):
    source: str = Field(alias="from", min_length=1, max_length=1)
    to: str = Field(max_length=2)
    why: str


class Rule(_Strict):
    id: str
    pattern: str
    replacement: str
    why: str
    examples: list[tuple[str, str]]


class CorrectionData(_Strict):
    characters: list[CharFix]
    phrases: list[str]
    rules: list[Rule]
    keep: list[str]
    examples: list[tuple[str, str]]


_TOKEN = re.compile(r"[^\W\d_]+")
_VOWELS = "aăâeêioôơuưy"
_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_LETTERS = sorted(set("bcdđghklmnpqrstvx") | {unicodedata.normalize("NFC", v + m) for v in _VOWELS for m in _MARKS})
_FOREIGN = re.compile(r"[fwz]", re.IGNORECASE)


@cache
def data() -> CorrectionData:
    return load_data("ocr_corrections.yaml", CorrectionData)


def fold(text: str) -> str:
    """Letters without marks, lower case, one character for one (``Đặng`` → ``dang``)."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)[0] if len(unicodedata.normalize("NFD", ch)) > 1 else ch
        out.append("d" if base in "đĐ" else base.lower() if len(base.lower()) == 1 else base)
    return "".join(out)


@cache
def key(token: str) -> str:
    """A token as the lexicon stores it: NFC, lower case, one tone-mark convention."""
    return tone_marks(nfc(MappedText.from_source(token.lower()))).text


# --- lexicon -----------------------------------------------------------------------------------


def _dictionary() -> Path | None:
    spec = importlib.util.find_spec("underthesea")  # found without importing it (slow)
    for base in (spec.submodule_search_locations or []) if spec else []:
        path = Path(base) / "corpus" / "data" / "Viet74K.txt"
        if path.exists():
            return path
    return None


@cache
def lexicon() -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Syllables (with the number of dictionary words they occur in) and syllable bigram counts:
    from the dictionary's words, then from the Vietnamese text of vanban's own data files (the
    criteria catalogues and vocabulary: the language of plans)."""
    path = _dictionary()
    lines = path.read_text(encoding="utf-8").splitlines() if path else []
    words = [[key(s) for s in line.split()] for line in [*lines, *data().phrases]]
    words = [w for w in words if w and all(map(_TOKEN.fullmatch, w))]
    freq = Counter(s for w in words for s in w)
    pairs = Counter(p for w in words for p in itertools.pairwise(w))
    if freq:
        folder = resources.files("vanban.data")
        texts = [folder.joinpath(n) for n in ("vocabulary.yaml", "abbreviations.yaml")]
        texts += [f for f in folder.joinpath("catalogues").iterdir() if f.name.endswith(".yaml")]
        for f in texts:
            for run in re.split(r"[^\w ]+", f.read_text(encoding="utf-8")):
                syl = [key(s) for s in run.split()]
                pairs.update((a, b) for a, b in itertools.pairwise(syl) if a in freq and b in freq)
    return freq, pairs


def _edits(word: str) -> set[str]:
    """Strings one deletion, substitution or insertion of a Vietnamese letter away."""
    out = {word[:i] + word[i + 1 :] for i in range(len(word))}
    for i in range(len(word) + 1):
        for ch in _LETTERS:
            out.add(word[:i] + ch + word[i:])
            if i < len(word):
                out.add(word[:i] + ch + word[i + 1 :])
    out.discard(word)
    return out


def _candidate(token: str, prev: str | None, nxt: str | None, marks_only: bool) -> str | None:
    """The one known syllable to put for the invalid ``token`` (lexicon form), or None.
    ``marks_only``: only syllables with the same letters (for names, which the lexicon lacks)."""
    freq, pairs = lexicon()
    cands = [c for c in _edits(token) if c in freq and (not marks_only or fold(c) == fold(token))]
    if not cands:
        return None

    def rank(c: str) -> tuple[int, bool]:
        return pairs[(prev or "", c)] + pairs[(c, nxt or "")], fold(c) == fold(token)

    ranked = sorted(cands, key=rank, reverse=True)
    best = rank(ranked[0])
    if best[0] > 0 and (len(ranked) == 1 or rank(ranked[1]) < best):
        return ranked[0]
    same = [c for c in cands if fold(c) == fold(token)]
    return same[0] if len(same) == 1 and best[0] == 0 else None


def _split(token: str) -> str | None:
    """Two syllables run together ('thưởngcho'): the one split into two known syllables."""
    freq, _ = lexicon()
    splits = [(token[:i], token[i:]) for i in range(2, len(token) - 1) if token[:i] in freq and token[i:] in freq]
    return " ".join(splits[0]) if len(splits) == 1 else None


def _cased(new: str, like: str) -> str:
    if like.isupper():
        return new.upper()
    return new[:1].upper() + new[1:] if like[:1].isupper() else new


def _skip(token: str, text: str, start: int, end: int) -> bool:
    """Tokens the lexicon check leaves alone: abbreviations, symbols, foreign-looking words."""
    if len(token) < 2 or token in data().keep:
        return True
    if token.isascii() and (token.isupper() or _FOREIGN.search(token)):
        return True
    before, after = text[max(0, start - 2) : start], text[end : end + 2]
    if re.search(r"\w[.@]$", before) or re.match(r"[.@]\w", after):
        return True  # part of a web or e-mail address
    return any(c in "/-" for c in before[-1:] + after[:1]) and any(c.isupper() for c in token[1:])


# --- the steps ---------------------------------------------------------------------------------


@cache
def _char_rx() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {c.source: c.to for c in data().characters}
    return re.compile("[" + re.escape("".join(table)) + "]"), table


@cache
def _phrase_rx() -> tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]:
    out = []
    for phrase in data().phrases:
        syl = tuple(unicodedata.normalize("NFC", s) for s in _TOKEN.findall(phrase))
        rx = re.compile(r"(?<!\w)" + r"[\W_]+".join(re.escape(fold(s)) for s in syl) + r"(?!\w)")
        out.append((rx, syl))
    return tuple(out)


@cache
def _rules() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(r.pattern), r.replacement) for r in data().rules)


def _phrases(mt: MappedText) -> MappedText:
    text = mt.text
    folded = fold(text)
    if len(folded) != len(text):
        return mt
    chars = list(text)
    for rx, syl in _phrase_rx():
        for m in rx.finditer(folded):
            for tok, want in zip(_TOKEN.finditer(text, m.start(), m.end()), syl, strict=False):
                if len(tok.group()) == len(want):
                    for i, (old, new) in enumerate(zip(tok.group(), want, strict=True)):
                        chars[tok.start() + i] = new.upper() if old.isupper() else new
    fixed = "".join(chars)
    return mt if fixed == text else MappedText(fixed, mt.offsets)


def _lexicon_fix(mt: MappedText) -> MappedText:
    freq, _ = lexicon()
    if not freq:
        return mt
    toks = list(_TOKEN.finditer(mt.text))
    keys = [key(t.group()) for t in toks]
    fixes: dict[int, str] = {}
    for i, tok in enumerate(toks):
        word = tok.group()
        inner = word[1:]
        if keys[i] in freq and inner != inner.lower() and (word[0].islower() or inner != inner.upper()):
            fixes[tok.start()] = word[0] + word[1:].lower()  # a capital inside a word: 'vỆ', 'TiẾp'
            continue
        if keys[i] in freq or _skip(word, mt.text, tok.start(), tok.end()):
            continue
        prev = keys[i - 1] if i else None
        nxt = keys[i + 1] if i + 1 < len(toks) else None
        cand = _candidate(keys[i], prev, nxt, marks_only=word[:1].isupper()) or _split(keys[i])
        if cand is not None:
            head, _, tail = cand.partition(" ")
            fixes[tok.start()] = _cased(head, word) + (" " + (tail.upper() if word.isupper() else tail)) * bool(tail)
    if not fixes:
        return mt
    return mt.sub(_TOKEN, lambda m: fixes.get(m.start(), m.group()))


def correct(mt: MappedText) -> MappedText:
    """The whole post-correction; see the module docstring."""
    mt = nfc(mt)
    rx, table = _char_rx()
    if rx.search(mt.text):
        mt = mt.sub(rx, lambda m: table[m.group()])
    mt = _phrases(mt)
    for pattern, repl in _rules():
        if pattern.search(mt.text):
            mt = mt.sub(pattern, repl)
    return _lexicon_fix(mt)


def correct_str(text: str) -> str:
    return correct(MappedText.from_source(text)).text
