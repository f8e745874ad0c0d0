"""Make tests/fixtures/stamped-number.pdf: a plan whose number and day are drawn by annotations.

    .venv/bin/python scripts/make_stamped_pdf.py

Signed Vietnamese PDFs leave the number and the day blank in the page text (``Số:      /KH-UBND``,
``ngày      tháng 3 năm 2023``) and the signing software draws them in the appearance streams of
annotations. This script makes such a file from seed 002: the start of the plan (header, KẾ HOẠCH,
sections I–III) and its signature block, with the number and the day left blank, laid out by
``scripts/make_fixtures.py`` and converted to PDF by LibreOffice. It then appends an incremental
update, as signing software does, with four annotations on page 1:

* a signature widget (``/FT /Sig``) whose appearance draws the number ``57`` (not the seed's 42) over the blank after
  ``Số:``;
* a FreeText annotation whose appearance draws the day ``14`` over the blank after ``ngày``;
* a second signature widget above the header drawing a two-line signature note
  (``ubndthitran@hatrung.thanhhoa.gov.vn`` / ``14.03.2023 08:15:00 +07:00``), like the Công báo stamp;
* a hidden (``/F 2``) Stamp annotation drawing ``999`` in the left margin, which must not be read.

The creation date, document ID and checksum LibreOffice writes are replaced by fixed values of the
same length, so the same LibreOffice gives the same bytes.
"""

from __future__ import annotations

import io
import itertools
import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import docx
import pdfplumber

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_fixtures as mf

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "stamped-number.pdf"
SEED = mf.Seed("stamped-number", "002_c1c5aafbc76b6be8.txt", "UBND THỊ TRẤN HÀ TRUNG")
NUMBER, DAY = "57", "14"
NOTE = ("ubndthitran@hatrung.thanhhoa.gov.vn", "14.03.2023 08:15:00 +07:00")
HIDDEN = "999"
PAD = 2.0  # points between an annotation's rectangle and its text


def seed_text() -> str:
    """Seed 002 cut to its first three sections and its signature block."""
    lines = (mf.SEEDS / SEED.source).read_text(encoding="utf-8").splitlines()
    cut = next(i for i, ln in enumerate(lines) if ln.startswith("IV. NHIỆM VỤ"))
    recv = next(i for i, ln in enumerate(lines) if ln.startswith("Nơi nhận"))
    return "\n".join(lines[:cut] + lines[recv:]) + "\n"


def blank_header(data: bytes) -> bytes:
    """The DOCX with the number and the day left blank, as a drafter leaves them for the signing software."""
    doc = docx.Document(io.BytesIO(data))
    cells = [c for row in doc.tables[0].rows for c in row.cells]
    for run in (r for c in cells for p in c.paragraphs for r in p.runs):
        run.text = re.sub(r"^Số:\s*\d+\s*/", "Số:" + " " * 12 + "/", run.text)
        run.text = re.sub(r"ngày \d+ tháng", "ngày" + " " * 8 + "tháng", run.text)
    buf = io.BytesIO()
    doc.save(buf)
    return mf.reproducible_zip(buf.getvalue())


def base_pdf(tmp: Path) -> bytes:
    seeds = tmp / "seeds"
    seeds.mkdir()
    (seeds / SEED.source).write_text(seed_text(), encoding="utf-8")
    mf.SEEDS = seeds
    docx_path = tmp / f"{SEED.name}.docx"
    docx_path.write_bytes(blank_header(mf.build(SEED)))
    pdf_path = tmp / f"{SEED.name}.pdf"
    if not mf.to_pdf(docx_path, pdf_path):
        sys.exit("make_stamped_pdf: LibreOffice không tạo được PDF.")
    return fix_volatile(pdf_path.read_bytes())


def fix_volatile(data: bytes) -> bytes:
    """Fixed creation date, document ID and checksum, each keeping its length (the xref offsets stay right)."""

    def same_length(fill: bytes) -> Callable[[re.Match[bytes]], bytes]:
        return lambda m: m.group(1) + (fill * len(m.group(2)))[: len(m.group(2))] + m.group(3)

    data = re.sub(rb"(/CreationDate\s*\(D:)([^)]*)(\))", same_length(b"20230314081500+07'00'"), data)
    cut = data.rindex(b"trailer")
    tail = re.sub(rb"(<)([0-9A-Fa-f]{32})(>)", same_length(b"0123456789ABCDEF"), data[cut:])
    tail = re.sub(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)(\s)", same_length(b"0"), tail)
    return data[:cut] + tail


