"""NĐ 30/2020/NĐ-CP checks of a .docx: the document view, the formatting resolver and the rules.

The view lists every paragraph of the body in document order (paragraphs in table cells and
text boxes included, the ``mc:Fallback`` copy of a text box skipped) and the paragraphs of the
page headers and footers. A paragraph is split into lines at ``w:br``/``w:cr``, so a quốc hiệu
and a tiêu ngữ in one paragraph are two components.

Effective formatting is resolved as Word does (ECMA-376 §17.7.2), one property at a time:

* run properties: direct ``w:rPr`` → character style and its ``basedOn`` chain → paragraph
  style chain (the default paragraph style when there is no ``w:pStyle``) → table style chain →
  ``w:docDefaults/w:rPrDefault``; theme fonts (``w:asciiTheme`` …) are looked up in the theme
  part;
* paragraph properties: direct ``w:pPr`` → paragraph style chain → numbering level (``w:numPr``)
  → table style chain → ``w:docDefaults/w:pPrDefault``.

Toggle properties (bold, italic, caps) take the first level that sets them (the XOR of toggles
between a paragraph and a character style is not modelled). Values the format defines when
nothing is set (bold off, left alignment, no spacing, single lines) are used as such; a font or
a size that no level sets, a theme font without a theme, or a size in "character units" is
unresolved, and the rules report ``not_evaluated`` for it, never ``pass``.

Each check is registered with the rule ids it reports, and reports each of them exactly once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any, Literal, TypeVar

from docx.oxml import parse_xml
from docx.oxml.ns import qn

from vanban.errors import DataFileError
from vanban.parse.vocab import surname_set

_El = Any  # an lxml element of the document XML (lxml has no type stubs here)
T = TypeVar("T")
Status = Literal["pass", "fail", "not_evaluated"]

W_P, W_R, W_T, W_TBL, W_TR, W_TC = (qn(f"w:{t}") for t in ("p", "r", "t", "tbl", "tr", "tc"))
W_RPR, W_PPR, W_BODY, W_TXBX = qn("w:rPr"), qn("w:pPr"), qn("w:body"), qn("w:txbxContent")
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_FALSE = {"0", "false", "off", "none"}
_TEXT_TAGS = {qn("w:t"): None, qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
TWIP_MM = 1440 / 25.4  # twips per millimetre
EMU_MM = 36000


# --- small helpers ----------------------------------------------------------------------------


def _val(el: _El | None, attr: str = "w:val") -> str | None:
    v = None if el is None else el.get(qn(attr))
    return None if v is None else str(v)


def _on(el: _El | None) -> bool | None:
    """Value of a toggle property (``<w:b/>``, ``<w:b w:val="0"/>``); None when absent."""
    return None if el is None else (_val(el) or "1").lower() not in _FALSE


def _twips(v: str | None) -> float | None:
    try:
        return None if v is None else float(v)
    except ValueError:
        return None


def norm(text: str) -> str:
    """NFC, no-break spaces as spaces, whitespace collapsed, stripped."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text).replace("\u00a0", " ")).strip()


def num(v: float) -> str:
    """A number the Vietnamese way: ``13``, ``1,27``."""
    return f"{round(v, 2):g}".replace(".", ",")


def rng(lo: float, hi: float) -> str:
    return num(lo) if lo == hi else f"{num(lo)}–{num(hi)}"


def _ancestor(el: _El, tags: set[str]) -> _El | None:
    p = el.getparent()
    while p is not None and p.tag not in tags:
        p = p.getparent()
    return p


def _owned(p: _El, tag: str) -> Iterator[_El]:
    """Elements ``tag`` inside paragraph ``p`` that belong to it (not to a nested text-box paragraph)."""
    for el in p.iter(tag):
        if _ancestor(el, {W_P}) is p and not _in_fallback(el, p):
            yield el


def _in_fallback(el: _El, stop: _El | None = None) -> bool:
    p = el.getparent()
    while p is not None and p is not stop:
        if p.tag == _FALLBACK:
            return True
        p = p.getparent()
    return False


# --- the document view ------------------------------------------------------------------------


@dataclass
class Line:
    text: str = ""
    runs: list[_El] = field(default_factory=list)

    @property
    def clean(self) -> str:
        return norm(self.text)


@dataclass
class Para:
    el: _El
    index: int | None  # 1-based over the body, table cells included; None in headers and footers
    where: str
    style: str | None
    table_style: str | None
    cell: tuple[int, int, int] | None  # (table, row, column), 1-based
    top_level: bool
    lines: list[Line]

    @property
    def text(self) -> str:
        return norm(" ".join(ln.text for ln in self.lines))

    @property
    def runs(self) -> list[_El]:
        return [r for ln in self.lines for r in ln.runs]


@dataclass(frozen=True)
class Hit:
    """One line of one paragraph: a header component."""

    para: Para
    line: int

    @property
    def text(self) -> str:
        return self.para.lines[self.line].clean

    @property
    def runs(self) -> list[_El]:
        return self.para.lines[self.line].runs

    @property
    def pos(self) -> tuple[int, int]:
        return (self.para.index or 0, self.line)


def _run_text(r: _El) -> str:
    out = []
    for ch in r:
        if ch.tag in _TEXT_TAGS:
            out.append(_TEXT_TAGS[ch.tag] or ch.text or "")
    return "".join(out)


def collect(root: _El, label: str | None, fmt: Formats) -> list[Para]:
    """Every paragraph under ``root`` in document order; ``label`` names a header or footer part."""
    tables = {t: n for n, t in enumerate(root.iter(W_TBL), 1)}  # keeps the lxml proxies alive
    out: list[Para] = []
    for p in root.iter(W_P):
        if _in_fallback(p, root):
            continue
        lines = [Line()]
        for r in _owned(p, W_R):
            for piece in re.split(r"(\n)", _run_text(r)):
                if piece == "\n":
                    lines.append(Line())
                elif piece:
                    lines[-1].text += piece
                    if piece.strip() and (not lines[-1].runs or lines[-1].runs[-1] is not r):
                        lines[-1].runs.append(r)
        cell = tstyle = None
        tc = _ancestor(p, {W_TC, W_TXBX})
        if tc is not None and tc.tag == W_TC:
            tr, tbl = tc.getparent(), _ancestor(tc, {W_TBL})
            if tbl is not None and tr is not None:
                rows = [x for x in tbl.iter(W_TR) if _ancestor(x, {W_TBL}) is tbl]
                cols = [x for x in tr if x.tag == W_TC]
                row = rows.index(tr) + 1 if tr in rows else 0
                cell = (tables.get(tbl, 0), row, cols.index(tc) + 1 if tc in cols else 0)
                tstyle = _val(tbl.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}"))
        index = None if label else len(out) + 1
        where = label or f"đoạn {index}" + (f" (bảng {cell[0]}, hàng {cell[1]}, cột {cell[2]})" if cell else "")
        ppr = p.find(W_PPR)
        style = _val(ppr.find(qn("w:pStyle"))) if ppr is not None else None
        top = p.getparent() is not None and p.getparent().tag == W_BODY
        out.append(Para(p, index, where, fmt.para_style(style), tstyle, cell, top, lines))
    return out


# --- effective formatting -----------------------------------------------------------------------

_THEME_SLOTS = {
    "majorAscii": ("majorFont", "latin"),
    "majorHAnsi": ("majorFont", "latin"),
    "minorAscii": ("minorFont", "latin"),
    "minorHAnsi": ("minorFont", "latin"),
    "majorEastAsia": ("majorFont", "ea"),
    "minorEastAsia": ("minorFont", "ea"),
    "majorBidi": ("majorFont", "cs"),
    "minorBidi": ("minorFont", "cs"),
}
UNRESOLVED_THEME = "\x00"  # a theme font the theme part does not give


def _related(doc: Any, kind: str) -> list[Any]:
    return [rel.target_part for rel in doc.part.rels.values() if not rel.is_external and rel.reltype.endswith(kind)]


