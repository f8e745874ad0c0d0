"""Write a plan from its record: a DOCX in the NĐ 30/2020/NĐ-CP layout, and a PDF.

``plan_context`` is pure (record → the template's placeholders, see
``templates/ke-hoach.manifest.yaml``); ``render_docx`` fills a docxtpl template in a sandboxed
Jinja environment after checking the template against the manifest; ``write_plan`` writes the
file atomically and, on request, converts it to PDF with LibreOffice.

The body lists the tasks by criterion (or by section); the assignments — leader, unit, people,
partners, deadline — go to the appendix table, so that reading the plan back gives one item per
task (the round trip the tests check).
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import yaml
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment

from vanban.errors import OutputError, VanbanError
from vanban.io import write_atomic
from vanban.model import Item, PlanRecord
from vanban.office import ConversionError, convert, soffice_path

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_TEMPLATE = ROOT / "templates" / "ke-hoach.docx"
BLANK = "…"


class TemplateError(VanbanError):
    """A template that does not match the manifest of placeholders."""

    code = "E301"


def nd30_date(place: str | None, iso: str | None) -> str:
    """'Hà Trung, ngày 10 tháng 3 năm 2023': days below 10 and months 1–2 zero-padded (NĐ 30)."""
    parts = (iso or "").split("-")
    year = parts[0] if parts and parts[0] else BLANK * 2
    month = (
        f"{int(parts[1]):02d}"
        if len(parts) > 1 and int(parts[1]) <= 2
        else (str(int(parts[1])) if len(parts) > 1 else BLANK)
    )
    day = f"{int(parts[2]):02d}" if len(parts) > 2 else BLANK
    return f"{place or BLANK * 2}, ngày {day} tháng {month} năm {year}"


def short_date(iso: str | None) -> str:
    parts = (iso or "").split("-")
    filled = [parts[2] if len(parts) > 2 else BLANK, parts[1] if len(parts) > 1 else BLANK, parts[0] or BLANK]
    return "/".join(filled)


def _number(number: str | None) -> str:
    if not number:
        return " " * 6
    return f"{int(number):02d}" if number.isdigit() and int(number) < 10 else number


def _legal_lines(record: PlanRecord) -> list[str]:
    """One line per căn cứ, ending ';' and the last '.' (NĐ 30)."""
    texts = list(dict.fromkeys(lb.text.rstrip(" .;,") for lb in record.legal_bases))
    return [t + (";" if i < len(texts) - 1 else ".") for i, t in enumerate(texts)]


_COLLECTIVE = re.compile(r"^(?:UBND|ỦY BAN NHÂN DÂN|Ủy ban nhân dân)\b", re.I)


def conform(record: PlanRecord) -> PlanRecord:
    """The record as the generator writes it: NĐ 30 fixes a plan may need, and no others.

    * A deputy signs 'KT.' for the head: 'TM. BAN CHỈ ĐẠO / PHÓ TRƯỞNG BAN' (seed 000) gains
      'KT. TRƯỞNG BAN' (Phụ lục I, mục II.7).
    * The head of a collective body (UBND) signs 'TM. ỦY BAN NHÂN DÂN'.
    * A missing ký hiệu becomes '<type>-<body>' when both are known ('KH-UBND').
    """
    h = record.header
    signer = record.signer
    title = signer.title or ""
    lines = [a for a in (signer.authority or "").split("\n") if a]
    if title.startswith("PHÓ ") and not any(re.match(r"^(KT|Q|TL|TUQ)\.", a) for a in lines):
        lines.append(f"KT. {title[4:]}")
    if _COLLECTIVE.match(h.issuer or "") and title and not any(a.startswith("TM.") for a in lines):
        lines.insert(0, "TM. ỦY BAN NHÂN DÂN")
    signer = signer.model_copy(update={"authority": "\n".join(lines) or None})
    symbol = h.symbol
    if not symbol and (h.doc_type or "KẾ HOẠCH") == "KẾ HOẠCH" and _COLLECTIVE.match(h.issuer or ""):
        symbol = "KH-UBND"
    return record.model_copy(update={"signer": signer, "header": h.model_copy(update={"symbol": symbol})})


def _recipients(record: PlanRecord) -> list[str]:
    texts = [r.text.rstrip(" ;") for r in record.recipients]
    if texts and re.match(r"^Lưu\s+(?!:)", texts[-1]):
        texts[-1] = "Lưu: " + texts[-1][3:].lstrip()  # NĐ 30: "- Lưu: VT, …"
    if not texts or not re.match(r"^Lưu\b", texts[-1]):
        texts.append("Lưu: VT.")
    return [t if i == len(texts) - 1 else f"{t};" for i, t in enumerate(texts)]


def _groups(record: PlanRecord, names: dict[str, str]) -> list[tuple[str, list[Item]]]:
    """Consecutive items under the same criterion (a strong catalogue match) or section, in the
    plan's own order: the appendix keeps the order of the tasks."""
    sections = {s.path: s.title for s in record.sections}
    runs: list[tuple[str, list[Item]]] = []
    for it in record.items:
        if it.criterion and it.criterion in names and it.match is not None and not it.match.review:
            key = f"Tiêu chí số {it.criterion}: {names[it.criterion]}"
        elif it.section:
            key = sections.get(it.section, it.section[-1])
        else:
            key = "Nhiệm vụ"
        if runs and runs[-1][0] == key:
            runs[-1][1].append(it)
        else:
            runs.append((key, [it]))
    return runs