def blanks(pdf_bytes: bytes) -> tuple[float, tuple[float, float, float], tuple[float, float, float]]:
    """Page 1's height, and (x, baseline, size) where the number and the day go (PDF user space)."""
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        page = pdf.pages[0]
        words = page.extract_words(x_tolerance=1.5, extra_attrs=["size"])

        def gap(before: str, after_prefix: str) -> tuple[float, float, float]:
            for a, b in itertools.pairwise(words):
                if a["text"] == before and b["text"].startswith(after_prefix) and abs(a["top"] - b["top"]) < 2:
                    char = next(
                        c for c in page.chars if abs(c["x0"] - a["x0"]) < 0.01 and abs(c["top"] - a["top"]) < 0.1
                    )
                    return (float(a["x1"]) + float(b["x0"])) / 2, float(char["matrix"][5]), float(a["size"])
            raise SystemExit(f"make_stamped_pdf: không thấy chỗ trống giữa «{before}» và «{after_prefix}…».")

        return float(page.height), gap("Số:", "/KH"), gap("ngày", "tháng")


def text_width(text: str, size: float) -> float:
    return 0.5 * size * len(text)  # Times-Roman: digits 0.5 em; a generous bound for the rest


def form(font: int, w: float, h: float, lines: list[tuple[float, float, float, str]]) -> bytes:
    """A form XObject (an appearance stream) of ``w``×``h`` drawing each (x, y, size, text)."""
    ops = ["q", "0 0 0 rg", "BT"]
    for x, y, size, text in lines:
        ops += [f"/F1 {size:g} Tf", f"1 0 0 1 {x:.2f} {y:.2f} Tm", f"({text}) Tj"]
    ops += ["ET", "Q"]
    body = "\n".join(ops).encode("ascii")
    head = (
        f"<< /Type /XObject /Subtype /Form /BBox [0 0 {w:.2f} {h:.2f}] /Resources << /Font << /F1 {font} 0 R >> >> "
        f"/Length {len(body)} >>\nstream\n"
    )
    return head.encode() + body + b"\nendstream"


