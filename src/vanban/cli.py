"""Command line: a thin layer over the public API.

Data goes to stdout (or ``-o``), messages to stderr. Exit codes: 0 success, 1 findings (for
commands that check something), 2 bad input or usage. No traceback reaches the user.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from vanban import __version__
from vanban.errors import VanbanError
from vanban.io import write_atomic
from vanban.model import PlanRecord
from vanban.summary import record_summary


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"vanban: lỗi cú pháp lệnh: {message}", file=sys.stderr)
        raise SystemExit(2)


def _record_json(rec: PlanRecord) -> str:
    return json.dumps(rec.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def cmd_parse(args: argparse.Namespace) -> int:
    from vanban.api import parse

    files: list[Path] = [Path(f) for f in args.files]
    many = len(files) > 1
    out = Path(args.output) if args.output else None
    if many and out is not None and out.exists() and not out.is_dir():
        print(f"vanban: «{out}» phải là một thư mục khi đọc nhiều tệp.", file=sys.stderr)
        return 2
    failed = 0
    for f in files:
        try:
            rec = parse(f, strict=args.strict, ocr_lang=args.ocr_lang)
        except VanbanError as e:
            print(f"vanban: {e}", file=sys.stderr)
            failed += 1
            continue
        except OSError as e:
            print(f"vanban: [E107] {f}: không mở được tệp ({e.strerror}). Hãy kiểm tra đường dẫn.", file=sys.stderr)
            failed += 1
            continue
        text = _record_json(rec) if args.format == "json" else record_summary(rec)
        if out is None:
            sys.stdout.write(text)
        else:
            suffix = ".json" if args.format == "json" else ".txt"
            target = out / (f.stem + suffix) if many or out.is_dir() else out
            write_atomic(target, text.encode("utf-8"))
            print(f"vanban: đã ghi {target}", file=sys.stderr)
    if failed:
        print(f"vanban: {failed}/{len(files)} tệp không đọc được (xem lỗi ở trên).", file=sys.stderr)
        return 2
    return 0


def cmd_text(args: argparse.Namespace) -> int:
    from vanban.api import plain_text, read

    text = plain_text(read(Path(args.file), ocr_lang=args.ocr_lang))
    if args.output:
        write_atomic(Path(args.output), text.encode("utf-8"))
        print(f"vanban: đã ghi {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from vanban.api import check
    from vanban.check import render

    _record, report, doc = check(Path(args.file), catalogue=args.catalogue, unit=args.unit_type, ocr_lang=args.ocr_lang)
    if args.format == "json":
        data = render.to_json(report)
    elif args.format == "html":
        data = render.to_html(report, doc.source_text if doc.format in ("txt", "md") else None)
    elif args.format == "xlsx":
        if not args.output:
            print("vanban: định dạng xlsx cần -o TỆP.xlsx để ghi kết quả.", file=sys.stderr)
            return 2
        data = render.to_xlsx(report)
    else:
        data = render.to_text(report)
    if args.output:
        write_atomic(Path(args.output), data)
        print(f"vanban: đã ghi {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(data.decode("utf-8"))
    print(f"vanban: {report.summary}", file=sys.stderr)
    return 0 if report.partial == 0 and report.missing == 0 else 1


def _criterion_names(record: PlanRecord) -> dict[str, str]:
    from vanban.catalogue import catalogue_ids, load_catalogue

    cat_id = record.coverage.catalogue if record.coverage else None
    if cat_id and cat_id in catalogue_ids():
        return {c.id: c.name for c in load_catalogue(cat_id).criteria}
    return {}


def _write_plan(record: PlanRecord, args: argparse.Namespace) -> int:
    from vanban.generate.plan import write_plan

    template = Path(args.template) if getattr(args, "template", None) else None
    for path in write_plan(
        record, Path(args.output), template=template, pdf=args.pdf, criterion_names=_criterion_names(record)
    ):
        print(f"vanban: đã ghi {path}", file=sys.stderr)
    return 0


def cmd_generate(args: argparse.Namespace) -> int:
    from vanban.api import parse
    from vanban.generate.draft import load_record

    src = Path(args.record)
    record = load_record(src) if src.suffix.lower() in (".json", ".yaml", ".yml") else parse(src)
    return _write_plan(record, args)


def cmd_new(args: argparse.Namespace) -> int:
    from vanban.catalogue import catalogue_ids, load_catalogue
    from vanban.errors import CatalogueError
    from vanban.generate.draft import new_record

    if args.catalogue not in catalogue_ids():
        raise CatalogueError(
            f"không có bộ tiêu chí «{args.catalogue}».", hint="Các bộ có sẵn: " + ", ".join(catalogue_ids()) + "."
        )
    record = new_record(load_catalogue(args.catalogue), args.unit, args.year)
    return _write_plan(record, args)


def cmd_rollover(args: argparse.Namespace) -> int:
    from vanban.api import parse
    from vanban.generate.draft import load_record
    from vanban.generate.rollover import render_changes, rollover

    src = Path(args.old)
    old = load_record(src) if src.suffix.lower() in (".json", ".yaml", ".yml") else parse(src)
    new, changes = rollover(old, args.year)
    code = _write_plan(new, args)
    report = render_changes(changes, str(src), args.year)
    if args.report:
        write_atomic(Path(args.report), report.encode("utf-8"))
        print(f"vanban: đã ghi {args.report}", file=sys.stderr)
    flags = sum(c.kind == "flag" for c in changes)
    print(f"vanban: {len(changes) - flags} thay đổi, {flags} điểm cần kiểm tra.", file=sys.stderr)
    return code


def cmd_lint(args: argparse.Namespace) -> int:
    from vanban.generate.lint import cli_lint

    code, text = cli_lint(args.file, args.format)
    if args.output:
        write_atomic(Path(args.output), text.encode("utf-8"))
        print(f"vanban: đã ghi {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return code


def cmd_batch(args: argparse.Namespace) -> int:
    from vanban.archive.batch import cli_batch

    return cli_batch(
        args.paths, args.db, args.jobs, args.catalogue, args.engine, args.scheduler, args.retry_failed, args.ocr_lang
    )


def cmd_report(args: argparse.Namespace) -> int:
    from vanban.archive.report import cli_report

    return cli_report(args.db, args.what, args.format, args.output, args.date_from, args.date_to)


def cmd_export_xlsx(args: argparse.Namespace) -> int:
    from vanban.archive.xlsx import cli_export_xlsx

    return cli_export_xlsx(args.plan, args.output)


def cmd_import_xlsx(args: argparse.Namespace) -> int:
    from vanban.archive.xlsx import cli_import_xlsx

    return cli_import_xlsx(args.xlsx, args.output, args.record)


def _ocr_lang_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--ocr-lang", default="vie", metavar="LANG", help="ngôn ngữ nhận dạng chữ bản quét (Tesseract), ví dụ vie+eng"
    )


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="vanban", description="Đọc, kiểm tra và soạn kế hoạch hành chính.")
    p.add_argument("--version", action="version", version=f"vanban {__version__}")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    pp = sub.add_parser("parse", help="đọc kế hoạch thành bản ghi có cấu trúc (JSON)")
    pp.add_argument("files", nargs="+", metavar="FILE")
    pp.add_argument("--format", choices=["json", "text"], default="json")
    pp.add_argument("-o", "--output", metavar="OUT", help="tệp (hoặc thư mục, khi nhiều tệp) để ghi kết quả")
    pp.add_argument("--strict", action="store_true", help="coi mọi cảnh báo là lỗi")
    _ocr_lang_option(pp)
    pp.set_defaults(func=cmd_parse)

    pc = sub.add_parser("check", help="kiểm tra kế hoạch đã đủ các tiêu chí, nội dung của bộ tiêu chí chưa")
    pc.add_argument("file", metavar="FILE")
    pc.add_argument("--catalogue", metavar="ID", help="bộ tiêu chí (mặc định: tự nhận ra từ căn cứ và nội dung)")
    pc.add_argument("--unit-type", choices=["phuong", "thi-tran", "xa"], help="loại đơn vị (mặc định: tự nhận ra)")
    pc.add_argument("--format", choices=["text", "json", "html", "xlsx"], default="text")
    pc.add_argument("-o", "--output", metavar="OUT")
    _ocr_lang_option(pc)
    pc.set_defaults(func=cmd_check)

    pg = sub.add_parser("generate", help="soạn kế hoạch DOCX (và PDF) theo thể thức NĐ 30/2020 từ một bản ghi")
    pg.add_argument("record", metavar="RECORD", help="bản ghi .json/.yaml (hoặc một tệp kế hoạch để đọc rồi soạn lại)")
    pg.add_argument("-o", "--output", metavar="OUT.docx", required=True)
    pg.add_argument("--template", metavar="T.docx", help="mẫu DOCX riêng (kiểm tra theo danh mục trường)")
    pg.add_argument("--pdf", action="store_true", help="xuất thêm PDF bằng LibreOffice")
    pg.set_defaults(func=cmd_generate)

    pn = sub.add_parser("new", help="soạn dự thảo kế hoạch đủ mọi tiêu chí, nội dung của bộ tiêu chí")
    pn.add_argument("--catalogue", required=True, metavar="ID")
    pn.add_argument("--unit", required=True, help="tên đơn vị, ví dụ «phường Giang Biên»")
    pn.add_argument("--unit-type", choices=["phuong", "thi-tran", "xa"])
    pn.add_argument("--year", type=int, required=True)
    pn.add_argument("-o", "--output", metavar="OUT.docx", required=True)
    pn.add_argument("--template", metavar="T.docx")
    pn.add_argument("--pdf", action="store_true")
    pn.set_defaults(func=cmd_new)

    pr = sub.add_parser("rollover", help="chuyển kế hoạch năm trước sang năm mới, kèm báo cáo thay đổi")
    pr.add_argument("old", metavar="OLD", help="kế hoạch cũ (tệp bất kỳ hoặc bản ghi .json/.yaml)")
    pr.add_argument("--year", type=int, required=True)
    pr.add_argument("-o", "--output", metavar="OUT.docx", required=True)
    pr.add_argument("--report", metavar="CHANGES.md", help="ghi báo cáo thay đổi (Markdown)")
    pr.add_argument("--template", metavar="T.docx")
    pr.add_argument("--pdf", action="store_true")
    pr.set_defaults(func=cmd_rollover)

    pl = sub.add_parser("lint", help="kiểm tra thể thức văn bản DOCX theo Nghị định 30/2020/NĐ-CP")
    pl.add_argument("file", metavar="FILE.docx")
    pl.add_argument("--format", choices=["text", "json"], default="text")
    pl.add_argument("-o", "--output", metavar="OUT")
    pl.set_defaults(func=cmd_lint)

    pb = sub.add_parser("batch", help="đọc cả kho kế hoạch vào cơ sở dữ liệu SQLite (làm tiếp được khi bị ngắt)")
    pb.add_argument("paths", nargs="+", metavar="PATH")
    pb.add_argument("--db", required=True, metavar="archive.sqlite")
    pb.add_argument("--jobs", type=int, default=1, metavar="N")
    pb.add_argument("--catalogue", metavar="ID")
    pb.add_argument("--engine", choices=["local", "dask"], default="local")
    pb.add_argument("--scheduler", metavar="ADDRESS", help="địa chỉ cụm Dask có sẵn (với --engine dask)")
    pb.add_argument("--retry-failed", action="store_true", help="đọc lại cả các tệp đã lỗi lần trước")
    _ocr_lang_option(pb)
    pb.set_defaults(func=cmd_batch)

    prp = sub.add_parser("report", help="báo cáo tổng hợp từ cơ sở dữ liệu kho kế hoạch")
    prp.add_argument("what", nargs="?", default="coverage",
                     choices=["coverage", "due", "by-unit", "people", "incomplete"])
    prp.add_argument("--db", required=True, metavar="archive.sqlite")
    prp.add_argument("--format", choices=["text", "csv", "xlsx"], default="text")
    prp.add_argument("-o", "--output", metavar="OUT")
    prp.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    prp.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")
    prp.set_defaults(func=cmd_report)

    pe = sub.add_parser("export-xlsx", help="bảng phân công của một kế hoạch thành tệp Excel")
    pe.add_argument("plan", metavar="PLAN")
    pe.add_argument("-o", "--output", required=True, metavar="OUT.xlsx")
    pe.set_defaults(func=cmd_export_xlsx)

    pi = sub.add_parser("import-xlsx", help="đưa bảng phân công đã sửa trong Excel về bản ghi")
    pi.add_argument("xlsx", metavar="TABLE.xlsx")
    pi.add_argument("--record", metavar="OLD.json", help="bản ghi gốc để cập nhật")
    pi.add_argument("-o", "--output", required=True, metavar="NEW.json")
    pi.set_defaults(func=cmd_import_xlsx)

    pt = sub.add_parser("text", help="lấy văn bản thuần Unicode của một tệp (bảng thành các dòng phân cách bằng tab)")
    pt.add_argument("file", metavar="FILE")
    pt.add_argument("-o", "--output", metavar="OUT")
    _ocr_lang_option(pt)
    pt.set_defaults(func=cmd_text)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except VanbanError as e:
        print(f"vanban: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(
            f"vanban: [E107] {e.filename}: không mở được tệp ({e.strerror}). Hãy kiểm tra đường dẫn.", file=sys.stderr
        )
        return 2
    except KeyboardInterrupt:
        print("vanban: đã dừng theo yêu cầu.", file=sys.stderr)
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
