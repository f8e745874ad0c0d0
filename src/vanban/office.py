"""LibreOffice, the one way vanban starts it: headless, with a private profile in a temporary
folder (so conversions can run in parallel and never touch the user's own LibreOffice), without
our ``PYTHONPATH`` (LibreOffice's Python must not pick it up). Used to read ``.doc``/``.rtf``/
``.odt`` (to DOCX) and to write PDF (from DOCX)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def soffice_path() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


class ConversionError(Exception):
    """LibreOffice gave no output: ``detail`` is the last line it printed (may be empty)."""

    def __init__(self, detail: str, *, timed_out: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.timed_out = timed_out


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env.setdefault("HOME", tempfile.gettempdir())
    return env


def convert(exe: str, data: bytes, suffix: str, target: str, *, timeout: float, stem: str = "input") -> bytes:
    """Convert ``data`` (a file ending in ``.suffix``) with LibreOffice's ``--convert-to target``
    (``"docx:MS Word 2007 XML"``, ``"pdf"``) and return the bytes it wrote."""
    with tempfile.TemporaryDirectory(prefix="vanban-lo-") as tmp:
        src = Path(tmp) / f"{stem}.{suffix}"
        src.write_bytes(data)
        out_dir = Path(tmp) / "out"
        cmd = [
            exe,
            f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            str(src),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False, env=_env())
        except subprocess.TimeoutExpired as e:
            raise ConversionError("", timed_out=True) from e
        except OSError as e:
            raise ConversionError(str(e)) from e
        result = out_dir / f"{stem}.{target.split(':')[0]}"
        if not result.is_file() or result.stat().st_size == 0:
            lines = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
            raise ConversionError(lines[-1] if lines else "")
        return result.read_bytes()
