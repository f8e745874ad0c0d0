"""The same plan read the same way whatever form it comes in.

Each reference plan (the five seeds, the real Word plans 01, 04 and 10) is turned into its other
forms by scripts/make_forms.py (python-docx, the same with split tables, LibreOffice's DOCX and
PDFs, portrait and landscape, image-only scans at 300 and 200 dpi), made into ``out/forms`` once
and reused while their inputs are unchanged. Every form's record must equal the reference's on:
header (number, symbol, place, date, doc_type, title; issuer only where the reference read it from
its header), signer (authority, title, name), the number of tasks, and per task (matched in order,
else by label and text) criterion, indicator, responsible, leads, coordinating, people's names and
deadline (start, date, kind). Scans may differ by the similarities in :data:`TOLERANCES`.

The forms and their records are made once per session; the scans are marked ``slow`` (Tesseract,
a few seconds a page) but run by default.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from vanban.api import parse
from vanban.model import Item, PlanRecord
from vanban.office import soffice_path
from vanban.parse.read.ocr_page import tesseract_available

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import make_forms  # noqa: E402

FORMS_DIR = Path(os.environ.get("VANBAN_FORMS_DIR", str(make_forms.OUT)))
SCANS = frozenset(make_forms.SCAN_FORMS)

# What a form may differ by from its reference: field → the least similarity (rapidfuzz ratio, 0–1)
# that counts as equal. Fields not named must be equal (after white space is collapsed).
TOLERANCES: dict[str, dict[str, float]] = {
    "docx": {},
    "pdf": {},
    "scan": {
        "header.title": 0.95,  # OCR may drop a space after an opening quote or misread a diacritic
        "signer.name": 0.90,
        "task.people": 0.90,  # each name of the reference against its best match, same count
    },
}

# A scan is not read as well as its text: what each form must still keep, as shares of the
# reference's (measured on every plan at 300 and 200 dpi, grey, specks, ±1.5° skew; the README's
# cross-format table has the figures). "tasks": how far the number of tasks may be off.
SCAN_FLOORS = {"tasks": 0.15, "fields": 0.75, "header": 0.7, "signer": 0.3}

HEADER_FIELDS = ("issuer", "number", "symbol", "place", "date", "doc_type", "title")
SIGNER_FIELDS = ("authority", "title", "name")
TASK_FIELDS = ("criterion", "indicator", "responsible", "leads", "coordinating", "people", "deadline")
MATCH_AT = 0.6  # least label-and-text similarity for two tasks to be the same task


def tolerances(form: str) -> dict[str, float]:
    return TOLERANCES["scan" if form in SCANS else form.split("-")[0]]


@dataclass(frozen=True)
class Diff:
    """One field where the form's record differs: ``path`` like ``task[3 → 5].leads``."""

    path: str
    ref: object
    form: object

    @property
    def part(self) -> str:
        return self.path.split("[")[0].split(".")[0]


def _ws(value: object) -> object:
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, tuple | list):
        return tuple(_ws(v) for v in value)
    return value


def _ratio(a: str, b: str) -> float:
    return fuzz.ratio(a, b) / 100.0


def _same(field: str, ref: object, got: object, tol: Mapping[str, float]) -> bool:
    ref, got = _ws(ref), _ws(got)
    if ref == got:
        return True
    least = tol.get(field)
    if least is None:
        return False
    if isinstance(ref, str) and isinstance(got, str):
        return _ratio(ref, got) >= least
    if isinstance(ref, tuple) and isinstance(got, tuple) and len(ref) == len(got):
        return all(max((_ratio(r, g) for g in got), default=0.0) >= least for r in ref)
    return False


def task_values(item: Item) -> dict[str, object]:
    d = item.deadline
    return {
        "criterion": item.criterion,
        "indicator": item.indicator,
        "responsible": item.responsible,
        "leads": item.leads,
        "coordinating": item.coordinating,
        "people": tuple(p.name for p in item.people),
        "deadline": (d.start, d.date, d.kind) if d else None,
    }


def _similarity(a: Item, b: Item) -> float:
    text = fuzz.ratio(" ".join(a.text.split())[:300].casefold(), " ".join(b.text.split())[:300].casefold()) / 100
    return min(1.0, text + (0.2 if a.label and a.label == b.label else 0.0))


