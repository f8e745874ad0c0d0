"""Rolling last year's plan into a new year's, on the seeds parsed for real."""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import pytest
from tests.conftest import ROOT

from vanban.api import parse
from vanban.errors import InputError
from vanban.generate import rollover as ro
from vanban.generate.rollover import Change, cites, old_plan_year, render_changes, roll_text, rollover
from vanban.model import Deadline, LegalBasis, PlanRecord
from vanban.parse.extract.docref import find_doc_refs

SEED_000 = "corpus/seeds/000_9f388ce2cba106c8.txt"
SEED_001 = "corpus/seeds/001_377a1ae89155c130.txt"
SEED_004 = "corpus/seeds/004_155c07a5156293e4.txt"


@cache
def record(rel: str) -> PlanRecord:
    return parse(ROOT / rel)


def no_suggestion(name: str) -> str | None:
    return None


@cache
def rolled(rel: str, year: int) -> tuple[PlanRecord, tuple[Change, ...]]:
    new, changes = rollover(record(rel), year, suggest=no_suggestion)
    return new, tuple(changes)


def flags(changes: tuple[Change, ...] | list[Change]) -> list[Change]:
    return [c for c in changes if c.kind == "flag"]


def flagged(changes: tuple[Change, ...] | list[Change], needle: str) -> list[Change]:
    return [c for c in flags(changes) if needle in c.message]


def with_basis(rec: PlanRecord, text: str) -> PlanRecord:
    """``rec`` with one more căn cứ, read from ``text`` by the parser's citation reader."""
    ref = find_doc_refs(text)[0]
    lb = LegalBasis(
        kind="can_cu",
        text=text,
        doc_type=ref.doc_type,
        number=ref.number,
        symbol=ref.symbol,
        date=ref.date,
        issuer=ref.issuer,
        source=rec.legal_bases[0].source,  # a test record: any span of the plan will do
    )
    return rec.model_copy(update={"legal_bases": (*rec.legal_bases, lb)})


def with_deadline(rec: PlanRecord, index: int, deadline: Deadline) -> PlanRecord:
    items = list(rec.items)
    items[index] = items[index].model_copy(update={"deadline": deadline})
    return rec.model_copy(update={"items": tuple(items)})


# --- years in text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "old", "new", "expected"),
    [
        ("đến tháng 6 năm 2023", 2023, 2024, "đến tháng 6 năm 2024"),
        ("Tháng 11/2023", 2023, 2024, "Tháng 11/2024"),
        ("hoàn thành 30/8/2023", 2023, 2026, "hoàn thành 30/8/2026"),
        ("trước 30/ 8/2023", 2023, 2024, "trước 30/ 8/2024"),
        ("Năm 2023", 2023, 2024, "Năm 2024"),
        ("quý III/2023", 2023, 2024, "quý III/2024"),
        ("Năm học 2022 - 2023", 2023, 2024, "Năm học 2023 - 2024"),
        ("ngày 29/2/2024", 2024, 2025, "ngày 28/2/2025"),
        # what does not mean the plan year stays
        ("Năm 2022 đạt 62 triệu đồng", 2023, 2024, "Năm 2022 đạt 62 triệu đồng"),
        ("giai đoạn 2021-2025", 2023, 2024, "giai đoạn 2021-2025"),
        ("Quyết định số 04/2023/QĐ-TTg", 2023, 2024, "Quyết định số 04/2023/QĐ-TTg"),
        ("kế hoạch số 72/KH-UBND ngày 06/02/2023 về", 2023, 2024, "kế hoạch số 72/KH-UBND ngày 06/02/2023 về"),
        (
            "Quyết định 35/QĐ-UBND ngày 12 tháng 8 năm 2023",
            2023,
            2024,
            "Quyết định 35/QĐ-UBND ngày 12 tháng 8 năm 2023",
        ),
        ("quy hoạch chi tiết 1/500", 2023, 2024, "quy hoạch chi tiết 1/500"),
    ],
)
def test_roll_text(text: str, old: int, new: int, expected: str) -> None:
    assert roll_text(text, old, new) == expected


@pytest.mark.parametrize(("rel", "year"), [(SEED_000, 2023), (SEED_001, 2023), (SEED_004, 2023)])
def test_old_plan_year(rel: str, year: int) -> None:
    # 000 and 001 from the date of issue; 004 has none and takes the title's "năm 2023"
    assert old_plan_year(record(rel)) == year


