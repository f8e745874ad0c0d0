"""The header of a plan: issuer, số/ký hiệu, place and date, tên loại and trích yếu.

The header is what comes before the first căn cứ / thực hiện line or outline heading. Parts are
recognised by their shape, not their position, because readers deliver them in different
orders (two-column DOCX tables, PDF lines split left/right, OCR text with the issuer lost).
"""

from __future__ import annotations

import re

from vanban.model import Diagnostic, Document, Header, SourceSpan
from vanban.parse.extract.docref import SO_RX, clean_symbol, find_date, find_doc_refs
from vanban.parse.layout.lines import Line, block_lines
from vanban.parse.layout.zones import KINH_GUI, SUBJECT_RX, doc_type_of
from vanban.parse.vocab import vocab

_QUOC_HIEU = re.compile(r"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc", re.I)
_PLACE_DATE = re.compile(r"^(?P<place>[^,]{2,60}?)\s*,\s*ngày\b", re.I)
_RULE = re.compile(r"^[\s\-–—_=.*…\u2500-\u257f]+$")
_BODY_START = re.compile(r"^(?:căn cứ|thực hiện|để|nhằm|I\.|A\.|1\.)\s", re.I)  # the title ends here
_CAPTION = re.compile(r"^\W*kèm theo\s+(?:kế hoạch|quyết định)\b", re.I)
_INFERRED_ISSUER = re.compile(
    r"(?:^|\bNay\s+|[.,]\s+)(?P<issuer>(?:UBND|Ủy ban nhân dân|BCĐ|Ban chỉ đạo|Ban Thường trực|Đảng ủy)\b[^.;:]{0,80}?)"
    r"\s+(?:xây dựng|ban hành|xây ban hành)\s+(?:kế hoạch|Kế hoạch)",
)


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def parse_header(doc: Document, end: int) -> tuple[Header, list[Diagnostic]]:
    """The header from the header zone (blocks before ``end``), the number and date from an
    appendix caption when the header leaves them out."""
    blocks = doc.blocks[:end]
    fields: dict[str, object] = {}
    sources: dict[str, SourceSpan] = {}
    diags: list[Diagnostic] = []
    issuer_lines: list[Line] = []
    type_idx: int | None = None
    subject: Line | None = None

    for ln in (part for whole in block_lines(blocks) for part in _split_columns(whole)):
        t = ln.text
        if _QUOC_HIEU.search(t) or _RULE.match(t):
            continue
        so = SO_RX.match(t)
        if so and "number" not in sources and re.match(r"^\s*Số\b", t):
            number = (so.group("number") or "").strip(" .…")
            fields["number"] = number or None
            # "09/2009/CT-UBND": the year belongs to the symbol (NĐ 30, Phụ lục I, mục I.3).
            year = (so.group("year") or "").replace(" ", "")
            fields["symbol"] = clean_symbol(f"{year}{so.group('symbol')}" if so.group("symbol") else None)
            sources["number"] = ln.span(doc)
            continue
        pd = _PLACE_DATE.match(t)
        if pd and "date" not in sources:
            d = find_date(t)
            if d:
                place = pd.group("place").strip()
                # A draft may leave the place blank ("……, ngày … tháng 3 năm 2023").
                fields["place"] = place if re.search(r"\w", place) else None
                fields["date"] = d[0]
                sources["date"] = ln.span(doc)
                continue
        typed = doc_type_of(t) if type_idx is None else None
        if typed:
            fields["doc_type"] = typed[0]
            sources["doc_type"] = ln.span(doc)
            type_idx = ln.block.index
            if typed[1]:
                diags.append(
                    Diagnostic(
                        code="W012",
                        message=f"Tên loại văn bản «{t}» được đọc là «{typed[0]}» (chữ nhận dạng sai dấu).",
                        source=ln.span(doc),
                    )
                )
            continue
        vv = SUBJECT_RX.match(t) if type_idx is None else None
        if vv or (subject is not None and ln.block is subject.block and not KINH_GUI.match(t)):
            # A công văn's subject ("V/v …", its lines after it in the same cell) is its title.
            rest = t[vv.end() :] if vv else t
            fields["title"] = f"{fields.get('title', '')} {rest}".strip()
            sources.setdefault("title", ln.span(doc))
            subject = subject or ln
            continue
        if type_idx is None and _is_upper(t) and len(t) < 90 and "title" not in fields:
            issuer_lines.append(ln)
            continue
        if type_idx is not None and "title_done" not in fields:
            # A lead-in sentence ("… ban hành Kế hoạch … như sau:") ends the title.
            if ("title" in fields and (_BODY_START.match(t) or t.rstrip().endswith(":"))) or len(t) > 300:
                fields["title_done"] = True
                continue
            prev = str(fields.get("title", ""))
            fields["title"] = f"{prev} {t}".strip() if prev else t
            sources.setdefault("title", ln.span(doc))
    fields.pop("title_done", None)
    if subject is not None and "doc_type" not in fields:
        fields["doc_type"] = "CÔNG VĂN"  # a "V/v" subject and no type line (NĐ 30, Phụ lục I, mục I.1)
        sources["doc_type"] = subject.span(doc)

    if issuer_lines:
        parent, issuer = _split_issuers([ln.text for ln in issuer_lines])
        fields["parent_issuer"], fields["issuer"] = parent, issuer
        sources["issuer"] = issuer_lines[-1].span(doc)
    else:
        inferred = _infer_issuer(doc)
        if inferred:
            fields["issuer"], sources["issuer"] = inferred
            diags.append(
                Diagnostic(
                    code="I001",
                    level="info",
                    message="Không thấy tên cơ quan ban hành ở đầu văn bản; lấy theo câu mở đầu.",
                    source=inferred[1],
                )
            )

    if "number" not in sources or "date" not in sources:
        _from_caption(doc, fields, sources)
    header = Header(
        **{k: v for k, v in fields.items() if k != "number_from_appendix"},
        sources=sources,
        number_from_appendix=bool(fields.get("number_from_appendix")),
    )
    if header.doc_type is None:
        diags.append(Diagnostic(code="W010", message="Không tìm thấy tên loại văn bản (ví dụ «KẾ HOẠCH»)."))
    return header, diags