class Formats:
    """Resolve effective run and paragraph properties through the style hierarchy."""

    def __init__(self, doc: Any) -> None:
        root = doc.styles.element
        self.styles: dict[str, _El] = {str(s.get(qn("w:styleId"))): s for s in root.findall(qn("w:style"))}
        self.default_para: str | None = next(
            (
                sid
                for sid, s in self.styles.items()
                if s.get(qn("w:type")) == "paragraph" and (s.get(qn("w:default")) or "").lower() in ("1", "true", "on")
            ),
            "Normal" if "Normal" in self.styles else None,
        )
        dd = root.find(qn("w:docDefaults"))
        self.rpr_default = None if dd is None else dd.find(f"{qn('w:rPrDefault')}/{W_RPR}")
        self.ppr_default = None if dd is None else dd.find(f"{qn('w:pPrDefault')}/{W_PPR}")
        self.theme = self._theme(doc)
        self.numbering = next((getattr(p, "element", None) for p in _related(doc, "/numbering")), None)
        self._cache: dict[tuple[str | None, ...], list[_El]] = {}

    @staticmethod
    def _theme(doc: Any) -> dict[str, str] | None:
        parts = _related(doc, "/theme")
        if not parts:
            return None
        try:
            root = parse_xml(parts[0].blob)
        except Exception:  # a damaged theme is an unresolved theme
            return None
        out: dict[str, str] = {}
        for slot, (group, script) in _THEME_SLOTS.items():
            el = root.find(f".//{_A}fontScheme/{_A}{group}/{_A}{script}")
            face = None if el is None else el.get("typeface")
            if face:
                out[slot] = str(face)
        return out

    def para_style(self, sid: str | None) -> str | None:
        """The paragraph style in effect: ``sid``, or the default one when unset or unknown."""
        return sid if sid and sid in self.styles else self.default_para

    def style_name(self, sid: str) -> str:
        s = self.styles.get(sid)
        return (_val(s.find(qn("w:name"))) if s is not None else None) or sid

    def chain(self, sid: str | None) -> list[_El]:
        out: list[_El] = []
        seen: set[str] = set()
        while sid and sid not in seen and sid in self.styles:
            seen.add(sid)
            out.append(self.styles[sid])
            sid = _val(self.styles[sid].find(qn("w:basedOn")))
        return out

    def _levels(self, tag: str, *sids: str | None) -> list[_El]:
        key = (tag, *sids)
        if key not in self._cache:
            out = [el for sid in sids for s in self.chain(sid) if (el := s.find(tag)) is not None]
            dflt = self.rpr_default if tag == W_RPR else self.ppr_default
            self._cache[key] = [*out, *([dflt] if dflt is not None else [])]
        return self._cache[key]

    def run_levels(self, r: _El | None, para: Para) -> list[_El]:
        rpr = None if r is None else r.find(W_RPR)
        rstyle = _val(rpr.find(qn("w:rStyle"))) if rpr is not None else None
        styled = self._levels(W_RPR, rstyle, para.style, para.table_style)
        return [rpr, *styled] if rpr is not None else styled

    def para_levels(self, para: Para) -> list[_El]:
        ppr = para.el.find(W_PPR)
        styles = [el for s in self.chain(para.style) if (el := s.find(W_PPR)) is not None]
        levels = [*([ppr] if ppr is not None else []), *styles]
        numpr = next((el.find(qn("w:numPr")) for el in levels if el.find(qn("w:numPr")) is not None), None)
        lvl = self._num_level(numpr)
        tail = self._levels(W_PPR, para.table_style)
        return [*levels, *([lvl] if lvl is not None else []), *tail]

    def _num_level(self, numpr: _El | None) -> _El | None:
        num_id = _val(numpr.find(qn("w:numId"))) if numpr is not None else None
        if numpr is None or self.numbering is None or not num_id or num_id == "0":
            return None
        ilvl = _val(numpr.find(qn("w:ilvl"))) or "0"
        for n in self.numbering.findall(qn("w:num")):
            if _val(n, "w:numId") == num_id:
                abs_id = _val(n.find(qn("w:abstractNumId")))
                for a in self.numbering.findall(qn("w:abstractNum")):
                    if _val(a, "w:abstractNumId") == abs_id:
                        for lvl in a.findall(qn("w:lvl")):
                            if _val(lvl, "w:ilvl") == ilvl:
                                return lvl.find(W_PPR)
        return None

    @staticmethod
    def first(levels: Iterable[_El], fn: Callable[[_El], T | None]) -> T | None:
        for el in levels:
            v = fn(el)
            if v is not None:
                return v
        return None

    # run properties
    def font_at(self, levels: list[_El], slot: str) -> str | None:
        """The font of ``slot`` (``ascii``, ``hAnsi``); None if unresolved."""

        def get(el: _El) -> str | None:
            rf = el.find(qn("w:rFonts"))
            if rf is None:
                return None
            theme = rf.get(qn(f"w:{slot}Theme"))
            if theme is not None:
                return (self.theme or {}).get(str(theme), UNRESOLVED_THEME)
            return _val(rf, f"w:{slot}")

        v = self.first(levels, get)
        return None if v in (None, UNRESOLVED_THEME) else v

    def font(self, r: _El | None, para: Para, slot: str) -> str | None:
        return self.font_at(self.run_levels(r, para), slot)

    def size(self, r: _El | None, para: Para) -> float | None:
        v = self.first(self.run_levels(r, para), lambda el: _twips(_val(el.find(qn("w:sz")))))
        return None if v is None else v / 2

    def flag(self, r: _El | None, para: Para, tag: str) -> bool:
        return bool(self.first(self.run_levels(r, para), lambda el: _on(el.find(qn(f"w:{tag}")))))

    # paragraph properties
    def jc(self, para: Para) -> str:
        return self.first(self.para_levels(para), lambda el: _val(el.find(qn("w:jc")))) or "left"

    def first_line(self, para: Para) -> float | None:
        """First-line indent in twips (negative: hanging); None when given in character units."""

        def get(el: _El) -> tuple[str, float] | None:
            ind = el.find(qn("w:ind"))
            if ind is None:
                return None
            for attr, sign in (("hangingChars", -1), ("firstLineChars", 1), ("hanging", -1), ("firstLine", 1)):
                v = _twips(_val(ind, f"w:{attr}"))
                if v is not None and not (attr.endswith("Chars") and v == 0):
                    return (attr, sign * v)
            return None

        got = self.first(self.para_levels(para), get)
        if got is None:
            return 0.0
        return None if got[0].endswith("Chars") else got[1]

    def spacing(self, para: Para, side: str) -> float | None:
        """Space ``before`` or ``after`` in points; None when automatic or in line units."""

        def get(el: _El) -> tuple[str, float] | None:
            sp = el.find(qn("w:spacing"))
            if sp is None:
                return None
            if _on_attr(sp, f"{side}Autospacing"):
                return ("auto", 0.0)
            lines = _twips(_val(sp, f"w:{side}Lines"))
            if lines is not None:
                return ("lines", lines)
            v = _twips(_val(sp, f"w:{side}"))
            return None if v is None else ("twips", v)

        got = self.first(self.para_levels(para), get)
        if got is None:
            return 0.0
        return got[1] / 20 if got[0] == "twips" else None

    def contextual(self, para: Para) -> bool:
        return bool(self.first(self.para_levels(para), lambda el: _on(el.find(qn("w:contextualSpacing")))))

    def line(self, para: Para) -> tuple[str, float]:
        """``(rule, value)``: ``auto`` in 240ths of a line, ``exact``/``atLeast`` in twips."""

        def get(el: _El) -> tuple[str, float] | None:
            sp = el.find(qn("w:spacing"))
            v = _twips(_val(sp, "w:line")) if sp is not None else None
            return None if v is None else (_val(sp, "w:lineRule") or "auto", v)

        return self.first(self.para_levels(para), get) or ("auto", 240.0)


def _on_attr(el: _El, attr: str) -> bool:
    v = el.get(qn(f"w:{attr}"))
    return v is not None and str(v).lower() not in _FALSE


# --- outcomes and the rule registry -------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    rule: str
    status: Status
    message: str
    location: str | None = None
    paragraph: int | None = None


def _out(rule: str, status: Status, message: str, at: Para | str | None = None) -> Outcome:
    if isinstance(at, Para):
        return Outcome(rule, status, message, at.where, at.index)
    return Outcome(rule, status, message, at)


def ok(rule: str, message: str, at: Para | str | None = None) -> Outcome:
    return _out(rule, "pass", message, at)


def bad(rule: str, message: str, at: Para | str | None = None) -> Outcome:
    return _out(rule, "fail", message, at)


def na(rule: str, message: str, at: Para | str | None = None) -> Outcome:
    return _out(rule, "not_evaluated", message, at)


Check = Callable[["Ctx"], Iterable[Outcome]]
CHECKS: list[tuple[tuple[str, ...], Check]] = []


def rule(*ids: str) -> Callable[[Check], Check]:
    def deco(fn: Check) -> Check:
        CHECKS.append((ids, fn))
        return fn

    return deco


def rule_ids() -> frozenset[str]:
    """Every rule id the checks report (the tests compare it with ``nd30_rules.yaml``)."""
    return frozenset(i for ids, _ in CHECKS for i in ids)


