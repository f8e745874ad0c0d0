"""Scanned-looking page images of corpus plans, for the OCR tests and benchmark.

A plan's PDF (the LibreOffice conversion of its DOCX fixture; made with ``soffice`` when the
fixture PDF is missing) is rasterised with ``pdftoppm`` at 200 dpi in grey, then each page is
made to look photocopied: dark specks, a slight blur and a skew of at most ±1.5°. Everything is
deterministic (seeded), and written to a directory the caller gives (a temporary directory per
test session), never into the repository.
"""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from vanban.office import convert, soffice_path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DPI = 200


def plan_pdf(stem: str, work: Path) -> Path:
    """The PDF of ``tests/fixtures/<stem>.docx``: the committed LibreOffice conversion, else a new one."""
    fixture = FIXTURES / f"{stem}.pdf"
    if fixture.exists():
        return fixture
    soffice = soffice_path()
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is needed to turn the DOCX fixture into a PDF")
    out = work / "pdf" / f"{stem}.pdf"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(convert(soffice, (FIXTURES / f"{stem}.docx").read_bytes(), "docx", "pdf", timeout=180, stem=stem))
    return out


def rasterise(pdf: Path, page: int, dpi: int = DPI) -> Image.Image:
    """One page of ``pdf`` (1-based) as a grey image, with ``pdftoppm``."""
    done = subprocess.run(
        ["pdftoppm", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    from io import BytesIO

    with Image.open(BytesIO(done.stdout)) as img:
        return img.convert("L")


def degrade(img: Image.Image, seed: int, skew: float | None = None) -> Image.Image:
    """Specks, blur and skew (degrees, counter-clockwise; random in ±1.5° when None)."""
    rnd = random.Random(seed)
    out = img.convert("L").copy()
    draw = ImageDraw.Draw(out)
    w, h = out.size
    for _ in range(400):  # toner specks, mostly tiny
        x, y, r = rnd.randrange(w), rnd.randrange(h), rnd.choice((0, 0, 0, 1, 1, 2))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rnd.randrange(0, 90))
    out = out.filter(ImageFilter.GaussianBlur(0.7))
    angle = rnd.uniform(-1.5, 1.5) if skew is None else skew
    return out.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)


def scanned_pages(stem: str, pages: list[int], work: Path, skews: dict[int, float] | None = None) -> list[Path]:
    """PNG files of the given pages of a plan, degraded; made once and kept in ``work``."""
    work.mkdir(parents=True, exist_ok=True)
    pdf: Path | None = None
    out = []
    for page in pages:
        skew = (skews or {}).get(page)
        target = work / f"{stem}-p{page:02d}{'' if skew is None else f'-s{skew:+.1f}'}.png"
        if not target.exists():
            pdf = pdf or plan_pdf(stem, work)
            img = degrade(rasterise(pdf, page), seed=page * 7919 + len(stem), skew=skew)
            img.save(target, dpi=(DPI, DPI))
        out.append(target)
    return out


def blank_page(target: Path, seed: int = 1) -> Path:
    """An A4 page with nothing but paper grain and a few specks."""
    rnd = random.Random(seed)
    img = Image.new("L", (1654, 2339), 250)
    draw = ImageDraw.Draw(img)
    for _ in range(300):
        x, y = rnd.randrange(1654), rnd.randrange(2339)
        draw.point((x, y), fill=rnd.randrange(60, 200))
    img.save(target, dpi=(DPI, DPI))
    return target


def noise_page(target: Path, seed: int = 2) -> Path:
    """Random grey pixels: what a photo of a screen's moiré looks like to a binariser."""
    rnd = random.Random(seed)
    w, h = 1200, 1600
    img = Image.frombytes("L", (w, h), rnd.randbytes(w * h))
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    img.save(target, dpi=(DPI, DPI))
    return target


def screen_photo(src: Path, target: Path) -> Path:
    """A phone photo of a page shown on a screen: half size, blurred, dim, with the moiré of the
    screen's pixel grid over it."""
    import math

    with Image.open(src) as page:
        img = page.convert("L").resize((page.width // 2, page.height // 2)).filter(ImageFilter.GaussianBlur(1.5))
    w, h = img.size
    wave = bytes(
        round(60 + 50 * math.sin(x * 0.9 + y * 0.35) * math.sin(y * 0.8 - x * 0.2)) for y in range(h) for x in range(w)
    )
    dim = img.point(lambda v: 70 + v * 110 // 255)
    Image.blend(dim, Image.frombytes("L", (w, h), wave), 0.2).save(target, dpi=(DPI // 2, DPI // 2))
    return target


def multipage_tiff(images: list[Path], target: Path) -> Path:
    frames = [Image.open(p) for p in images]
    try:
        frames[0].save(target, save_all=True, append_images=frames[1:], compression="tiff_lzw", dpi=(DPI, DPI))
    finally:
        for f in frames:
            f.close()
    return target


def scanned_pdf(images: list[Path], target: Path) -> Path:
    """An image-only PDF (what a scanner makes) of the given page images."""
    frames = [Image.open(p).convert("L") for p in images]
    frames[0].save(target, save_all=True, append_images=frames[1:], resolution=float(DPI))
    return target


def mixed_pdf(text_pdf: Path, text_page: int, scan_pdf: Path, scan_page: int, target: Path) -> Path:
    """A PDF whose first page has a text layer and whose second is a scan (pages 1-based)."""
    import pypdfium2 as pdfium

    out = pdfium.PdfDocument.new()
    sources = [(pdfium.PdfDocument(str(src)), page) for src, page in ((text_pdf, text_page), (scan_pdf, scan_page))]
    for doc, page in sources:
        out.import_pages(doc, [page - 1])
    out.save(str(target))
    return target
