"""OCR speed: pages per second through vanban against bare ``tesseract`` on the same page images.

    .venv/bin/python benchmarks/ocr.py [--pages N] [--repeat N]

The pages are seed 002 and seed 000 rendered as scans by tests/ocr_pages.py (200 dpi, grey,
specks, blur, skew), made once in a temporary directory. Both sides keep every core busy:

- bare: ``tesseract PAGE.png stdout -l vie --dpi 200 tsv``, one process per core at a time
  (``OMP_THREAD_LIMIT=1``), the TSV read and thrown away;
- vanban: ``read_image`` of the same pages as one multi-page TIFF (despeckle, deskew, rules and
  tables, Tesseract, empty cells, layout, post-correction, normalisation), a worker per core;
- parse: the same, then the record (``to_record``: header, tasks, catalogue check).

Goal: vanban's read costs at most 15 % more than bare Tesseract. Figures go to stdout: wall time
and CPU time (this process and its children), the median of ``--repeat`` interleaved runs after
one warm-up round. On a machine shared with other work, the CPU figures are the steadier ones.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests import ocr_pages  # noqa: E402

from vanban.api import to_record  # noqa: E402
from vanban.parse.read.ocr import read_image  # noqa: E402


def bare(pages: list[Path]) -> None:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(page: Path) -> None:
        cmd = ["tesseract", str(page), "stdout", "-l", "vie", "--dpi", "200", "tsv"]
        subprocess.run(cmd, check=True, capture_output=True, env=env)

    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        list(pool.map(one, pages))


def cpu() -> float:
    """CPU seconds of this process and its finished children (tesseract, the OCR workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def measure(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, tuple[float, float]]:
    """Median wall and CPU seconds of each run, the runs interleaved so that a machine shared with
    other work slows them alike; one warm-up round first (page cache, the corrector's lexicon)."""
    for fn in runs.values():
        fn()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, fn in runs.items():
            t, c = time.perf_counter(), cpu()
            fn()
            times[name].append((time.perf_counter() - t, cpu() - c))
    return {k: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v)) for k, v in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=8, help="pages to read (seed 002's 8, then seed 000's)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        wanted = [("seed002", p) for p in range(1, 9)] + [("seed000", p) for p in range(1, 21)]
        pages = [ocr_pages.scanned_pages(stem, [p], work)[0] for stem, p in wanted[: args.pages]]
        tiff = ocr_pages.multipage_tiff(pages, work / "pages.tif")
        data = tiff.read_bytes()
        t0 = time.perf_counter()
        warm = "from vanban.parse.read.ocr_correct import lexicon; lexicon()"
        subprocess.run([sys.executable, "-c", warm], check=True)
        cold = time.perf_counter() - t0
        got = measure(
            {
                "bare tesseract (tsv)": lambda: bare(pages),
                "vanban read_image": lambda: read_image(str(tiff), data),
                "vanban read + record": lambda: to_record(read_image(str(tiff), data)),
            },
            args.repeat,
        )
    n = len(pages)
    wall0, cpu0 = got["bare tesseract (tsv)"]
    print(f"{n} pages (200 dpi A4, grey), {os.cpu_count()} cores, median of {args.repeat} interleaved runs")
    print(f"{'':<24}{'wall s':>8}{'pages/s':>9}{'overhead':>10}{'CPU s':>8}{'CPU s/page':>12}{'overhead':>10}")
    for name, (wall, spent) in got.items():
        over = ("", "")
        if name != "bare tesseract (tsv)":
            over = (f"{(wall / wall0 - 1) * 100:+.1f} %", f"{(spent / cpu0 - 1) * 100:+.1f} %")
        print(f"{name:<24}{wall:>8.2f}{n / wall:>9.2f}{over[0]:>10}{spent:>8.2f}{spent / n:>12.2f}{over[1]:>10}")
    print(f"once per process: the corrector's lexicon loads in {cold:.2f} s (in a new interpreter)")


if __name__ == "__main__":
    main()