@dataclass
class Ctx:
    """What the checks share: the document, its paragraphs, the formats and the rule parameters."""

    doc: Any
    fmt: Formats
    paras: list[Para]
    params: Mapping[str, Mapping[str, object]]
    parts: dict[str, tuple[str, list[Para]]]  # header/footer part name -> (label, paragraphs)
    memo: dict[str, object] = field(default_factory=dict)

    def _param(self, rule_id: str, key: str) -> object:
        try:
            return self.params[rule_id][key]
        except KeyError:
            raise DataFileError("nd30_rules.yaml", [f"{rule_id}: thiếu tham số «{key}»"]) from None

    def _wrong(self, rule_id: str, key: str, want: str) -> DataFileError:
        return DataFileError("nd30_rules.yaml", [f"{rule_id}: tham số «{key}» phải là {want}"])

    def range(self, rule_id: str, key: str) -> tuple[float, float]:
        v = self._param(rule_id, key)
        if isinstance(v, list) and len(v) == 2 and all(isinstance(x, int | float) for x in v):
            return (float(v[0]), float(v[1]))
        if isinstance(v, int | float) and not isinstance(v, bool):
            return (float(v), float(v))
        raise self._wrong(rule_id, key, "một số hoặc cặp [nhỏ nhất, lớn nhất]")

    def flag(self, rule_id: str, key: str) -> bool | None:
        """An optional yes/no parameter: None when the rule does not set it."""
        v = self.params.get(rule_id, {}).get(key)
        if v is None or isinstance(v, bool):
            return v
        raise self._wrong(rule_id, key, "true hoặc false")

    def number(self, rule_id: str, key: str) -> float:
        v = self._param(rule_id, key)
        if isinstance(v, int | float) and not isinstance(v, bool):
            return float(v)
        raise self._wrong(rule_id, key, "một số")

    def text(self, rule_id: str, key: str) -> str:
        v = self._param(rule_id, key)
        if isinstance(v, str):
            return v
        raise self._wrong(rule_id, key, "một chuỗi")

    def texts(self, rule_id: str, key: str) -> list[str]:
        v = self._param(rule_id, key)
        if isinstance(v, list) and all(isinstance(x, str) for x in v):
            return [str(x) for x in v]
        raise self._wrong(rule_id, key, "một danh sách chuỗi")

    def mapping(self, rule_id: str, key: str) -> dict[str, str]:
        v = self._param(rule_id, key)
        if isinstance(v, dict) and all(isinstance(x, str) for x in v.values()):
            return {str(k): str(x) for k, x in v.items()}
        raise self._wrong(rule_id, key, "một bảng chuỗi → chuỗi")


def places(paras: Iterable[Para], limit: int = 6) -> str:
    """``đoạn 12–14, 17`` and the names of header/footer parts, at most ``limit`` items."""
    nums = sorted({p.index for p in paras if p.index is not None})
    others = list(dict.fromkeys(p.where for p in paras if p.index is None))
    spans: list[str] = []
    for n in nums:
        if spans and spans[-1].split("–")[-1] == str(n - 1):
            spans[-1] = f"{spans[-1].split('–')[0]}–{n}"
        else:
            spans.append(str(n))
    items = ([f"đoạn {', '.join(spans[:limit])}"] if spans else []) + others
    more = max(0, len(spans) - limit)
    return ", ".join(items) + (f" và {more} chỗ khác" if more else "")


def run_checks(doc: Any, params: Mapping[str, Mapping[str, object]]) -> list[Outcome]:
    """Run every registered check on the python-docx ``doc``; one outcome per rule id."""
    fmt = Formats(doc)
    paras = collect(doc.element.body, None, fmt)
    parts: dict[str, tuple[str, list[Para]]] = {}
    for label, part in header_parts(doc):
        parts[str(part.partname)] = (label, collect(part.element, label, fmt))
    ctx = Ctx(doc, fmt, paras, params, parts)
    out: list[Outcome] = []
    for ids, fn in CHECKS:
        got = list(fn(ctx))
        if sorted(o.rule for o in got) != sorted(ids):
            raise RuntimeError(f"check {fn.__name__} reported {[o.rule for o in got]}, declared {list(ids)}")
        out.extend(got)
    return out


# --- sections, headers and footers --------------------------------------------------------------

_HF_NAMES = {
    ("header", "default"): "đầu trang",
    ("header", "first"): "đầu trang của trang đầu",
    ("header", "even"): "đầu trang của trang chẵn",
    ("footer", "default"): "chân trang",
    ("footer", "first"): "chân trang của trang đầu",
    ("footer", "even"): "chân trang của trang chẵn",
}


def sect_prs(doc: Any) -> list[_El]:
    return [s._sectPr for s in doc.sections]


def hf_ref(doc: Any, section: int, kind: str, typ: str) -> tuple[str, Any] | None:
    """The header/footer part that section ``section`` (0-based) uses for ``typ``, inherited if unset."""
    secs = sect_prs(doc)
    for i in range(section, -1, -1):
        for ref in secs[i].findall(qn(f"w:{kind}Reference")):
            if (_val(ref, "w:type") or "default") == typ:
                rid = ref.get(qn("r:id"))
                part = doc.part.related_parts.get(rid) if rid else None
                return None if part is None else (str(part.partname), part)
    return None


def header_parts(doc: Any) -> list[tuple[str, Any]]:
    """Every header/footer part in use, named by its first use (``đầu trang của trang đầu, phần 2``)."""
    seen: dict[str, tuple[str, Any]] = {}
    n = len(doc.sections)
    even = bool(doc.settings.odd_and_even_pages_header_footer)
    for i in range(n):
        for kind, typ in _HF_NAMES:
            if typ == "even" and not even:
                continue
            if typ == "first" and not _on(sect_prs(doc)[i].find(qn("w:titlePg"))):
                continue
            got = hf_ref(doc, i, kind, typ)
            if got and got[0] not in seen:
                label = _HF_NAMES[(kind, typ)] + (f", phần {i + 1}" if n > 1 else "")
                seen[got[0]] = (label, got[1])
    return list(seen.values())


# --- where the components are ---------------------------------------------------------------------

_OUTLINE_RX = re.compile(r"^(?:[IVXLC]+|[A-Z]|\d+(?:\.\d+)*|[a-zđ])\s*[.)/]\s|^căn cứ\b|^[-+•*]\s", re.I)
_SO_RX = re.compile(r"^số\s*(?P<colon>[:：]?)\s*(?P<num>[^/]*?)\s*/\s*(?P<kh>.*)$", re.I)
_DATE_RX = re.compile(
    r"^(?P<place>[^,]*?)\s*(?P<comma>,?)\s*(?P<k1>ngày)\s*(?P<d>\S*?)\s*(?P<k2>tháng)\s*(?P<m>\S*?)"
    r"\s*(?P<k3>năm)\s*(?P<y>\S*?)\s*$",
    re.I,
)
_BAD_PREFIX_RX = re.compile(
    r"^(?:T/M|K/T|T\.M\.?|K\.T\.?|TM|KT|TL|TUQ|Q|THAY MẶT|KÝ THAY|THỪA LỆNH|THỪA ỦY QUYỀN|QUYỀN)(?=\s|$)", re.I
)


def prefix_rx(ctx: Ctx) -> re.Pattern[str]:
    """``TM. …``, ``KT. …``: the signing-authority prefixes of ``ND30-SIGNER``, group ``p`` and ``rest``."""
    got = ctx.memo.get("prefix_rx")
    if isinstance(got, re.Pattern):
        return got
    codes = sorted((c.rstrip(".") for c in ctx.texts("ND30-SIGNER", "prefixes")), key=len, reverse=True)
    rx = re.compile(rf"^(?P<p>{'|'.join(map(re.escape, codes))})\.\s*(?P<rest>.*)$")
    ctx.memo["prefix_rx"] = rx
    return rx


def hits(paras: Iterable[Para]) -> Iterator[Hit]:
    for p in paras:
        for i, ln in enumerate(p.lines):
            if ln.clean:
                yield Hit(p, i)


def _letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


@dataclass
class Layout:
    title: Hit | None = None
    title_code: str | None = None
    quochieu: Hit | None = None
    tieungu: Hit | None = None
    so: Hit | None = None
    date: Hit | None = None
    agency: list[Hit] = field(default_factory=list)
    issuing: list[Hit] = field(default_factory=list)
    trichyeu: list[Hit] = field(default_factory=list)
    body: list[Para] = field(default_factory=list)
    noinhan: Hit | None = None
    recipients: list[Hit] = field(default_factory=list)
    signer: list[Hit] = field(default_factory=list)


def _qh_key(text: str) -> str:
    return norm(text).upper().replace("HOÀ", "HÒA")


def _bold(ctx: Ctx, h: Hit) -> bool:
    return bool(h.runs) and all(ctx.fmt.flag(r, h.para, "b") for r in h.runs)


