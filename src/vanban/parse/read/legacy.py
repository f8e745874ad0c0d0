"""Read legacy word-processor files (.doc, .rtf, .odt) through LibreOffice.

LibreOffice (``soffice --headless``) converts the file to DOCX in a temporary directory, with
a private user profile so that parallel runs do not share (and lock) one. The DOCX body is then
walked here — paragraphs and table cells in document order — and every run is converted from a
legacy Vietnamese encoding when its font says so (``.VnTime`` → TCVN3, ``.VnTimeH`` → TCVN3 in
capitals, ``VNI-Times`` → VNI), or, for runs in other fonts, when the paragraph's text reads as
one (:func:`vanban.parse.read.legacy_encoding.detect_encoding`).

The text is taken from the run XML, not from python-docx's ``run.text``: LibreOffice writes
the byte 0xAD as ``<w:softHyphen/>``, and in TCVN3 that byte is the letter ư.
"""

from __future__ import annotations

import io
import struct
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any, Literal

import docx
from docx.oxml.ns import qn

from vanban import office
from vanban.errors import CorruptFileError, InputError
from vanban.model import Document
from vanban.office import ConversionError, soffice_path
from vanban.parse.read.builder import DocumentBuilder
from vanban.parse.read.legacy_encoding import (
    Encoding,
    convert,
    detect_encoding,
    encoding_for_font,
    has_unicode_vietnamese,
    is_vietnamese_syllable,
)

LegacyFormat = Literal["doc", "rtf", "odt"]
El = Any  # an lxml element of the DOCX tree (lxml ships no type stubs)

TIMEOUT_SECONDS = 120
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD2 = (b"\xdb\xa5", b"\x9b\xa5")  # Word for DOS / Word 2 (not OLE2)
_FIB_MAGIC = (0xA5EC, 0xA5DC)  # Word 97-2003, Word 6/95
_SOFT_HYPHEN = "\u00ad"
_RUN_CONTAINERS = {qn(t) for t in ("w:hyperlink", "w:smartTag", "w:ins", "w:moveTo", "w:fldSimple", "w:customXml")}
_SDT, _SDT_CONTENT = qn("w:sdt"), qn("w:sdtContent")
_FMT_NAMES = {"doc": "Word 97-2003 (.doc)", "rtf": "RTF", "odt": "OpenDocument (.odt)"}


