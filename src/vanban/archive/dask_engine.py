"""``vanban batch --engine dask``: the same batch with Dask workers.

Workers parse (:func:`vanban.archive.batch.parse_file`, which never raises and returns plain
rows); the parent, the only writer, stores results in the order they complete
(``distributed.as_completed``). At most ``window`` files are in flight, so neither the client
nor the scheduler holds the whole archive. Without ``--scheduler`` a
``LocalCluster`` of ``jobs`` single-threaded worker processes is started on loopback and closed
at the end; with ``--scheduler tcp://HOST:8786`` an existing cluster is used — its workers must
have vanban installed and see the files under the same absolute paths (a shared file system).
"""

from __future__ import annotations

import importlib
import itertools
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

from vanban.archive.batch import MAX_CRASHES, Engine, Task, Worker, crashed, parse_file
from vanban.archive.db import Failed, Outcome, Parsed
from vanban.errors import InputError, OutputError


def _cluster_error(e: Exception, scheduler: str | None) -> InputError:
    where = f"bộ lập lịch {scheduler}" if scheduler else "cụm Dask cục bộ"
    return InputError(
        f"không kết nối được {where} ({type(e).__name__}: {e}).",
        hint="Hãy kiểm tra địa chỉ --scheduler và rằng dask[distributed] đã được cài.",
    )


def dask_engine(
    jobs: int,
    catalogue: str | None,
    scheduler: str | None = None,
    window: int | None = None,
    worker: Worker = parse_file,
) -> Engine:
    def run(tasks: Iterator[Task]) -> Iterator[Outcome]:
        first = next(tasks, None)
        if first is None:  # nothing to parse: no cluster to start
            return
        tasks = itertools.chain([first], tasks)
        try:
            dd: Any = importlib.import_module("distributed")  # untyped calls: use it as Any
        except ImportError as e:  # pragma: no cover - depends on the installation
            raise _cluster_error(e, scheduler) from e

        with ExitStack() as stack:
            try:
                if scheduler is None:
                    cluster = stack.enter_context(
                        dd.LocalCluster(
                            n_workers=jobs,
                            threads_per_worker=1,
                            processes=True,
                            host="127.0.0.1",
                            dashboard_address=None,
                            silence_logs=40,  # logging.ERROR
                        )
                    )
                    client = stack.enter_context(dd.Client(cluster))
                else:
                    client = stack.enter_context(dd.Client(scheduler, timeout="30s"))
            except (OSError, TimeoutError, ValueError) as e:
                raise _cluster_error(e, scheduler) from e
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            limit = window or 4 * max(jobs, workers)
            paths: dict[str, Task] = {}
            done = dd.as_completed()
            crashes = 0

            def submit() -> bool:
                task = next(tasks, None)
                if task is None:
                    return False
                fut = client.submit(worker, task[0], catalogue, pure=False)
                paths[fut.key] = task
                done.add(fut)
                return True

            for _ in range(limit):
                if not submit():
                    break
            for fut in done:
                task = paths.pop(fut.key)
                try:
                    outcome = fut.result()
                    crashes = 0
                except Exception as e:  # KilledWorker and friends: the file is recorded, the batch goes on
                    crashes += 1
                    if crashes >= MAX_CRASHES:
                        raise OutputError(
                            f"{crashes} tệp liền nhau làm tiến trình Dask lỗi ({type(e).__name__}: {e}).",
                            hint="Hãy kiểm tra rằng các worker đã cài vanban và thấy các tệp theo cùng đường dẫn.",
                        ) from e
                    outcome = crashed(task[0], task[1], f"tiến trình Dask đọc tệp bị lỗi ({type(e).__name__}).")
                fut.release()
                if not isinstance(outcome, Parsed | Failed):
                    outcome = crashed(task[0], task[1], "tiến trình Dask trả về kết quả không hợp lệ.")
                yield outcome
                submit()

    return run