def _content(it: Item) -> str:
    strong = it.indicator if it.match is not None and not it.match.review else None
    label = strong or it.label
    return f"{label}. {it.text}" if label else it.text


def plan_context(record: PlanRecord, criterion_names: dict[str, str] | None = None) -> dict[str, Any]:
    """The placeholders of the plan template, from a record (pure)."""
    record = conform(record)
    h = record.header
    issuer = h.issuer or BLANK * 3
    issuer_name = issuer if not issuer.isupper() else issuer[:1] + issuer[1:].lower()
    table: list[dict[str, Any]] = []
    groups = _groups(record, criterion_names or {})
    n = 0
    for label, items in groups:
        rows: list[dict[str, str]] = []
        table.append({"criterion": label, "rows": rows})
        for it in items:
            n += 1
            rows.append(
                {
                    "n": str(n),
                    "content": _content(it),
                    "solution": it.solution or "",
                    "leads": "; ".join(it.leads),
                    "responsible": "; ".join(it.responsible),
                    "people": "; ".join(f"{p.name} ({p.position})" if p.position else p.name for p in it.people),
                    "coordinating": "; ".join(it.coordinating),
                    "deadline": it.deadline.text if it.deadline else "",
                }
            )
    signer = record.signer
    authority = [a for a in (signer.authority or "").split("\n") if a]
    return {
        "parent_issuer": (h.parent_issuer or "").upper(),
        "issuer": issuer.upper(),
        "number_text": _number(h.number),
        "symbol": h.symbol or BLANK * 2,
        "place_date": nd30_date(h.place, h.date),
        "doc_type": h.doc_type or "KẾ HOẠCH",
        "title": h.title or "",
        "legal_bases": _legal_lines(record),
        "preamble": f"{issuer_name} ban hành Kế hoạch với các nội dung như sau:",
        "groups": [(label, [_content(it) for it in items]) for label, items in groups],
        "recipients": _recipients(record),
        "authority_lines": authority,
        "signer_title": signer.title or "",
        "signer_name": signer.name or "",
        "date_short": short_date(h.date),
        "issuer_name": issuer_name,
        "table": table,
    }


def load_manifest(template: Path) -> dict[str, Any]:
    path = template.with_name(template.stem + ".manifest.yaml")
    if not path.exists():
        path = DEFAULT_TEMPLATE.with_name("ke-hoach.manifest.yaml")
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def check_template(tpl: DocxTemplate, template: Path) -> None:
    """A template may use only the manifest's placeholders, and must use the required ones."""
    manifest = load_manifest(template)["placeholders"]
    env = SandboxedEnvironment()
    try:
        used = set(tpl.get_undeclared_template_variables(jinja_env=env))
    except Exception as e:  # jinja syntax errors and broken XML alike
        raise TemplateError(f"mẫu không đọc được ({e}).", path=str(template), hint="Hãy sửa mẫu DOCX.") from e
    unknown = sorted(used - set(manifest))
    missing = sorted(k for k, v in manifest.items() if v.get("required") and k not in used and k != "body")
    if unknown or missing:
        parts = []
        if unknown:
            parts.append("dùng trường không có trong danh mục: " + ", ".join(unknown))
        if missing:
            parts.append("thiếu trường bắt buộc: " + ", ".join(missing))
        raise TemplateError(
            "mẫu không khớp danh mục trường; " + "; ".join(parts) + ".",
            path=str(template),
            hint="Xem templates/ke-hoach.manifest.yaml.",
        )