def layout(ctx: Ctx) -> Layout:
    """Find the components once: header parts, tên loại, trích yếu, body, nơi nhận and signer."""
    cached = ctx.memo.get("layout")
    if isinstance(cached, Layout):
        return cached
    lay = Layout()
    names = {norm(n).upper(): c for c, n in ctx.mapping("ND30-SO-KYHIEU", "type_codes").items()}
    lay.title = next((h for h in hits(ctx.paras[:80]) if h.text.upper() in names), None)
    if lay.title is not None:
        lay.title_code = names[lay.title.text.upper()]
        head = [p for p in ctx.paras if (p.index or 0) < (lay.title.para.index or 0)]
        if lay.title.line:  # the title shares a paragraph with what is above it
            head.append(lay.title.para)
    else:
        head = ctx.paras[:40]
    head_hits = [h for h in hits(head) if lay.title is None or h.pos < lay.title.pos]
    qh_want = _qh_key(ctx.text("ND30-QUOCHIEU", "text"))
    tn_parts = [re.escape(w.strip()) for w in ctx.text("ND30-TIEUNGU", "text").split("-")]
    tn_rx = re.compile(r"\s*[-–—]\s*".join(tn_parts), re.I)
    lay.quochieu = next((h for h in head_hits if _qh_key(h.text) == qh_want), None)
    lay.tieungu = next((h for h in head_hits if tn_rx.fullmatch(h.text.strip(" _"))), None)
    lay.so = next((h for h in head_hits if len(h.text) < 60 and _SO_RX.match(h.text)), None)
    lay.date = next(
        (
            h
            for h in head_hits
            if (m := _DATE_RX.match(h.text)) and len(m["place"]) < 60 and not h.text.lower().startswith("căn cứ")
        ),
        None,
    )
    taken = {x.pos for x in (lay.quochieu, lay.tieungu, lay.so, lay.date) if x is not None}
    pool: list[Hit] = []
    if lay.so is not None:
        cell = lay.so.para.cell  # in a header table: the same column, in any row above
        pool = [h for h in head_hits if h.pos < lay.so.pos and _same_column(h.para.cell, cell)]
    elif lay.quochieu is not None and lay.quochieu.para.cell:
        t, r, c = lay.quochieu.para.cell
        pool = [h for h in head_hits if h.para.cell and h.para.cell[:2] == (t, r) and h.para.cell[2] != c]
        pool = list(iter_until(pool, lambda h: h.pos in taken or h.text.lower().startswith("v/v")))
    lay.agency = [h for h in pool if h.pos not in taken and _letters(h.text)]
    if lay.agency:
        tail = list(reversed(list(iter_until(reversed(lay.agency), lambda h: not _bold(ctx, h)))))
        lay.issuing = tail or lay.agency[-1:]
    _find_title_block(ctx, lay)
    _find_closing(ctx, lay)
    _find_body(ctx, lay)
    ctx.memo["layout"] = lay
    return lay


def _same_column(a: tuple[int, int, int] | None, b: tuple[int, int, int] | None) -> bool:
    return a == b if a is None or b is None else (a[0], a[2]) == (b[0], b[2])


def iter_until(items: Iterable[T], stop: Callable[[T], bool]) -> Iterator[T]:
    for x in items:
        if stop(x):
            return
        yield x


def _find_title_block(ctx: Ctx, lay: Layout) -> None:
    if lay.title is None:
        return
    t = lay.title
    rest = [Hit(t.para, i) for i in range(t.line + 1, len(t.para.lines)) if t.para.lines[i].clean]
    if rest:
        lay.trichyeu = rest
        return
    after = [p for p in ctx.paras if (p.index or 0) > (t.para.index or 0) and p.top_level]
    for p in after:  # centred lines under the title; the first may be badly formatted but is short and not body-like
        if not _letters(p.text):
            if lay.trichyeu:
                break
            continue
        if _OUTLINE_RX.match(p.text) or len(lay.trichyeu) >= 3:
            break
        centred = ctx.fmt.jc(p) == "center"
        if not centred and lay.trichyeu:
            break
        bold = all(ctx.fmt.flag(r, p, "b") for r in p.runs)
        plain = len(p.text) <= 150 and not ctx.fmt.first_line(p) and not p.text.endswith(":")
        if not (centred or bold or plain):
            break
        lay.trichyeu.extend(Hit(p, i) for i, ln in enumerate(p.lines) if ln.clean)


def _find_closing(ctx: Ctx, lay: Layout) -> None:
    start = lay.title.pos if lay.title else (0, 0)
    after = [h for h in hits(ctx.paras) if h.pos > start]
    lay.noinhan = next((h for h in after if re.match(r"^nơi\s+nhận\b", h.text, re.I)), None)
    nn = lay.noinhan
    if nn is not None:
        if nn.para.cell:
            lay.recipients = [h for h in after if h.pos > nn.pos and h.para.cell == nn.para.cell]
        else:
            nxt = [h for h in after if h.pos > nn.pos]
            lay.recipients = list(iter_until(nxt, lambda h: not re.match(r"^[-+•]", h.text)))
    if nn is not None and nn.para.cell:
        t, r, c = nn.para.cell
        lay.signer = [h for h in after if h.para.cell and h.para.cell[:2] == (t, r) and h.para.cell[2] != c]
    if not lay.signer:
        heads = ctx.texts("ND30-SIGNER", "head_titles")
        marks = [
            i
            for i, h in enumerate(after)
            if prefix_rx(ctx).match(h.text) or h.text.startswith("PHÓ ") or any(h.text == x for x in heads)
        ]
        if marks:
            k = len(marks) - 1
            while k > 0 and marks[k] - marks[k - 1] <= 2:  # the prefix and title lines of one block
                k -= 1
            first = after[marks[k]]
            stop = nn.pos if nn is not None and first.pos < nn.pos else (10**9, 0)
            block = [h for h in after[marks[k] :] if h.para.cell == first.para.cell and h.pos < stop]
            lay.signer = block[:8]


def _table_start(ctx: Ctx, h: Hit) -> int:
    if not h.para.cell:
        return h.para.index or 0
    return min(p.index or 0 for p in ctx.paras if p.cell and p.cell[0] == h.para.cell[0])


def _find_body(ctx: Ctx, lay: Layout) -> None:
    found = [lay.quochieu, lay.tieungu, lay.so, lay.date, lay.title, *lay.agency, *lay.trichyeu]
    marks = [h.para.index or 0 for h in found if h is not None]
    start = max(marks, default=0)
    ends = [_table_start(ctx, h) for h in [*([lay.noinhan] if lay.noinhan else []), *lay.signer[:1]]]
    end = min(ends, default=10**9)
    for p in ctx.paras:
        i = p.index or 0
        if not (p.top_level and start < i < end and _letters(p.text)):
            continue
        heading = ctx.fmt.jc(p) == "center" and (
            p.text == p.text.upper() or all(ctx.fmt.flag(r, p, "b") for r in p.runs)
        )
        if not heading:
            lay.body.append(p)


# --- shared style checks --------------------------------------------------------------------------

_ALIGN = {
    "left": "căn trái",
    "start": "căn trái",
    "center": "căn giữa",
    "right": "căn phải",
    "end": "căn phải",
    "both": "căn đều hai bên",
    "distribute": "căn đều",
}


def is_upper(ctx: Ctx, h: Hit) -> bool:
    letters = [c for c in h.text if c.isalpha()]
    if all(c == c.upper() for c in letters):
        return True
    return bool(h.runs) and all(ctx.fmt.flag(r, h.para, "caps") for r in h.runs)


def styled(
    ctx: Ctx,
    rule_id: str,
    label: str,
    items: list[Hit],
) -> Outcome:
    """Check the runs of ``items`` against the rule's ``size_pt``, ``bold``, ``italic`` and ``align``."""
    size = ctx.range(rule_id, "size_pt")
    bold, italic = ctx.flag(rule_id, "bold"), ctx.flag(rule_id, "italic")
    center = ctx.params[rule_id].get("align") == "center"
    probs: list[str] = []
    sizes: set[float] = set()
    unresolved = False
    fmt = ctx.fmt
    for h in items:
        for r in h.runs:
            s = fmt.size(r, h.para)
            if s is None:
                unresolved = True
            elif size and not size[0] <= s <= size[1]:
                sizes.add(s)
        if bold is not None and any(fmt.flag(r, h.para, "b") != bold for r in h.runs):
            probs.append("chưa in đậm" if bold else "không được in đậm")
        if italic is not None and any(fmt.flag(r, h.para, "i") != italic for r in h.runs):
            probs.append("chưa in nghiêng" if italic else "phải là chữ đứng, không in nghiêng")
        if center and fmt.jc(h.para) != "center":
            probs.append(f"{_ALIGN.get(fmt.jc(h.para), fmt.jc(h.para))}, quy định căn giữa")
    if sizes and size:
        probs.append(f"cỡ chữ {', '.join(num(s) for s in sorted(sizes))} pt, quy định {rng(*size)} pt")
    at = items[0].para
    if probs:
        return bad(rule_id, f"{label} ở {at.where}: {'; '.join(dict.fromkeys(probs))}.", at)
    if unresolved:
        return na(rule_id, f"{label} ở {at.where}: không xác định được cỡ chữ (không kiểu nào đặt cỡ chữ).", at)
    wants = [
        *(["in đậm"] if bold else []),
        *(["in nghiêng"] if italic else []),
        *(["chữ đứng"] if italic is False else []),
        *(["căn giữa"] if center else []),
        *([f"cỡ {rng(*size)} pt"] if size else []),
    ]
    return ok(rule_id, f"{label} đúng định dạng ({', '.join(wants)}).", at)


def _missing(rule_id: str, what: str) -> Outcome:
    return na(rule_id, f"Không tìm thấy {what} nên không kiểm tra được.")


# --- the rules ------------------------------------------------------------------------------------