def stamp(base: bytes) -> bytes:
    """``base`` with an incremental update that adds the annotations to page 1."""
    trailer = base[base.rindex(b"trailer") :]
    size = int(re.search(rb"/Size\s+(\d+)", trailer).group(1))  # type: ignore[union-attr]
    root = int(re.search(rb"/Root\s+(\d+)\s+0\s+R", trailer).group(1))  # type: ignore[union-attr]
    info = re.search(rb"/Info\s+\d+\s+0\s+R", trailer)
    ids = re.search(rb"/ID\s*\[[^\]]*\]", trailer)
    prev = int(re.findall(rb"startxref\s+(\d+)", base)[-1])
    page_no = first_page(base, root)
    height, (nx, ny, nsize), (dx, dy, dsize) = blanks(base)

    objs: dict[int, bytes] = {}

    def new(body: bytes) -> int:
        n = size + len(objs)
        objs[n] = body
        return n

    font = new(b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>")
    annots: list[int] = []
    fields: list[int] = []

    def annot(kind: bytes, text_lines: list[tuple[float, str]], x0: float, y_top: float) -> int:
        """An annotation whose appearance draws ``text_lines`` ((size, text), top down) from (x0, y_top)."""
        w = max(text_width(t, s) for s, t in text_lines) + 2 * PAD
        h = sum(1.2 * s for s, _ in text_lines) + 2 * PAD
        y, lines = PAD, []
        for s, t in reversed(text_lines):  # bottom up: each line's baseline above its descent
            lines.append((PAD, y + 0.25 * s, s, t))
            y += 1.2 * s
        ap = new(form(font, w, h, lines))
        rect = f"[{x0:.2f} {y_top - h:.2f} {x0 + w:.2f} {y_top:.2f}]"
        n = new(b"<< /Type /Annot " + kind + f" /Rect {rect} /P {page_no} 0 R /AP << /N {ap} 0 R >> >>".encode())
        annots.append(n)
        return n

    def centred(x: float, baseline: float, size: float, text: str) -> tuple[float, float]:
        """Top-left corner of a one-line annotation that puts ``text`` centred on x, on ``baseline``."""
        w = text_width(text, size) + 2 * PAD
        h = 1.2 * size + 2 * PAD
        return x - w / 2, baseline - 0.25 * size - PAD + h

    x, top = centred(nx, ny, nsize, NUMBER)
    fields.append(annot(b"/Subtype /Widget /FT /Sig /T (Signature1) /F 132", [(nsize, NUMBER)], x, top))
    x, top = centred(dx, dy, dsize, DAY)
    annot(b"/Subtype /FreeText /F 4 /Contents (" + DAY.encode() + b") /DA (/F1 14 Tf 0 g) /Border [0 0 0]",
          [(dsize, DAY)], x, top)  # fmt: skip
    fields.append(annot(b"/Subtype /Widget /FT /Sig /T (Signature2) /F 132", [(8, NOTE[0]), (8, NOTE[1])],
                        400, height - 8))  # fmt: skip
    annot(b"/Subtype /Stamp /F 2 /Name /Draft", [(14, HIDDEN)], 20, height - 300)
    refs = " ".join(f"{n} 0 R" for n in fields)
    dr = f"/DR << /Font << /F1 {font} 0 R >> >>"
    acroform = new(f"<< /Fields [{refs}] /SigFlags 3 {dr} /DA (/F1 0 Tf 0 g) >>".encode())
    new_size = size + len(objs)

    page = obj_dict(base, page_no)
    if b"/Annots" in page:
        sys.exit("make_stamped_pdf: trang 1 đã có /Annots.")
    objs[page_no] = page[:-2].rstrip() + f" /Annots [{' '.join(f'{n} 0 R' for n in annots)}] >>".encode()
    catalog = obj_dict(base, root)
    objs[root] = catalog[:-2].rstrip() + f" /AcroForm {acroform} 0 R >>".encode()

    out = bytearray(base if base.endswith(b"\n") else base + b"\n")
    offsets: dict[int, int] = {}
    for n in sorted(objs):
        offsets[n] = len(out)
        out += f"{n} 0 obj\n".encode() + objs[n] + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for run in runs(sorted(offsets)):
        out += f"{run[0]} {len(run)}\n".encode()
        out += b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in run)
    out += f"trailer\n<< /Size {new_size} /Root {root} 0 R".encode()
    out += (b" " + info.group(0) if info else b"") + (b" " + ids.group(0) if ids else b"")
    out += f" /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def runs(numbers: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for n in numbers:
        if out and out[-1][-1] == n - 1:
            out[-1].append(n)
        else:
            out.append([n])
    return out


def obj_dict(data: bytes, n: int) -> bytes:
    """The dictionary of object ``n`` (``<< … >>``) as written in ``data``."""
    m = re.search(rb"(?<![0-9])%d\s+0\s+obj\s*" % n, data)
    if m is None:
        sys.exit(f"make_stamped_pdf: không thấy đối tượng {n}.")
    i, depth = m.end(), 0
    if data[i : i + 2] != b"<<":
        sys.exit(f"make_stamped_pdf: đối tượng {n} không phải từ điển.")
    j = i
    while j < len(data):
        if data[j : j + 2] == b"<<":
            depth, j = depth + 1, j + 2
        elif data[j : j + 2] == b">>":
            depth, j = depth - 1, j + 2
            if depth == 0:
                return data[i:j]
        elif data[j : j + 1] == b"(":  # a string: skip to its end
            k, level = j + 1, 1
            while level:
                c = data[k : k + 1]
                level += (c == b"(") - (c == b")")
                k += 2 if c == b"\\" else 1
            j = k
        else:
            j += 1
    sys.exit(f"make_stamped_pdf: từ điển của đối tượng {n} không đóng.")


def first_page(data: bytes, root: int) -> int:
    """The object number of page 1: the catalog's /Pages, then the first kid down to a /Page."""
    n = int(re.search(rb"/Pages\s+(\d+)\s+0\s+R", obj_dict(data, root)).group(1))  # type: ignore[union-attr]
    while True:
        d = obj_dict(data, n)
        if re.search(rb"/Type\s*/Page(?!s)", d):
            return n
        n = int(re.search(rb"/Kids\s*\[\s*(\d+)\s+0\s+R", d).group(1))  # type: ignore[union-attr]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = base_pdf(Path(tmp))
    if re.search(rb"/Type\s*/XRef|/ObjStm", base):
        sys.exit("make_stamped_pdf: PDF của LibreOffice dùng xref stream; kịch bản này chỉ nối bảng xref thường.")
    OUT.write_bytes(stamp(base))
    print(f"make_stamped_pdf: {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