def test_no_plan_year_and_going_back_are_errors() -> None:
    rec = record(SEED_004)
    blank = rec.model_copy(update={"header": rec.header.model_copy(update={"title": "Kế hoạch"})})
    with pytest.raises(InputError, match="năm của kế hoạch cũ"):
        rollover(blank, 2024)
    with pytest.raises(InputError, match="trước năm"):
        rollover(rec, 2022)


# --- seed 000 → 2024 ------------------------------------------------------------------------------


def test_seed_000_deadlines_move_one_year() -> None:
    old, (new, changes) = record(SEED_000), rolled(SEED_000, 2024)
    assert len(new.items) == len(old.items)
    # The 52 indicators, each "đến tháng 6 năm 2023" but 1.3; the organisation's duties have their own.
    pairs = [(before, after) for before, after in zip(old.items, new.items, strict=True) if before.label]
    assert len(pairs) == 52
    for before, after in pairs:
        assert after.deadline is not None and before.deadline is not None
        if before.label == "1.3":  # "theo gia đoạn lộ trình": open, kept word for word
            assert after.deadline == before.deadline
            assert after.deadline.kind == "open" and after.deadline.date is None
        else:
            assert after.deadline.date == "2024-06-30"
            assert after.deadline.text == "đến tháng 6 năm 2024"
    deadline_changes = [c for c in changes if c.kind == "changed" and c.field.endswith(".deadline")]
    assert len(deadline_changes) == sum(1 for it in old.items if it.deadline and it.deadline.date)


def test_seed_000_header_and_legal_bases() -> None:
    old, (new, changes) = record(SEED_000), rolled(SEED_000, 2024)
    assert new.header.number is None
    assert new.header.date == "2024"
    assert new.header.title == old.header.title == "Xây dựng thị trấn đạt chuẩn đô thị văn minh"  # no year in it
    assert new.header.sources == old.header.sources  # provenance of the old plan, not invented
    assert new.legal_bases == old.legal_bases  # căn cứ dates stay (19/6/2015, 18/2/2022, 02/03/2023)
    assert [lb.date for lb in new.legal_bases] == ["2015-06-19", "2022-02-18", "2023-03-02"]
    (issue,) = [c for c in flags(changes) if c.field == "header.date"]
    assert "cần ghi số và ngày ban hành" in issue.message and issue.where == "Phần đầu"


def plan_year_words(rec: PlanRecord) -> list[str]:
    """Every "năm YYYY" / "/YYYY" outside the căn cứ and the source spans."""
    data = rec.model_dump(mode="json", exclude={"legal_bases", "source", "diagnostics", "appendices"})
    text = json.dumps(_strip_spans(data), ensure_ascii=False)
    return re.findall(r"(?:năm\s+|/)(\d{4})", text, re.I)


def _strip_spans(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_spans(v) for k, v in value.items() if k not in ("source", "sources")}
    if isinstance(value, list):
        return [_strip_spans(v) for v in value]
    return value


@pytest.mark.parametrize(("rel", "year"), [(SEED_000, 2024), (SEED_001, 2024), (SEED_004, 2026)])
def test_no_old_plan_year_left(rel: str, year: int) -> None:
    before = plan_year_words(record(rel))
    after = plan_year_words(rolled(rel, year)[0])
    assert "2023" in before
    assert "2023" not in after
    assert str(year) in after


def test_units_still_existed_in_2024() -> None:
    _, changes = rolled(SEED_000, 2024)
    assert not flagged(changes, "hai cấp")


@pytest.mark.parametrize("year", [2025, 2026])
def test_seed_000_units_gone_from_2025(year: int) -> None:
    _, changes = rolled(SEED_000, year)
    units = {c.old: c for c in flagged(changes, "hai cấp")}
    assert units["thị trấn Hà Trung"].where == "Phần đầu"  # issuer and place: one flag
    assert units["BCĐ huyện"].where == "Nơi nhận"
    assert units["BCĐ huyện"].field == "recipients[0]"
    assert "thị trấn" in units  # the generic word in the criteria text, once, with its places
    assert "Xuất hiện ở" in units["thị trấn"].message
    keys = [c.old.lower() for c in units.values() if c.old]
    assert len(keys) == len(set(keys))


