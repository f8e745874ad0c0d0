"""``vanban batch``: parse every plan under some paths into an archive database.

The parent process walks the paths, hashes each file and skips those already stored (or already
failed) with the same hash; the rest go to an engine — in-process (``jobs == 1``), a process
pool, or Dask — whose workers read and parse and return plain rows (:class:`~.db.Parsed`) or a
:class:`~.db.Failed`. The parent is the only writer and stores each outcome in its own
transaction as it arrives, so memory stays flat in the number of files and a killed batch leaves
only complete plans behind; the next run completes it.
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Never

from tqdm import tqdm

from vanban.archive.db import Archive, Failed, Outcome, Parsed, record_rows
from vanban.errors import InputError, NotAPlanError, OutputError, VanbanError
from vanban.model import PlanRecord

Task = tuple[str, str]  # absolute path, sha256 seen by the parent
Engine = Callable[[Iterator[Task]], Iterator[Outcome]]
Worker = Callable[[str, str | None], Outcome]  # path, catalogue → outcome; must be importable by name
SHOWN_FAILURES = 20
CRASH = "E100"  # unexpected: a parser bug or a dead worker; retried by every run
MAX_CRASHES = 3


def supported() -> tuple[str, ...]:
    """The extensions a batch picks up in folders: those of :data:`vanban.api.SUPPORTED`."""
    from vanban.api import SUPPORTED

    return tuple(s.lower() for s in SUPPORTED)


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files under ``paths`` in a stable order. Folders are walked recursively and give only
    supported extensions (never Office lock files ``~$…``); a file named directly is always
    given, so an unsupported or missing one is reported instead of silently dropped."""
    exts = supported()
    for p in paths:
        path = Path(p)
        if not path.is_dir():
            yield path
            continue
        for root, dirs, names in os.walk(path):
            dirs.sort()
            for name in sorted(names):
                if not name.startswith("~$") and os.path.splitext(name)[1].lower() in exts:
                    yield Path(root) / name


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def error_message(e: VanbanError) -> str:
    return e.message + (f" {e.hint}" if e.hint else "")


def _open_failed(path: str, sha: str | None, e: OSError) -> Failed:
    return Failed(path, sha, "E107", f"không mở được tệp ({e.strerror}). Hãy kiểm tra đường dẫn và quyền đọc.")


def crashed(path: str, sha: str | None, why: str) -> Failed:
    return Failed(path, sha, CRASH, f"{why} Hãy báo lỗi kèm tệp này.")


def parse_record(data: bytes, path: str, catalogue: str | None, ocr_lang: str = "vie") -> PlanRecord:
    """Parse one file's bytes; with ``catalogue``, check against that catalogue instead of the
    detected one."""
    from vanban import api

    if catalogue is None:
        return api.parse(data, name=path, ocr_lang=ocr_lang)
    record, _report, _doc = api.check(data, name=path, catalogue=catalogue, ocr_lang=ocr_lang)
    if record.header.doc_type is None and not record.items and not record.legal_bases:
        raise NotAPlanError(
            "không nhận ra đây là một kế hoạch (không có tên loại, căn cứ hay nhiệm vụ nào).",
            path=path,
            hint="Hãy kiểm tra đúng tệp kế hoạch; nếu là bản quét, cần nhận dạng chữ (OCR) trước.",
        )
    return record


