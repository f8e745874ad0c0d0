"""The one error family of vanban.

Every error has a stable code (``E1xx`` input, ``E2xx`` data, ``E3xx`` output) and a message
in Vietnamese that says what is wrong, where, and what to do. The CLI prints ``str(error)``
and exits 2; library users can catch :class:`VanbanError`.
"""

from __future__ import annotations


class VanbanError(Exception):
    code = "E000"

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None) -> None:
        self.message = message
        self.path = path
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [f"[{self.code}]"]
        if self.path:
            parts.append(f"{self.path}:")
        parts.append(self.message)
        text = " ".join(parts)
        if self.hint:
            text += f" {self.hint}"
        return text


class InputError(VanbanError):
    """A file vanban cannot read as a plan."""

    code = "E100"


class UnsupportedFormatError(InputError):
    code = "E101"


class EmptyFileError(InputError):
    code = "E102"


class CorruptFileError(InputError):
    code = "E103"


class EncryptedFileError(InputError):
    code = "E104"


class NotAPlanError(InputError):
    code = "E105"


class StrictModeError(InputError):
    code = "E106"


class CatalogueError(InputError):
    """No catalogue given or detected, or an unknown catalogue id."""

    code = "E108"


class DataFileError(VanbanError):
    """A data file shipped with vanban (or given by the user) does not match its schema."""

    code = "E200"

    def __init__(self, name: str, errors: list[str]) -> None:
        self.errors = errors
        super().__init__(
            "tệp dữ liệu không đúng lược đồ:\n  " + "\n  ".join(errors),
            path=name,
            hint="Sửa tệp dữ liệu theo các vị trí nêu trên.",
        )


class OutputError(VanbanError):
    code = "E300"