def test_seed_000_named_officials_once_each() -> None:
    _, changes = rolled(SEED_000, 2024)
    people = [c.old for c in flagged(changes, "Cán bộ được nêu tên")]
    assert len(people) == len(set(people))
    assert {"Nguyễn Hoàng Chương", "Phạm Quốc Đông", "Vũ Thị Tư", "Cù Văn Hân"} <= set(people)
    assert "Tư" not in people  # "đ/c Tư" joins "Vũ Thị Tư"
    (signer,) = [c for c in flags(changes) if c.field == "signer.name"]
    assert signer.where == "Người ký"


# --- seed 001 → 2024 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "text", "date", "recurrence"),
    [
        ("8.4", "Năm học 2023 - 2024", "2024-05-31", None),
        ("8.7", "Năm học 2023 - 2024", "2024-05-31", None),
        ("1.7", "Tháng 10/2024", "2024-10-31", None),
        ("4.6", "Tháng 11/2024", "2024-11-30", None),
        ("1.4", "Năm 2024", "2024-12-31", None),
        ("2.3", "Thường xuyên", None, "continuous"),
        ("1.6", "Hàng tuần", None, "weekly"),
        ("1.3", "Theo tiến độ dự án", None, None),
    ],
)
def test_seed_001_deadlines(label: str, text: str, date: str | None, recurrence: str | None) -> None:
    new, _ = rolled(SEED_001, 2024)
    (item,) = [it for it in new.items if it.label == label]
    assert item.deadline is not None
    assert (item.deadline.text, item.deadline.date, item.deadline.recurrence) == (text, date, recurrence)


def test_seed_001_header_and_thuc_hien() -> None:
    old, (new, changes) = record(SEED_001), rolled(SEED_001, 2024)
    assert old.header.number == "68" and new.header.number is None
    assert old.header.title and new.header.title == old.header.title.replace("năm 2023", "năm 2024")
    assert new.legal_bases == old.legal_bases  # "... năm 2023" stays in the căn cứ itself
    (yearly,) = flagged(changes, "dành cho năm 2023")
    assert yearly.where == "Căn cứ thứ 1"
    assert flagged(changes, "Phụ lục còn ghi số")  # "(Kèm theo Kế hoạch số ..68./KH-UBND ...)"


def test_seed_001_comrades_join_full_names() -> None:
    _, changes = rolled(SEED_001, 2024)
    people = [c.old for c in flagged(changes, "Cán bộ được nêu tên")]
    assert len(people) == len(set(people))
    assert "Vũ Phương Đông" in people and "Đông" not in people  # "Đ/c Đông CT UBND" is the chairman who signs
    assert {"Tỉnh", "Quế", "Hoài"} <= set(people)


def test_seed_001_renamed_ward_suggested() -> None:
    asked: list[str] = []

    def fake(name: str) -> str | None:
        asked.append(name)
        return "Phường Việt Hưng, Thành phố Hà Nội" if "Giang Biên" in name else None

    _, changes = rollover(record(SEED_001), 2026, suggest=fake)
    assert "phường Giang Biên, quận Long Biên" in asked  # the district comes from the căn cứ
    (ward,) = flagged(changes, "Phường Việt Hưng")
    assert ward.old == "phường Giang Biên" and ward.new == "Phường Việt Hưng, Thành phố Hà Nội"
    assert ward.where == "Phần đầu"
    # without a suggestion a phường is not flagged: the level still exists
    _, plain = rolled(SEED_001, 2026)
    assert not [c for c in flags(plain) if c.old and c.old.startswith("phường")]


# --- seed 004 → 2026 -----------------------------------------------------------------------------


def test_seed_004_deadlines_and_texts() -> None:
    new, _ = rolled(SEED_004, 2026)
    assert new.header.title == "Hoàn thành các tiêu chí xã nông thôn mới kiểu mẫu năm 2026"
    assert new.header.date == "2026"
    dates = {it.deadline.date for it in new.items if it.deadline and it.deadline.date}
    assert dates >= {"2026-08-30", "2026-08-15", "2026-09-30"} and {d[:4] for d in dates} == {"2026"}
    first = new.items[0]
    assert first.deadline is not None and first.deadline.text == "30/8/2026"
    assert "(kế hoạch xong trước ngày 15/7/2026; góp ý xong trước ngày 20/7/2026;" in first.text
    (income,) = [it for it in new.items if it.text.startswith("Năm 2022 thu nhập")]
    assert income.text.startswith("Năm 2022 thu nhập") and "Năm 2026 phải đạt" in income.text