def _sniff(data: bytes, fmt: LegacyFormat) -> bool:
    """True when ``data`` starts like a file LibreOffice can open as ``fmt`` (or a known mislabel)."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    low = head[:512].lower()
    if head.startswith(b"{\\rtf"):
        return True  # .doc files are often RTF in disguise
    if fmt == "rtf":
        return False
    if data.startswith(b"PK\x03\x04"):
        return zipfile.is_zipfile(io.BytesIO(data))
    if fmt == "odt":
        return False
    if data.startswith(_OLE2):
        return _is_word_compound_file(data)
    return data[:2] in _WORD2 or low.startswith((b"<html", b"<!doctype html", b"mime-version"))


def _is_word_compound_file(data: bytes) -> bool:
    """True when ``data`` is an OLE2 compound file with a WordDocument stream that starts with a FIB.

    LibreOffice imports a compound file it cannot read as plain text (pages of garbage)
    instead of failing, so a broken .doc has to be caught here.
    """
    try:
        shift = struct.unpack_from("<H", data, 0x1E)[0]
        if shift not in (9, 12):
            return False
        size = 1 << shift

        def sector(n: int) -> bytes:
            return data[(n + 1) * size : (n + 2) * size]

        difat = list(struct.unpack_from("<109I", data, 0x4C))
        first_difat, n_difat = struct.unpack_from("<II", data, 0x44)
        nxt = first_difat
        for _ in range(min(n_difat, 1 << 16)):
            block = sector(nxt)
            ids = struct.unpack(f"<{size // 4}I", block)
            difat.extend(ids[:-1])
            nxt = ids[-1]
        fat: list[int] = []
        for sid in difat:
            if sid < 0xFFFFFFFA:
                fat.extend(struct.unpack(f"<{size // 4}I", sector(sid)))
        sid, seen = struct.unpack_from("<I", data, 0x30)[0], 0
        while sid < 0xFFFFFFFA and seen < len(fat):
            block = sector(sid)
            for off in range(0, len(block) - 127, 128):
                name_len = struct.unpack_from("<H", block, off + 64)[0]
                name = block[off : off + max(0, name_len - 2)].decode("utf-16-le", "replace")
                if name == "WordDocument" and block[off + 66] == 2:
                    start, length = struct.unpack_from("<II", block, off + 116)
                    if length < 4096:
                        return True  # in the mini stream; too small to check further
                    return struct.unpack_from("<H", sector(start), 0)[0] in _FIB_MAGIC
            sid, seen = fat[sid], seen + 1
    except (struct.error, IndexError):
        return False
    return False


def convert_to_docx(path: str, data: bytes, fmt: LegacyFormat, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The DOCX that LibreOffice makes of ``data``; raise CorruptFileError when it cannot."""
    where = _FMT_NAMES[fmt]
    if not _sniff(data, fmt):
        raise CorruptFileError(
            f"tệp không phải là tệp {where} hợp lệ (không nhận ra định dạng, hoặc tệp bị cắt cụt, hỏng).",
            path=path,
            hint="Mở tệp bằng Word hoặc LibreOffice, lưu lại thành .docx rồi chạy lại.",
        )
    exe = soffice_path()
    if exe is None:
        raise InputError(
            f"cần LibreOffice (lệnh soffice) để đọc tệp {where}, nhưng máy chưa cài.",
            path=path,
            hint="Chạy scripts/setup.sh để cài LibreOffice, hoặc lưu tệp thành .docx rồi chạy lại.",
        )
    try:
        return office.convert(exe, data, fmt, "docx:MS Word 2007 XML", timeout=timeout)
    except ConversionError as e:
        if e.timed_out:
            raise CorruptFileError(
                f"LibreOffice không chuyển đổi được tệp {where} trong {timeout:.0f} giây.",
                path=path,
                hint="Tệp có thể hỏng hoặc quá lớn; mở bằng Word, lưu lại thành .docx rồi chạy lại.",
            ) from e
        raise CorruptFileError(
            f"LibreOffice không mở được tệp {where} (tệp hỏng hoặc không đúng định dạng)"
            + (f": {e.detail}" if e.detail else "."),
            path=path,
            hint="Mở tệp bằng Word, lưu lại thành .docx rồi chạy lại.",
        ) from e


class _Styles:
    """Font and bold/italic lookup through character/paragraph styles and document defaults."""

    def __init__(self, styles: El | None) -> None:
        self._by_id: dict[str, El] = {}
        self.default_para: str | None = None
        self.default_font: str | None = None
        if styles is None:
            return
        for s in styles.iter(qn("w:style")):
            sid = s.get(qn("w:styleId"))
            if sid:
                self._by_id[sid] = s
                if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true"):
                    self.default_para = sid
        rpr = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}")
        self.default_font = _font_of(rpr)

    def _chain(self, sid: str | None) -> list[El]:
        out: list[El] = []
        while sid and sid in self._by_id and len(out) < 20:
            s = self._by_id[sid]
            out.append(s)
            based = s.find(qn("w:basedOn"))
            sid = based.get(qn("w:val")) if based is not None else None
        return out

    def font(self, sid: str | None) -> str | None:
        for s in self._chain(sid):
            name = _font_of(s.find(qn("w:rPr")))
            if name:
                return name
        return None

    def flag(self, sid: str | None, tag: str) -> bool | None:
        for s in self._chain(sid):
            value = _flag_of(s.find(qn("w:rPr")), tag)
            if value is not None:
                return value
        return None


def _font_of(rpr: El | None) -> str | None:
    """The font of a run-properties element: hAnsi (Word's font for bytes ≥ 0x80), else ascii."""
    if rpr is None:
        return None
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        return None
    for attr in ("w:hAnsi", "w:ascii"):
        name = (fonts.get(qn(attr)) or "").strip()
        if name:
            return name
    return None


def _flag_of(rpr: El | None, tag: str) -> bool | None:
    el = rpr.find(qn(tag)) if rpr is not None else None
    if el is None:
        return None
    return el.get(qn("w:val")) not in ("0", "false", "off")