def _body(tpl: DocxTemplate, ctx: dict[str, Any]) -> Any:
    """Part I lists the tasks by group; part II says who carries them out."""
    sd = tpl.new_subdoc()

    def add(text: str, *, bold: bool = False, indent: bool = True) -> None:
        p = sd.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.first_line_indent = Cm(1.27) if indent else Cm(0)
        p.paragraph_format.space_after = Pt(6)
        run = p.add_run(text)
        run.bold = bold
        run.font.name = "Times New Roman"
        run.font.size = Pt(14)

    add("I. NỘI DUNG, NHIỆM VỤ", bold=True)
    for i, (label, contents) in enumerate(ctx["groups"], start=1):
        add(f"{i}. {label}", bold=True)  # numbered, as plans write it ("1. Tiêu chí số 1: …")
        for content in contents:
            add(f"- {content}")
    add("II. TỔ CHỨC THỰC HIỆN", bold=True)
    add(
        "Các cơ quan, đơn vị, cá nhân được phân công tại Phụ lục kèm theo Kế hoạch này có trách nhiệm "
        f"triển khai thực hiện đúng nội dung, thời hạn; định kỳ báo cáo kết quả về {ctx['issuer_name']} để tổng hợp."
    )
    add(f"Trên đây là {ctx['doc_type'].capitalize()} của {ctx['issuer_name']}./.")
    return sd


def render_docx(
    record: PlanRecord, template: Path | None = None, criterion_names: dict[str, str] | None = None
) -> bytes:
    """The plan as DOCX bytes."""
    template = template or DEFAULT_TEMPLATE
    try:
        tpl = DocxTemplate(str(template))
        tpl.init_docx()
    except Exception as e:
        raise TemplateError("không mở được tệp mẫu DOCX.", path=str(template), hint="Hãy kiểm tra tệp mẫu.") from e
    check_template(tpl, template)
    ctx = plan_context(record, criterion_names)
    ctx["body"] = _body(tpl, ctx)
    env = SandboxedEnvironment(autoescape=True)
    try:
        tpl.render(ctx, jinja_env=env, autoescape=True)
    except Exception as e:
        raise TemplateError(f"không điền được mẫu ({e}).", path=str(template), hint="Hãy sửa mẫu DOCX.") from e
    buf = io.BytesIO()
    tpl.save(buf)
    return buf.getvalue()


def docx_to_pdf(docx: bytes, name: str = "ke-hoach", timeout: int = 180) -> bytes:
    """Convert with LibreOffice headless (see :mod:`vanban.office`)."""
    soffice = soffice_path()
    if soffice is None:
        raise OutputError("không tìm thấy LibreOffice để xuất PDF.", hint="Hãy chạy scripts/setup.sh.")
    try:
        return convert(soffice, docx, "docx", "pdf", timeout=timeout, stem=name)
    except ConversionError as e:
        why = f" trong {timeout} giây" if e.timed_out else ""
        raise OutputError(
            f"LibreOffice không chuyển được tệp sang PDF{why}.", hint="Hãy thử lại hoặc mở bằng Word."
        ) from e


def write_plan(
    record: PlanRecord,
    out: Path,
    *,
    template: Path | None = None,
    pdf: bool = False,
    criterion_names: dict[str, str] | None = None,
) -> list[Path]:
    """Write the DOCX (and the PDF beside it); nothing is left half-written."""
    data = render_docx(record, template, criterion_names)
    written = [out]
    pdf_bytes = docx_to_pdf(data, out.stem) if pdf else None
    write_atomic(out, data)
    if pdf_bytes is not None:
        write_atomic(out.with_suffix(".pdf"), pdf_bytes)
        written.append(out.with_suffix(".pdf"))
    return written
