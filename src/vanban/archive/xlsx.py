"""``vanban export-xlsx`` / ``import-xlsx``: one plan's assignment table as offices keep it.

The sheet «Phân công» has one row per item: TT, Tiêu chí, Nội dung, Giải pháp, Lãnh đạo phụ
trách, Đơn vị thực hiện, Người phụ trách, Phối hợp, Thời hạn, and «Mã» (the item id, to leave
alone). Several units or people in a cell are separated by «;»; a person is «Họ tên (chức vụ)».

Import brings edits back into a record: a row is matched to an item by Mã, else (when the Mã
column was removed) by TT, the row number of the export. A changed cell replaces that field —
a changed deadline is parsed again with the plan's year; an unchanged cell keeps the original
value with its source span. Rows without a known Mã are new items; items whose row was deleted
are dropped. The result is a :class:`PlanRecord` that ``vanban generate`` can write.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from vanban.errors import CorruptFileError, InputError
from vanban.model import Deadline, Header, Item, Person, PlanRecord, SourceInfo

SHEET = "Phân công"
COLUMNS: tuple[tuple[str, int], ...] = (
    ("TT", 6),
    ("Tiêu chí", 9),
    ("Nội dung", 60),
    ("Giải pháp", 40),
    ("Lãnh đạo phụ trách", 22),
    ("Đơn vị thực hiện", 26),
    ("Người phụ trách", 26),
    ("Phối hợp", 26),
    ("Thời hạn", 18),
    ("Mã (không sửa)", 10),
)
FIELDS = ("tt", "criterion", "text", "solution", "leads", "responsible", "people", "coordinating", "deadline", "key")
_SEP = re.compile(r"\s*[;\n]\s*")
_PERSON = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<position>[^()]*)\)\s*$")
_YEAR = re.compile(r"\bnăm\s+((?:19|20)\d\d)\b", re.I)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def person_text(p: Person) -> str:
    return f"{p.name} ({p.position})" if p.position else p.name


def item_cells(it: Item) -> dict[str, str]:
    """The cells of an item's row as exported (``tt`` and ``key`` excluded)."""
    return {
        "criterion": it.indicator or it.criterion or "",
        "text": it.text,
        "solution": it.solution or "",
        "leads": "; ".join(it.leads),
        "responsible": "; ".join(it.responsible),
        "people": "; ".join(person_text(p) for p in it.people),
        "coordinating": "; ".join(it.coordinating),
        "deadline": it.deadline.text if it.deadline else "",
    }


def record_year(record: PlanRecord) -> int | None:
    m = _YEAR.search(record.header.title or "")
    if m:
        return int(m.group(1))
    d = record.header.date
    return int(d[:4]) if d and d[:4].isdigit() else None


def load_plan(path: str | Path) -> PlanRecord:
    """A record (.json/.yaml) or any plan file, parsed."""
    p = Path(path)
    if p.suffix.lower() in (".json", ".yaml", ".yml"):
        from vanban.generate.draft import load_record

        return load_record(p)
    from vanban.api import parse

    return parse(p)


def _doc_no(h: Header) -> str:
    return "" if h.number is None and h.symbol is None else f"{h.number or ''}/{h.symbol or ''}"


def export_xlsx(record: PlanRecord) -> bytes:
    from vanban.archive.sheets import Cell, Sheet, workbook

    rows: list[list[Cell]] = [[i, *item_cells(it).values(), it.id] for i, it in enumerate(record.items, start=1)]
    h = record.header
    info = [
        ("Tệp nguồn", record.source.path),
        ("sha256", record.source.sha256),
        ("Cơ quan ban hành", h.issuer or ""),
        ("Số, ký hiệu", _doc_no(h)),
        ("Địa danh", h.place or ""),
        ("Ngày", h.date or ""),
        ("Trích yếu", h.title or ""),
        ("Hướng dẫn", "Nhiều đơn vị hoặc người trong một ô: ngăn cách bằng dấu «;». Người: «Họ tên (chức vụ)»."),
        ("", "Không sửa cột «Mã»: vanban dùng nó để nhận ra nhiệm vụ khi nhập lại (vanban import-xlsx)."),
        ("", "Thêm dòng (để trống Mã) là thêm nhiệm vụ; xóa dòng là bỏ nhiệm vụ."),
    ]
    headings = [c for c, _ in COLUMNS]
    return workbook([Sheet(SHEET, headings, rows, [w for _, w in COLUMNS])], info)


