"""The deadline grammar: every YAML example, a table of real phrases, and what is not a deadline."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from vanban.model import Deadline
from vanban.parse.extract.deadline import DeadlineData, Expected, Rule, data, find_deadline, parse_deadline


def _yaml_examples() -> Iterator[Any]:
    d = data()
    for rule in d.rules:
        for i, (text, year, expected) in enumerate(rule.examples):
            yield pytest.param(rule.id, text, year, expected, id=f"{rule.id}-{i}")
    for ignore in d.ignore:
        for i, (text, year, expected) in enumerate(ignore.examples):
            yield pytest.param(None, text, year, expected, id=f"ignore-{ignore.id}-{i}")


def _fields(dl: Deadline | None) -> tuple[str, str | None, str | None, str | None] | None:
    return None if dl is None else (dl.kind, dl.date, dl.start, dl.recurrence)


@pytest.mark.parametrize(("rule_id", "text", "year", "expected"), list(_yaml_examples()))
def test_yaml_example(rule_id: str | None, text: str, year: int | None, expected: Expected | None) -> None:
    got = parse_deadline(text, year)
    want = None if expected is None else (expected.kind, expected.date, expected.start, expected.recurrence)
    assert _fields(got) == want
    if got is not None:
        assert got.text == text.strip()
        if rule_id is not None:
            assert got.rule == rule_id, "an example must be won by the rule that lists it"


def test_every_rule_has_a_positive_example() -> None:
    for rule in data().rules:
        assert any(e is not None for _, _, e in rule.examples), rule.id


C, D, W, M, Q, Y = "continuous", "daily", "weekly", "monthly", "quarterly", "yearly"

# (input, plan_year, kind, date, start, recurrence) — phrases from real plans.
TABLE: list[tuple[str, int | None, str, str | None, str | None, str | None]] = [
    ("đến tháng 6 năm 2023", 2023, "month", "2023-06-30", None, None),
    ("Tháng 11/2023", 2023, "month", "2023-11-30", None, None),
    ("Tháng 05/2023", 2023, "month", "2023-05-31", None, None),
    ("Năm 2023", 2023, "year", "2023-12-31", None, None),
    ("Quý III/2023", 2023, "quarter", "2023-09-30", None, None),
    ("6 tháng đầu năm 2023", 2023, "half_year", "2023-06-30", None, None),
    ("6 tháng cuối năm 2023", 2023, "half_year", "2023-12-31", None, None),
    ("trước 30/ 8/2023", 2023, "day", "2023-08-30", None, None),
    ("xong trước ngày 15/8/2023", 2023, "day", "2023-08-15", None, None),
    ("hoàn thành trước ngày 30/3/2024", 2024, "day", "2024-03-30", None, None),
    ("30/8/2023", 2023, "day", "2023-08-30", None, None),
    ("30/9/2023", 2023, "day", "2023-09-30", None, None),
    ("xong trước 30/8/2023", 2023, "day", "2023-08-30", None, None),
    ("từ 15/7 đến 15/8/2023", 2023, "range", "2023-08-15", "2023-07-15", None),
    ("(Thời gian 15/7-30/8-2023)", 2023, "range", "2023-08-30", "2023-07-15", None),
    ("Thời gian từ 20/7 đến 30/8/2023", 2023, "range", "2023-08-30", "2023-07-20", None),
    ("Đợt 1: Từ 01/3/2023 đến 30/4/2023", 2023, "range", "2023-04-30", "2023-03-01", None),
    ("(từ ngày 01/3 đến 30/4/2023)", 2023, "range", "2023-04-30", "2023-03-01", None),
    ("Từ 02/9/2023 đến 31/12/2023", 2023, "range", "2023-12-31", "2023-09-02", None),
    ("Thường xuyên", 2023, "recurring", None, None, C),
    ("Hàng ngày", 2023, "recurring", None, None, D),
    ("Hàng tuần", 2023, "recurring", None, None, W),
    ("hàng tháng", 2023, "recurring", None, None, M),
    ("hàng quý", 2023, "recurring", None, None, Q),
    ("Hàng năm", 2023, "recurring", None, None, Y),
    ("Năm học 2022 - 2023", 2023, "school_year", "2023-05-31", None, None),
    ("Theo tiến độ dự án", 2023, "open", None, None, None),
    ("theo giai đoạn lộ trình", 2023, "open", None, None, None),
    ("theo gia đoạn lộ trình", 2023, "open", None, None, None),
    ("Theo Kế hoạch", 2023, "open", None, None, None),
    ("Theo nội dung QH", 2023, "open", None, None, None),
    ("Theo các dự án", 2023, "open", None, None, None),
    ("ngày 15/8", 2023, "day", "2023-08-15", None, None),
    ("tháng 10", 2024, "month", "2024-10-31", None, None),
    ("trong năm 2023", 2023, "year", "2023-12-31", None, None),
    ("Quý I năm 2024", 2024, "quarter", "2024-03-31", None, None),
    ("trước ngày 5/ 8/2023", 2023, "day", "2023-08-05", None, None),
    ("đến hết năm 2025", 2023, "year", "2025-12-31", None, None),
    ("tháng 6/2023", 2023, "month", "2023-06-30", None, None),
    # beyond the brief
    ("quý 3/2023", 2023, "quarter", "2023-09-30", None, None),
    ("Quý IV", 2023, "quarter", "2023-12-31", None, None),
    ("ngày 5 tháng 8 năm 2023", 2022, "day", "2023-08-05", None, None),
    ("5-8-2023", 2023, "day", "2023-08-05", None, None),
    ("từ 15/12 đến 15/01/2024", None, "range", "2024-01-15", "2023-12-15", None),
    ("29/02/2024", 2024, "day", "2024-02-29", None, None),
    ("  Thời gian: Thường xuyên  ", 2023, "recurring", None, None, C),
]


@pytest.mark.parametrize(("text", "year", "kind", "date", "start", "recurrence"), TABLE)
def test_real_phrases(
    text: str, year: int | None, kind: str, date: str | None, start: str | None, recurrence: str | None
) -> None:
    got = parse_deadline(text, year)
    assert _fields(got) == (kind, date, start, recurrence)
    assert got is not None and got.text == text.strip() and got.rule


NOT_DEADLINES = [
    "Thực hiện niêm yết công khai quy hoạch",
    "Nghị định 30/2020/NĐ-CP",
    "Quyết định số 04/2022/QĐ-TTg",
    "Kế hoạch số 68/KH-UBND ngày 08/02/2023",
    "Thực hiện Kế hoạch số 68/KH-UBND ngày 08/02/2023 của UBND phường Giang Biên",
    "Căn cứ Quyết định số 04/2022/QĐ - TTg, ngày 18/2/2022 của Thủ tướng Chính phủ",
    "Quyết định số 63 - QĐ/ĐU, ngày 02/03/2023 của BTV Đảng ủy thị trấn",
    "giai đoạn 2021-2025",
    "100% hộ gia đình",
    "Thường xuyên tuyên truyền về công tác vệ sinh",
    "Hàng tháng rà soát các trường hợp vi phạm về trật tự đô thị",
    "xã mới đạt 13/19 tiêu chí",
    "30/02/2023",
    "ngày 31/4/2023",
    "Tháng 13/2023",
    "",
    "   ",
]


@pytest.mark.parametrize("text", NOT_DEADLINES)
def test_not_a_deadline(text: str) -> None:
    assert parse_deadline(text, 2023) is None
    assert find_deadline(text, 2023) is None


def test_a_cited_documents_date_is_skipped_for_the_tasks_date() -> None:
    text = "Triển khai Kế hoạch số 68/KH-UBND ngày 08/02/2023 của UBND phường, xong trước 30/8/2023."
    found = find_deadline(text, 2023)
    assert found is not None
    dl, start, end = found
    assert (dl.text, dl.date, dl.rule) == ("trước 30/8/2023", "2023-08-30", "day-dmy")
    assert text[start:end] == dl.text


@pytest.mark.parametrize(
    ("text", "phrase", "kind"),
    [
        ("- Thời gian thực hiện: đến tháng 6 năm 2023, bộ phận thực hiện Địa chính.", "đến tháng 6 năm 2023", "month"),
        ("Thời gian tổ chức triển khai, phát động **hoàn thành trước ngày 30/3/2024**.", "trước ngày 30/3/2024", "day"),
        ("Làm việc với Công ty điện lực. (Thời gian 15/7-30/8-2023)", "15/7-30/8-2023", "range"),
        ("Thời gian: Thường xuyên", "Thường xuyên", "recurring"),
        ("Rà soát\tĐ/c Hoài PCT UBND\tThường xuyên", "Thường xuyên", "recurring"),
        ("Thường xuyên; báo cáo trước 30/8/2023", "trước 30/8/2023", "day"),
        ("- Thời gian thực hiện: theo gia đoạn lộ trình, bộ phận Địa chính.", "theo gia đoạn lộ trình", "open"),
    ],
)
def test_find_in_a_sentence(text: str, phrase: str, kind: str) -> None:
    found = find_deadline(text, 2023)
    assert found is not None
    dl, start, end = found
    assert (dl.text, dl.kind) == (phrase, kind)
    assert text[start:end] == phrase


def test_recurrence_words_in_prose_are_not_deadlines() -> None:
    assert find_deadline("Thường xuyên tuyên truyền về công tác vệ sinh", 2023) is None
    assert parse_deadline("Thường xuyên tuyên truyền về công tác vệ sinh", 2023) is None
    got = parse_deadline("Thường xuyên", 2023)
    assert got is not None and got.recurrence == "continuous" and got.date is None


def test_no_plan_year_means_no_guessed_year() -> None:
    got = parse_deadline("tháng 10", None)
    assert got is not None and (got.kind, got.date) == ("month", None)
    got = parse_deadline("từ 15/7 đến 15/8/2023", None)
    assert got is not None and (got.start, got.date) == ("2023-07-15", "2023-08-15")


def test_offsets_point_into_non_nfc_input() -> None:
    text = unicodedata.normalize("NFD", "Tổ chức họp dân, hoàn thành trước ngày 15/8/2023.")
    found = find_deadline(text, 2023)
    assert found is not None
    dl, start, end = found
    assert text[start:end] == dl.text
    assert unicodedata.normalize("NFC", dl.text) == "trước ngày 15/8/2023"


def test_schema_rejects_unknown_and_inconsistent_fields() -> None:
    raw = data().model_dump()
    with pytest.raises(ValidationError):
        DeadlineData.model_validate({**raw, "extra": 1})
    rule = {"id": "x", "pattern": "x", "kind": "year", "resolver": "fixed", "why": "", "source": ""}
    with pytest.raises(ValidationError):  # fixed needs end_on
        Rule.model_validate({**rule, "examples": [["x", 2023, None]]})
    with pytest.raises(ValidationError):  # at least one example
        Rule.model_validate({**rule, "end_on": "12-31", "examples": []})


_PIECES = "ngày |tháng |năm |quý |từ |đến |trước |số |/|-| |KH-UBND|Thường xuyên|III|học |0|1|2|3|9|12|31|2023|(|)|,|:"
_ALPHABET = st.sampled_from([*_PIECES.split("|"), "\t", "Theo kế hoạch"])


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(_ALPHABET, max_size=14).map("".join), st.one_of(st.none(), st.integers(1, 3000)))
def test_never_raises_and_spans_are_exact(text: str, year: int | None) -> None:
    found = find_deadline(text, year)
    if found is not None:
        dl, start, end = found
        assert text[start:end] == dl.text
    parsed = parse_deadline(text, year)
    assert (parsed is None) == (found is None)


# --- a task's deadline around the dated phrase (parse.extract.deadline_phrases) ---------------

TASK_DEADLINES = [
    # (text, plan year, (kind, date, start, recurrence)); the documents that write it so.
    ("Dự kiến ngày 10/12 (chậm nhất ngày 14/12)", 2025, ("day", "2025-12-14", None, None)),  # issue 11, 42
    ("Hoàn thành dự thảo, chậm nhất là ngày 08 tháng 02 năm 2026", 2026, ("day", "2026-02-08", None, None)),  # 62
    ("Triển khai thực hiện bắt đầu từ tháng 01/2026", 2026, ("range", None, "2026-01-01", None)),  # 04
    ("Tổ chức tuyên truyền từ ngày 15/3/2026", 2026, ("range", None, "2026-03-15", None)),
    ("Tổ chức từ ngày 01/3 đến 30/4/2023", 2023, ("range", "2023-04-30", "2023-03-01", None)),  # seed 002
    (
        "Gửi kết quả trước ngày 10 tháng 01 của năm liền kề sau năm đánh giá",
        2025,
        ("day", "2026-01-10", None, None),
    ),  # 40
    ("Tổng hợp danh sách người trúng cử sau ngày bầu cử", 2026, ("relative", None, None, None)),  # 10
    ("Niêm yết kết quả 02 ngày sau khi công bố kết quả", 2026, ("relative", None, None, None)),  # 10
    ("Thông báo trước khi kiểm tra ít nhất 05 ngày", 2021, ("relative", None, None, None)),  # 48
    ("Thường xuyên kiểm tra, đôn đốc các xã thực hiện", 2024, ("recurring", None, None, "continuous")),  # 01, 50
    ("Hàng tháng rà soát các trường hợp vi phạm trật tự đô thị", 2023, ("recurring", None, None, "monthly")),  # 001
    ("Định kỳ tổng hợp, báo cáo kết quả thực hiện", 2023, ("recurring", None, None, None)),  # 002, 55
    ("Công an tỉnh thường xuyên nắm tình hình", 2026, ("recurring", None, None, "continuous")),  # 61
    ("100% hộ gia đình sử dụng điện an toàn, trong đó các hộ được kiểm tra thường xuyên", 2023, None),  # not leading
    ("Xây dựng kế hoạch và tổ chức thực hiện thanh tra", 2026, None),
]


@pytest.mark.parametrize(("text", "year", "expected"), TASK_DEADLINES)
def test_task_deadline(text: str, year: int, expected: tuple[str, str | None, str | None, str | None] | None) -> None:
    from vanban.parse.extract.deadline_phrases import task_deadline

    d = task_deadline(text, year)
    assert (d and (d.kind, d.date, d.start, d.recurrence)) == expected
