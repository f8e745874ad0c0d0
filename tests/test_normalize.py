"""Normalisation: the data file's own examples, and offsets that survive hostile input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vanban.mapped import MappedText
from vanban.normalize import _data, normalize, normalize_str

EXAMPLES = [(a, b) for a, b in _data().tone_marks.examples] + [
    (a, b) for c in _data().confusables for a, b in c.examples
]


@pytest.mark.parametrize(("raw", "expected"), EXAMPLES)
def test_data_examples(raw: str, expected: str) -> None:
    assert normalize_str(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ho\u0300a  bi\u0300nh", "Hòa bình"),  # decomposed input
        ("a\u00a0\u00a0b", "a b"),
        ("dòng 1 \n\n  dòng 2", "dòng 1\ndòng 2"),
        ("CỘNG HOÀ XÃ HỘI", "CỘNG HÒA XÃ HỘI"),
        ("đồ thị hàm số", "đô thị hàm số"),  # documented: 'đồ thị' never means a graph in a plan
    ],
)
def test_table(raw: str, expected: str) -> None:
    assert normalize_str(raw) == expected


@settings(max_examples=300, database=None, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aàáoòóuủyýeèQqD/cBCĐđ ồ\u0300\u0301\t\n\u00a0έ.,")), max_size=60))
def test_offsets_stay_valid_on_any_input(text: str) -> None:
    out = normalize(MappedText.from_source(text))
    assert len(out.offsets) == len(out.text) + 1
    assert list(out.offsets) == sorted(out.offsets)
    assert all(0 <= o <= len(text) for o in out.offsets)
    assert normalize_str(out.text) == out.text  # idempotent