@rule("ND30-PAGE-A4", "ND30-PAGE-MARGINS")
def check_page(ctx: Ctx) -> Iterator[Outcome]:
    a4, mg = "ND30-PAGE-A4", "ND30-PAGE-MARGINS"
    w0, h0, tol = ctx.number(a4, "width_mm"), ctx.number(a4, "height_mm"), ctx.number(a4, "tolerance_mm")
    mtol = ctx.number(mg, "tolerance_mm")
    secs = list(ctx.doc.sections)
    size_probs: list[tuple[str, str]] = []
    margin_probs: list[tuple[str, str]] = []
    size_unknown: list[str] = []
    margin_unknown: list[str] = []
    for i, s in enumerate(secs):
        where = "trang 1" if i == 0 else f"phần {i + 1}"
        sfx = f" (phần {i + 1})" if len(secs) > 1 else ""
        w, h = s.page_width, s.page_height
        if w is None or h is None:
            size_unknown.append(where)
        else:
            wm, hm = w / EMU_MM, h / EMU_MM
            short, long = sorted((wm, hm))
            if abs(short - w0) > tol or abs(long - h0) > tol:
                size_probs.append(
                    (where, f"Khổ giấy {num(wm)} × {num(hm)} mm{sfx}, quy định A4 {num(w0)} × {num(h0)} mm")
                )
            elif i == 0 and wm > hm:
                size_probs.append((where, "Trang 1 trình bày theo chiều ngang, quy định theo chiều dài khổ A4"))
        landscape = w is not None and h is not None and w > h
        found: dict[str, float] = {}
        for attr, label in (
            ("top_margin", "trên"),
            ("bottom_margin", "dưới"),
            ("left_margin", "trái"),
            ("right_margin", "phải"),
        ):
            v = getattr(s, attr)
            if v is None:
                margin_unknown.append(f"lề {label}{sfx}")
            else:
                found[label] = abs(v) / EMU_MM + (s.gutter or 0) / EMU_MM * (attr == "left_margin")
        wants = {label: ctx.range(mg, key) for label, key in _MARGIN_KEYS}
        plain = [
            f"Lề {label} {num(round(mm, 1))} mm{sfx}, quy định {rng(*wants[label])} mm"
            for label, mm in found.items()
            if not wants[label][0] - mtol <= mm <= wants[label][1] + mtol
        ]
        if plain and landscape:  # a landscape page is the portrait page turned: its top edge is the binding side
            turned = {"trên": "trái", "dưới": "phải", "trái": "trên", "phải": "dưới"}
            if all(wants[turned[lb]][0] - mtol <= mm <= wants[turned[lb]][1] + mtol for lb, mm in found.items()):
                plain = []
            else:
                alt = (
                    f"trang khổ ngang có thể đặt lề trên {rng(*wants['trái'])} mm, lề dưới {rng(*wants['phải'])} mm, "
                    f"lề trái và phải {rng(*wants['trên'])} mm"
                )
                plain = [*plain, alt]
        margin_probs.extend((where, m) for m in plain)
    if size_probs:
        yield bad(a4, "; ".join(m for _, m in size_probs) + ".", size_probs[0][0])
    elif size_unknown:
        yield na(a4, f"Tệp không ghi khổ giấy ({', '.join(size_unknown)}); khổ giấy do phần mềm tự chọn.")
    else:
        yield ok(a4, f"Khổ A4 ({num(w0)} × {num(h0)} mm), trang 1 theo chiều dọc.")
    if margin_probs:
        yield bad(mg, "; ".join(m for _, m in margin_probs) + ".", margin_probs[0][0])
    elif margin_unknown:
        yield na(mg, f"Tệp không ghi {', '.join(margin_unknown)}; lề do phần mềm tự chọn.")
    else:
        yield ok(mg, "Lề trên, dưới, trái, phải đúng quy định.")


_MARGIN_KEYS = (("trên", "top_mm"), ("dưới", "bottom_mm"), ("trái", "left_mm"), ("phải", "right_mm"))


def _slots(text: str) -> list[str]:
    chars = [c for c in text if not c.isspace()]
    return (["ascii"] if any(c.isascii() for c in chars) else []) + (
        ["hAnsi"] if any(not c.isascii() for c in chars) else []
    )


def same_font(font: str, want: str) -> bool:
    """``Times New Roman`` also as a face name (``Times New Roman Bold``, ``TimesNewRomanPSMT``)."""
    squash = re.sub(r"[\s-]+", "", norm(font).casefold())
    squash = re.sub(r"(?:psmt|ps|mt|regular|bolditalic|bold|italic)+$", "", squash)
    return squash == re.sub(r"\s+", "", want.casefold())


@rule("ND30-FONT-RUNS", "ND30-FONT-STYLES")
def check_fonts(ctx: Ctx) -> Iterator[Outcome]:
    fr, fs = "ND30-FONT-RUNS", "ND30-FONT-STYLES"
    want = ctx.text(fr, "font")
    wrong: dict[str, list[Para]] = {}
    unknown: list[Para] = []
    every = [*ctx.paras, *(p for _, ps in ctx.parts.values() for p in ps)]
    seen_runs = 0
    for para in every:
        for r in dict.fromkeys(para.runs):
            seen_runs += 1
            for slot in _slots(_run_text(r)):
                f = ctx.fmt.font(r, para, slot)
                if f is None:
                    unknown.append(para)
                elif not same_font(f, want):
                    wrong.setdefault(norm(f), []).append(para)
    if wrong:
        first = min((p for ps in wrong.values() for p in ps), key=lambda p: p.index or 10**9)
        text = "; ".join(f"{f} ở {places(ps)}" for f, ps in wrong.items())
        yield bad(fr, f"Có chữ không dùng phông {want}: {text}.", first)
    elif unknown:
        yield na(
            fr,
            f"Không xác định được phông chữ ở {places(unknown)}: phông lấy từ chủ đề (theme) không đọc được "
            "hoặc không kiểu nào đặt phông.",
            unknown[0],
        )
    elif not seen_runs:
        yield na(fr, "Văn bản không có chữ nên không kiểm tra được phông.")
    else:
        yield ok(fr, f"Mọi đoạn chữ đều dùng phông {want}.")
    used: dict[str, None] = dict.fromkeys(p.style for p in every if p.style)
    for para in every:
        for r in para.runs:
            rpr = r.find(W_RPR)
            rs = _val(rpr.find(qn("w:rStyle"))) if rpr is not None else None
            if rs:
                used[rs] = None
    bad_styles: list[str] = []
    unknown_styles: list[str] = []
    for sid in used:
        levels = ctx.fmt._levels(W_RPR, sid)
        for slot in ("ascii", "hAnsi"):
            f = ctx.fmt.font_at(levels, slot)
            name = ctx.fmt.style_name(sid)
            if f is None:
                unknown_styles.append(f"«{name}»")
            elif not same_font(f, want):
                bad_styles.append(f"kiểu «{name}» dùng phông {f}")
    if bad_styles:
        yield bad(fs, f"{'; '.join(dict.fromkeys(bad_styles))}; quy định {want}.")
    elif unknown_styles:
        yield na(fs, f"Không xác định được phông của kiểu {', '.join(dict.fromkeys(unknown_styles))} (phông chủ đề).")
    elif not used:
        yield na(fs, "Không có kiểu đoạn văn nào được dùng.")
    else:
        yield ok(fs, f"Các kiểu đang dùng ({len(used)}) đều đặt phông {want}.")


@rule("ND30-QUOCHIEU", "ND30-QUOCHIEU-STYLE", "ND30-TIEUNGU", "ND30-TIEUNGU-STYLE")
def check_national(ctx: Ctx) -> Iterator[Outcome]:
    lay = layout(ctx)
    qh, tn = lay.quochieu, lay.tieungu
    want_qh, want_tn = ctx.text("ND30-QUOCHIEU", "text"), ctx.text("ND30-TIEUNGU", "text")
    if qh is None:
        yield bad("ND30-QUOCHIEU", f"Không tìm thấy quốc hiệu «{want_qh}» ở phần đầu văn bản.")
        yield _missing("ND30-QUOCHIEU-STYLE", "quốc hiệu")
    else:
        if is_upper(ctx, qh):
            yield ok("ND30-QUOCHIEU", f"Có quốc hiệu ở {qh.para.where}.", qh.para)
        else:
            yield bad("ND30-QUOCHIEU", f"Quốc hiệu ở {qh.para.where} chưa viết in hoa: «{qh.text}».", qh.para)
        yield styled(ctx, "ND30-QUOCHIEU-STYLE", "Quốc hiệu", [qh])
    if tn is None:
        under = " dưới quốc hiệu" if qh is not None else ""
        yield bad("ND30-TIEUNGU", f"Không tìm thấy tiêu ngữ «{want_tn}»{under}.", qh.para if qh else None)
        yield _missing("ND30-TIEUNGU-STYLE", "tiêu ngữ")
    else:
        if tn.text.strip(" _") == want_tn:
            yield ok("ND30-TIEUNGU", f"Có tiêu ngữ ở {tn.para.where}.", tn.para)
        else:
            yield bad(
                "ND30-TIEUNGU",
                f"Tiêu ngữ ở {tn.para.where} viết «{tn.text}», quy định «{want_tn}» (chữ thường, viết hoa chữ đầu "
                "mỗi cụm từ, giữa các cụm từ là gạch nối có cách chữ).",
                tn.para,
            )
        yield styled(ctx, "ND30-TIEUNGU-STYLE", "Tiêu ngữ", [tn])