def test_seed_004_flags() -> None:
    _, changes = rolled(SEED_004, 2026)
    (ended,) = [c for c in flags(changes) if "319/QĐ-TTg" in c.message]
    assert "chưa có văn bản thay thế" in ended.message and ended.where == "Căn cứ thứ 1" and ended.new is None
    periods = {c.where for c in flagged(changes, "giai đoạn 2022-2025")}
    assert {"Căn cứ thứ 2", "Căn cứ thứ 3"} <= periods  # provincial sets for 2022-2025
    units = {c.old for c in flagged(changes, "hai cấp")}
    assert {"Phòng TNMT huyện", "Trung tâm y tế huyện", "huyện Hà trung"} <= units
    assert flagged(changes, "Nhắc đến năm 2022")  # last year's income figure


def test_seed_004_before_2026_keeps_the_2021_2025_decisions() -> None:
    _, changes = rolled(SEED_004, 2025)
    assert not [c for c in flags(changes) if "319/QĐ-TTg" in c.message]
    assert {c.old for c in flagged(changes, "hai cấp")} >= {"Phòng TNMT huyện"}  # 2025: H2 has no huyện


@pytest.mark.parametrize(
    ("doc_id", "year", "flagged_as"),
    [
        ("ntm-2021-2025", 2026, "51/2025/QĐ-TTg"),
        ("ntm-2021-2025", 2025, None),
        ("tiep-can-phap-luat-2021", 2025, "27/2025/QĐ-TTg"),
        ("tiep-can-phap-luat-2021", 2024, None),
        ("ntm-kieu-mau-2021-2025", 2026, "chưa có văn bản thay thế"),
    ],
)
def test_superseded_basis(doc_id: str, year: int, flagged_as: str | None) -> None:
    entry = next(s for s in ro.supersessions().documents if s.id == doc_id)
    rec = with_basis(record(SEED_004), entry.example)
    new, changes = rollover(rec, year, suggest=no_suggestion)
    field = f"legal_bases[{len(rec.legal_bases) - 1}]"
    hits = [c for c in flags(changes) if c.field == field and entry.old.number + "/" in c.message]
    if flagged_as is None:
        assert not hits
    else:
        (hit,) = hits
        assert flagged_as in hit.message
        assert hit.where == f"Căn cứ thứ {len(rec.legal_bases)}"
    assert new.legal_bases == rec.legal_bases


def test_318_superseded_by_51_from_15_02_2026() -> None:
    text = "Căn cứ Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ về Bộ tiêu chí xã NTM nâng cao;"
    _, changes = rollover(with_basis(record(SEED_004), text), 2026, suggest=no_suggestion)
    (hit,) = [c for c in flags(changes) if "318/QĐ-TTg" in c.message]
    assert hit.new is not None and "51/2025/QĐ-TTg" in hit.new
    assert "có hiệu lực từ 15/2/2026" in hit.message


@pytest.mark.parametrize("entry", ro.supersessions().documents, ids=lambda e: e.id)
def test_supersession_examples_cite_their_document(entry: ro.DocSupersession) -> None:
    ref = find_doc_refs(entry.example)[0]
    lb = LegalBasis(kind="can_cu", text=entry.example, number=ref.number, symbol=ref.symbol, source=_span())
    assert cites(lb, entry.old)
    assert ref.date == entry.old.date
    others = [s for s in ro.supersessions().documents if s.id != entry.id]
    assert not any(cites(lb, s.old) for s in others)


def _span() -> Any:
    return record(SEED_004).legal_bases[0].source


# --- constructed deadlines -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "year", "expected"),
    [
        # a range moves both ends
        (
            Deadline(text="từ 01/3/2023 đến 30/6/2023", start="2023-03-01", date="2023-06-30", kind="range"),
            2024,
            ("từ 01/3/2024 đến 30/6/2024", "2024-03-01", "2024-06-30"),
        ),
        # a day that a leap year has and the next year has not
        (Deadline(text="29/02/2024", date="2024-02-29", kind="day"), 2025, ("28/02/2025", None, "2025-02-28")),
        # a month's end stays the month's end
        (Deadline(text="Tháng 2/2023", date="2023-02-28", kind="month"), 2024, ("Tháng 2/2024", None, "2024-02-29")),
    ],
)
def test_constructed_deadlines(deadline: Deadline, year: int, expected: tuple[str, str | None, str]) -> None:
    plan = int((deadline.date or "")[:4])
    rec = record(SEED_001)
    rec = rec.model_copy(update={"header": rec.header.model_copy(update={"date": f"{plan}-01-05"})})
    new, changes = rollover(with_deadline(rec, 0, deadline), year, suggest=no_suggestion)
    d = new.items[0].deadline
    assert d is not None and (d.text, d.start, d.date) == expected
    assert not [c for c in flags(changes) if c.field == "items[0].deadline"]  # the words read back to the date


