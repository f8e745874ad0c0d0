"""Whole archives: batch conversion into SQLite, reports, assignment spreadsheets, scale-out.

- :mod:`vanban.archive.batch` — ``vanban batch`` (parse many files into a database);
- :mod:`vanban.archive.db` — the database (schema in ``schema.sql``) and its single writer;
- :mod:`vanban.archive.report` — ``vanban report`` (SQL queries, text/CSV/XLSX);
- :mod:`vanban.archive.xlsx` — ``vanban export-xlsx`` / ``import-xlsx`` (one plan's assignment table);
- :mod:`vanban.archive.dask_engine` — ``--engine dask``.

Heavy modules are imported by the functions that need them, never here.
"""

from __future__ import annotations

__all__ = ["cli_batch", "cli_export_xlsx", "cli_import_xlsx", "cli_report"]


def __getattr__(name: str) -> object:
    if name == "cli_batch":
        from vanban.archive.batch import cli_batch

        return cli_batch
    if name == "cli_report":
        from vanban.archive.report import cli_report

        return cli_report
    if name in ("cli_export_xlsx", "cli_import_xlsx"):
        from vanban.archive import xlsx

        return getattr(xlsx, name)
    raise AttributeError(name)
