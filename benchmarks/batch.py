"""Batch speed and memory over a generated archive: plans/s with 1 and 2 jobs, peak memory for
250 and 1,000 files (flat in the number of files), the re-run that skips stored files, and Dask.

    .venv/bin/python benchmarks/batch.py [--work /tmp/vanban-bench] [--plans 1000] [--small 250]
                                         [--jobs 1 2] [--no-dask]

The archives are made by ``benchmarks/make_archive.py`` (same seed, so the small one is the first
``--small`` plans of the large one). Every measured batch runs in a fresh Python process so peak
figures are its own: ``parent`` is the batch process's peak RSS (``ru_maxrss``: the single writer,
and the parser too with 1 job), ``tree`` the peak of the summed RSS of the batch process and all
its descendants (pool or Dask workers, sampled every 0.25 s with psutil from this process, not
from inside the measured one), ``CPU s/plan`` the CPU time of the whole tree per stored plan
(user + system, as last sampled; does not depend on other load on the machine, unlike
plans/s), ``heap`` the peak of Python allocations in the batch process (tracemalloc; a separate
run, as tracing slows parsing).
Goal: ≥ 20 text/DOCX plans/s per core. Figures go to stdout.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def _sample(pid: int, stop: threading.Event, peak: list[int], cpu: dict[int, float]) -> None:
    """Peak summed RSS of process ``pid`` and its descendants, and the CPU seconds of every
    process in the tree, sampled from outside (in the benchmark's own process: a sampling thread
    inside the measured one would take the GIL from it and slow it down)."""
    psutil: Any = importlib.import_module("psutil")  # installed with dask[distributed]
    try:
        root = psutil.Process(pid)
    except psutil.Error:
        return
    while not stop.wait(0.25):
        total = 0
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            continue
        for p in tree:
            try:
                total += p.memory_info().rss
                t = p.cpu_times()
                cpu[p.pid] = t.user + t.system
            except psutil.Error:
                pass
        peak[0] = max(peak[0], total)


def child(args: argparse.Namespace) -> int:
    """One measured batch; prints a JSON line."""
    from vanban.archive.batch import run_batch

    if args.trace:
        import tracemalloc

        tracemalloc.start()
    t = time.perf_counter()
    result = run_batch([args.archive], args.db, jobs=args.jobs[0], engine=args.engine)
    seconds = time.perf_counter() - t
    own = resource.getrusage(resource.RUSAGE_SELF)
    heap = 0
    if args.trace:
        import tracemalloc

        heap = tracemalloc.get_traced_memory()[1]
    out = {
        "files": result.files,
        "parsed": result.parsed,
        "stored": result.stored,
        "failed": result.failed + result.known_failed,
        "seconds": seconds,
        "parent_mb": own.ru_maxrss / 1024,
        "parent_cpu_s": own.ru_utime + own.ru_stime,
        "heap_mb": heap / 2**20,
    }
    print(json.dumps(out))
    return 0


def measure(archive: Path, db: Path, jobs: int, engine: str = "local", trace: bool = False) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", str(archive), "--db", str(db), "--jobs", str(jobs)]
    cmd += ["--engine", engine] + (["--trace"] if trace else [])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    cpu: dict[int, float] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(proc.pid, stop, peak, cpu), daemon=True)
    sampler.start()
    out, err = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"batch failed ({proc.returncode}):\n{err}")
    data: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    data["tree_mb"] = peak[0] / 2**20
    cpu[proc.pid] = max(cpu.get(proc.pid, 0.0), data["parent_cpu_s"])
    data["cpu_s"] = sum(cpu.values())
    return data


def ensure_archive(path: Path, plans: int) -> None:
    if path.is_dir() and sum(1 for _ in path.rglob("*.*")) >= plans:
        return
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/make_archive.py"), str(path), "--plans", str(plans)], check=True
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=str(Path(tempfile.gettempdir()) / "vanban-bench"))
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--small", type=int, default=250)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--child", metavar="ARCHIVE", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    ap.add_argument("--engine", default="local", help=argparse.SUPPRESS)
    ap.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        args.archive = args.child
        return child(args)

    work = Path(args.work)
    sizes = {"small": args.small, "large": args.plans}
    for n in sizes.values():
        ensure_archive(work / f"archive-{n}", n)
    print(f"cores: {os.cpu_count()}, archives: {work}/archive-{{{args.small},{args.plans}}}")
    print(
        f"{'files':>6} {'engine':>7} {'jobs':>4} {'seconds':>8} {'plans/s':>8} {'per core':>8} "
        f"{'parent MB':>9} {'tree MB':>8} {'CPU s/plan':>10}"
    )

    def row(n: int, engine: str, jobs: int, r: dict[str, float]) -> None:
        rate = r["stored"] / r["seconds"]
        print(
            f"{n:>6} {engine:>7} {jobs:>4} {r['seconds']:>8.1f} {rate:>8.1f} {rate / jobs:>8.1f} "
            f"{r['parent_mb']:>9.0f} {r['tree_mb']:>8.0f} {r['cpu_s'] / max(1, r['stored']):>10.3f}"
            + (f"   ({int(r['failed'])} failed)" if r["failed"] else "")
        )

    for jobs in args.jobs:
        for n in sizes.values():
            db = work / f"db-{n}-{jobs}.sqlite"
            for f in work.glob(db.name + "*"):
                f.unlink()
            r = measure(work / f"archive-{n}", db, jobs)
            row(n, "local", jobs, r)
    if not args.no_dask:
        n = args.plans
        db = work / f"db-{n}-dask.sqlite"
        for f in work.glob(db.name + "*"):
            f.unlink()
        row(n, "dask", 2, measure(work / f"archive-{n}", db, 2, engine="dask"))

    n = args.plans
    again = measure(work / f"archive-{n}", work / f"db-{n}-{args.jobs[0]}.sqlite", args.jobs[0])
    print(
        f"re-run over {n} stored files: {again['seconds']:.2f} s, {int(again['parsed'])} parsed "
        f"({again['files'] / again['seconds']:.0f} files/s checked by hash)"
    )

    print("python heap peak of the batch process (tracemalloc), 2 jobs — the parent only writes:")
    for n in sizes.values():
        db = work / f"db-trace-{n}.sqlite"
        for f in work.glob(db.name + "*"):
            f.unlink()
        r = measure(work / f"archive-{n}", db, 2, trace=True)
        print(f"{n:>6} files: heap peak {r['heap_mb']:.1f} MB, parent RSS peak {r['parent_mb']:.0f} MB")
    size = (work / f"db-{args.plans}-{args.jobs[0]}.sqlite").stat().st_size
    print(f"database size for {args.plans} plans: {size / 2**20:.1f} MB ({size / args.plans / 1024:.0f} KB per plan)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
