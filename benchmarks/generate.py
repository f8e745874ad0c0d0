"""Plan generation speed: DOCX from a 52-indicator record, and the PDF conversion.

    .venv/bin/python benchmarks/generate.py

Goal (issue 4): a 52-indicator plan as DOCX in < 200 ms. The PDF goes through LibreOffice
headless (a new process with a private profile each time); its time is reported.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from timing import median_ms as ms  # noqa: E402

from vanban.api import parse  # noqa: E402
from vanban.catalogue import load_catalogue  # noqa: E402
from vanban.generate.draft import new_record  # noqa: E402
from vanban.generate.plan import docx_to_pdf, render_docx  # noqa: E402


def main() -> int:
    cat = load_catalogue("dtvm-2022")
    names = {c.id: c.name for c in cat.criteria}
    cases = {
        "seed 000 (52 tasks, parsed)": parse(ROOT / "corpus/seeds/000_9f388ce2cba106c8.txt"),
        "seed 001 (52 tasks, parsed)": parse(ROOT / "corpus/seeds/001_377a1ae89155c130.txt"),
        "new draft dtvm-2022 (52 indicators)": new_record(cat, "phường Giang Biên", 2024),
    }
    render_docx(cases["new draft dtvm-2022 (52 indicators)"], criterion_names=names)  # warm-up
    for name, rec in cases.items():
        t = ms(lambda rec=rec: render_docx(rec, criterion_names=names), 7)
        print(f"DOCX  {name:40} {t:7.0f} ms")
    docx = render_docx(cases["seed 000 (52 tasks, parsed)"], criterion_names=names)
    t = ms(lambda: docx_to_pdf(docx), 3)
    print(f"PDF   {'seed 000 via LibreOffice headless':40} {t:7.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
