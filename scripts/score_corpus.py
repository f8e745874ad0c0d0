"""Score vanban's records against the hand-checked expected records in tests/expected/.

    .venv/bin/python scripts/score_corpus.py [--only PATTERN] [--json OUT] [--details]

For each ``tests/expected/<file>.tasks.yaml`` the document is parsed (the reader's output is kept in
``out/score-cache/``, keyed by the file's and the readers' hashes, so that OCR runs once) and its
record compared with the expected one:

* tasks are paired best-first by text similarity (rapidfuzz token-set ratio of the task texts,
  at least 60, the label and section path helping nothing: a task is found by what it says);
  **found** = paired expected tasks / expected tasks (recall), **precision** = paired items / items;
* of the paired tasks, **deadline** is right when both have none, or the dates agree (the last day,
  and the first day of a range), or — with no date on either side — the kinds agree (recurring,
  relative, open); **responsible** is right when every expected unit is found among the item's
  responsible units or leaders (similarity ≥ 80, marks and case aside), both empty counting as right;
* **header**: doc_type, number, symbol, place, date, title (similarity ≥ 90) and issuer (≥ 85), a
  null expected value asking for null.

Prints a Markdown table, one row per file and a total; ``--details`` lists what was missed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "expected"
CACHE = ROOT / "out" / "score-cache"
sys.path.insert(0, str(ROOT / "src"))

from vanban.api import read, to_record  # noqa: E402
from vanban.errors import VanbanError  # noqa: E402
from vanban.model import Item, PlanRecord  # noqa: E402

TASK_MATCH = 60.0
UNIT_MATCH = 80.0
HEADER_FIELDS = ("doc_type", "number", "symbol", "place", "date", "title", "issuer")


def fold(text: str | None) -> str:
    """Lower case, without marks, spaces collapsed: for comparing what a reader would call the same."""
    t = unicodedata.normalize("NFD", (text or "").casefold().replace("đ", "d"))
    t = "".join(c for c in t if not unicodedata.combining(c))
    return " ".join(t.replace("\u00a0", " ").split())


def _readers_hash() -> str:
    h = hashlib.sha256()
    for p in sorted((ROOT / "src" / "vanban" / "parse" / "read").rglob("*.py")):
        h.update(p.read_bytes())
    for p in sorted((ROOT / "src" / "vanban" / "data").glob("*.yaml")):
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def record_of(path: Path, readers: str) -> PlanRecord | str:
    """The record of ``path`` (the reader's output cached), or the error message when it fails."""
    data = path.read_bytes()
    key = CACHE / f"{path.name}.{hashlib.sha256(data).hexdigest()[:16]}.{readers}.pkl"
    try:
        if key.exists():
            doc = pickle.loads(key.read_bytes())
        else:
            doc = read(path)
            key.parent.mkdir(parents=True, exist_ok=True)
            key.write_bytes(pickle.dumps(doc))
        return to_record(doc)
    except VanbanError as e:
        return str(e)


@dataclass
class Score:
    file: str
    expected: int = 0
    items: int = 0
    paired: int = 0
    deadline_ok: int = 0
    responsible_ok: int = 0
    header_ok: int = 0
    header_n: int = 0
    error: str | None = None
    missed: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)


def pair(expected: list[dict[str, Any]], items: tuple[Item, ...]) -> list[tuple[int, int]]:
    """Expected task ↔ item pairs, best similarity first, each used once."""
    scored = []
    for i, e in enumerate(expected):
        et = fold(e.get("text"))
        for j, it in enumerate(items):
            s = fuzz.token_set_ratio(et, fold(it.text))
            if s >= TASK_MATCH:
                scored.append((s, i, j))
    scored.sort(reverse=True)
    used_e: set[int] = set()
    used_i: set[int] = set()
    out = []
    for _, i, j in scored:
        if i not in used_e and j not in used_i:
            used_e.add(i)
            used_i.add(j)
            out.append((i, j))
    return out


def deadline_ok(e: dict[str, Any] | None, it: Item) -> bool:
    d = it.deadline
    if not e:
        return d is None
    if d is None:
        return False
    if e.get("date") or d.date:
        return (e.get("date"), e.get("start")) == (d.date, d.start) or (e.get("date") == d.date and not e.get("start"))
    kind = e.get("kind")
    return kind == d.kind or (kind == "recurring" and d.recurrence is not None)


def responsible_ok(e: dict[str, Any], it: Item) -> bool:
    want = [fold(u) for u in e.get("responsible") or []]
    have = [fold(u) for u in (*it.responsible, *it.leads)]
    if not want:
        return not it.responsible
    return all(any(fuzz.token_set_ratio(w, h) >= UNIT_MATCH for h in have) for w in want)