def _runs(parent: El) -> list[El]:
    """The w:r of a paragraph in order, through hyperlinks, insertions, fields; not deletions."""
    out: list[El] = []
    for child in parent:
        if child.tag == qn("w:r"):
            out.append(child)
        elif child.tag in _RUN_CONTAINERS or child.tag in (_SDT, _SDT_CONTENT):
            out.extend(_runs(child))
    return out


def _run_text(r: El) -> str:
    parts: list[str] = []
    for ch in r:
        tag = ch.tag
        if tag == qn("w:t"):
            parts.append(ch.text or "")
        elif tag == qn("w:softHyphen"):
            parts.append(_SOFT_HYPHEN)
        elif tag == qn("w:tab"):
            parts.append("\t")
        elif tag in (qn("w:br"), qn("w:cr")):
            parts.append("\n")
        elif tag == qn("w:noBreakHyphen"):
            parts.append("-")
    return "".join(parts)


def _should_convert(text: str, encoding: Encoding) -> bool:
    """Text in a legacy font is converted unless it reads better as it is (Unicode in that font)."""
    words = [w for w in text.split() if not w.isascii()]
    if not words:
        return True
    as_is = sum(is_vietnamese_syllable(w.strip(".,;:!?()\"'")) for w in words)
    converted = sum(is_vietnamese_syllable(w.strip(".,;:!?()\"'")) for w in convert(" ".join(words), encoding).split())
    return as_is <= converted


@dataclass
class _Seg:
    text: str
    enc: Encoding | None
    upper: bool
    typed_unicode: bool


@dataclass
class _Para:
    text: str
    bold: bool
    italic: bool


def _paragraph(p: El, styles: _Styles, caps_fonts: bool) -> _Para:
    ppr = p.find(qn("w:pPr"))
    pstyle_el = ppr.find(qn("w:pStyle")) if ppr is not None else None
    pstyle = pstyle_el.get(qn("w:val")) if pstyle_el is not None else styles.default_para
    segs: list[_Seg] = []  # adjacent runs of one encoding merged
    flags: list[tuple[bool, bool]] = []  # (bold, italic) of the runs with visible text
    for r in _runs(p):
        text = _run_text(r)
        if not text:
            continue
        rpr = r.find(qn("w:rPr"))
        rstyle_el = rpr.find(qn("w:rStyle")) if rpr is not None else None
        rstyle = rstyle_el.get(qn("w:val")) if rstyle_el is not None else None
        font = _font_of(rpr) or styles.font(rstyle) or styles.font(pstyle) or styles.default_font
        enc, upper = encoding_for_font(font)
        typed_unicode = enc is not None and has_unicode_vietnamese(text)  # Unicode under a legacy font name
        if text.strip():
            b, i = (_flag_of(rpr, t) for t in ("w:b", "w:i"))
            flags.append(
                (
                    b if b is not None else bool(styles.flag(rstyle, "w:b") or styles.flag(pstyle, "w:b")),
                    i if i is not None else bool(styles.flag(rstyle, "w:i") or styles.flag(pstyle, "w:i")),
                )
            )
        if segs and (segs[-1].enc, segs[-1].upper, segs[-1].typed_unicode) == (enc, upper, typed_unicode):
            segs[-1].text += text
        else:
            segs.append(_Seg(text, enc, upper, typed_unicode))
    plain = "".join(s.text for s in segs if s.enc is None)
    detected = detect_encoding(plain) if plain.strip() else None
    out: list[str] = []
    for seg in segs:
        text = seg.text
        if seg.typed_unicode:
            pass
        elif seg.enc is not None and _should_convert(text, seg.enc):
            text = convert(text, seg.enc, upper=seg.upper and caps_fonts)
        elif seg.enc is None and detected is not None:
            text = convert(text, detected)
        out.append(text.replace(_SOFT_HYPHEN, ""))
    text = unicodedata.normalize("NFC", "".join(out))
    return _Para(text, bool(flags) and all(f[0] for f in flags), bool(flags) and all(f[1] for f in flags))


def _cell_span(tc: El) -> tuple[int, str | None]:
    tcpr = tc.find(qn("w:tcPr"))
    span, vmerge = 1, None
    if tcpr is not None:
        gs = tcpr.find(qn("w:gridSpan"))
        if gs is not None:
            span = max(1, int(gs.get(qn("w:val")) or 1))
        vm = tcpr.find(qn("w:vMerge"))
        if vm is not None:
            vmerge = vm.get(qn("w:val")) or "continue"
    return span, vmerge