@rule("ND30-COQUAN", "ND30-COQUAN-STYLE")
def check_agency(ctx: Ctx) -> Iterator[Outcome]:
    lay = layout(ctx)
    if not lay.agency:
        yield bad("ND30-COQUAN", "Không tìm thấy tên cơ quan, tổ chức ban hành (góc trên bên trái, trên dòng «Số:»).")
        yield _missing("ND30-COQUAN-STYLE", "tên cơ quan ban hành")
        return
    lower = [h for h in lay.agency if not is_upper(ctx, h)]
    if lower:
        yield bad(
            "ND30-COQUAN", f"Tên cơ quan ở {lower[0].para.where} chưa viết in hoa: «{lower[0].text}».", lower[0].para
        )
    else:
        name = " ".join(h.text for h in lay.issuing)
        yield ok("ND30-COQUAN", f"Tên cơ quan ban hành: «{name}».", lay.issuing[0].para)
    yield styled(ctx, "ND30-COQUAN-STYLE", "Tên cơ quan ban hành", lay.issuing)


@rule("ND30-SO-KYHIEU", "ND30-SO-BLANK")
def check_number(ctx: Ctx) -> Iterator[Outcome]:
    lay, rid = layout(ctx), "ND30-SO-KYHIEU"
    so = lay.so
    m = _SO_RX.match(so.text) if so is not None else None
    if so is None or m is None:
        yield bad(rid, "Không tìm thấy số, ký hiệu văn bản (dòng «Số: 42/KH-UBND» dưới tên cơ quan).")
        yield _missing("ND30-SO-BLANK", "dòng «Số:»")
        return
    raw, probs = so.text, []
    codes = ctx.mapping(rid, "type_codes")
    forbidden = {c.casefold() for c in ctx.texts(rid, "forbidden_codes")}
    if not raw.startswith("Số"):
        probs.append(f"viết «{raw[:2]}», quy định «Số»")
    if not m["colon"]:
        probs.append("thiếu dấu hai chấm sau «Số»")
    number = m["num"]
    blank = _blank(number)
    if not blank:
        if not (number.isascii() and number.isdigit()):
            probs.append(f"số «{number}» phải là chữ số Ả Rập")
        elif int(number) < 10 and len(number) < 2:
            probs.append(f"số nhỏ hơn 10 phải thêm số 0 phía trước («{int(number):02d}», không phải «{number}»)")
        if re.search(r"\d\s+/|/\s+", raw):
            probs.append("không được có dấu cách quanh dấu «/»")
    kh = m["kh"].strip()
    groups = [g.strip() for g in kh.split("-") if g.strip()]
    code = groups[0] if groups else ""
    exact = {c.casefold(): c for c in codes}.get(code.casefold())
    if " " in kh:
        probs.append("ký hiệu không được có dấu cách")
    if not kh:
        probs.append("thiếu ký hiệu sau dấu «/»")
    elif code.casefold() in forbidden:
        probs.append(f"«{code}» không phải chữ viết tắt tên loại văn bản (Phụ lục III; công văn không có chữ viết tắt)")
    elif exact is not None:
        if exact != code:
            probs.append(f"chữ viết tắt tên loại phải viết «{exact}», không phải «{code}»")
        if lay.title_code and exact != lay.title_code:
            probs.append(f"«{exact}» không khớp tên loại «{lay.title.text if lay.title else ''}» («{lay.title_code}»)")
        if len(groups) < 2:
            probs.append(f"thiếu chữ viết tắt tên cơ quan sau «{exact}» (ví dụ «{exact}-UBND»)")
    elif lay.title_code:
        probs.append(f"«{code}» không có trong bảng chữ viết tắt tên loại (Phụ lục III); đúng là «{lay.title_code}»")
    probs += [f"chữ viết tắt «{g}» phải viết in hoa" for g in groups[1:] if g != g.upper()]
    if probs:
        yield bad(rid, f"Số, ký hiệu «{raw}» ở {so.para.where}: {'; '.join(probs)}.", so.para)
    else:
        yield ok(rid, f"Số, ký hiệu «{raw}» đúng mẫu.", so.para)
    if blank:
        yield bad("ND30-SO-BLANK", f"Chưa có số văn bản ở {so.para.where} (dự thảo): «{raw}».", so.para)
    else:
        yield ok("ND30-SO-BLANK", f"Đã có số văn bản: {number}.", so.para)


def _blank(s: str) -> bool:
    return not re.sub(r"[\s.…_]", "", s)


@rule("ND30-DATE-FORMAT", "ND30-DATE-BLANK", "ND30-DATE-STYLE")
def check_date(ctx: Ctx) -> Iterator[Outcome]:
    lay, rid = layout(ctx), "ND30-DATE-FORMAT"
    dt = lay.date
    m = _DATE_RX.match(dt.text) if dt is not None else None
    if dt is None or m is None:
        yield bad(rid, "Không tìm thấy địa danh và thời gian ban hành («<Địa danh>, ngày … tháng … năm …»).")
        yield _missing("ND30-DATE-BLANK", "dòng ngày tháng")
        yield _missing("ND30-DATE-STYLE", "dòng ngày tháng")
        return
    probs: list[str] = []
    blanks: list[str] = []
    pad_below = int(ctx.number(rid, "zero_pad_months_below"))
    place = m["place"].strip()
    if not place:
        probs.append("thiếu địa danh trước «ngày»")
    elif not m["comma"]:
        probs.append(f"thiếu dấu phẩy sau địa danh «{place}»")
    probs += [f"«{m[k]}» phải viết thường" for k in ("k1", "k2", "k3") if m[k] != m[k].lower()]
    values: dict[str, int] = {}
    for key, word, hi in (("d", "ngày", 31), ("m", "tháng", 12), ("y", "năm", 9999)):
        s = m[key]
        if _blank(s):
            blanks.append(word)
        elif not (s.isascii() and s.isdigit()) or not 1 <= int(s) <= hi or (key == "y" and len(s) != 4):
            probs.append(f"{word} «{s}» không hợp lệ")
        else:
            values[key] = v = int(s)
            if key == "d" and v < 10 and len(s) != 2:
                probs.append(f"ngày {s} phải viết «{v:02d}» (ngày nhỏ hơn 10 thêm số 0)")
            if key == "m" and v < pad_below and s != f"{v:02d}":
                probs.append(f"tháng {s} phải viết «{v:02d}» (tháng 1 và 2 thêm số 0)")
            if key == "m" and v >= pad_below and s.startswith("0"):
                probs.append(f"«tháng {s}» không thêm số 0, viết «tháng {v}»")
    if len(values) == 3:
        try:
            date(values["y"], values["m"], values["d"])
        except ValueError:
            probs.append(f"ngày {values['d']}/{values['m']}/{values['y']} không có thật")
    if probs:
        yield bad(rid, f"Dòng «{dt.text}» ở {dt.para.where}: {'; '.join(probs)}.", dt.para)
    else:
        yield ok(rid, f"Địa danh và ngày tháng «{dt.text}» đúng mẫu.", dt.para)
    if blanks:
        yield bad("ND30-DATE-BLANK", f"Chưa điền {', '.join(blanks)} ở {dt.para.where} (dự thảo).", dt.para)
    else:
        yield ok("ND30-DATE-BLANK", "Đã điền đủ ngày, tháng, năm.", dt.para)
    yield styled(ctx, "ND30-DATE-STYLE", "Dòng địa danh, ngày tháng", [dt])


@rule("ND30-HEADER-ORDER")
def check_order(ctx: Ctx) -> Iterator[Outcome]:
    lay = layout(ctx)
    ag = lay.agency[0] if lay.agency else None
    pairs = [
        (ag, lay.so, "tên cơ quan ban hành", "số, ký hiệu"),
        (lay.quochieu, lay.tieungu, "quốc hiệu", "tiêu ngữ"),
        (lay.quochieu, lay.date, "quốc hiệu", "địa danh, ngày tháng"),
        (lay.tieungu, lay.date, "tiêu ngữ", "địa danh, ngày tháng"),
    ]
    probs: list[str] = []
    checked = 0
    for a, b, la, lb in pairs:
        if a is not None and b is not None:
            checked += 1
            if not a.pos < b.pos:
                probs.append(f"{la} ({a.para.where}) phải ở trên {lb} ({b.para.where})")
    for a, b, la, lb in (
        (ag, lay.quochieu, "tên cơ quan", "quốc hiệu"),
        (lay.so, lay.date, "số, ký hiệu", "ngày tháng"),
    ):
        if a is not None and b is not None and a.para.cell and b.para.cell and a.para.cell[0] == b.para.cell[0]:
            checked += 1
            if not a.para.cell[2] < b.para.cell[2]:
                probs.append(f"{la} phải ở cột bên trái, {lb} ở cột bên phải")
    if probs:
        yield bad("ND30-HEADER-ORDER", f"Sai vị trí phần đầu: {'; '.join(probs)}.", ag.para if ag else None)
    elif not checked:
        yield na("ND30-HEADER-ORDER", "Không đủ thành phần ở phần đầu văn bản để kiểm tra thứ tự.")
    else:
        yield ok("ND30-HEADER-ORDER", "Các thành phần phần đầu đúng thứ tự và vị trí.")


