"""The cross-format table for the README: how each form of each reference plan reads against the
reference itself (tests/test_cross_format.py's comparison).

    .venv/bin/python scripts/cross_format_table.py [--no-scans] [--only seed001] [--forms out/forms]

Makes the forms that are missing or stale (scripts/make_forms.py), parses every form and prints a
Markdown table: tasks found / reference tasks, task fields equal to the reference (criterion,
indicator, responsible, leads, coordinating, people, deadline: 7 per reference task), header and
signer fields equal, and for seed 000 the officials (people named in tasks) found / reference.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "scripts"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import make_forms  # noqa: E402
from tests import test_cross_format as tcf  # noqa: E402

from vanban.errors import VanbanError  # noqa: E402


def frac(pair: tuple[int, int]) -> str:
    return f"{pair[0]}/{pair[1]}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--forms", type=Path, default=make_forms.OUT, help="folder of the forms")
    ap.add_argument("--only", action="append", choices=sorted(make_forms.REFERENCES))
    ap.add_argument("--no-scans", action="store_true")
    args = ap.parse_args(argv)
    os.environ["VANBAN_FORMS_DIR"] = str(args.forms.resolve())
    tcf.FORMS_DIR = args.forms.resolve()
    forms = [f for f in make_forms.FORMS if not (args.no_scans and f in tcf.SCANS)]
    print("| plan | form | tasks | task fields | header | signer | officials | differences |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    timings: list[str] = []
    for name in args.only or sorted(make_forms.REFERENCES):
        ref = tcf.reference_record(name)
        paths = make_forms.make_forms(name, args.forms.resolve(), forms, log=lambda line: print(line, file=sys.stderr))
        for form in forms:
            t0 = time.perf_counter()
            try:
                got = tcf.parse(paths[form])
            except VanbanError as e:
                print(f"| {name} | {form} | error: {type(e).__name__} | | | | | |")
                continue
            timings.append(f"{name}/{form}: {time.perf_counter() - t0:.1f} s")
            diffs = tcf.differences(ref, got, tcf.tolerances(form))
            s = tcf.score(ref, got, diffs)
            officials = frac(s["people"]) if name == "seed000" else ""
            print(
                f"| {name} | {form} | {frac(s['tasks'])} | {frac(s['fields'])} | {frac(s['header'])} "
                f"| {frac(s['signer'])} | {officials} | {len(diffs)} |",
                flush=True,
            )
    print("\nparse times: " + "; ".join(timings), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
