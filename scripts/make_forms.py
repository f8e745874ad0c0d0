"""Each reference plan of the corpus in its other forms, made by more than one producer.

    .venv/bin/python scripts/make_forms.py [--out out/forms] [--only seed001] [--no-scans] [--jobs 2]

References: the five seeds (corpus/seeds/00[0-4]_*.txt) and the real Word plans corpus/real/01, 04
and 10. For each, ``out/forms/<name>/`` gets:

- ``docx-py.docx``: python-docx, NĐ 30 layout — header and signature as borderless two-column
  tables, tên loại and trích yếu centred bold, body paragraphs with their numbering as written,
  each table of the reference as one ruled Word table with repeating header rows and vertically
  merged cells. Seed tables come from the reference record (one clean row per table item) or, for
  seed 000's appendix, from its raw rows; Word tables from the reference's cells and spans.
- ``docx-split.docx``: the same, each big table split into consecutive tables where the column
  count changes (merged columns missing in a group's continuation rows; group rows as two-column
  tables; else the second half without its empty columns), an empty paragraph between them.
- ``docx-lo.docx``: docx-py opened and saved as DOCX again by LibreOffice.
- ``pdf-lo.pdf``: LibreOffice's PDF of docx-py without repeating header rows (header on the first
  page of a table only); ``pdf-lo-repeat.pdf``: the same from docx-py itself (header on every page).
- ``pdf-landscape.pdf``: as pdf-lo, the appendix in an A4 landscape section.
- ``scan-300.pdf``, ``scan-200.pdf``: pdf-lo's pages rendered by pdftoppm at 300 / 200 dpi in grey,
  with specks, blur and a skew of +1.5° / −1.5° on alternate pages (tests/ocr_pages.py), as an
  image-only PDF.

A form is made again only when its inputs changed: ``hashes.json`` beside the forms keeps, per
form, the hash of the reference file, of these scripts' sources and of the layout read from the
reference (which depends on how vanban reads the reference).
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _p in (ROOT, ROOT / "scripts"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

import forms_docx  # noqa: E402
import pypdfium2 as pdfium  # noqa: E402
from tests import ocr_pages  # noqa: E402

from vanban.office import convert, soffice_path  # noqa: E402

OUT = ROOT / "out" / "forms"
REFERENCES: dict[str, Path] = {
    **{f"seed{k:03d}": p for k, p in enumerate(sorted((ROOT / "corpus" / "seeds").glob("00[0-4]_*.txt")))},
    **{f"real{k}": next((ROOT / "corpus" / "real").glob(f"{k}_*.docx")) for k in ("01", "04", "10")},
}
DOCX_FORMS = ("docx-py.docx", "docx-split.docx", "docx-lo.docx")
PDF_FORMS = ("pdf-lo.pdf", "pdf-lo-repeat.pdf", "pdf-landscape.pdf")
SCAN_FORMS = {"scan-300.pdf": 300, "scan-200.pdf": 200}
FORMS = (*DOCX_FORMS, *PDF_FORMS, *SCAN_FORMS)
SOURCES = (
    ROOT / "scripts" / "make_forms.py",
    ROOT / "scripts" / "forms_docx.py",
    ROOT / "scripts" / "make_fixtures.py",
    ROOT / "tests" / "ocr_pages.py",
)
LO_TIMEOUT = 300
_PARSE = threading.Lock()  # vanban's first parse loads underthesea's model lazily, not thread-safe


def input_key(name: str, plan: forms_docx.Plan) -> str:
    h = hashlib.sha256(REFERENCES[name].read_bytes())
    for src in SOURCES:
        h.update(src.read_bytes())
    h.update(json.dumps(dataclasses.asdict(plan), ensure_ascii=False, sort_keys=True).encode())
    return h.hexdigest()


def _soffice() -> str:
    exe = soffice_path()
    if exe is None:
        raise RuntimeError("make_forms: LibreOffice (soffice) is needed; run scripts/setup.sh")
    return exe


def lo_convert(data: bytes, target: str, stem: str) -> bytes:
    """``data`` (a DOCX) converted by LibreOffice: ``"pdf"`` or ``"docx:MS Word 2007 XML"``."""
    return convert(_soffice(), data, "docx", target, timeout=LO_TIMEOUT, stem=stem)


def page_count(pdf: Path) -> int:
    doc = pdfium.PdfDocument(str(pdf))
    try:
        return len(doc)
    finally:
        doc.close()


def scan_pdf(pdf: Path, dpi: int, target: Path) -> int:
    """An image-only PDF of ``pdf``'s pages as scans: grey at ``dpi``, specks, blur, ±1.5° skew
    alternating page by page. Returns the number of pages."""
    pages = []
    for page in range(1, page_count(pdf) + 1):
        img = ocr_pages.rasterise(pdf, page, dpi)
        skew = 1.5 if page % 2 else -1.5
        pages.append(ocr_pages.degrade(img, seed=page * 7919 + dpi, skew=skew))
    tmp = target.with_suffix(".tmp")
    pages[0].save(tmp, format="PDF", save_all=True, append_images=pages[1:], resolution=float(dpi))
    tmp.replace(target)
    return len(pages)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def make_forms(
    name: str,
    out: Path = OUT,
    forms: Iterable[str] = FORMS,
    log: Callable[[str], None] = print,
) -> dict[str, Path]:
    """Make the forms of reference ``name`` that are missing or stale; return every asked form's path."""
    wanted = [f for f in FORMS if f in set(forms)]
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    stamp_path = folder / "hashes.json"
    stamps: dict[str, str] = json.loads(stamp_path.read_text()) if stamp_path.exists() else {}
    with _PARSE:
        plan = forms_docx.extract_plan(name, REFERENCES[name])
    key = input_key(name, plan)
    paths = {f: folder / f for f in FORMS}

    def fresh(form: str) -> bool:
        return stamps.get(form) == key and paths[form].exists()

    todo = [f for f in wanted if not fresh(f)]
    if todo and any(f in SCAN_FORMS for f in todo) and "pdf-lo.pdf" not in todo and not fresh("pdf-lo.pdf"):
        todo.insert(0, "pdf-lo.pdf")
    docs: dict[str, bytes] = {}

    def variant(kind: str) -> bytes:
        if kind not in docs:
            docs[kind] = forms_docx.build_docx(plan, repeat=kind == "py", landscape=kind == "landscape")
        return docs[kind]

    makers: dict[str, Callable[[], bytes]] = {
        "docx-py.docx": lambda: variant("py"),
        "docx-split.docx": lambda: forms_docx.split_tables(variant("py")),
        "docx-lo.docx": lambda: lo_convert(variant("py"), "docx:MS Word 2007 XML", name),
        "pdf-lo.pdf": lambda: lo_convert(variant("norepeat"), "pdf", name),
        "pdf-lo-repeat.pdf": lambda: lo_convert(variant("py"), "pdf", name),
        "pdf-landscape.pdf": lambda: lo_convert(variant("landscape"), "pdf", name),
    }
    for form in todo:
        t0 = time.perf_counter()
        if form in SCAN_FORMS:
            n = scan_pdf(paths["pdf-lo.pdf"], SCAN_FORMS[form], paths[form])
            extra = f", {n} pages"
        else:
            _write(paths[form], makers[form]())
            extra = f", {page_count(paths[form])} pages" if form.endswith(".pdf") else ""
        stamps[form] = key
        _write(stamp_path, json.dumps(stamps, indent=1, sort_keys=True).encode())
        size = paths[form].stat().st_size // 1024
        log(
            f"make_forms: {paths[form].relative_to(ROOT) if paths[form].is_relative_to(ROOT) else paths[form]}"
            f" ({size} KiB{extra}, {time.perf_counter() - t0:.1f} s)"
        )
    return {f: paths[f] for f in wanted}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--only", action="append", choices=sorted(REFERENCES), help="one reference (repeatable)")
    ap.add_argument("--no-scans", action="store_true", help="skip the scan forms (the slow ones)")
    ap.add_argument("--jobs", type=int, default=2, help="references made in parallel")
    args = ap.parse_args(argv)
    forms = [f for f in FORMS if not (args.no_scans and f in SCAN_FORMS)]
    names = args.only or sorted(REFERENCES)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max(1, args.jobs)) as pool:
        for name, made in zip(names, pool.map(lambda n: make_forms(n, args.out.resolve(), forms), names), strict=True):
            if not made:
                print(f"make_forms: {name}: nothing asked")
    print(f"make_forms: {len(names)} references, {len(forms)} forms each, {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