@rule("ND30-TENLOAI", "ND30-TENLOAI-STYLE", "ND30-TRICHYEU")
def check_title(ctx: Ctx) -> Iterator[Outcome]:
    lay = layout(ctx)
    t = lay.title
    if t is None:
        yield bad("ND30-TENLOAI", "Không tìm thấy tên loại văn bản (ví dụ «KẾ HOẠCH», in hoa, căn giữa).")
        yield _missing("ND30-TENLOAI-STYLE", "tên loại")
        yield _missing("ND30-TRICHYEU", "tên loại (trích yếu nằm dưới tên loại)")
        return
    if is_upper(ctx, t):
        yield ok("ND30-TENLOAI", f"Tên loại «{t.text}» ở {t.para.where}.", t.para)
    else:
        yield bad("ND30-TENLOAI", f"Tên loại «{t.text}» ở {t.para.where} chưa viết in hoa.", t.para)
    yield styled(ctx, "ND30-TENLOAI-STYLE", "Tên loại", [t])
    if not lay.trichyeu:
        yield bad("ND30-TRICHYEU", f"Không có trích yếu nội dung dưới tên loại «{t.text}».", t.para)
    else:
        yield styled(ctx, "ND30-TRICHYEU", "Trích yếu", lay.trichyeu)


def _verdict(
    rule_id: str, wrong: dict[str, list[Para]], unknown: list[Para], rule_text: str, unknown_text: str, ok_text: str
) -> Outcome:
    if wrong:
        first = min((p for ps in wrong.values() for p in ps), key=lambda p: p.index or 0)
        return bad(rule_id, "; ".join(f"{k} ở {places(ps)}" for k, ps in wrong.items()) + f" ({rule_text}).", first)
    if unknown:
        return na(rule_id, f"{unknown_text} ở {places(unknown)}.", unknown[0])
    return ok(rule_id, ok_text)


@rule("ND30-BODY-SIZE", "ND30-BODY-ALIGN", "ND30-BODY-INDENT", "ND30-BODY-SPACING", "ND30-BODY-LINE")
def check_body(ctx: Ctx) -> Iterator[Outcome]:
    body, fmt = layout(ctx).body, ctx.fmt
    ids = ("ND30-BODY-SIZE", "ND30-BODY-ALIGN", "ND30-BODY-INDENT", "ND30-BODY-SPACING", "ND30-BODY-LINE")
    if not body:
        for rid in ids:
            yield na(rid, "Không xác định được các đoạn nội dung (giữa trích yếu và khối chữ ký).")
        return
    n = len(body)
    lo, hi = ctx.range(ids[0], "size_pt")
    wrong: dict[str, list[Para]] = {}
    unknown: list[Para] = []
    for p in body:
        for r in p.runs:
            s = fmt.size(r, p)
            if s is None:
                unknown.append(p)
            elif not lo <= s <= hi:
                wrong.setdefault(f"Cỡ chữ {num(s)} pt", []).append(p)
    yield _verdict(
        ids[0],
        wrong,
        unknown,
        f"quy định {rng(lo, hi)} pt",
        "Không xác định được cỡ chữ",
        f"{n} đoạn nội dung cỡ {rng(lo, hi)} pt.",
    )
    wrong = {}
    justified = ctx.texts(ids[1], "align")
    for p in body:
        jc = fmt.jc(p)
        if jc not in justified:
            wrong.setdefault(f"Đoạn {_ALIGN.get(jc, jc)}", []).append(p)
    yield _verdict(ids[1], wrong, [], "quy định căn đều hai bên", "", f"{n} đoạn nội dung căn đều hai bên.")
    lo, hi = ctx.range(ids[2], "first_line_cm")
    tol = ctx.number(ids[2], "tolerance_cm")
    wrong, unknown = {}, []
    for p in body:
        tw = fmt.first_line(p)
        if tw is None:
            unknown.append(p)
            continue
        cm = tw / TWIP_MM / 10
        if not lo - tol <= cm <= hi + tol:
            label = f"Thụt treo {num(-cm)} cm" if cm < 0 else f"Thụt đầu dòng {num(cm)} cm"
            wrong.setdefault(label, []).append(p)
    yield _verdict(
        ids[2],
        wrong,
        unknown,
        f"quy định thụt đầu dòng {rng(lo, hi)} cm",
        "Thụt đầu dòng tính theo số ký tự, không quy được ra cm",
        f"{n} đoạn nội dung thụt đầu dòng {rng(lo, hi)} cm.",
    )
    least = ctx.number(ids[3], "min_pt")
    wrong, unknown = {}, []
    pairs = [(a, b) for a, b in pairwise(body) if (b.index or 0) == (a.index or 0) + 1]
    for a, b in pairs:
        after = 0.0 if fmt.contextual(a) and a.style == b.style else fmt.spacing(a, "after")
        before = 0.0 if fmt.contextual(b) and a.style == b.style else fmt.spacing(b, "before")
        if after is None or before is None:
            unknown.append(a)
        elif after + before < least - 0.01:
            wrong.setdefault(f"Khoảng cách sau đoạn {num(after + before)} pt", []).append(a)
    if not pairs:
        yield na(ids[3], "Không có hai đoạn nội dung liền nhau để đo khoảng cách.")
    else:
        yield _verdict(
            ids[3],
            wrong,
            unknown,
            f"quy định tối thiểu {num(least)} pt",
            "Khoảng cách đoạn đặt tự động hoặc theo dòng, không quy được ra pt",
            f"Khoảng cách giữa các đoạn nội dung từ {num(least)} pt trở lên.",
        )
    lo, hi = ctx.range(ids[4], "lines")
    factor, ltol = ctx.number(ids[4], "single_line_factor"), ctx.number(ids[4], "tolerance")
    wrong, unknown = {}, []
    for p in body:
        how, v = fmt.line(p)
        if how == "auto":
            lines, label = v / 240, f"Giãn dòng {num(v / 240)} dòng"
        else:
            size = next((s for r in p.runs if (s := fmt.size(r, p)) is not None), None)
            if size is None:
                unknown.append(p)
                continue
            lines = v / 20 / (factor * size)
            lines = max(1.0, lines) if how == "atLeast" else lines
            kind = "tối thiểu" if how == "atLeast" else "cố định"
            label = f"Giãn dòng {kind} {num(v / 20)} pt (≈ {num(round(lines, 2))} dòng)"
        if not lo - ltol <= lines <= hi + ltol:
            wrong.setdefault(label, []).append(p)
    yield _verdict(
        ids[4],
        wrong,
        unknown,
        f"quy định từ {rng(lo, hi).replace('–', ' đến ')} dòng",
        "Không xác định được cỡ chữ để quy đổi giãn dòng",
        f"Giãn dòng trong khoảng {rng(lo, hi)} dòng.",
    )


def _is_name(text: str) -> bool:
    """A person's name written in capitals (``NGUYỄN VĂN A``), not a title."""
    words = text.split()
    return 2 <= len(words) <= 5 and words[0].capitalize() in surname_set()


@rule("ND30-SIGNER")
def check_signer(ctx: Ctx) -> Iterator[Outcome]:
    lay, rid = layout(ctx), "ND30-SIGNER"
    lines = [h for h in lay.signer if _letters(h.text)]
    if not lines:
        yield na(rid, "Không tìm thấy khối chữ ký (quyền hạn, chức vụ, họ tên người ký).")
        return
    heads = ctx.texts(rid, "head_titles")
    deputy = ctx.text(rid, "deputy_prefix")
    collective = ctx.texts(rid, "collective_bodies")
    valid = {p.rstrip(".") for p in ctx.texts(rid, "prefixes")}
    rx = prefix_rx(ctx)
    upper = [h.text for h in lines if h.text == h.text.upper() and not _is_name(h.text) and h.text[0] not in "([*"]
    prefixes = [(m["p"], m["rest"]) for t in upper if (m := rx.match(t))]
    malformed = [t for t in upper if not rx.match(t) and _BAD_PREFIX_RX.match(t)]
    titles = [t for t in upper if not rx.match(t) and not _BAD_PREFIX_RX.match(t)]
    title = titles[-1] if titles else (prefixes[-1][1] if prefixes else None)
    codes = [p for p, _ in prefixes]
    at = lines[0].para
    probs: list[str] = []
    if malformed:
        probs.append(
            f"viết sai quyền hạn ký «{malformed[0]}», quy định một trong {', '.join(sorted(valid))} có dấu chấm"
        )
    is_deputy = title is not None and title.startswith(deputy + " ")
    is_head = title is not None and any(title == x or title.startswith(x + " ") for x in heads)
    if is_deputy and not {"KT", "Q", "TL", "TUQ"} & set(codes):
        probs.append(f"người ký là cấp phó («{title}») nhưng thiếu «KT.» trước chức vụ người đứng đầu")
    if "KT" in codes and not titles:
        probs.append("sau «KT. …» phải ghi chức vụ của người ký (ví dụ «PHÓ CHỦ TỊCH»)")
    agency = " ".join(h.text for h in lay.issuing).upper()
    body = next((c for c in collective if c in agency), None)
    if body and is_head and not codes:
        probs.append(f"văn bản của tập thể («{body}») do người đứng đầu ký phải có «TM.» trước tên tập thể")
    if probs:
        yield bad(rid, f"Khối chữ ký ở {at.where}: {'; '.join(probs)}.", at)
    elif codes:
        yield ok(rid, f"Khối chữ ký có quyền hạn ký «{' / '.join(c + '.' for c in codes)}», chức vụ «{title}».", at)
    elif is_head:
        yield ok(rid, f"Người ký là người đứng đầu («{title}»), không cần ghi quyền hạn ký.", at)
    else:
        what = f"chức vụ «{title}»" if title else "không có dòng chức vụ in hoa"
        yield na(rid, f"Không xác định được người ký có phải người đứng đầu không ({what}).", at)


