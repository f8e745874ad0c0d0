"""Read a DOCX file into blocks with python-docx.

The body is walked in document order: paragraphs, tables, content controls (``w:sdt``) and
the text boxes anchored in a paragraph (emitted right after it). Automatic numbering is
rendered from ``numbering.xml`` and kept at the start of the raw text, because the outline
labels (``I.``, ``1.``, ``a)``, ``-``) of a plan are often list numbers in Word. Styles
"Heading N" and "Title" give ``heading`` blocks (level N, Title 1); numbered or bulleted
paragraphs give ``list_item`` blocks (level = list level + 1). A block is bold (italic) when
every run with text is, through direct formatting, character, paragraph or Normal style.

Tables become ``table_cell`` blocks numbered from 0 in document order; ``row`` is the row
index and ``col`` the grid column (``w:gridBefore`` and ``w:gridSpan`` counted). A vertically
merged cell is emitted once, at its first row, with ``row_span``; the paragraphs of a cell are
joined with ``"\\n"``. A table nested in a cell is flattened into the cell's text, one line
per row, cells separated by ``" | "``. Page headers, footers and footnotes are not read.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import docx
from docx.oxml.ns import qn as _qn

from vanban.errors import CorruptFileError, EmptyFileError, EncryptedFileError, InputError
from vanban.model import BlockKind, Document
from vanban.parse.read.builder import DocumentBuilder

# Clark names are built for every element visited: cache them (a measured hot spot).
qn = functools.lru_cache(maxsize=None)(_qn)

_El = Any  # an lxml element of the document XML (lxml has no type stubs here)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MC_CHOICE = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Choice"
_MC_ALT = "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"
_FALSE = {"0", "false", "off", "none"}
_CONTAINERS = {
    qn(t) for t in ("w:hyperlink", "w:ins", "w:smartTag", "w:customXml", "w:fldSimple", "w:moveTo", "w:dir", "w:bdo")
}
_W_VAL, _W_R, _W_PPR, _W_PSTYLE, _W_NUMPR = qn("w:val"), qn("w:r"), qn("w:pPr"), qn("w:pStyle"), qn("w:numPr")
_W_T, _W_SYM, _W_NB_HYPHEN = qn("w:t"), qn("w:sym"), qn("w:noBreakHyphen")
_W_TABS, _W_BREAKS = {qn("w:tab"), qn("w:ptab")}, {qn("w:br"), qn("w:cr")}
_W_RPR, _W_RSTYLE, _W_B, _W_I = qn("w:rPr"), qn("w:rStyle"), qn("w:b"), qn("w:i")
_HEADING_RX = re.compile(r"^heading\s*(\d)$", re.IGNORECASE)


def _val(el: _El | None, default: str | None = None) -> str | None:
    v = None if el is None else el.get(_W_VAL)
    return default if v is None else str(v)


def _children(el: _El | None) -> dict[str, _El]:
    """The first child of each tag (``pPr``/``rPr`` properties), in one pass: as ``find()`` gives
    them, without a search per property."""
    out: dict[str, _El] = {}
    for ch in el if el is not None else ():
        out.setdefault(ch.tag, ch)
    return out


def _int(el: _El | None, default: int) -> int:
    try:
        return int(_val(el) or default)
    except ValueError:
        return default


def _on(el: _El | None) -> bool | None:
    """Value of a toggle property (``<w:b/>``, ``<w:b w:val="0"/>``), None when absent."""
    return None if el is None else (_val(el, "1") or "1").lower() not in _FALSE


@dataclass
class _Style:
    name: str
    based_on: str | None
    bold: bool | None
    italic: bool | None
    num: tuple[str, int] | None


def _styles(doc: Any) -> dict[str, _Style]:
    out: dict[str, _Style] = {}
    for s in doc.styles.element.findall(qn("w:style")):
        rpr, numpr = s.find(qn("w:rPr")), s.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        num_id = _val(numpr.find(qn("w:numId"))) if numpr is not None else None
        num = (num_id, _int(numpr.find(qn("w:ilvl")), 0)) if numpr is not None and num_id and num_id != "0" else None
        out[str(s.get(qn("w:styleId")))] = _Style(
            name=_val(s.find(qn("w:name")), "") or "",
            based_on=_val(s.find(qn("w:basedOn"))),
            bold=None if rpr is None else _on(rpr.find(qn("w:b"))),
            italic=None if rpr is None else _on(rpr.find(qn("w:i"))),
            num=num,
        )
    return out


# --- numbering: Word's automatic list labels --------------------------------------------


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    suff: str = "tab"


_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def _fmt_number(n: int, fmt: str) -> str:
    n = max(n, 0)
    if fmt in ("upperRoman", "lowerRoman"):
        out = ""
        for v, sym in _ROMAN:
            out, n = out + sym * (n // v), n % v
        return out if fmt == "upperRoman" else out.lower()
    if fmt in ("upperLetter", "lowerLetter"):
        s = chr(ord("a") + (max(n, 1) - 1) % 26) * ((max(n, 1) - 1) // 26 + 1)
        return s.upper() if fmt == "upperLetter" else s
    return f"{n:02d}" if fmt == "decimalZero" else "" if fmt == "none" else str(n)


def _levels(el: _El) -> dict[int, _Level]:
    return {
        _int_attr(lvl, "w:ilvl"): _Level(
            start=_int(lvl.find(qn("w:start")), 1),
            fmt=_val(lvl.find(qn("w:numFmt")), "decimal") or "decimal",
            text=_val(lvl.find(qn("w:lvlText")), "") or "",
            suff=_val(lvl.find(qn("w:suff")), "tab") or "tab",
        )
        for lvl in el.findall(qn("w:lvl"))
    }


def _int_attr(el: _El, attr: str) -> int:
    v = str(el.get(qn(attr), "0"))
    return int(v) if v.isdigit() else 0


class _Numbering:
    """Counters per list (``w:num``); a level restarts when a higher level moves on."""

    def __init__(self, doc: Any) -> None:
        self._levels: dict[str, dict[int, _Level]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self._nums: dict[str, _El] = {}
        self._abstract: dict[str, _El] = {}
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        # Only indexed here: the levels of a list are read when a paragraph first uses it.
        for a in root.findall(qn("w:abstractNum")):
            self._abstract[str(a.get(qn("w:abstractNumId")))] = a
        for num in root.findall(qn("w:num")):
            self._nums[str(num.get(qn("w:numId")))] = num

    def levels(self, num_id: str) -> dict[int, _Level]:
        if num_id not in self._levels:
            num = self._nums.get(num_id)
            levels: dict[int, _Level] = {}
            if num is not None:
                abstract = self._abstract.get(str(_val(num.find(qn("w:abstractNumId")))))
                levels = _levels(abstract) if abstract is not None else {}
                for ov in num.findall(qn("w:lvlOverride")):
                    levels.update(_levels(ov))
                    ilvl, start = _int_attr(ov, "w:ilvl"), ov.find(qn("w:startOverride"))
                    if start is not None and ilvl in levels:
                        old = levels[ilvl]
                        levels[ilvl] = _Level(_int(start, 1), old.fmt, old.text, old.suff)
            self._levels[num_id] = levels
        return self._levels[num_id]

    def label(self, num_id: str, ilvl: int) -> str:
        """The label Word shows for the next paragraph of list ``num_id`` at ``ilvl``."""
        levels = self.levels(num_id)
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [None] * 9)
        cur = counters[ilvl]
        counters[ilvl] = levels[ilvl].start if cur is None else cur + 1
        counters[ilvl + 1 :] = [None] * (8 - ilvl)
        lvl = levels[ilvl]
        if lvl.fmt == "bullet":  # Symbol/Wingdings bullets are private-use characters: show "•"
            text = "".join("•" if "\ue000" <= ch <= "\uf8ff" else ch for ch in lvl.text) or "•"
        else:

            def repl(m: re.Match[str]) -> str:
                k = int(m.group(1)) - 1
                other = levels.get(k, _Level())
                n = counters[k] if counters[k] is not None else other.start
                return _fmt_number(n or 0, other.fmt)

            text = re.sub(r"%([1-9])", repl, lvl.text)
        return text + {"tab": "\t", "space": " "}.get(lvl.suff, "") if text else ""


# --- paragraphs and tables ---------------------------------------------------------------


@dataclass
class _Para:
    text: str
    bold: bool
    italic: bool
    kind: BlockKind = "paragraph"
    level: int | None = None
    boxes: list[_El] = field(default_factory=list)


@dataclass
class _Cell:
    tc: _El
    col: int
    span: int
    cont: bool  # a vMerge continuation: part of the cell above


def _all(flags: list[bool]) -> bool:
    return bool(flags) and all(flags)


class _Reader:
    def __init__(self, doc: Any, builder: DocumentBuilder) -> None:
        self.b = builder
        self.styles = _styles(doc)
        self.numbering = _Numbering(doc)
        self.tables = 0
        self._props: dict[tuple[str | None, ...], Any] = {}

    def _chain(self, sid: str | None) -> list[_Style]:
        """The style ``sid`` and those it is based on, nearest first."""
        out: list[_Style] = []
        while sid in self.styles and len(out) < 20:
            out.append(self.styles[str(sid)])
            sid = out[-1].based_on
        return out

    def _prop(self, prop: str, *sids: str | None) -> Any:
        key = (prop, *sids)
        if key not in self._props:  # a few styles, thousands of runs
            self._props[key] = self._find_prop(prop, *sids)
        return self._props[key]

    def _find_prop(self, prop: str, *sids: str | None) -> Any:
        for sid in (*sids, "Normal"):
            for st in self._chain(sid):
                if getattr(st, prop) is not None:
                    return getattr(st, prop)
        return None

    def paragraph(self, p: _El) -> _Para:
        props = _children(next((ch for ch in p if ch.tag == _W_PPR), None))
        sid = _val(props.get(_W_PSTYLE))
        runs: list[tuple[str, bool, bool]] = []
        para = _Para("", False, False)
        self._collect(p, sid, runs, para.boxes)
        para.text = "".join(t for t, _, _ in runs)
        para.bold = _all([b for t, b, _ in runs if t.strip()])
        para.italic = _all([i for t, _, i in runs if t.strip()])
        numpr = props.get(_W_NUMPR)
        num_id, ilvl = self._prop("num", sid) or (None, 0)
        if numpr is not None:
            num_id = _val(numpr.find(qn("w:numId")), num_id)
            ilvl = _int(numpr.find(qn("w:ilvl")), ilvl)
        if num_id and num_id != "0":
            ilvl = min(max(ilvl, 0), 8)
            label = self.numbering.label(num_id, ilvl)
            if para.text.strip():
                para.text, para.kind, para.level = label + para.text, "list_item", ilvl + 1
        for st in self._chain(sid):
            m = _HEADING_RX.match(st.name)
            if m or st.name.lower() == "title":
                para.kind, para.level = "heading", int(m.group(1)) if m else 1
                break
        return para

    def _collect(self, el: _El, sid: str | None, runs: list[tuple[str, bool, bool]], boxes: list[_El]) -> None:
        for ch in el:
            if ch.tag == _W_R:
                runs.append(self._run(ch, sid, boxes))
            elif ch.tag in _CONTAINERS:
                self._collect(ch, sid, runs, boxes)
            elif ch.tag in (qn("w:sdt"), _MC_ALT):
                inner = ch.find(_MC_CHOICE) if ch.tag == _MC_ALT else _sdt_content(ch)
                if inner is not None:
                    self._collect(inner, sid, runs, boxes)

    def _run(self, r: _El, sid: str | None, boxes: list[_El]) -> tuple[str, bool, bool]:
        # One pass over the children (a find() costs as much as the whole loop).
        rpr: _El | None = None
        parts: list[str] = []
        for ch in r:
            tag = ch.tag
            if tag == _W_T:
                parts.append(ch.text or "")
            elif tag == _W_RPR:
                rpr = ch if rpr is None else rpr
            elif tag in _W_TABS:
                parts.append("\t")
            elif tag in _W_BREAKS:
                parts.append("\n")
            elif tag == _W_NB_HYPHEN:
                parts.append("-")
            elif tag == _W_SYM:
                code = str(ch.get(qn("w:char"), ""))
                if re.fullmatch(r"[0-9A-Fa-f]{4}", code) and not "E000" <= code.upper() <= "F8FF":
                    parts.append(chr(int(code, 16)))
            elif tag in (qn("w:drawing"), qn("w:pict"), qn("w:object"), _MC_ALT):
                boxes.extend(_text_boxes(ch))
        props = _children(rpr)
        rsid = _val(props.get(_W_RSTYLE))
        bold, italic = _on(props.get(_W_B)), _on(props.get(_W_I))
        return (
            "".join(parts),
            bool(self._prop("bold", rsid, sid) if bold is None else bold),
            bool(self._prop("italic", rsid, sid) if italic is None else italic),
        )

    def body(self, container: _El) -> None:
        for el in _block_items(container):
            if el.tag == qn("w:tbl"):
                self.table(el)
                continue
            para = self.paragraph(el)
            if para.text.strip():
                self.b.add(
                    para.text.strip(), para.kind, page=None, bold=para.bold, italic=para.italic, level=para.level
                )
            for box in para.boxes:
                self.body(box)

    def table(self, tbl: _El) -> None:
        number, self.tables = self.tables, self.tables + 1
        grid = _grid(tbl)
        edges = _column_edges(tbl)
        for r, row in enumerate(grid):
            for cell in (c for c in row if not c.cont):
                text, bold, italic = self.cell_text(cell.tc)
                span = 1
                for below in grid[r + 1 :]:
                    nxt = next((c for c in below if c.col == cell.col and c.cont), None)
                    if nxt is None:
                        break
                    span += 1
                    extra = self.cell_text(nxt.tc)[0]  # Word shows a merged cell's text in the merged area
                    text = f"{text}\n{extra}" if extra else text
                if text.strip():
                    self.b.add(
                        text.strip(),
                        "table_cell",
                        page=None,
                        table=number,
                        row=r,
                        col=cell.col,
                        row_span=span,
                        col_span=cell.span,
                        bold=bold,
                        italic=italic,
                        box=_cell_box(edges, cell.col, cell.span),
                    )

    def cell_text(self, container: _El) -> tuple[str, bool, bool]:
        """Paragraphs joined by "\\n"; a nested table one line per row, cells joined by " | "."""
        lines: list[tuple[str, bool, bool]] = []
        for el in _block_items(container):
            if el.tag == qn("w:tbl"):
                for row in _grid(el):
                    cells = [self.cell_text(c.tc)[0].replace("\n", " ") for c in row if not c.cont]
                    lines.append((" | ".join(c for c in cells if c.strip()), False, False))
                continue
            para = self.paragraph(el)
            lines.append((para.text, para.bold, para.italic))
            lines += [(self.cell_text(box)[0], para.bold, para.italic) for box in para.boxes]
        lines = [(t.strip(), b, i) for t, b, i in lines if t.strip()]
        return "\n".join(t for t, _, _ in lines), _all([b for _, b, _ in lines]), _all([i for _, _, i in lines])


def _sdt_content(sdt: _El) -> _El | None:
    """The content of a content control, None while it shows its placeholder text."""
    pr = sdt.find(qn("w:sdtPr"))
    if pr is not None and pr.find(qn("w:showingPlcHdr")) is not None:
        return None
    return sdt.find(qn("w:sdtContent"))


def _text_boxes(el: _El) -> list[_El]:
    """The outermost text boxes in a drawing, skipping the ``mc:Fallback`` copy of each."""
    out: list[_El] = []
    for ch in el:
        if ch.tag == qn("w:txbxContent"):
            out.append(ch)
        elif not str(ch.tag).endswith("}Fallback"):
            out.extend(_text_boxes(ch))
    return out


def _block_items(container: _El, tags: tuple[str, ...] = ("w:p", "w:tbl")) -> list[_El]:
    """Children with one of ``tags``, looking through content controls and custom XML."""
    out: list[_El] = []
    wanted = {qn(t) for t in tags}
    for ch in container:
        if ch.tag in wanted:
            out.append(ch)
        elif ch.tag in (qn("w:sdt"), qn("w:customXml"), qn("w:ins"), qn("w:moveTo")):
            inner = _sdt_content(ch) if ch.tag == qn("w:sdt") else ch
            if inner is not None:
                out.extend(_block_items(inner, tags))
    return out


def _grid(tbl: _El) -> list[list[_Cell]]:
    grid: list[list[_Cell]] = []
    for tr in _block_items(tbl, ("w:tr",)):
        trpr = tr.find(qn("w:trPr"))
        col = _int(trpr.find(qn("w:gridBefore")), 0) if trpr is not None else 0
        row: list[_Cell] = []
        for tc in _block_items(tr, ("w:tc",)):
            pr = tc.find(qn("w:tcPr"))
            pr = tc if pr is None else pr  # no tcPr: the finds below find nothing
            span = max(1, _int(pr.find(qn("w:gridSpan")), 1))
            vmerge, hmerge = pr.find(qn("w:vMerge")), pr.find(qn("w:hMerge"))
            if hmerge is not None and _val(hmerge, "continue") == "continue" and row:
                row[-1].span += span  # legacy horizontal merge
            else:
                row.append(_Cell(tc, col, span, vmerge is not None and _val(vmerge, "continue") == "continue"))
            col += span
        grid.append(row)
    for r, row in enumerate(grid):  # a continuation with nothing above it is an origin of its own
        for cell in row:
            cell.cont = cell.cont and r > 0 and any(c.col == cell.col for c in grid[r - 1])
    return grid


def _column_edges(tbl: _El) -> list[float]:
    """The x positions (points from the table's left edge) of the grid lines of a table, from
    ``w:tblGrid``; empty when the grid has no widths."""
    edges = [0.0]
    grid = tbl.find(qn("w:tblGrid"))
    for gc in grid.findall(qn("w:gridCol")) if grid is not None else ():
        try:
            w = float(gc.get(qn("w:w")) or 0) / 20  # twentieths of a point
        except ValueError:
            return []
        edges.append(edges[-1] + max(w, 0.0))
    pr = tbl.find(qn("w:tblPr"))
    ind = pr.find(qn("w:tblInd")) if pr is not None else None
    try:
        shift = float(ind.get(qn("w:w")) or 0) / 20 if ind is not None and ind.get(qn("w:type")) in (None, "dxa") else 0
    except ValueError:
        shift = 0.0
    return [e + shift for e in edges] if edges[-1] > 0 else []


def _cell_box(edges: list[float], col: int, span: int) -> tuple[float, float, float, float] | None:
    """A cell's column extent as a box (top = bottom = 0: a DOCX has no vertical positions)."""
    if col + span >= len(edges):
        return None
    return (edges[col], 0.0, edges[col + span], 0.0)


def _fail(kind: type[InputError], path: str, message: str, hint: str) -> InputError:
    return kind(message, path=path, hint=hint)


def read_docx(path: str, data: bytes) -> Document:
    """Read the DOCX ``data`` (named ``path``) into a :class:`Document` of blocks."""
    resave = "Hãy mở tệp bằng Word hoặc LibreOffice, lưu lại dưới dạng .docx rồi thử lại."
    if not data.strip(b"\x00 \t\r\n"):
        raise _fail(EmptyFileError, path, "tệp rỗng, không có nội dung.", "Hãy kiểm tra lại tệp đã chọn.")
    if data.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise _fail(
                EncryptedFileError,
                path,
                "tệp Word được bảo vệ bằng mật khẩu (đã mã hóa) nên không đọc được.",
                "Hãy mở tệp bằng Word, gỡ mật khẩu rồi lưu lại dưới dạng .docx.",
            )
        raise _fail(
            CorruptFileError,
            path,
            "tệp có đuôi .docx nhưng thực ra là tệp Word 97-2003 (.doc).",
            "Hãy đổi đuôi tệp thành .doc, hoặc mở bằng Word và lưu lại dưới dạng .docx.",
        )
    if not data.startswith(b"PK"):
        raise _fail(
            CorruptFileError, path, "tệp không phải là tệp Word .docx (không phải gói ZIP Office Open XML).", resave
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if not any(n.endswith("document.xml") for n in zf.namelist()):
                raise _fail(CorruptFileError, path, "tệp .docx thiếu phần nội dung chính (word/document.xml).", resave)
        doc = docx.Document(io.BytesIO(data))
        body = doc.element.body
    except CorruptFileError:
        raise
    except Exception as e:  # zipfile, lxml and python-docx raise many kinds
        raise _fail(
            CorruptFileError, path, f"tệp .docx bị hỏng, không đọc được ({type(e).__name__}: {e}).", resave
        ) from e
    builder = DocumentBuilder(path, "docx", data)
    _Reader(doc, builder).body(body)
    if not builder.blocks:
        raise _fail(
            EmptyFileError,
            path,
            "tệp .docx không có chữ nào để đọc.",
            "Nếu nội dung là ảnh chụp văn bản, hãy dùng bản có chữ hoặc nhận dạng chữ (OCR) trước.",
        )
    return builder.build()
