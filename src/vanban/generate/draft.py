"""A new plan from a catalogue (``vanban new``) and records read back from JSON or YAML.

A draft lists every criterion and indicator of the catalogue as a task with empty assignment
cells, so that ``vanban check`` finds nothing missing — only the blanks to fill.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import yaml
from pydantic import ValidationError

from vanban.catalogue import Catalogue
from vanban.errors import InputError
from vanban.model import CriterionMatch, Header, Item, LegalBasis, PlanRecord, Recipient, Signer, SourceInfo, SourceSpan

NO_SOURCE = SourceSpan(block=0, page=None, start=0, end=0, text="")  # written by vanban, not read from a file
_UNIT_WORDS = ("phường", "thị trấn", "xã", "đặc khu")


def _topic(cat: Catalogue) -> str:
    title = cat.title.lower()
    if "đô thị văn minh" in title:
        return "đạt chuẩn đô thị văn minh"
    if "nâng cao" in title:
        return "đạt chuẩn nông thôn mới nâng cao"
    return "đạt chuẩn nông thôn mới"


def new_record(cat: Catalogue, unit: str, year: int) -> PlanRecord:
    """A complete draft for ``unit`` ('phường Giang Biên') covering every entry of ``cat``."""
    unit = unit.strip()
    place = unit
    for w in _UNIT_WORDS:
        if unit.lower().startswith(w + " "):
            place = unit[len(w) + 1 :]
    d = cat.decision_date
    basis_text = (
        f"Căn cứ Quyết định số {cat.decision} ngày {d.day:02d}/{d.month:02d}/{d.year} của Thủ tướng Chính phủ "
        f"ban hành {cat.title[:1].lower() + cat.title[1:]}"
    )
    number, _, symbol = cat.decision.partition("/")
    items: list[Item] = []
    for c in cat.criteria:
        entries = [(i.id, i.text) for i in c.indicators] or [(c.id, c.name)]
        for eid, text in entries:
            items.append(
                Item(
                    id=f"N{eid}",
                    text=text,
                    label=eid,
                    section=(f"{c.id}. {c.name}",),
                    criterion=c.id,
                    indicator=eid if c.indicators else None,
                    match=CriterionMatch(
                        catalogue=cat.id,
                        criterion=c.id,
                        indicator=eid if c.indicators else None,
                        score=100.0,
                        method="catalogue",
                    ),
                    source=NO_SOURCE,
                )
            )
    return PlanRecord(
        source=SourceInfo(
            path=f"vanban new --catalogue {cat.id}",
            format="txt",
            sha256=hashlib.sha256(f"{cat.id}|{unit}|{year}".encode()).hexdigest(),
        ),
        header=Header(
            issuer=f"UBND {unit}",
            place=place,
            date=str(year),
            number=None,
            symbol="KH-UBND",
            doc_type="KẾ HOẠCH",
            title=f"Xây dựng {unit} {_topic(cat)} năm {year}",
        ),
        legal_bases=(
            LegalBasis(
                kind="can_cu",
                text=basis_text,
                doc_type="Quyết định",
                number=number,
                symbol=symbol,
                date=d.isoformat(),
                issuer="Thủ tướng Chính phủ",
                source=NO_SOURCE,
            ),
        ),
        items=tuple(items),
        signer=Signer(authority="TM. ỦY BAN NHÂN DÂN", title="CHỦ TỊCH", name=None),
        recipients=tuple(
            Recipient(text=t, source=NO_SOURCE)
            for t in (
                f"Thường trực Đảng ủy, HĐND {unit}",
                f"Ủy ban MTTQ Việt Nam {unit}",
                "Các ban, ngành, đoàn thể",
                "Lưu: VT.",
            )
        ),
    )


def load_record(path: Path) -> PlanRecord:
    """A record from ``vanban parse`` (JSON) or written by hand (JSON or YAML; spans optional)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) if path.suffix.lower() in (".yaml", ".yml") else json.loads(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, json.JSONDecodeError) as e:
        raise InputError(
            "không đọc được bản ghi (JSON/YAML hỏng).",
            path=str(path),
            hint="Hãy tạo bản ghi bằng «vanban parse» hoặc sửa lỗi cú pháp.",
        ) from e
    if not isinstance(data, dict):
        raise InputError("bản ghi phải là một đối tượng JSON/YAML.", path=str(path), hint="Xem README, mục bản ghi.")
    empty = NO_SOURCE.model_dump()
    data.setdefault("source", {"path": str(path), "format": "txt", "sha256": hashlib.sha256(text.encode()).hexdigest()})
    data.setdefault("header", {})
    for key in ("legal_bases", "items", "recipients", "sections", "appendices"):
        for entry in data.get(key) or []:
            if isinstance(entry, dict):
                entry.setdefault("source", empty)
    for i, entry in enumerate(data.get("items") or []):
        if isinstance(entry, dict):
            entry.setdefault("id", f"M{i + 1}")
    try:
        return PlanRecord.model_validate(data)
    except ValidationError as e:
        where = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()[:8])
        raise InputError(
            f"bản ghi không đúng lược đồ ({where}).",
            path=str(path),
            hint="Xem src/vanban/schema/plan-record.schema.json.",
        ) from e
