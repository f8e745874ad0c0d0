"""File output that never leaves a half-written file: write to a temporary file, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from vanban.errors import OutputError


def write_atomic(target: str | Path, data: bytes) -> None:
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        raise OutputError(
            f"không ghi được tệp ({e.strerror}).", path=str(target), hint="Hãy kiểm tra quyền ghi và dung lượng đĩa."
        ) from e