def match_tasks(ref: Sequence[Item], got: Sequence[Item]) -> list[int | None]:
    """For each reference task, the index of the same task in ``got`` (or None): the best alignment
    in order, then, for what is left, the most similar task in any order."""
    n, m = len(ref), len(got)
    sim = [[_similarity(a, b) for b in got] for a in ref]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            pair = sim[i][j] + best[i + 1][j + 1] if sim[i][j] >= MATCH_AT else -1.0
            best[i][j] = max(pair, best[i + 1][j], best[i][j + 1])
    out: list[int | None] = [None] * n
    i = j = 0
    while i < n and j < m:
        if sim[i][j] >= MATCH_AT and best[i][j] == sim[i][j] + best[i + 1][j + 1]:
            out[i] = j
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    taken = {j for j in out if j is not None}
    for i in range(n):
        if out[i] is None:
            free = [(sim[i][j], j) for j in range(m) if j not in taken and sim[i][j] >= MATCH_AT]
            if free:
                out[i] = max(free)[1]
                taken.add(out[i])
    return out


def issuer_read_from_header(rec: PlanRecord) -> bool:
    """False when the reference's text lost its issuer block and the parser found it elsewhere."""
    src = rec.header.sources
    return "issuer" in src and "doc_type" in src and src["issuer"].block < src["doc_type"].block


def differences(ref: PlanRecord, got: PlanRecord, tol: Mapping[str, float] | None = None) -> list[Diff]:
    """Where ``got`` (a form's record) differs from ``ref`` (the reference's record)."""
    tol = tol or {}
    out: list[Diff] = []
    for f in HEADER_FIELDS:
        if f == "issuer" and not issuer_read_from_header(ref):
            continue
        a, b = getattr(ref.header, f), getattr(got.header, f)
        if f == "issuer":
            # The issuing lines compared whole: a PDF does not say where Word's paragraphs ended, so
            # "ỦY BAN MTTQ … / BAN THƯỜNG TRỰC" may come out as one issuer or as parent and issuer.
            a, b = (" ".join(filter(None, (h.parent_issuer, h.issuer))) for h in (ref.header, got.header))
        if not _same(f"header.{f}", a, b, tol):
            out.append(Diff(f"header.{f}", a, b))
    for f in SIGNER_FIELDS:
        a, b = getattr(ref.signer, f), getattr(got.signer, f)
        if not _same(f"signer.{f}", a, b, tol):
            out.append(Diff(f"signer.{f}", a, b))
    if len(ref.items) != len(got.items):
        out.append(Diff("tasks.count", len(ref.items), len(got.items)))
    matched = match_tasks(ref.items, got.items)
    for i, (item, j) in enumerate(zip(ref.items, matched, strict=True)):
        label = item.label or item.id
        if j is None:
            out.append(Diff(f"task[{i}].missing", f"{label} {item.text[:60]}", None))
            continue
        want, have = task_values(item), task_values(got.items[j])
        for f in TASK_FIELDS:
            if not _same(f"task.{f}", want[f], have[f], tol):
                out.append(Diff(f"task[{i}{'' if i == j else f' → {j}'}].{f}", want[f], have[f]))
    for j in sorted(set(range(len(got.items))) - {j for j in matched if j is not None}):
        out.append(Diff(f"task[– → {j}].extra", None, f"{got.items[j].label or ''} {got.items[j].text[:60]}"))
    return out


def score(ref: PlanRecord, got: PlanRecord, diffs: Sequence[Diff]) -> dict[str, tuple[int, int]]:
    """Counts for a summary: tasks (found, reference), task fields / header / signer (equal, compared),
    people named in tasks (found, reference)."""
    missing = sum(1 for d in diffs if d.path.endswith(".missing"))
    task_diffs = sum(1 for d in diffs if d.part == "task" and not d.path.endswith((".missing", ".extra")))
    n_task = len(TASK_FIELDS) * len(ref.items)
    n_head = len(HEADER_FIELDS) - (0 if issuer_read_from_header(ref) else 1)
    return {
        "tasks": (len(got.items), len(ref.items)),
        "fields": (n_task - task_diffs - len(TASK_FIELDS) * missing, n_task),
        "header": (n_head - sum(1 for d in diffs if d.part == "header"), n_head),
        "signer": (len(SIGNER_FIELDS) - sum(1 for d in diffs if d.part == "signer"), len(SIGNER_FIELDS)),
        "people": (sum(len(i.people) for i in got.items), sum(len(i.people) for i in ref.items)),
    }