def header_score(exp: dict[str, Any], rec: PlanRecord) -> tuple[int, int, list[str]]:
    h = exp.get("header") or {}
    got = rec.header
    ok, n, wrong = 0, 0, []
    for f in HEADER_FIELDS:
        want = exp.get("doc_type") if f == "doc_type" else h.get(f)
        have = getattr(got, f)
        n += 1
        if want is None or have is None:
            good = want is None and have is None
        elif f in ("title", "issuer"):
            good = fuzz.ratio(fold(str(want)), fold(str(have))) >= (90 if f == "title" else 85)
        else:
            good = fold(str(want)).replace(" ", "") == fold(str(have)).replace(" ", "")
        ok += good
        if not good:
            wrong.append(f"{f}: {want!r} ≠ {have!r}")
    return ok, n, wrong


def score_file(path: Path, readers: str) -> Score:
    exp = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc_path = ROOT / exp["file"]
    sc = Score(file=doc_path.name, expected=len(exp.get("tasks") or []))
    rec = record_of(doc_path, readers)
    if isinstance(rec, str):
        sc.error = rec
        sc.header_n = len(HEADER_FIELDS)
        sc.missed = [t["text"][:80] for t in exp.get("tasks") or []]
        return sc
    tasks = exp.get("tasks") or []
    sc.items = len(rec.items)
    pairs = pair(tasks, rec.items)
    sc.paired = len(pairs)
    for i, j in pairs:
        sc.deadline_ok += deadline_ok(tasks[i].get("deadline"), rec.items[j])
        sc.responsible_ok += responsible_ok(tasks[i], rec.items[j])
        if not deadline_ok(tasks[i].get("deadline"), rec.items[j]) or not responsible_ok(tasks[i], rec.items[j]):
            d, want = rec.items[j].deadline, tasks[i].get("deadline") or {}
            sc.wrong.append(
                f"{tasks[i].get('where')}: {tasks[i]['text'][:50]!r} — hạn {want.get('date')}/{want.get('kind')}"
                f" ≠ {d and d.date}/{d and d.kind}; "
                f"chủ trì {tasks[i].get('responsible')} ≠ {list(rec.items[j].responsible)}"
            )
    paired_e = {i for i, _ in pairs}
    paired_i = {j for _, j in pairs}
    sc.missed = [f"{t.get('where')}: {t['text'][:80]}" for k, t in enumerate(tasks) if k not in paired_e]
    sc.extra = [f"{it.id}: {it.text[:80]}" for k, it in enumerate(rec.items) if k not in paired_i]
    sc.header_ok, sc.header_n, wrong = header_score(exp, rec)
    sc.wrong += wrong
    return sc


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.0f} %)" if b else "–"


def table(scores: list[Score]) -> str:
    rows = [
        "| file | tasks found | precision | deadline | responsible | header |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    total = Score(file="**total**")
    for s in [*scores, total]:
        if s is not total:
            for f in ("expected", "items", "paired", "deadline_ok", "responsible_ok", "header_ok", "header_n"):
                setattr(total, f, getattr(total, f) + getattr(s, f))
        name = s.file if len(s.file) <= 48 else s.file[:45] + "…"
        if s.error:
            rows.append(f"| {name} | 0/{s.expected} — {s.error[:60]} | – | – | – | 0/{s.header_n} |")
            continue
        rows.append(
            f"| {name} | {_pct(s.paired, s.expected)} | {_pct(s.paired, s.items)} | {_pct(s.deadline_ok, s.paired)}"
            f" | {_pct(s.responsible_ok, s.paired)} | {_pct(s.header_ok, s.header_n)} |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="", help="score only the files whose name contains this")
    ap.add_argument("--json", type=Path, help="write the scores as JSON here")
    ap.add_argument("--details", action="store_true", help="list missed tasks, extra items and wrong fields")
    args = ap.parse_args(argv)
    readers = _readers_hash()
    scores = [score_file(p, readers) for p in sorted(EXPECTED.glob("*.tasks.yaml")) if args.only in p.name]
    print(table(scores))
    if args.details:
        for s in scores:
            if s.missed or s.extra or s.wrong:
                print(f"\n## {s.file}")
                for label, rows in (("thiếu", s.missed), ("thừa", s.extra), ("sai", s.wrong)):
                    for r in rows:
                        print(f"- {label}: {r}")
    if args.json:
        args.json.write_text(json.dumps([s.__dict__ for s in scores], ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
