"""A task's deadline as offices write it around the dated phrase the grammar finds.

The grammar (:mod:`vanban.parse.extract.deadline`, ``data/deadlines.yaml``) reads a phrase; a
task's text says more around it, and each rule here reads one such way (examples from several
documents in the tests):

* **the latest of two**: "Dự kiến ngày 10/12 (chậm nhất ngày 14/12)", "… chậm nhất là ngày 08 tháng
  02 năm 2026" — the latest day is the deadline;
* **a start, not an end**: "bắt đầu từ tháng 01/2026", "từ ngày 15/3" with no "đến" — the period
  starts there; its end is open;
* **the year after**: "trước ngày 10 tháng 01 của năm liền kề / năm sau / năm tiếp theo" — the day
  in the year after the plan's;
* **relative to an event**: "sau ngày bầu cử", "02 ngày sau khi công bố kết quả", "trước khi kiểm
  tra ít nhất 05 ngày" — kept as text, ``kind: relative``, no date invented;
* **how often, leading the task**: "Thường xuyên kiểm tra …", "Định kỳ tổng hợp, báo cáo …", "Hàng
  tháng rà soát …" — a recurrence when it opens the task (in the middle of a sentence such words
  describe, they do not schedule).
"""

from __future__ import annotations

import re

from vanban.model import Deadline
from vanban.parse.extract.deadline import find_deadline

_LATEST = re.compile(r"chậm\s+nhất(?:\s+là)?", re.I)
_FROM = re.compile(r"(?:bắt\s+đầu\s+)?(?:kể\s+)?từ\s*$", re.I)
_UNTIL = re.compile(r"\bđến\b|\btới\b|[-–]\s*\d", re.I)
_NEXT_YEAR = re.compile(r"^\s*(?:của|trong)?\s*năm\s+(?:liền\s+kề(?:\s+sau)?|sau|tiếp\s+theo|kế\s+tiếp)\b", re.I)
_RELATIVE = re.compile(
    r"(?:\b(?:\d{1,3}|một|hai|ba|năm|mười)\s+(?:ngày|tuần|tháng)\s+(?:làm\s+việc\s+)?)?"
    r"\b(?:sau|trước)\s+(?:khi|ngày|thời\s+điểm)\s+[^,.;()]{3,80}"
    r"|\btrước\s+khi\s+[^,.;()]{3,60}?\s+ít\s+nhất\s+\d{1,3}\s+ngày",
    re.I,
)
_HOW_OFTEN = (
    (r"thường\s+xuyên|liên\s+tục", "continuous"),
    (r"(?:định\s+kỳ\s+)?(?:hàng|hằng|mỗi)\s+ngày", "daily"),
    (r"(?:định\s+kỳ\s+)?(?:hàng|hằng|mỗi)\s+tuần", "weekly"),
    (r"(?:định\s+kỳ\s+)?(?:hàng|hằng|mỗi)\s+tháng", "monthly"),
    (r"(?:định\s+kỳ\s+)?(?:hàng|hằng|mỗi)\s+quý", "quarterly"),
    (r"(?:định\s+kỳ\s+)?(?:hàng|hằng|mỗi)\s+năm", "yearly"),
    (r"định\s+kỳ", "periodic"),
)
# The phrase among the first words of the task ("Công an tỉnh thường xuyên …", "Định kỳ tổng hợp …").
_LEADING = tuple((re.compile(rf"^(?:\S+\s+){{0,8}}?(?P<phrase>{p})\b", re.I), how) for p, how in _HOW_OFTEN)


def task_deadline(text: str, plan_year: int | None) -> Deadline | None:
    """The deadline of a task whose text is ``text`` (see the module docstring); None when it has none."""
    found = find_deadline(text, plan_year)
    if found is not None and found[0].date is not None:
        deadline, start, end = found
        last_day: str = found[0].date
        later = _latest(text, end, plan_year)
        if later is not None:
            return later
        if _FROM.search(text[max(0, start - 20) : start]) and not _UNTIL.search(deadline.text):
            first = deadline.start or (last_day[:8] + "01" if deadline.kind == "month" else last_day)
            return deadline.model_copy(update={"date": None, "start": first, "kind": "range", "rule": "from-open"})
        if _NEXT_YEAR.match(text[end:]):
            return _next_year(deadline)
        return deadline
    if found is not None and found[0].kind == "recurring":
        return found[0]
    relative = _RELATIVE.search(text)
    if relative:
        return Deadline(text=relative.group(0).strip(), kind="relative", rule="relative")
    for rx, how in _LEADING:
        m = rx.match(text)
        if m:
            recurrence = None if how == "periodic" else how
            return Deadline(text=m.group("phrase"), recurrence=recurrence, kind="recurring", rule=f"leading-{how}")
    return found[0] if found is not None else None


def _latest(text: str, after: int, plan_year: int | None) -> Deadline | None:
    """The day after "chậm nhất" that follows the first one, when it is later."""
    m = _LATEST.search(text, after - 40 if after > 40 else 0)
    if not m or m.start() < after - 40:
        return None
    second = find_deadline(text[m.end() :], plan_year)
    first = find_deadline(text, plan_year)
    if second is None or first is None or second[0].date is None or first[0].date is None:
        return None
    return second[0] if second[0].date >= first[0].date else None


def _next_year(d: Deadline) -> Deadline:
    def bump(iso: str | None) -> str | None:
        return None if iso is None else f"{int(iso[:4]) + 1}{iso[4:]}"

    return d.model_copy(update={"date": bump(d.date), "start": bump(d.start), "rule": f"{d.rule}+next-year"})
