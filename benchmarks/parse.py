"""Parse speed per format against the bare read, and a 50-page plan.

    .venv/bin/python benchmarks/parse.py [--repeat N]

For each format: ms per plan through ``vanban.parse`` and the floor — the library alone
extracting the text (file read + decode for text, python-docx paragraphs and tables for DOCX,
pdfplumber ``extract_text`` for PDF). Goal: parsing adds at most 50 % to the bare read, and a
50-page plan parses in under 1 s on one core. Figures go to stdout.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import docx  # noqa: E402
import pdfplumber  # noqa: E402

from vanban.api import parse, read  # noqa: E402
from vanban.parse.layout.document import lay_out  # noqa: E402


def bare_txt(p: Path) -> None:
    p.read_bytes().decode("utf-8")


def bare_docx(p: Path) -> None:
    d = docx.Document(str(p))
    _ = [para.text for para in d.paragraphs]
    _ = [cell.text for t in d.tables for row in t.rows for cell in row.cells]


def bare_pdf(p: Path) -> None:
    with pdfplumber.open(str(p)) as pdf:
        _ = [page.extract_text() for page in pdf.pages]


def timed(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs) * 1000


def big_docx(target: Path, copies: int) -> int:
    """A plan of ``copies`` times seed 000's body as a DOCX; returns its page count (via PDF)."""
    text = (ROOT / "corpus/seeds/000_9f388ce2cba106c8.txt").read_text(encoding="utf-8")
    head, _, body = text.partition("I. MỤC ĐÍCH")
    d = docx.Document()
    for line in head.splitlines():
        if line.strip():
            d.add_paragraph(line.replace("*", ""))
    for _ in range(copies):
        for line in ("I. MỤC ĐÍCH" + body).splitlines():
            if line.strip() and "\t" not in line:
                d.add_paragraph(line.replace("*", "").replace("#", "").strip())
    d.save(str(target))
    return copies


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    groups = {
        "txt": (sorted((ROOT / "corpus/seeds").glob("*.txt")), bare_txt),
        "docx": (
            sorted((ROOT / "corpus/real").glob("*.docx")) + sorted((ROOT / "tests/fixtures").glob("seed*.docx")),
            bare_docx,
        ),
        "pdf": (
            sorted((ROOT / "corpus/real").glob("*.pdf"))
            + [p for p in sorted((ROOT / "tests/fixtures").glob("seed*.pdf")) if "locked" not in p.name],
            bare_pdf,
        ),
    }
    parse(groups["txt"][0][0])  # warm-up: imports, data files
    print(f"{'format':6} {'files':>5} {'parse ms/plan':>14} {'bare ms/plan':>13} {'overhead':>9}")
    for fmt, (files, bare) in groups.items():
        p_ms = statistics.mean(timed(lambda f=f: parse(f), args.repeat) for f in files)
        b_ms = statistics.mean(timed(lambda f=f, bare=bare: bare(f), args.repeat) for f in files)
        print(f"{fmt:6} {len(files):5d} {p_ms:14.1f} {b_ms:13.1f} {100 * (p_ms - b_ms) / b_ms:8.0f}%")
    # The layout stage (zones, furniture, logical tables) against the whole DOCX parse it is part of.
    docx_files = groups["docx"][0]
    docs = [read(f) for f in docx_files]
    lay_ms = statistics.mean(timed(lambda d=d: lay_out(d), args.repeat) for d in docs)
    parse_ms = statistics.mean(timed(lambda f=f: parse(f), args.repeat) for f in docx_files)
    share = 100 * lay_ms / parse_ms
    print(f"layout stage: {lay_ms:.1f} ms per DOCX plan, {share:.1f} % of its parse ({parse_ms:.1f} ms)")
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "ke-hoach-50-trang.docx"
        big_docx(big, 5)
        import subprocess

        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(big)],
            check=False,
            capture_output=True,
            timeout=180,
        )
        pdf = big.with_suffix(".pdf")
        pages = len(pdfplumber.open(str(pdf)).pages) if pdf.exists() else 0
        ms = timed(lambda: parse(big), args.repeat)
        bare_ms = timed(lambda: bare_docx(big), args.repeat)
        print(f"large plan: {pages} pages as DOCX: parse {ms:.0f} ms, bare read {bare_ms:.0f} ms")
        if pdf.exists():
            ms = timed(lambda: parse(pdf), max(1, args.repeat // 2))
            bare_ms = timed(lambda: bare_pdf(pdf), 1)
            print(f"large plan: {pages} pages as PDF: parse {ms:.0f} ms, bare read {bare_ms:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
