"""Legacy Vietnamese encodings (TCVN3, VNI, VIQR) to Unicode.

Before Unicode, Vietnamese documents were typed in 8-bit fonts: TCVN3 (the "ABC" fonts
``.VnTime``, ``.VnArial``, and their upper-case twins ``.VnTimeH`` …) and VNI (``VNI-Times``
…). A Word file keeps the bytes and the font name, so extracted text reads ``B¸o c¸o`` (TCVN3)
or ``COÄNG HOØA`` (VNI) until it is converted. VIQR is the ASCII mnemonic spelling
(``Vie^.t Nam``) of e-mail and Usenet.

The character tables live in ``data/legacy_encodings.yaml`` (with their sources).

Two ways to decide what a piece of text is:

* :func:`encoding_for_font` — from the font the text is set in (strongest signal);
* :func:`detect_encoding` — from the text alone, for one paragraph at a time (documents mix
  encodings). It is conservative: text with any Unicode-only Vietnamese letter is Unicode,
  and a legacy reading is taken only when it turns the text into valid Vietnamese syllables
  and the text as it stands is not. Ordinary Unicode Vietnamese passes through unchanged.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator

from vanban.datafiles import load_data

Encoding = Literal["tcvn3", "vni", "viqr"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Tcvn3(_Strict):
    letters: dict[str, str]


class _Vni(_Strict):
    letters: dict[str, str]
    marks: dict[str, str]


class _Viqr(_Strict):
    hats: dict[str, str]
    tones: dict[str, str]


class _Takes(_Strict):
    circumflex: str
    breve: str
    horn: str
    tone: str


class _Fonts(_Strict):
    tcvn3: list[str]
    tcvn3_upper: list[str]
    vni: list[str]


class LegacyData(_Strict):
    """Schema of ``data/legacy_encodings.yaml``."""

    tcvn3: _Tcvn3
    vni: _Vni
    viqr: _Viqr
    marks: dict[str, str]
    takes: _Takes
    fonts: _Fonts

    @field_validator("marks")
    @classmethod
    def _combining(cls, v: dict[str, str]) -> dict[str, str]:
        for name, mark in v.items():
            if len(mark) != 1 or not unicodedata.combining(mark):
                raise ValueError(f"{name}: not one combining character")
        return v


@cache
def _data() -> LegacyData:
    return load_data("legacy_encodings.yaml", LegacyData)


_TONE_NAMES = frozenset({"acute", "grave", "hook", "tilde", "dot"})
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
# Letters only Unicode Vietnamese has (no legacy table produces them as input): ă đ ĩ ũ ơ ư,
# the precomposed Ạ…ỹ block, and combining tone marks.
_UNICODE_VI_RX = re.compile(
    "[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9\u0300\u0301\u0303\u0309\u0323]"
)
# Onset, then a rhyme: vowels that end the syllable, vowels that need a final consonant, or
# vowels with an optional one. Strict enough that "laop" (a wrong table's output) fails.
_SYLLABLE_RX = re.compile(
    r"(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnprstvx])?"
    r"(?:(?:iêu|yêu|oai|oao|oay|oeo|uôi|ươi|ươu|uya|uây|ai|ao|au|ay|âu|ây|eo|êu|ia|iu|oi|ôi|ơi|ua|ui|uơ|ưa|ưi|ưu)"
    r"|(?:uyê|iê|yê|uô|ươ|oă|uâ|ă|â)(?:ch|ng|nh|[cmnpt])"
    r"|(?:oa|oe|uê|uy|[aeêioôơuưy])(?:ch|ng|nh|[cmnpt])?)"
)
_VIQR_HAT_RX = re.compile(r"[AaEeOo]\^|[Aa]\(|[OoUu]\+")
_WORD_RX = re.compile(r"[^\W\d_]+")


def _byte(char: str) -> int | None:
    """The 8-bit code a legacy font would have drawn ``char`` from (Windows-1252 view)."""
    code = ord(char)
    if code < 256:
        return code
    try:
        return char.encode("cp1252")[0]
    except UnicodeEncodeError:
        return None


@cache
def _tcvn3_table() -> dict[str, str]:
    return {_char_of(h): u for h, u in _data().tcvn3.letters.items()}


@cache
def _vni_tables() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    d = _data().vni
    letters = {_char_of(h): u for h, u in d.letters.items()}
    marks = {_char_of(h): tuple(v.split()) for h, v in d.marks.items()}
    return letters, marks


def _char_of(hex_byte: str) -> str:
    """The character a legacy byte reaches us as: Latin-1, except 80–9F read as Windows-1252."""
    b = int(hex_byte, 16)
    return bytes([b]).decode("cp1252") if 0x80 <= b <= 0x9F else chr(b)


def _lookup(table: dict[str, str], char: str) -> str | None:
    hit = table.get(char)
    if hit is None and ord(char) >= 256:
        b = _byte(char)
        hit = table.get(chr(b)) if b is not None else None
    return hit


def _upper(text: str) -> str:
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in text)


def convert_tcvn3(text: str, *, upper: bool = False) -> str:
    """TCVN3 text (as Windows-1252 characters) to NFC Unicode; ``upper`` for .VnTimeH-style fonts."""
    table = _tcvn3_table()
    out = "".join(_lookup(table, c) or c for c in text)
    return _upper(out) if upper else out


def _add_marks(base: str, names: tuple[str, ...]) -> str | None:
    """``base`` with the named marks, or None when Vietnamese spelling does not allow it."""
    data = _data()
    nfd = unicodedata.normalize("NFD", base)
    letter, have = nfd[0], nfd[1:]
    if any(c in _TONE_MARKS for c in have):
        return None
    low = letter.lower()
    hats = [n for n in names if n not in _TONE_NAMES]
    tones = [n for n in names if n in _TONE_NAMES]
    for hat in hats:
        if have or low not in getattr(data.takes, hat):
            return None
    if tones and unicodedata.normalize("NFC", low + have + "".join(data.marks[h] for h in hats)) not in data.takes.tone:
        return None
    marks = have + "".join(data.marks[n] for n in hats) + "".join(data.marks[n] for n in tones)
    out = unicodedata.normalize("NFC", letter + marks)
    return out if len(out) == 1 else None


def convert_vni(text: str) -> str:
    """VNI text (base letter + mark bytes, as Windows-1252 characters) to NFC Unicode."""
    letters, marks = _vni_tables()
    out: list[str] = []
    for c in text:
        mark = marks.get(c) if ord(c) < 256 else None
        if mark is not None and out:
            joined = _add_marks(out[-1], mark)
            if joined is not None:
                out[-1] = joined
                continue
        out.append(_lookup(letters, c) or c)
    return "".join(out)


@cache
def _viqr_rx() -> re.Pattern[str]:
    d = _data().viqr
    hats = "".join(re.escape(h) for h in d.hats)
    tones = "".join(re.escape(t) for t in d.tones)
    return re.compile(rf"\\(.)|\b([Dd])([Dd])|([AaEeIiOoUuYy])([{hats}])?([{tones}])?(?=(\w)?)")


def convert_viqr(text: str) -> str:
    """VIQR (``Vie^.t Nam``) to NFC Unicode. ``\\`` escapes a literal mark.

    ``.`` and ``?`` are sentence punctuation as often as tone marks, so after a bare vowel
    they are read as tones only inside a word (``Vie^.t``), not at its end (``ba.``).
    """
    d = _data().viqr

    def repl(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return m.group(1)
        if m.group(2) is not None:
            return "Đ" if m.group(2) == "D" else "đ"
        vowel, hat, tone, after = m.group(4), m.group(5), m.group(6), m.group(7)
        if tone in (".", "?") and not hat and after is None:
            tone = None
        names = tuple(n for n in (d.hats.get(hat or ""), d.tones.get(tone or "")) if n)
        if not names:
            return m.group(0)
        joined = _add_marks(vowel, names)
        if joined is None:
            return m.group(0)
        return joined + (m.group(6) if tone is None and m.group(6) else "")

    return _viqr_rx().sub(repl, text)


def convert(text: str, encoding: Encoding, *, upper: bool = False) -> str:
    """Convert ``text`` from ``encoding``; ``upper`` applies an upper-case-only font (TCVN3 ``H`` fonts)."""
    if encoding == "tcvn3":
        return convert_tcvn3(text, upper=upper)
    out = convert_vni(text) if encoding == "vni" else convert_viqr(text)
    return _upper(out) if upper else out


@cache
def _font_rx() -> tuple[list[re.Pattern[str]], list[re.Pattern[str]], list[re.Pattern[str]]]:
    f = _data().fonts
    return (
        [re.compile(p, re.I) for p in f.tcvn3],
        [re.compile(p) for p in f.tcvn3_upper],
        [re.compile(p, re.I) for p in f.vni],
    )


def encoding_for_font(font: str | None) -> tuple[Encoding | None, bool]:
    """The legacy encoding a font name implies, and whether the font draws only capitals.

    ``".VnTime"`` → ``("tcvn3", False)``, ``".VnTimeH"`` → ``("tcvn3", True)``,
    ``"VNI-Times"`` → ``("vni", False)``, ``"Times New Roman"`` → ``(None, False)``.
    LibreOffice's fallback lists (``".VnTime;Times New Roman"``) are read by their first name.
    """
    if not font:
        return None, False
    name = font.split(";")[0].strip()
    tcvn3, upper, vni = _font_rx()
    if any(rx.search(name) for rx in tcvn3):
        return "tcvn3", any(rx.search(name) for rx in upper)
    if any(rx.search(name) for rx in vni):
        return "vni", False
    return None, False


def has_unicode_vietnamese(text: str) -> bool:
    """True when ``text`` has a letter that only Unicode Vietnamese writes (ă đ ơ ư ạ … ỹ)."""
    return _UNICODE_VI_RX.search(text) is not None


def is_vietnamese_syllable(word: str) -> bool:
    """True when ``word`` is spelled like one Vietnamese syllable (onset, vowels, coda, ≤ 1 tone)."""
    nfd = unicodedata.normalize("NFD", word.lower())
    if sum(c in _TONE_MARKS for c in nfd) > 1:
        return False
    base = ""
    for c in nfd:  # a tone sits on a vowel (ñ is n + tilde: not Vietnamese)
        if not unicodedata.combining(c):
            base = c
        elif c in _TONE_MARKS and base not in "aeiouy":
            return False
    base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONE_MARKS))
    return _SYLLABLE_RX.fullmatch(base) is not None


@cache
def _legacy_chars(encoding: Encoding) -> frozenset[str]:
    if encoding == "tcvn3":
        return frozenset(_tcvn3_table())
    letters, marks = _vni_tables()
    return frozenset(letters) | frozenset(marks)


def _candidates(text: str, encoding: Encoding) -> list[str]:
    """Words of ``text`` (ASCII letters and the encoding's bytes) that hold a legacy byte."""
    chars = _legacy_chars(encoding)
    words: list[str] = []
    cur: list[str] = []
    legacy = False
    for c in (*text, " "):
        if ("a" <= c <= "z") or ("A" <= c <= "Z") or c in chars:
            cur.append(c)
            legacy = legacy or c in chars
            continue
        if cur and legacy:
            words.append("".join(cur))
        cur, legacy = [], False
    return words


def _plausible(word: str) -> bool:
    """A Vietnamese syllable in a case a writer would use: lower, UPPER, Capitalised, or the
    upper-case ASCII + lower-case legacy bytes of a TCVN3 capitals font (``CéNG``)."""
    if not is_vietnamese_syllable(word):
        return False
    rest = word[1:]
    return rest == rest.lower() or word == word.upper() or all(c.isupper() for c in word if c.isascii())


def _verdict(words: list[str], encoding: Encoding) -> int:
    """Margin by which reading ``words`` as ``encoding`` beats reading them as they are (0 = no)."""
    n = len(words)
    if not n:
        return 0
    converted = [convert(w, encoding) for w in words]
    valid = sum(_plausible(w) for w in converted)
    as_is = sum(_plausible(w) for w in words)
    if valid < 0.75 * n or valid - as_is < max(1, 0.5 * n):
        return 0
    if valid == 1 and not (len(converted[0]) >= 2 and re.search("[A-Za-z]", words[0])):
        return 0  # one lone byte ("©", "ë") is too little to go on
    return valid - as_is


def detect_encoding(text: str) -> Encoding | None:
    """The legacy encoding of ``text`` (one paragraph), or None for Unicode / not enough to tell."""
    if has_unicode_vietnamese(text):
        return None
    if text.isascii():
        return "viqr" if _is_viqr(text) else None
    encodings: tuple[Encoding, ...] = ("tcvn3", "vni")
    scores = {enc: _verdict(_candidates(text, enc), enc) for enc in encodings}
    best = max(encodings, key=lambda e: scores[e])
    if not scores[best] or list(scores.values()).count(scores[best]) > 1:
        return None
    return best


def _is_viqr(text: str) -> bool:
    if len(_VIQR_HAT_RX.findall(text)) < 2:
        return False
    marked = [w for w in text.split() if re.search(r"[\^(+`~'?.]", w.strip('.,;:!?()"')) and re.search("[A-Za-z]", w)]
    words = [_WORD_RX.findall(convert_viqr(w.strip('.,;:!?()"'))) for w in marked]
    valid = sum(len(ws) == 1 and is_vietnamese_syllable(ws[0]) for ws in words)
    return bool(marked) and valid >= 0.75 * len(marked)


@cache
def _encoders() -> tuple[dict[str, str], dict[str, str], dict[tuple[str, ...], tuple[str, str]]]:
    tcvn3 = {u: c for c, u in _tcvn3_table().items()}
    letters, marks = _vni_tables()
    vni_letters = {u: c for c, u in letters.items()}
    vni_marks: dict[tuple[str, ...], tuple[str, str]] = {}
    for c, names in marks.items():
        low, up = vni_marks.get(names, ("", ""))
        vni_marks[names] = (low, c) if ord(c) < 0xE0 else (c, up)
    return tcvn3, vni_letters, vni_marks


def encode(text: str, encoding: Literal["tcvn3", "vni"]) -> str:
    """Unicode to legacy ``encoding`` (as Windows-1252 characters): the inverse of :func:`convert`.

    TCVN3 has no accented capitals; they are written with the lower-case byte, as typists did
    under a ``.VnTimeH`` font (convert back with ``upper=True``). Used to test the tables.
    """
    tcvn3, vni_letters, vni_marks = _encoders()
    names_of = {v: k for k, v in _data().marks.items()}
    out: list[str] = []
    for c in unicodedata.normalize("NFC", text):
        if encoding == "tcvn3":
            out.append(tcvn3.get(c) or tcvn3.get(c.lower()) or c)
            continue
        if c in vni_letters:
            out.append(vni_letters[c])
            continue
        nfd = unicodedata.normalize("NFD", c)
        if not nfd[0].isascii():
            out.append(c)
            continue
        names = [names_of.get(m, "") for m in nfd[1:]]
        base, marks = nfd[0], sorted(names, key=lambda n: n in _TONE_NAMES)  # hat before tone
        if "horn" in marks:  # ơ ư are one byte; a tone follows as a mark
            marks.remove("horn")
            base = vni_letters[unicodedata.normalize("NFC", base + "\u031b")]
        pair = vni_marks.get(tuple(marks)) if marks else None
        out.append(base + pair[base.isupper()] if pair else c if marks else base)
    return "".join(out)


def to_unicode(text: str, encoding: Encoding | None = None, *, upper: bool = False) -> str:
    """``text`` in Unicode: converted from ``encoding``, or from the detected one when None.

    Unicode input comes back unchanged (also with an explicit encoding when the text has
    Unicode-only Vietnamese letters: it was typed in Unicode under a legacy font name).
    """
    if encoding is None:
        encoding = detect_encoding(text)
    elif has_unicode_vietnamese(text):
        return text
    if encoding is None:
        return text
    return unicodedata.normalize("NFC", convert(text, encoding, upper=upper))