def _cell_text(tc: El, styles: _Styles, caps_fonts: bool) -> tuple[str, bool]:
    lines: list[str] = []
    bolds: list[bool] = []
    for el in _body_items(tc):
        if el.tag == qn("w:p"):
            para = _paragraph(el, styles, caps_fonts)
            lines.append(para.text)
            if para.text.strip():
                bolds.append(para.bold)
        else:  # a nested table: its cells, row by row
            for tr in el.iter(qn("w:tr")):
                lines.append("\t".join(_cell_text(c, styles, caps_fonts)[0] for c in tr.findall(qn("w:tc"))))
    return "\n".join(lines).strip("\n"), bool(bolds) and all(bolds)


def _body_items(parent: El) -> list[El]:
    """Paragraphs and tables of a body or cell, in order, looking through content controls."""
    out: list[El] = []
    for child in parent:
        if child.tag in (qn("w:p"), qn("w:tbl")):
            out.append(child)
        elif child.tag in (_SDT, _SDT_CONTENT):
            out.extend(_body_items(child))
    return out


def _add_table(b: DocumentBuilder, tbl: El, number: int, styles: _Styles, caps_fonts: bool) -> None:
    rows: list[list[tuple[int, int, El]]] = []  # (col, span, tc) of cells that start here
    origin: dict[tuple[int, int], list[int]] = {}  # (row, col) -> [row_span]
    open_by_col: dict[int, tuple[int, int]] = {}
    for ri, tr in enumerate(tbl.findall(qn("w:tr"))):
        col, kept = 0, []
        for tc in tr.findall(qn("w:tc")):
            span, vmerge = _cell_span(tc)
            if vmerge == "continue" and col in open_by_col:
                origin[open_by_col[col]][0] += 1
            else:
                kept.append((col, span, tc))
                origin[(ri, col)] = [1]
                open_by_col[col] = (ri, col)
            col += span
        rows.append(kept)
    for ri, kept in enumerate(rows):
        for col, span, tc in kept:
            text, bold = _cell_text(tc, styles, caps_fonts)
            b.add(
                text,
                "table_cell",
                table=number,
                row=ri,
                col=col,
                col_span=span,
                row_span=origin[(ri, col)][0],
                bold=bold,
            )


def read_legacy(path: str, data: bytes, fmt: str, *, caps_fonts: bool = True) -> Document:
    """Read a .doc, .rtf or .odt file into a :class:`Document` (format ``doc``/``rtf``/``odt``).

    ``caps_fonts`` writes runs set in upper-case-only legacy fonts (``.VnTimeH`` …) in
    capitals, as they are printed; turn it off to keep the letters' own case.
    """
    if fmt not in _FMT_NAMES:
        raise ValueError(f"read_legacy reads doc, rtf or odt, not {fmt!r}")
    lfmt: LegacyFormat = "doc" if fmt == "doc" else "rtf" if fmt == "rtf" else "odt"
    return document_from_docx(path, data, lfmt, convert_to_docx(path, data, lfmt), caps_fonts=caps_fonts)


def document_from_docx(
    path: str, data: bytes, fmt: LegacyFormat, docx_bytes: bytes, *, caps_fonts: bool = True
) -> Document:
    """The :class:`Document` of ``data`` from its LibreOffice conversion ``docx_bytes``."""
    try:
        d = docx.Document(io.BytesIO(docx_bytes))
    except Exception as e:  # python-docx raises several kinds on a broken package
        raise CorruptFileError(
            "LibreOffice đã chuyển tệp nhưng kết quả không đọc được.",
            path=path,
            hint="Mở tệp bằng Word, lưu lại thành .docx rồi chạy lại.",
        ) from e
    styles = _Styles(d.styles.element)
    b = DocumentBuilder(path, fmt, data)
    tables = 0
    for el in _body_items(d.element.body):
        if el.tag == qn("w:p"):
            para = _paragraph(el, styles, caps_fonts)
            b.add(para.text, "paragraph", bold=para.bold, italic=para.italic)
        else:
            _add_table(b, el, tables, styles, caps_fonts)
            tables += 1
    return b.build()