def parse_file(path: str, catalogue: str | None = None, ocr_lang: str = "vie") -> Outcome:
    """What a worker does for one file: read, hash, parse, and turn the record into rows.
    Never raises: every problem becomes a :class:`Failed` with a code and a Vietnamese message."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        return _open_failed(path, None, e)
    sha = hashlib.sha256(data).hexdigest()
    try:
        record = parse_record(data, path, catalogue, ocr_lang)
        return Parsed(path, sha, record_rows(record), record.model_dump_json())
    except VanbanError as e:
        return Failed(path, sha, e.code, error_message(e))
    except OSError as e:
        return _open_failed(path, sha, e)
    except Exception as e:  # a parser bug must not stop the batch
        return crashed(path, sha, f"lỗi không mong đợi khi đọc tệp ({type(e).__name__}: {e}).")


PRELOAD = [
    "vanban.archive.batch",
    "vanban.api",
    "vanban.parse.extract.record",
    "vanban.check.coverage",
    "vanban.check.detect",
]


def warm_up() -> None:
    """Start a pool worker: import the parsing stack (the fork server has usually imported it
    already, see :data:`PRELOAD`) and leave as soon as the batch process is gone — a batch
    killed by a signal cannot tell its workers to stop, and they would hold its pipes open."""
    import importlib
    import threading

    for name in PRELOAD:
        importlib.import_module(name)
    threading.Thread(target=_watch_parent, name="vanban-watch-parent", daemon=True).start()


def _watch_parent() -> None:
    from multiprocessing.connection import wait as wait_ready

    parent = multiprocessing.parent_process()
    if parent is not None and parent.sentinel is not None:
        wait_ready([parent.sentinel])  # ready (end of file) when the batch process has exited
        os._exit(1)


# --- engines -----------------------------------------------------------------------------------
def serial_engine(catalogue: str | None, worker: Worker = parse_file) -> Engine:
    def run(tasks: Iterator[Task]) -> Iterator[Outcome]:
        for path, _sha in tasks:
            yield worker(path, catalogue)

    return run


def pool_engine(jobs: int, catalogue: str | None, worker: Worker = parse_file) -> Engine:
    """A process pool; at most ``4 × jobs`` files in flight. A worker that dies (out of memory, a
    crash in a native library) breaks the pool: the files in flight are then retried one at a
    time in a new pool, and the one that kills it again is recorded as a failure. When
    :data:`MAX_CRASHES` files in a row kill their worker, the pool itself is not working (the
    batch stops with an error instead of recording every file as failed)."""

    def new_pool() -> ProcessPoolExecutor:
        # forkserver: workers fork from a clean server that has imported the parser once
        # (plain fork would copy the writer's threads and open database).
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["__main__", *PRELOAD])
        return ProcessPoolExecutor(jobs, mp_context=ctx, initializer=warm_up)

    def run(tasks: Iterator[Task]) -> Iterator[Outcome]:
        pool = new_pool()
        pending: dict[Future[Outcome], Task] = {}
        crashes = 0
        try:
            while True:
                while len(pending) < 4 * jobs and (task := next(tasks, None)) is not None:
                    pending[pool.submit(worker, task[0], catalogue)] = task
                if not pending:
                    return
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                suspects: list[Task] = []
                for fut in done:
                    task = pending.pop(fut)
                    try:
                        outcome = fut.result()
                    except BrokenProcessPool:
                        suspects.append(task)
                        continue
                    crashes = 0
                    yield outcome
                if not suspects:
                    continue
                suspects += pending.values()
                pending.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
                for task in suspects:  # one at a time, to find the file that kills its worker
                    try:
                        outcome = pool.submit(worker, task[0], catalogue).result()
                        crashes = 0
                    except BrokenProcessPool:
                        pool.shutdown(wait=False, cancel_futures=True)
                        pool = new_pool()
                        crashes += 1
                        if crashes >= MAX_CRASHES:
                            raise OutputError(
                                f"{crashes} tệp liền nhau làm tiến trình đọc tệp dừng đột ngột: "
                                "nhóm tiến trình song song không chạy được.",
                                hint="Hãy chạy lại với --jobs 1, và kiểm tra bộ nhớ còn trống.",
                            ) from None
                        why = "tiến trình đọc tệp bị dừng đột ngột (hết bộ nhớ hoặc lỗi thư viện đọc tệp)."
                        outcome = crashed(task[0], task[1], why)
                    yield outcome
        finally:
            pool.shutdown(wait=True, cancel_futures=True)

    return run


def make_engine(engine: str, jobs: int, catalogue: str | None, scheduler: str | None, ocr_lang: str = "vie") -> Engine:
    # A partial of an importable function still pickles by name (pool and Dask workers).
    worker: Worker = functools.partial(parse_file, ocr_lang=ocr_lang)
    if engine == "dask":
        from vanban.archive.dask_engine import dask_engine

        return dask_engine(jobs, catalogue, scheduler, worker=worker)
    if engine != "local":
        raise InputError(f"không có engine «{engine}».", hint="Chọn local hoặc dask.")
    return serial_engine(catalogue, worker) if jobs == 1 else pool_engine(jobs, catalogue, worker)


# --- the batch ---------------------------------------------------------------------------------
@dataclass
class BatchResult:
    files: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0  # failed in this run
    known_failed: int = 0  # failed before with the same content, not parsed again
    removed: int = 0  # stored plans whose file now fails
    parsed: int = 0  # files handed to the engine
    seconds: float = 0.0
    examples: list[Failed] = field(default_factory=list)
    interrupted: bool = False

    @property
    def stored(self) -> int:
        return self.new + self.updated

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.known_failed == 0 and not self.interrupted


class _Bar:
    """tqdm on stderr (files/s, ETA), only when stderr is a terminal."""

    def __init__(self, total: int) -> None:
        self.bar: tqdm[Never] | None = None
        if sys.stderr.isatty():
            self.bar = tqdm(total=total, unit=" tệp", file=sys.stderr, dynamic_ncols=True, smoothing=0.05)

    def update(self, failed: int) -> None:
        if self.bar is not None:
            self.bar.update(1)
            if failed:
                self.bar.set_postfix_str(f"lỗi {failed}", refresh=False)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_batch(
    paths: Sequence[str | Path],
    db: str | Path,
    *,
    jobs: int = 1,
    catalogue: str | None = None,
    engine: str | Engine = "local",
    scheduler: str | None = None,
    retry_failed: bool = False,
    ocr_lang: str = "vie",
) -> BatchResult:
    """Parse every supported file under ``paths`` into the archive ``db``. See the module doc."""
    started = time.perf_counter()
    run = make_engine(engine, jobs, catalogue, scheduler, ocr_lang) if isinstance(engine, str) else engine
    result = BatchResult()
    with Archive(Path(db)) as archive:
        bar = _Bar(sum(1 for _ in iter_files(paths)))

        def failed(f: Failed) -> None:
            result.removed += archive.store_failure(f)
            result.failed += 1
            if len(result.examples) < SHOWN_FAILURES:
                result.examples.append(f)
            bar.update(result.failed + result.known_failed)

        def tasks() -> Iterator[Task]:
            for p in iter_files(paths):
                result.files += 1
                key = str(p.resolve())
                try:
                    sha = file_sha256(p)
                except OSError as e:
                    failed(_open_failed(key, None, e))
                    continue
                if archive.stored(key) == sha:
                    result.unchanged += 1
                    bar.update(result.failed + result.known_failed)
                    continue
                known = archive.failed(key)
                if known is not None and known[0] == sha and known[1] != CRASH and not retry_failed:
                    result.known_failed += 1
                    bar.update(result.failed + result.known_failed)
                    continue
                result.parsed += 1
                yield key, sha

        try:
            for outcome in run(tasks()):
                if isinstance(outcome, Parsed):
                    kind = archive.store(outcome)
                    result.new += kind == "new"
                    result.updated += kind == "updated"
                    bar.update(result.failed + result.known_failed)
                else:
                    failed(outcome)
        except KeyboardInterrupt:
            result.interrupted = True
        finally:
            bar.close()
    result.seconds = time.perf_counter() - started
    return result


def _num(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def summary(result: BatchResult, db: str | Path) -> list[str]:
    """The Vietnamese lines printed to stderr after a batch."""
    rate = f" ({_num(result.parsed / result.seconds)} tệp đọc/giây)" if result.parsed and result.seconds > 0 else ""
    lines = [
        f"{result.files} tệp trong {_num(result.seconds)} giây{rate}: "
        f"{result.stored} đã lưu ({result.new} mới, {result.updated} cập nhật), "
        f"{result.unchanged} không đổi (bỏ qua), {result.failed + result.known_failed} lỗi."
    ]
    for f in result.examples:
        lines.append(f"  [{f.code}] {f.path}: {f.message}")
    if result.failed > len(result.examples):
        lines.append(f"  … và {result.failed - len(result.examples)} tệp lỗi khác.")
    if result.known_failed:
        lines.append(
            f"{result.known_failed} tệp vẫn lỗi như lần chạy trước (nội dung không đổi nên không đọc lại; "
            "dùng --retry-failed để đọc lại)."
        )
    if result.removed:
        lines.append(f"{result.removed} kế hoạch đã lưu bị xóa khỏi cơ sở dữ liệu vì tệp đã đổi và nay bị lỗi.")
    if result.failed or result.known_failed:
        lines.append(f"Danh sách đầy đủ các tệp lỗi và lý do: bảng failures trong {db}.")
    if result.interrupted:
        lines.append("Đã dừng giữa chừng: các kế hoạch đã lưu vẫn nguyên vẹn; chạy lại cùng lệnh để làm tiếp.")
    return lines


def cli_batch(
    paths: list[str],
    db: str,
    jobs: int = 1,
    catalogue: str | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    retry_failed: bool = False,
    ocr_lang: str = "vie",
) -> int:
    """``vanban batch``: exit 0 when every file is stored, 2 when any failed (or bad usage),
    130 when interrupted. Errors of the whole run (bad --catalogue, unwritable db) raise a
    :class:`VanbanError` for the CLI to print."""
    if jobs < 1:
        print("vanban: --jobs phải là số nguyên dương.", file=sys.stderr)
        return 2
    if catalogue is not None:
        from vanban.catalogue import catalogue_ids
        from vanban.errors import CatalogueError

        if catalogue not in catalogue_ids():
            raise CatalogueError(
                f"không có bộ tiêu chí «{catalogue}».", hint="Các bộ có sẵn: " + ", ".join(catalogue_ids()) + "."
            )
    if scheduler is not None and engine != "dask":
        engine = "dask"
    result = run_batch(
        paths,
        db,
        jobs=jobs,
        catalogue=catalogue,
        engine=engine,
        scheduler=scheduler,
        retry_failed=retry_failed,
        ocr_lang=ocr_lang,
    )
    if result.files == 0:
        print(
            "vanban: không tìm thấy tệp kế hoạch nào (các đuôi được đọc: " + ", ".join(supported()) + ").",
            file=sys.stderr,
        )
        return 2
    for line in summary(result, db):
        print(f"vanban: {line}" if not line.startswith("  ") else line, file=sys.stderr)
    if result.interrupted:
        return 130
    return 0 if result.ok else 2