def diff_table(diffs: Sequence[Diff], limit: int = 30) -> str:
    def cell(v: object) -> str:
        s = "—" if v is None else " | ".join(map(str, v)) if isinstance(v, tuple) else str(v)
        s = s.replace("\n", " ⏎ ")
        return s if len(s) <= 60 else s[:57] + "…"

    rows = [("path", "reference", "form"), *((d.path, cell(d.ref), cell(d.form)) for d in diffs[:limit])]
    w = [max(len(r[k]) for r in rows) for k in range(3)]
    lines = ["  ".join(c.ljust(w[k]) for k, c in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * x for x in w))
    if len(diffs) > limit:
        lines.append(f"… and {len(diffs) - limit} more")
    return "\n".join(lines)


# --- the forms and their records, once per session -----------------------------------------------


@cache
def reference_record(name: str) -> PlanRecord:
    return parse(make_forms.REFERENCES[name])


@cache
def form_paths(name: str, scans: bool) -> dict[str, Path]:
    forms = [f for f in make_forms.FORMS if scans or f not in SCANS]
    return make_forms.make_forms(name, FORMS_DIR, forms, log=lambda _: None)


@cache
def form_record(name: str, form: str) -> PlanRecord:
    return parse(form_paths(name, form in SCANS)[form])


def needs(form: str) -> pytest.MarkDecorator:
    """Skip a form when a tool that makes or reads it is missing."""
    missing = [] if soffice_path() else ["LibreOffice"]
    if form in SCANS:
        missing += [] if shutil.which("pdftoppm") else ["pdftoppm"]
        missing += [] if tesseract_available() else ["Tesseract with Vietnamese"]
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")


CASES = [
    pytest.param(name, form, marks=[needs(form), *([pytest.mark.slow] if form in SCANS else [])], id=f"{name}-{form}")
    for name in sorted(make_forms.REFERENCES)
    for form in make_forms.FORMS
]


@pytest.mark.parametrize(("name", "form"), CASES)
def test_form_reads_as_reference(name: str, form: str) -> None:
    ref, got = reference_record(name), form_record(name, form)
    diffs = differences(ref, got, tolerances(form))
    if diffs and form in SCANS:
        s = score(ref, got, diffs)
        shares = {k: s[k][0] / s[k][1] for k in ("fields", "header", "signer") if s[k][1]}
        found = s["tasks"][0] / s["tasks"][1]
        low = {k: round(v, 2) for k, v in shares.items() if v < SCAN_FLOORS[k]}
        if abs(found - 1) <= SCAN_FLOORS["tasks"] and not low:
            return  # within what a scan is allowed to lose (README: the cross-format table)
    if diffs:
        s = score(ref, got, diffs)
        pytest.fail(
            f"{name} as {form}: {len(diffs)} differences "
            f"({s['tasks'][0]}/{s['tasks'][1]} tasks, {s['fields'][0]}/{s['fields'][1]} task fields)\n"
            + diff_table(diffs),
            pytrace=False,
        )


def test_differences_sees_a_change() -> None:
    """The comparison itself: a record equals itself, and a changed deadline, a lost task and a
    changed title are each reported."""
    ref = reference_record("seed001")
    assert differences(ref, ref) == []
    items = list(ref.items)
    moved = items[3].model_copy(update={"deadline": None})
    header = ref.header.model_copy(update={"title": (ref.header.title or "") + " x"})
    got = ref.model_copy(update={"items": (*items[:3], moved, *items[5:]), "header": header})
    paths = [d.path for d in differences(ref, got)]
    assert "header.title" in paths and "task[3].deadline" in paths and "task[4].missing" in paths
    assert not [d for d in differences(ref, got, TOLERANCES["scan"]) if d.path == "header.title"]