# --- import ------------------------------------------------------------------------------------
def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, datetime):
        v = v.date()
    if isinstance(v, date):
        return f"{v.day:02d}/{v.month:02d}/{v.year}"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return unicodedata.normalize("NFC", str(v)).strip()


def _same(cell: str, exported: str) -> bool:
    """Whether a cell still says what was exported (spacing, and characters a spreadsheet cannot
    hold, do not count as an edit)."""
    from vanban.archive.sheets import clean

    return " ".join(cell.split()) == " ".join(str(clean(unicodedata.normalize("NFC", exported))).split())


def _split(text: str) -> tuple[str, ...]:
    return tuple(p for p in _SEP.split(text) if p)


@dataclass
class Change:
    where: str
    field: str
    old: str
    new: str


@dataclass
class ImportResult:
    record: PlanRecord
    changed: int = 0
    added: int = 0
    removed: int = 0
    changes: list[Change] = field(default_factory=list)


def read_rows(data: bytes, name: str) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The rows of the «Phân công» sheet as field → text, and the «Thông tin» pairs."""
    import io
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise CorruptFileError(
            f"không đọc được bảng tính ({type(e).__name__}).",
            path=name,
            hint="Hãy mở bằng Excel hoặc LibreOffice và lưu lại dạng .xlsx.",
        ) from e
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    wanted = {_key(h): f for (h, _), f in zip(COLUMNS, FIELDS, strict=True)}
    wanted[_key("Mã")] = "key"
    cols: dict[int, str] = {}
    rows: list[dict[str, str]] = []
    for values in ws.iter_rows(values_only=True):
        cells = [_text(v) for v in values]
        if not cols:
            found = {i: wanted[_key(c)] for i, c in enumerate(cells) if _key(c) in wanted}
            if "text" in found.values() and "tt" in found.values():
                cols = found
            continue
        row = {f: cells[i] if i < len(cells) else "" for i, f in cols.items()}
        if any(row.values()):
            rows.append(row)
    if not cols:
        wb.close()
        raise InputError(
            "không thấy dòng tiêu đề của bảng phân công (cần ít nhất các cột «TT» và «Nội dung»).",
            path=name,
            hint="Hãy dùng bảng do «vanban export-xlsx» xuất ra.",
        )
    info: dict[str, str] = {}
    if "Thông tin" in wb.sheetnames:
        for values in wb["Thông tin"].iter_rows(values_only=True):
            if len(values) >= 2 and values[0]:
                info[_text(values[0])] = _text(values[1])
    wb.close()
    return rows, info


def _base_from_info(info: dict[str, str], name: str, data: bytes) -> PlanRecord:
    number, _, symbol = info.get("Số, ký hiệu", "").partition("/")
    header = Header(
        issuer=info.get("Cơ quan ban hành") or None,
        number=number or None,
        symbol=symbol or None,
        place=info.get("Địa danh") or None,
        date=info.get("Ngày") or None,
        title=info.get("Trích yếu") or None,
    )
    source = SourceInfo(path=name, format="txt", sha256=hashlib.sha256(data).hexdigest())
    return PlanRecord(source=source, header=header)


def _apply(it: Item, row: dict[str, str], year: int | None, where: str, changes: list[Change]) -> Item:
    from vanban.parse.extract.deadline import parse_deadline

    old = item_cells(it)
    update: dict[str, Any] = {}
    for f, before in old.items():
        if f not in row or _same(row[f], before):
            continue
        after = row[f]
        changes.append(Change(where, dict(zip(FIELDS, (c for c, _ in COLUMNS), strict=True))[f], before, after))
        if f == "criterion":
            update |= {"indicator": after if "." in after else None, "criterion": after.split(".")[0] or None}
            update["match"] = None
        elif f == "text":
            update["text"] = after
        elif f == "solution":
            update["solution"] = after or None
        elif f in ("leads", "responsible", "coordinating"):
            update[f] = _split(after)
        elif f == "people":
            update["people"] = tuple(_person(t, it.people) for t in _split(after))
        elif f == "deadline":
            update["deadline"] = (parse_deadline(after, year) or Deadline(text=after, kind="open")) if after else None
    return it.model_copy(update=update) if update else it


def _person(text: str, known: tuple[Person, ...]) -> Person:
    for p in known:
        if person_text(p) == text:
            return p
    m = _PERSON.match(text)
    return Person(name=m["name"], position=m["position"] or None) if m else Person(name=text)


def _new_item(row: dict[str, str], n: int, year: int | None) -> Item:
    from vanban.generate.draft import NO_SOURCE

    blank = Item(id=f"M{n}", text=row.get("text") or "", source=NO_SOURCE)
    return _apply(blank, {k: v for k, v in row.items() if k != "text"}, year, "", [])


def import_rows(base: PlanRecord, rows: list[dict[str, str]]) -> ImportResult:
    """Bring the edited rows into ``base`` (see the module doc)."""
    by_id = {it.id: it for it in base.items}
    by_tt = {str(i): it for i, it in enumerate(base.items, start=1)}
    has_key = any("key" in r for r in rows)
    year = record_year(base)
    used: set[str] = set()
    items: list[Item] = []
    result = ImportResult(base)
    taken = set(by_id)
    n = 0
    for row in rows:
        key = row.get("key", "")
        it = by_id.get(key) if has_key else by_tt.get(row.get("tt", ""))
        if it is None or it.id in used:
            n += 1
            while f"M{n}" in taken:
                n += 1
            new = _new_item(row, n, year)
            taken.add(new.id)
            items.append(new)
            result.added += 1
            result.changes.append(Change(f"TT {row.get('tt', '')}", "thêm nhiệm vụ", "", new.text[:60]))
            continue
        used.add(it.id)
        before = len(result.changes)
        items.append(_apply(it, row, year, f"TT {row.get('tt', '')} ({it.id})", result.changes))
        result.changed += len(result.changes) > before
    for it in base.items:
        if it.id not in used:
            result.removed += 1
            result.changes.append(Change(it.id, "bỏ nhiệm vụ", it.text[:60], ""))
    result.record = base.model_copy(update={"items": tuple(items)})
    return result


def import_xlsx(xlsx: str | Path, base: PlanRecord | None = None) -> ImportResult:
    p = Path(xlsx)
    data = p.read_bytes()
    rows, info = read_rows(data, str(p))
    return import_rows(base if base is not None else _base_from_info(info, str(p), data), rows)


def record_json(record: PlanRecord) -> str:
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def cli_export_xlsx(plan: str, out: str) -> int:
    """``vanban export-xlsx PLAN -o OUT.xlsx`` (PLAN: a plan file or a record .json/.yaml)."""
    from vanban.io import write_atomic

    record = load_plan(plan)
    write_atomic(Path(out), export_xlsx(record))
    print(f"vanban: đã ghi {out} ({len(record.items)} nhiệm vụ)", file=sys.stderr)
    return 0


def cli_import_xlsx(xlsx: str, record_out: str, base_record: str | None = None) -> int:
    """``vanban import-xlsx TABLE.xlsx [--record OLD] -o NEW.json``."""
    from vanban.io import write_atomic

    base = load_plan(base_record) if base_record else None
    result = import_xlsx(xlsx, base)
    write_atomic(Path(record_out), record_json(result.record).encode("utf-8"))
    print(
        f"vanban: đã ghi {record_out}: {result.changed} nhiệm vụ sửa, {result.added} thêm, {result.removed} bỏ.",
        file=sys.stderr,
    )
    for c in result.changes[:50]:
        print(f"  {c.where}: {c.field}: «{c.old[:60]}» → «{c.new[:60]}»", file=sys.stderr)
    if len(result.changes) > 50:
        print(f"  … và {len(result.changes) - 50} thay đổi khác.", file=sys.stderr)
    return 0
