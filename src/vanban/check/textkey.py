"""Comparable keys for Vietnamese text: abbreviation-aware, accent-insensitive, word-segmented.

``text_key("Tuyên truyền người dân tham gia BHYT")`` → ``"tuyen_truyen nguoi_dan tham_gia bao_hiem_y_te"``:
abbreviations (``data/abbreviations.yaml``) are expanded, underthesea joins the syllables of
each word, accents and stop words are dropped. Keys are cached: the same sentence costs one
segmentation per process.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from vanban.datafiles import load_data
from vanban.normalize import normalize_str


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Abbreviation(_Strict):
    abbr: str
    expansion: str
    example: str
    source: str


class Abbreviations(_Strict):
    abbreviations: list[Abbreviation]


# Words that carry no meaning for matching (after accent folding).
_STOP = frozenset(
    "cac va cua duoc co tren dia ban theo quy dinh tai la cho voi ve trong nhung mot cung de tu den "
    "nay do dam bao thuc hien tot dat".split()
)
_LABEL = re.compile(r"^\W*(?:(?:tiêu chí|chỉ tiêu|nội dung)(?:\s+số)?\s*)?\d{1,2}(?:\.\d{1,2})*\s*[.:)]?\s*", re.I)


@cache
def abbreviations() -> Abbreviations:
    return load_data("abbreviations.yaml", Abbreviations)


@cache
def _abbr_rx() -> tuple[re.Pattern[str], dict[str, str]]:
    table = {a.abbr: a.expansion for a in abbreviations().abbreviations}
    alts = "|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)"), table


def expand_abbreviations(text: str) -> str:
    rx, table = _abbr_rx()
    return rx.sub(lambda m: table[m.group(0)], text)


_COMMON_MARKS = re.compile("[\u0300-\u034e\u0350-\u036f]")  # the block Vietnamese uses (not U+034F)


def fold(text: str) -> str:
    """Lower case without accents: 'Đô thị' → 'do thi'."""
    d = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    if d.isascii():
        return d
    d = _COMMON_MARKS.sub("", d)
    other = [c for c in set(d) if not c.isascii() and unicodedata.combining(c)]
    return d.translate(dict.fromkeys(map(ord, other))) if other else d


def _prepared(text: str) -> str:
    """What :func:`text_key` segments: no label, normalised, abbreviations expanded, cut."""
    return expand_abbreviations(_LABEL.sub("", normalize_str(text).replace("\n", " ")))[:600]


class StoredKeys(_Strict):
    """``data/catalogue_keys.yaml``: the keys of every catalogue text, made by
    ``scripts/make_catalogue_keys.py`` so a process need not segment them again (about a
    second for the four catalogues). Used only while ``fingerprint`` matches :func:`fingerprint`."""

    fingerprint: str
    generated_by: str
    keys: dict[str, str]


KEY_VERSION = 1  # bump when text_key's own steps change


def _segmenter_files() -> list[Path]:
    """The files underthesea's word segmentation is made of: its CRF model, the tokenizer and
    the token normalisation (found without importing underthesea)."""
    spec = importlib.util.find_spec("underthesea")
    if spec is None or not spec.submodule_search_locations:
        return []
    pipeline = Path(next(iter(spec.submodule_search_locations))) / "pipeline"
    ws, tn = pipeline / "word_tokenize", pipeline / "text_normalize"
    files = [*sorted((ws / "models").rglob("*")), ws / "__init__.py", ws / "regex_tokenize.py", *sorted(tn.glob("*"))]
    return [f for f in files if f.is_file() and f.suffix != ".pyc"]


@cache
def fingerprint() -> str:
    """What keys depend on besides the text, by content: underthesea's segmentation model,
    tokenizer and token normalisation (a release that changes none of them keeps the keys), the
    abbreviation and normalisation data, the stop words, the label pattern and
    :data:`KEY_VERSION`. (The compiled featurizer of underthesea_core is not in it: the test of
    the stored keys segments every catalogue text again.)"""
    from importlib import resources

    h = hashlib.sha256()
    for part in (str(KEY_VERSION), " ".join(sorted(_STOP)), _LABEL.pattern):
        h.update(part.encode() + b"\0")
    for name in ("abbreviations.yaml", "normalize.yaml"):
        h.update(resources.files("vanban.data").joinpath(name).read_bytes() + b"\0")
    for f in _segmenter_files():
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()


@cache
def stored_keys() -> dict[str, str]:
    """The stored catalogue keys, or none when they were made with other data or libraries."""
    stored = load_data("catalogue_keys.yaml", StoredKeys)
    return stored.keys if stored.fingerprint == fingerprint() else {}


@lru_cache(maxsize=8192)
def text_key(text: str) -> str:
    """The matching key of ``text`` (see the module docstring)."""
    stored = stored_keys().get(text)
    return stored if stored is not None else segmented_key(text)


def segmented_key(text: str) -> str:
    """:func:`text_key` computed: underthesea's segmentation of the prepared text."""
    from underthesea import word_tokenize  # heavy import, paid once

    words = word_tokenize(_prepared(text))
    return " ".join(f for f in _words(words) if f and f not in _STOP and not f.isdigit())


@lru_cache(maxsize=16384)
def syllables(key: str) -> frozenset[str]:
    """The accent-folded syllables of a key (compounds split), for overlap measures (cached:
    coverage compares each sentence with many catalogue entries)."""
    return frozenset(s for w in key.split() for s in w.split("_") if s not in _STOP)


_NON_WORD = re.compile(r"[^\w%]+")


def _words(tokens: list[str]) -> list[str]:
    """Tokens or words as they appear in a key: folded, non-word characters as '_' (folded in
    one call: folding is character by character)."""
    folded = fold("\0".join(tokens)).split("\0") if tokens else []
    return [_NON_WORD.sub("_", f).strip("_") for f in folded]


@lru_cache(maxsize=16384)
def syllable_bounds(text: str) -> tuple[frozenset[str], int]:
    """Bounds on ``syllables(text_key(text))`` from underthesea's tokenizer alone, without the
    CRF that groups tokens into words (six times the cost): a set that holds every syllable the
    key can have, and how many it has at least.

    A word's syllables are its tokens' syllables, so the tokens' syllables hold them all. A
    token's syllables are always kept unless it is all digits (a word of digits alone is
    dropped, inside a compound it is kept) or a stop word (whose syllable is dropped anyway)."""
    from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

    every: set[str] = set()
    least: set[str] = set()
    for f in _words(tokenize(_prepared(text))):
        syl = {s for s in f.split("_") if s not in _STOP}  # '' too: 'a_-b' keys as 'a__b'
        every |= syl
        if f and not f.isdigit():
            least |= syl - {""}
    return frozenset(every), len(least)
