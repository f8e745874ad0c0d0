"""Coverage check: seeds fully covered, deletions reported exactly, catalogue detection, reports."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from tests.conftest import ROOT

from vanban.api import check
from vanban.catalogue import all_catalogues, load_catalogue
from vanban.check.match import STRONG, rank_criteria, rank_indicators
from vanban.check.render import to_html, to_xlsx
from vanban.cli import main

SEED0 = ROOT / "corpus/seeds/000_9f388ce2cba106c8.txt"
SEED1 = ROOT / "corpus/seeds/001_377a1ae89155c130.txt"
SEED4 = ROOT / "corpus/seeds/004_155c07a5156293e4.txt"


def _statuses(report: object) -> dict[str, str]:
    return {s.id: s.status for c in report.criteria for s in c.indicators}  # type: ignore[attr-defined]


@pytest.mark.parametrize("seed", [SEED0, SEED1])
def test_seeds_cover_all_52_indicators_with_the_right_items(seed: Path) -> None:
    record, report, _ = check(seed)
    assert report.catalogue == "dtvm-2022" and report.catalogue_detected
    assert report.indicators_total == 52 and report.missing == 0
    # Each indicator is covered by the item the plan numbers for it (seed 000's "2." is 2.2); the
    # plan's other duties (the steering committee's, the communes') are tasks too, not indicators.
    numbered = [it for it in record.items if it.id[0] in "PT"]
    for it in numbered:
        assert it.indicator is not None and it.match is not None and not it.match.review
        expected = it.label if it.label != "2" else "2.2"
        assert it.indicator == expected, (it.id, it.label, it.indicator)
    assert sorted(str(it.indicator) for it in numbered) == sorted(
        ind.id for ind in load_catalogue("dtvm-2022").indicators()
    )


def test_seed0_summary_and_owners() -> None:
    _, report, _ = check(SEED0)
    assert report.summary == "Đạt 9/9 tiêu chí, 52/52 nội dung"
    s = {s.id: s for c in report.criteria for s in c.indicators}
    assert s["6.1"].responsible[:1] == ("CSLĐ - XH",) and "Vũ Thị Tư" in s["6.1"].responsible
    assert s["1.3"].deadlines == ("theo gia đoạn lộ trình",)
    assert s["2.2"].deadlines == ("30/6/2023",)


def test_seed1_reports_the_four_rows_whose_deadline_cell_was_lost() -> None:
    _, report, _ = check(SEED1)
    partial = {s.id: s.problems for c in report.criteria for s in c.indicators if s.status == "partial"}
    assert partial == {i: ("chưa có thời hạn",) for i in ("7.4", "7.5", "8.2", "8.3")}
    assert report.summary == "Đạt 7/9 tiêu chí, 48/52 nội dung; 4 nội dung chưa có thời hạn"
    s = {s.id: s for c in report.criteria for s in c.indicators}
    assert s["2.1"].leads == ("Đ/c Tỉnh PCT UBND",) and s["2.1"].responsible[0] == "Đ/c Quế"
    assert s["8.4"].deadlines == ("31/5/2023",)


def _cut(text: str, start: str, stop: str) -> str:
    """Remove from the line starting with ``start`` up to (not including) the line starting with ``stop``."""
    a = text.index(start)
    b = text.index(stop, a + len(start))
    return text[:a] + text[b:]


def _drop_line(text: str, needle: str) -> str:
    lines = text.split("\n")
    keep = [ln for ln in lines if needle not in ln]
    assert len(keep) == len(lines) - 1, needle
    return "\n".join(keep)


def seed0_without(criterion5: bool, indicators: tuple[str, ...]) -> str:
    text = SEED0.read_text(encoding="utf-8")
    if criterion5:
        text = _cut(text, "## **5. Thông tin, truyền thông đô thị**", "## **6. Việc làm")
        text = _cut(text, "<b>6</b>\t<b>Tiêu chí số 5", "<b>7</b>\t")
    for ind in indicators:
        body = re.search(rf"^\*?{re.escape(ind)}\.?\*?.*$", text, re.M)
        assert body, ind
        a = body.start()
        nxt = re.compile(r"^(?:\*?\d{1,2}\.\d{1,2}|#|\*?\d\.\s)", re.M).search(text, body.end())
        assert nxt, ind
        text = text[:a] + text[nxt.start() :]
        text = _drop_line(text, f"\t{ind}. ")
    return text


def seed1_without(criterion9: bool, rows: tuple[str, ...]) -> str:
    text = SEED1.read_text(encoding="utf-8")
    if criterion9:
        text = text[: text.index("9. Hệ thống chính trị và trách nhiệm\t1.")]
        text = _cut(text + "\n", "9. Hệ thống chính trị và trách nhiệm của chính quyền đô thị\n", "(có bảng")
    for row in rows:
        text = _drop_line(text, row)
    return text


DELETIONS_0 = [
    (True, (), {"5.1", "5.2", "5.3", "5.4", "5.5"}),
    (False, ("2.4", "8.5"), {"2.4", "8.5"}),
    (True, ("1.6", "9.3"), {"5.1", "5.2", "5.3", "5.4", "5.5", "1.6", "9.3"}),
]


@pytest.mark.parametrize(("crit", "inds", "missing"), DELETIONS_0)
def test_deletions_from_seed0_are_reported_missing(
    tmp_path: Path, crit: bool, inds: tuple[str, ...], missing: set[str]
) -> None:
    f = tmp_path / "draft.txt"
    f.write_text(seed0_without(crit, inds), encoding="utf-8")
    _, report, _ = check(f)
    got = {i for i, st in _statuses(report).items() if st == "missing"}
    assert got == missing
    assert all(st == "covered" for i, st in _statuses(report).items() if i not in missing)
    assert main(["check", str(f)]) == 1


# Lines to delete per indicator: its appendix rows, then the body bullets that restate it.
SEED1_ROWS = {
    "1.5": ("\t5. Quản lý, khai thác, sử dụng hiệu quả", "\tphục vụ lợi ích công cộng; không có trường hợp lấn"),
    "4.2": ("\t2. Không để xảy ra các hoạt động phá hoại",),
    "2.6": ("\t6. Tỷ lệ đường phố chính được chiếu sáng.",),
}
SEED1_BODY = {
    "1.5": (
        "- Quản lý, khai thác, sử dụng hiệu quả các công trình công cộng phục vụ lợi ích công cộng.",
        " - Quản lý đất công, không có trường hợp lấn chiếm",
    ),
    "4.2": ("- Không để xảy ra các hoạt động phá hoại các mục tiêu",),
    "2.6": ("- 100% tuyến đường, phố, ngõ được lắp đặt hệ thống chiếu sáng.",),
}


@pytest.mark.parametrize(
    ("crit", "rows", "missing"),
    [
        (True, (), {"9.1", "9.2", "9.3", "9.4", "9.5"}),
        (False, ("1.5", "4.2"), {"1.5", "4.2"}),
        (True, ("2.6", "4.2"), {"9.1", "9.2", "9.3", "9.4", "9.5", "2.6", "4.2"}),
    ],
)
def test_deletions_from_seed1_appendix_are_reported_missing(
    tmp_path: Path, crit: bool, rows: tuple[str, ...], missing: set[str]
) -> None:
    f = tmp_path / "draft.txt"
    lines = tuple(line for r in rows for line in (*SEED1_ROWS[r], *SEED1_BODY[r]))
    f.write_text(seed1_without(crit, lines), encoding="utf-8")
    _, report, _ = check(f)
    got = {i for i, st in _statuses(report).items() if st == "missing"}
    assert got == missing


def test_an_indicator_only_restated_in_the_body_is_partial(tmp_path: Path) -> None:
    f = tmp_path / "draft.txt"
    f.write_text(seed1_without(False, SEED1_ROWS["4.2"]), encoding="utf-8")
    _, report, _ = check(f)
    s = {s.id: s for c in report.criteria for s in c.indicators}["4.2"]
    assert s.status == "partial" and s.problems[0] == "chỉ được nêu trong phần nội dung"
    assert "phá hoại các mục tiêu" in s.sources[0].text


def test_seed4_detects_ntm_nang_cao_and_its_unmet_indicators() -> None:
    record, report, _ = check(SEED4)
    assert report.catalogue == "ntm-nc-2022" and report.unit_type == "xa"
    by_ind: dict[str, str | None] = {}
    for it in record.items:
        if it.indicator and it.match and not it.match.review:
            by_ind.setdefault(it.indicator, it.deadline.date if it.deadline else None)
    assert by_ind.get("17.5") == "2023-08-15"
    assert by_ind.get("17.6") == "2023-08-30"
    assert by_ind.get("18.1") == "2023-09-30"
    assert by_ind.get("2.2") == "2023-08-30"
    assert {"2", "5", "14", "17", "18"} <= {i.split(".")[0] for i in by_ind}


@pytest.mark.parametrize("cat", [c.id for c in all_catalogues()])
def test_every_catalogue_example_matches_its_own_entry_and_no_other(cat: str) -> None:
    c = load_catalogue(cat)
    for ind in c.indicators():
        for ex in ind.examples:
            ranked = rank_indicators(ex, c)
            assert ranked[0][0] == ind.id, (ex, ranked[:2])
            assert ranked[0][1] >= STRONG
            assert len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= 3, (ex, ranked[:2])
    for crit in c.criteria:
        for ex in crit.examples:
            assert rank_criteria(ex, c)[0][0] == crit.id, ex


def test_catalogue_choice_override_and_unknown(capsys: pytest.CaptureFixture[str]) -> None:
    _, report, _ = check(SEED0, catalogue="dtvm-2022", unit="thi-tran")
    assert not report.catalogue_detected and report.unit_type == "thi-tran"
    assert main(["check", str(SEED0), "--catalogue", "khong-co"]) == 2
    assert "[E108]" in capsys.readouterr().err


def test_not_detected_asks_for_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(ROOT / "corpus/real/01_laocai-ubnd-kh-chithi11-khoangsan.docx")]) == 2
    err = capsys.readouterr().err
    assert "[E108]" in err and "--catalogue" in err


def test_threshold_below_catalogue_is_reported(tmp_path: Path) -> None:
    text = SEED1.read_text(encoding="utf-8").replace(
        "1. Tỷ lệ người có việc làm trên dân số trong độ tuổi lao động có khả năng tham gia lao động từ 90% trở lên "
        "(đối với phường), 80% trở lên (đối với thị trấn).",
        "1. Tỷ lệ người có việc làm trên dân số trong độ tuổi lao động có khả năng tham gia lao động từ 70% trở lên.",
    )
    f = tmp_path / "draft.txt"
    f.write_text(text, encoding="utf-8")
    _, report, _ = check(f, unit="phuong")
    assert [(x.indicator, x.code) for x in report.findings] == [("6.1", "F001")]
    assert "70%" in report.findings[0].message and "90%" in report.findings[0].message


def test_html_and_xlsx_reports(tmp_path: Path) -> None:
    _, report, doc = check(SEED1)
    html = to_html(report, doc.source_text).decode("utf-8")
    assert html.count("<table>") == 9 and "Chưa đủ" in html and "chưa có thời hạn" in html
    assert 'href="#L' in html and 'id="L1"' in html
    wb = load_workbook(io.BytesIO(to_xlsx(report)))
    ws = wb["Tiêu chí"]
    assert ws.max_row == 53 and ws.freeze_panes == "A2"
    rows = {r[1]: r for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["7.4"][3] == "Chưa đủ" and rows["1.1"][3] == "Đạt"


def test_check_cli_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(SEED0)]) == 0
    out = capsys.readouterr()
    assert "Đạt 9/9 tiêu chí, 52/52 nội dung" in out.out
    target = tmp_path / "bao-cao.json"
    assert main(["check", str(SEED1), "--format", "json", "-o", str(target)]) == 1
    assert json.loads(target.read_text(encoding="utf-8"))["indicators_covered"] == 48
    assert main(["check", str(SEED1), "--format", "xlsx"]) == 2


def test_parse_record_carries_coverage() -> None:
    from vanban.api import parse

    rec = parse(SEED0)
    assert rec.coverage is not None and rec.coverage.catalogue == "dtvm-2022"
    assert len(rec.coverage.covered) == 52 and not rec.coverage.missing
