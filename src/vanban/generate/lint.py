"""``vanban lint``: check a .docx against the format rules of Nghị định 30/2020/NĐ-CP.

The rules (id, title, locator in the decree, severity, parameters) are data in
``data/nd30_rules.yaml``; the checks live in :mod:`vanban.generate.lint_rules`, which also
explains how effective formatting is resolved. Every rule gets exactly one result: ``pass``,
``fail`` or ``not_evaluated`` (the part or the value it needs could not be found or resolved;
that is never counted as a pass).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from functools import cache
from typing import Any, Literal

import docx
from pydantic import BaseModel, ConfigDict, Field, field_validator

from vanban.datafiles import load_data
from vanban.errors import CorruptFileError, VanbanError
from vanban.generate.lint_rules import Status, rule_ids, run_checks

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RESAVE = "Hãy mở tệp bằng Word hoặc LibreOffice, lưu lại dưới dạng .docx rồi thử lại."

ParamValue = bool | float | str | list[float] | list[str] | dict[str, str]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RuleSpec(_Strict):
    """One rule of ``nd30_rules.yaml``."""

    id: str = Field(pattern=r"^ND30-[A-Z0-9]+(?:-[A-Z0-9]+)*$")
    title: str
    locator: str
    severity: Literal["error", "warning"]
    autofix: bool
    parameters: dict[str, ParamValue]
    example: str


class RuleBook(_Strict):
    rules: list[RuleSpec]

    @field_validator("rules")
    @classmethod
    def _unique(cls, rules: list[RuleSpec]) -> list[RuleSpec]:
        ids = [r.id for r in rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"mã quy tắc bị trùng: {', '.join(dupes)}")
        return rules

    def by_id(self) -> dict[str, RuleSpec]:
        return {r.id: r for r in self.rules}


@cache
def rulebook() -> RuleBook:
    """The rules of ``data/nd30_rules.yaml``, validated once."""
    return load_data("nd30_rules.yaml", RuleBook)


class LintResult(_Strict):
    rule_id: str
    title: str
    locator: str
    severity: Literal["error", "warning"]
    status: Status
    message: str
    location: str | None = None  # "đoạn 12 (bảng 1, hàng 1, cột 2)", "trang 1", "đầu trang"
    paragraph: int | None = None  # 1-based index over the body's paragraphs, table cells included


class LintCounts(_Strict):
    total: int
    passed: int
    failed: int
    errors: int  # failed rules of severity "error"
    warnings: int  # failed rules of severity "warning"
    not_evaluated: int


class LintReport(_Strict):
    file: str
    results: tuple[LintResult, ...]
    counts: LintCounts

    @property
    def ok(self) -> bool:
        """No rule of severity ``error`` failed (warnings and unevaluated rules do not count)."""
        return self.counts.errors == 0

    def failures(self) -> list[LintResult]:
        return [r for r in self.results if r.status == "fail"]


def _open(source: str | os.PathLike[str] | bytes, name: str) -> Any:
    """The python-docx document of ``source``; :class:`CorruptFileError` when it cannot be read."""
    if isinstance(source, bytes):
        data = source
    else:
        try:
            with open(source, "rb") as fh:
                data = fh.read()
        except OSError as e:
            raise CorruptFileError(
                f"không mở được tệp ({e.strerror or e}).", path=name, hint="Hãy kiểm tra đường dẫn và quyền đọc tệp."
            ) from e
    if not data.strip(b"\x00 \t\r\n"):
        raise CorruptFileError("tệp rỗng, không có nội dung.", path=name, hint="Hãy kiểm tra lại tệp đã chọn.")
    if data.startswith(_OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise CorruptFileError(
                "tệp Word được bảo vệ bằng mật khẩu (đã mã hóa) nên không kiểm tra được.",
                path=name,
                hint="Hãy mở tệp bằng Word, gỡ mật khẩu rồi lưu lại dưới dạng .docx.",
            )
        raise CorruptFileError(
            "tệp là tệp Word 97-2003 (.doc), không phải .docx.",
            path=name,
            hint="Hãy mở bằng Word và lưu lại dưới dạng .docx.",
        )
    if not data.startswith(b"PK"):
        raise CorruptFileError(
            "tệp không phải là tệp Word .docx (không phải gói ZIP Office Open XML).", path=name, hint=_RESAVE
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            if not any(n.endswith("document.xml") for n in zf.namelist()):
                raise CorruptFileError(
                    "tệp .docx thiếu phần nội dung chính (word/document.xml).", path=name, hint=_RESAVE
                )
        return docx.Document(io.BytesIO(data))
    except CorruptFileError:
        raise
    except Exception as e:  # zipfile, lxml and python-docx raise many kinds
        raise CorruptFileError(
            f"tệp .docx bị hỏng, không đọc được ({type(e).__name__}: {e}).", path=name, hint=_RESAVE
        ) from e


def lint_docx(path_or_bytes: str | os.PathLike[str] | bytes, *, name: str | None = None) -> LintReport:
    """Check a .docx (a path, or its bytes) against every rule of ``nd30_rules.yaml``.

    ``name`` is the file name to report (default: the path, or ``<bytes>``). Raises
    :class:`~vanban.errors.CorruptFileError` when the file cannot be read as a .docx.
    """
    label = name or ("<bytes>" if isinstance(path_or_bytes, bytes) else os.fspath(path_or_bytes))
    doc = _open(path_or_bytes, label)
    book = rulebook().by_id()
    params = {rid: spec.parameters for rid, spec in book.items()}
    outcomes = {o.rule: o for o in run_checks(doc, params)}
    unknown = sorted(set(outcomes) - set(book))
    if unknown:  # a check reports a rule the data file does not describe: a packaging error
        raise VanbanError(f"nd30_rules.yaml thiếu quy tắc: {', '.join(unknown)}.")
    results: list[LintResult] = []
    for spec in rulebook().rules:
        o = outcomes.get(spec.id)
        status: Status = o.status if o is not None else "not_evaluated"
        message = o.message if o is not None else "Chưa có bộ kiểm tra cho quy tắc này."
        results.append(
            LintResult(
                rule_id=spec.id,
                title=spec.title,
                locator=spec.locator,
                severity=spec.severity,
                status=status,
                message=message,
                location=o.location if o is not None else None,
                paragraph=o.paragraph if o is not None else None,
            )
        )
    failed = [r for r in results if r.status == "fail"]
    counts = LintCounts(
        total=len(results),
        passed=sum(r.status == "pass" for r in results),
        failed=len(failed),
        errors=sum(r.severity == "error" for r in failed),
        warnings=sum(r.severity == "warning" for r in failed),
        not_evaluated=sum(r.status == "not_evaluated" for r in results),
    )
    return LintReport(file=label, results=tuple(results), counts=counts)


# --- rendering ----------------------------------------------------------------------------------

_GROUPS: tuple[tuple[str, str, str], ...] = (
    ("LỖI", "✗", "error"),
    ("CẢNH BÁO", "!", "warning"),
    ("CHƯA KIỂM TRA ĐƯỢC", "?", "not_evaluated"),
    ("ĐẠT", "✓", "pass"),
)


def _group(r: LintResult) -> str:
    return r.severity if r.status == "fail" else r.status


def render_text(report: LintReport) -> str:
    """The report as Vietnamese text: errors, warnings, rules not evaluated, then passes."""
    out = [
        "Kiểm tra thể thức văn bản theo Nghị định 30/2020/NĐ-CP",
        f"Tệp: {report.file}",
        "",
    ]
    for heading, mark, key in _GROUPS:
        rows = [r for r in report.results if _group(r) == key]
        if not rows:
            continue
        out.append(f"{heading} ({len(rows)})")
        for r in rows:
            out.append(f"  {mark} {r.rule_id} — {r.title}")
            out.append(f"      {r.message}")
            if key != "pass":
                where = f"Vị trí: {r.location} · " if r.location else ""
                out.append(f"      {where}Căn cứ: {r.locator}")
        out.append("")
    c = report.counts
    out.append(
        f"Tổng cộng {c.total} quy tắc: {c.passed} đạt, {c.errors} lỗi, {c.warnings} cảnh báo, "
        f"{c.not_evaluated} chưa kiểm tra được."
    )
    return "\n".join(out) + "\n"


def render_json(report: LintReport) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def cli_lint(argv_path: str, fmt: str) -> tuple[int, str]:
    """Lint one file for the CLI: ``(exit code, text to print)``.

    Exit code 0 when no rule of severity ``error`` failed, 1 when one did, 2 when the file
    cannot be read (the text is then the error message, or a JSON object ``{"file", "error"}``
    when ``fmt == "json"``). Warnings and rules not evaluated do not change the exit code.
    """
    try:
        report = lint_docx(argv_path)
    except VanbanError as e:
        if fmt == "json":
            err = {"code": e.code, "message": e.message, "hint": e.hint}
            return 2, json.dumps({"file": argv_path, "error": err}, ensure_ascii=False, indent=2) + "\n"
        return 2, f"vanban: {e}\n"
    text = render_json(report) if fmt == "json" else render_text(report)
    return (0 if report.ok else 1), text


__all__ = [
    "LintCounts",
    "LintReport",
    "LintResult",
    "RuleBook",
    "RuleSpec",
    "cli_lint",
    "lint_docx",
    "render_json",
    "render_text",
    "rule_ids",
    "rulebook",
]