_NUMBER_THEN_DATE = re.compile(r"^\s*Số\b.*?\S(?P<gap>\s+)(?P<pd>(?:TP\.|Tp\.)?\s*[A-ZĐÀ-Ỹ][^,:]{1,60},\s*ngày\b)")


def _split_columns(ln: Line) -> list[Line]:
    """A header line that holds both columns, laid out with tabs or spaces instead of a table
    (55 "ỦY BAN NHÂN DÂN <tab> CỘNG HÒA …", "Số: 09/2009/CT-UBND <tab> Thủ Dầu Một, ngày …"; 13
    the same in VNI): the left column's text and the right one's, as two lines."""
    t = ln.text
    cut = None
    qh = _QUOC_HIEU.search(t)
    if qh and qh.start() > 0 and t[: qh.start()].strip():
        cut = qh.start()
    else:
        m = _NUMBER_THEN_DATE.match(t)
        if m:
            cut = m.start("pd")
    if cut is None:
        return [ln]
    left, right = t[:cut].rstrip(), t[cut:].lstrip()
    return [Line(ln.block, ln.start, left), Line(ln.block, ln.start + len(t) - len(right), right)]


def _split_issuers(lines: list[str]) -> tuple[str | None, str | None]:
    """Group header lines into organisations; the last is the issuer, the one before its parent."""
    orgs: list[str] = []
    for line in lines:
        first = line.split(" ")[0]
        cont = any(line.upper().startswith(w) for w in vocab().unit_words) or first.islower()
        if orgs and cont:
            orgs[-1] = f"{orgs[-1]} {line}"
        else:
            orgs.append(line)
    if not orgs:
        return None, None
    return (orgs[-2] if len(orgs) > 1 else None), orgs[-1]


def _infer_issuer(doc: Document) -> tuple[str, SourceSpan] | None:
    for b in doc.blocks[:40]:
        m = _INFERRED_ISSUER.search(b.text)
        if m:
            return m.group("issuer").strip(), doc.span(b, m.start("issuer"), m.end("issuer"))
    return None


def _from_caption(doc: Document, fields: dict[str, object], sources: dict[str, SourceSpan]) -> None:
    """Number and date written only in an appendix caption ('Kèm theo Kế hoạch số 68/KH-UBND ngày 08/02/2023')."""
    for b in doc.blocks:
        if not _CAPTION.search(b.text):
            continue
        cleaned = re.sub(r"[.…]+(?=\d)|(?<=\d)[.…]+(?=\s*/)", "", b.text)
        refs = find_doc_refs(cleaned)
        if not refs:
            continue
        ref = refs[0]
        if "number" not in sources and ref.number:
            fields["number"], fields["symbol"] = ref.number, ref.symbol
            sources["number"] = doc.span(b)
            fields["number_from_appendix"] = True
        if "date" not in sources and ref.date:
            fields["date"] = ref.date
            sources["date"] = doc.span(b)
            fields["number_from_appendix"] = True
        return
