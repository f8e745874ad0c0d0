"""Comparable keys for Vietnamese text: abbreviation-aware, accent-insensitive, word-segmented.

``text_key("Tuyên truyền người dân tham gia BHYT")`` → ``"tuyen_truyen nguoi_dan tham_gia bao_hiem_y_te"``:
abbreviations (``data/abbreviations.yaml``) are expanded, underthesea joins the syllables of
each word, accents and stop words are dropped. Keys are cached: the same sentence costs one
segmentation per process.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

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


def fold(text: str) -> str:
    """Lower case without accents: 'Đô thị' → 'do thi'."""
    d = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(c for c in d if not unicodedata.combining(c))


@lru_cache(maxsize=8192)
def text_key(text: str) -> str:
    """The matching key of ``text`` (see the module docstring)."""
    from underthesea import word_tokenize  # heavy import, paid once

    t = _LABEL.sub("", normalize_str(text).replace("\n", " "))
    t = expand_abbreviations(t)
    words = word_tokenize(t[:600])
    out = []
    for w in words:
        f = fold(w)
        f = re.sub(r"[^\w%]+", "_", f).strip("_")
        if f and f not in _STOP and not f.isdigit():
            out.append(f)
    return " ".join(out)


@lru_cache(maxsize=16384)
def syllables(key: str) -> frozenset[str]:
    """The accent-folded syllables of a key (compounds split), for overlap measures (cached:
    coverage compares each sentence with many catalogue entries)."""
    return frozenset(s for w in key.split() for s in w.split("_") if s not in _STOP)
