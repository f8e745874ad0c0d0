"""Golden records for every corpus file.

A missing or different golden file fails, naming the JSON paths that differ. Regenerate on
purpose with ``VANBAN_REGEN_GOLDEN=1 .venv/bin/pytest tests/test_golden.py``, then review the
diff by hand before committing. CI refuses the flag.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from tests.conftest import GOLDEN, corpus_files, record_dict


def structural_diff(expected: object, actual: object, path: str = "$") -> list[str]:
    """Paths where two JSON values differ, e.g. ``$.items[3].deadline.date: '2023-06-30' != None``."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out: list[str] = []
        for k in sorted(set(expected) | set(actual)):
            if k not in actual:
                out.append(f"{path}.{k}: missing")
            elif k not in expected:
                out.append(f"{path}.{k}: unexpected")
            else:
                out += structural_diff(expected[k], actual[k], f"{path}.{k}")
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        out = [] if len(expected) == len(actual) else [f"{path}: length {len(expected)} != {len(actual)}"]
        for i, (e, a) in enumerate(zip(expected, actual, strict=False)):
            out += structural_diff(e, a, f"{path}[{i}]")
        return out
    return [] if expected == actual else [f"{path}: {expected!r:.80} != {actual!r:.80}"]


def golden_path(rel: str) -> Path:
    return GOLDEN / (Path(rel).name + ".json")


@pytest.mark.parametrize("rel", corpus_files())
def test_golden_record(rel: str) -> None:
    actual = record_dict(rel)
    target = golden_path(rel)
    if os.environ.get("VANBAN_REGEN_GOLDEN") == "1":
        if os.environ.get("CI"):
            pytest.fail("VANBAN_REGEN_GOLDEN is refused in CI: golden files are regenerated only by hand.")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert target.exists(), f"no golden record {target.name}; run VANBAN_REGEN_GOLDEN=1 pytest tests/test_golden.py"
    expected = json.loads(target.read_text(encoding="utf-8"))
    diff = structural_diff(expected, actual)
    assert not diff, f"{rel} differs from its golden record:\n" + "\n".join(diff[:30])


def test_structural_diff_names_paths() -> None:
    a = {"items": [{"deadline": {"date": "2023-06-30"}}]}
    b = {"items": [{"deadline": {"date": None}}]}
    assert structural_diff(a, b) == ["$.items[0].deadline.date: '2023-06-30' != None"]