@rule("ND30-NOINHAN", "ND30-NOINHAN-STYLE", "ND30-NOINHAN-LIST", "ND30-NOINHAN-LIST-STYLE", "ND30-NOINHAN-PUNCT")
def check_recipients(ctx: Ctx) -> Iterator[Outcome]:
    lay = layout(ctx)
    nn, rec = lay.noinhan, lay.recipients
    if nn is None:
        yield bad("ND30-NOINHAN", "Không có phần «Nơi nhận:» (góc dưới bên trái, ngang hàng chức vụ người ký).")
        for rid in ("ND30-NOINHAN-STYLE", "ND30-NOINHAN-LIST", "ND30-NOINHAN-LIST-STYLE", "ND30-NOINHAN-PUNCT"):
            yield _missing(rid, "«Nơi nhận:»")
        return
    label = ctx.text("ND30-NOINHAN", "label")
    if nn.text.startswith(label):
        yield ok("ND30-NOINHAN", f"Có «{label}» ở {nn.para.where}.", nn.para)
    else:
        yield bad("ND30-NOINHAN", f"Viết «{nn.text}» ở {nn.para.where}, quy định «{label}».", nn.para)
    yield styled(ctx, "ND30-NOINHAN-STYLE", f"«{label}»", [nn])
    if not rec:
        yield bad("ND30-NOINHAN-LIST", f"Không có danh sách nơi nhận dưới «{label}».", nn.para)
        yield _missing("ND30-NOINHAN-LIST-STYLE", "danh sách nơi nhận")
        yield _missing("ND30-NOINHAN-PUNCT", "danh sách nơi nhận")
        return
    last_want = ctx.text("ND30-NOINHAN-LIST", "last_line_prefix")
    items: list[str] = []  # a line that does not start with "-" continues an item not yet ended by ";"
    for h in rec:
        if items and not re.match(r"^[-+•]", h.text) and not items[-1].endswith((";", ".", ":")):
            items[-1] += " " + h.text
        else:
            items.append(h.text)
    probs = [f"dòng «{t[:40]}» không bắt đầu bằng «- »" for t in items if not re.match(r"^[-+]\s", t)]
    if not items[-1].startswith(last_want):
        probs.append(f"dòng cuối phải là «{last_want} VT, …» (đang là «{items[-1][:40]}»)")
    if probs:
        yield bad("ND30-NOINHAN-LIST", f"Danh sách nơi nhận ở {rec[0].para.where}: {'; '.join(probs)}.", rec[0].para)
    else:
        yield ok("ND30-NOINHAN-LIST", f"Danh sách {len(items)} nơi nhận, dòng cuối «{items[-1]}».", rec[0].para)
    yield styled(ctx, "ND30-NOINHAN-LIST-STYLE", "Danh sách nơi nhận", rec)
    note = r"(?:\s*\([^)]*\))?$"  # "- UBND huyện; (b/c)"
    punct = [f"«{t[:40]}» phải kết thúc bằng «;»" for t in items[:-1] if not re.search(rf"[;:]{note}", t)]
    if not re.search(rf"\.{note}", items[-1]):
        punct.append(f"dòng cuối «{items[-1][:40]}» phải kết thúc bằng dấu chấm")
    if punct:
        yield bad("ND30-NOINHAN-PUNCT", f"Danh sách nơi nhận: {'; '.join(punct)}.", rec[0].para)
    else:
        yield ok("ND30-NOINHAN-PUNCT", "Các dòng nơi nhận kết thúc đúng dấu «;» và «.».", rec[0].para)


_PAGE_RX = re.compile(r"(?<![A-Z])PAGE(?![A-Z])")


def has_page_field(para: Para) -> bool:
    instr = "".join(el.text or "" for el in _owned(para.el, qn("w:instrText")))
    instr += " ".join(str(el.get(qn("w:instr")) or "") for el in _owned(para.el, qn("w:fldSimple")))
    return bool(_PAGE_RX.search(instr.upper()))


def _tab_centred(ctx: Ctx, para: Para) -> bool:
    """A left-aligned header line ``<tab>PAGE`` whose tab stop is a centre tab in the middle of the text area
    (Word's built-in "Header" style has one)."""
    raw = "".join(_run_text(r) for r in _owned(para.el, W_R))
    if not raw.startswith("\t") or raw.count("\t") != 1 or raw.strip(" \t0123456789"):
        return False
    sec = ctx.doc.sections[0]
    if None in (sec.page_width, sec.left_margin, sec.right_margin):
        return False
    middle = (sec.page_width - sec.left_margin - sec.right_margin) / 2 / 635  # EMU -> twips
    stops: dict[float, str] = {}  # tab stops merge from the defaults up; "clear" removes an inherited one
    for level in reversed(ctx.fmt.para_levels(para)):
        for tab in level.findall(f"{qn('w:tabs')}/{qn('w:tab')}"):
            pos = _twips(_val(tab, "w:pos"))
            if pos is not None:
                stops[pos] = _val(tab) or ""
    stops = {pos: kind for pos, kind in stops.items() if kind != "clear" and pos > 0}
    if not stops:
        return False
    first = min(stops)  # the single tab goes to the first stop
    return stops[first] == "center" and abs(first - middle) <= 5 * TWIP_MM


@rule("ND30-PAGENUM", "ND30-PAGENUM-FIRST")
def check_page_numbers(ctx: Ctx) -> Iterator[Outcome]:
    rid, fmt = "ND30-PAGENUM", ctx.fmt
    numbered = [(label, p) for label, ps in ctx.parts.values() for p in ps if has_page_field(p)]
    top = [p for label, p in numbered if label.startswith("đầu trang")]
    bottom = [p for label, p in numbered if label.startswith("chân trang")]
    sect1 = sect_prs(ctx.doc)[0]
    if top:
        probs: list[str] = []
        lo, hi = ctx.range(rid, "size_pt")
        unresolved = False
        for p in top:
            if fmt.jc(p) != "center" and not _tab_centred(ctx, p):
                probs.append(f"số trang ở {p.where} {_ALIGN.get(fmt.jc(p), fmt.jc(p))}, quy định căn giữa")
            runs = list(_owned(p.el, W_R))
            sizes = [fmt.size(r, p) for r in runs]
            unresolved |= any(s is None for s in sizes)
            odd = sorted({s for s in sizes if s is not None and not lo <= s <= hi})
            if odd:
                probs.append(f"số trang ở {p.where} cỡ {', '.join(num(s) for s in odd)} pt, quy định {rng(lo, hi)} pt")
            if any(fmt.flag(r, p, "i") for r in runs):
                probs.append(f"số trang ở {p.where} in nghiêng, quy định chữ đứng")
        pg = sect1.find(qn("w:pgNumType"))
        if (_val(pg, "w:fmt") or "decimal") != "decimal":
            probs.append(f"số trang kiểu «{_val(pg, 'w:fmt')}», quy định chữ số Ả Rập")
        if (_val(pg, "w:start") or "1") != "1":
            probs.append(f"số trang bắt đầu từ {_val(pg, 'w:start')}, quy định bắt đầu từ 1")
        if probs:
            text = "; ".join(probs)
            yield bad(rid, text[:1].upper() + text[1:] + ".", top[0])
        elif unresolved:
            yield na(rid, f"Số trang ở {top[0].where}: không xác định được cỡ chữ.", top[0])
        else:
            yield ok(rid, f"Số trang ở {top[0].where}, căn giữa, cỡ {rng(lo, hi)} pt.", top[0])
    elif bottom:
        yield bad(rid, f"Số trang đặt ở {bottom[0].where}; quy định ở giữa, phía trên (lề trên).", bottom[0])
    else:
        yield bad(
            rid, "Không có số trang (trường PAGE) ở đầu trang; văn bản nhiều trang phải đánh số trang ở giữa lề trên."
        )
    title_pg = bool(_on(sect1.find(qn("w:titlePg"))))
    typ = "first" if title_pg else "default"
    page1 = [got[0] for kind in ("header", "footer") if (got := hf_ref(ctx.doc, 0, kind, typ))]
    shown = [p for name in page1 if name in ctx.parts for p in ctx.parts[name][1] if has_page_field(p)]
    if shown:
        why = "đầu/chân trang của trang đầu có số trang" if title_pg else "chưa bật «Trang đầu khác» (w:titlePg)"
        yield bad("ND30-PAGENUM-FIRST", f"Số trang hiện ở trang 1 ({places(shown)}): {why}.", "trang 1")
    else:
        extra = " (đã bật «Trang đầu khác»)" if title_pg else ""
        yield ok("ND30-PAGENUM-FIRST", f"Trang 1 không hiện số trang{extra}.", "trang 1")