def test_deadline_after_the_plan_year_is_kept_and_flagged() -> None:
    late = Deadline(text="31/12/2025", date="2025-12-31", kind="day")
    new, changes = rollover(with_deadline(record(SEED_000), 0, late), 2024, suggest=no_suggestion)
    assert new.items[0].deadline == late
    (flag,) = [c for c in flags(changes) if c.field == "items[0].deadline"]
    assert flag.where == "Nhiệm vụ 1.1" and "giữ nguyên" in flag.message
    assert not [c for c in changes if c.kind == "changed" and c.field == "items[0].deadline"]


# --- every change is listed; the report ----------------------------------------------------------


def _diff(a: Any, b: Any, path: str = "") -> list[str]:
    if isinstance(a, dict) and isinstance(b, dict):
        return [p for k in a.keys() | b.keys() for p in _diff(a.get(k), b.get(k), f"{path}.{k}" if path else k)]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [p for i, (x, y) in enumerate(zip(a, b, strict=True)) for p in _diff(x, y, f"{path}[{i}]")]
    return [] if a == b else [path]


@pytest.mark.parametrize(("rel", "year"), [(SEED_000, 2024), (SEED_001, 2024), (SEED_001, 2026), (SEED_004, 2026)])
def test_every_difference_is_a_listed_change(rel: str, year: int) -> None:
    old, (new, changes) = record(rel), rolled(rel, year)
    listed = {c.field for c in changes if c.kind == "changed"}
    differences = _diff(old.model_dump(mode="json"), new.model_dump(mode="json"))
    assert differences
    for path in differences:
        assert any(path == f or path.startswith(f + ".") for f in listed), path
    for c in changes:  # and nothing is listed as changed that did not change
        assert c.kind == "flag" or any(p == c.field or p.startswith(c.field + ".") for p in differences), c.field


@pytest.mark.parametrize(("rel", "year"), [(SEED_000, 2026), (SEED_001, 2024), (SEED_004, 2026)])
def test_report_lists_every_change(rel: str, year: int) -> None:
    _, changes = rolled(rel, year)
    report = render_changes(changes, rel, year)
    made, flagged_ = [c for c in changes if c.kind == "changed"], flags(changes)
    assert report.startswith(f"# Chuyển kế hoạch sang năm {year}\n")
    assert f"- {len(made)} thay đổi đã thực hiện, {len(flagged_)} điểm cần xem lại." in report
    rows = [line for line in report.splitlines() if re.match(r"\| \d+ \|", line)]
    assert len(rows) == len(changes)
    for n, c in enumerate(made, 1):
        assert f"| {n} | {c.where} | `{c.field}` |" in report
    for n, c in enumerate(flagged_, 1):
        assert f"| {n} | {c.where} | `{c.field}` | {' '.join(c.message.split())}" in report.replace("\\|", "|")


def test_report_without_changes() -> None:
    report = render_changes([], "x.txt", 2024)
    assert "0 thay đổi đã thực hiện, 0 điểm cần xem lại" in report
    assert report.count("Không có.") == 2


# --- the unit adapter ------------------------------------------------------------------------------


def test_adapter_without_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ro, "_converter", lambda: None)
    assert ro.suggest_current_unit("thị trấn Hà Trung, huyện Hà Trung, Thanh Hóa") is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("thị trấn Hà Trung, huyện Hà Trung, Thanh Hóa", "Xã Hà Trung, Tỉnh Thanh Hóa"),
        ("phường Giang Biên, quận Long Biên", "Phường Việt Hưng, Thành phố Hà Nội"),
        ("thị trấn Hà Trung", None),  # no district: the package can only guess the province
        ("huyện Hà Trung, Thanh Hóa", None),  # a district has no successor
        ("số 5, phường Giang Biên, quận Long Biên, Hà Nội", None),  # a street would be geocoded online
    ],
)
def test_adapter_with_the_package(name: str, expected: str | None) -> None:
    pytest.importorskip("vietnamadminunits")
    assert ro.suggest_current_unit(name) == expected
