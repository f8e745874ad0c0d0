"""``vanban batch --engine dask``: a local cluster of 2 workers on loopback gives the same database
as the single-process batch (same rows, ignoring ids and timestamps); so does ``--scheduler``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from tests.conftest import ROOT

from vanban.archive import batch
from vanban.archive.db import snapshot

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Seeds, real DOCX and bad files; and the database of the single-process batch."""
    folder = tmp_path_factory.mktemp("dask-in")
    for src in sorted((ROOT / "corpus/seeds").glob("*.txt")) + sorted((ROOT / "corpus/real").glob("*.docx")):
        shutil.copy(src, folder / src.name)
    (folder / "rong.txt").write_bytes(b"")
    shutil.copy(ROOT / "tests/fixtures/seed002-locked.pdf", folder / "co-mat-khau.pdf")
    (folder / "ngau-nhien.pdf").write_bytes(bytes(range(256)) * 40)
    db = folder.parent / "serial.sqlite"
    result = batch.run_batch([folder], db, jobs=1)
    assert (result.stored, result.failed) == (8, 3)
    return folder, db


def test_local_cluster_gives_the_same_database(archive: tuple[Path, Path], tmp_path: Path) -> None:
    folder, serial = archive
    db = tmp_path / "dask.sqlite"
    code = batch.cli_batch([str(folder)], str(db), jobs=2, engine="dask")
    assert code == 2  # the bad files failed, as in the serial run
    assert snapshot(db) == snapshot(serial)
    again = batch.run_batch([folder], db, jobs=2, engine="dask")  # resumable: nothing to parse, no cluster work
    assert (again.parsed, again.unchanged, again.known_failed) == (0, 8, 3)


def test_existing_scheduler_gives_the_same_database(archive: tuple[Path, Path], tmp_path: Path) -> None:
    folder, serial = archive
    db = tmp_path / "dask.sqlite"
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        result = batch.run_batch([folder], db, engine="dask", scheduler=cluster.scheduler_address)
    assert (result.stored, result.failed) == (8, 3)
    assert snapshot(db) == snapshot(serial)
