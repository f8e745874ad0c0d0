"""Make a generated archive of plans from the corpus, for ``benchmarks/batch.py``.

    .venv/bin/python benchmarks/make_archive.py OUT_DIR [--plans 1000] [--docx-share 0.3] [--seed 6]

Each plan is one of the corpus plans (the five seeds, the three real DOCX) with other unit names
(communes, wards, provinces), another year, other deadlines and other people: the names the
parser finds in the template (place, issuer, signer, named people) are replaced by generated
ones, the plan year moves to a year in 2019–2026, and dates d/m/yyyy get another day and month.
About ``--docx-share`` of the plans are DOCX (python-docx): seeds written as paragraphs and
tables, or the real DOCX with their runs rewritten; the rest are UTF-8 text. Plans go into one
folder per province and district-like unit (``OUT/tinh-07/don-vi-12/…``), as archives are kept.
Deterministic for a given ``--seed``.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import docx  # noqa: E402

from vanban.api import parse  # noqa: E402

SYLLABLES = (
    "An Bình Hòa Phú Thạnh Đông Tây Nam Bắc Quang Minh Hưng Long Phước Thuận Xuân Hải Sơn Lâm Tân "
    "Trung Thành Mỹ Vĩnh Khánh Lộc Phong Hiệp Định Yên Cẩm Kim Ngọc Thọ Hiếu Nghĩa Đức Tiến Hương Giang"
).split()
SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Cao Lương Tạ".split()
MIDDLE = "Văn Thị Hữu Đức Minh Quốc Thanh Ngọc Thu Hoàng Xuân Anh Kim Bảo Gia".split()
GIVEN = (
    "An Bình Chương Dũng Hà Hân Hương Hùng Khoa Lan Linh Long Mai Nam Nga Phúc Phương Quân Sơn Tâm Thảo "
    "Thắng Trang Trúc Tuấn Vân Việt Yến Hải Hạnh Hiếu Hòa Huy Khánh Lộc Nhung Oanh Quang Thủy Toàn"
).split()
PREFIX = re.compile(r"^(?:thị trấn|xã|phường|tỉnh|huyện|thành phố|đặc khu)\s+", re.I)
YEAR_WORD = re.compile(r"(?<=năm )(\d{4})\b|\b(\d{4})(?= - \d{4})|(?<=/)(\d{4})\b(?!/)")
DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b(?!/)")


@dataclass
class Template:
    path: Path
    year: int
    places: list[str]  # names to replace by a generated unit name
    people: list[str]  # full names to replace by generated names
    short: list[str]  # one-word names (“Đ/c Đông”)


def template(path: Path) -> Template:
    r = parse(path)
    year = int((r.header.date or "2023")[:4])
    m = re.search(r"năm (\d{4})", r.header.title or "")
    if m:
        year = int(m[1])
    places: list[str] = []
    for text in (r.header.place, r.header.issuer, r.header.parent_issuer):
        if not text:
            continue
        m2 = re.search(r"(?:thị trấn|xã|phường|tỉnh|huyện)\s+([A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*)", text, re.I)
        name = PREFIX.sub("", text) if text == r.header.place else (m2[1] if m2 else "")
        name = name.strip(' ”“"')
        if name and len(name.split()) <= 3 and name.casefold() not in {p.casefold() for p in places}:
            places.append(name.title() if name.isupper() else name)
    names = {p.name for it in r.items for p in it.people}
    if r.signer.name:
        names.add(r.signer.name)
    people = sorted((n for n in names if len(n.split()) >= 2), key=len, reverse=True)
    short = sorted(n for n in names if len(n.split()) == 1)
    return Template(path, year, places, people, short)


def person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def place(rng: random.Random) -> str:
    a, b = rng.sample(SYLLABLES, 2)
    return f"{a} {b}"


def rewrite(text: str, tpl: Template, year: int, names: dict[str, str], rng: random.Random) -> str:
    """``text`` with the template's places, people, plan year and dates changed."""
    for old, new in names.items():
        text = text.replace(old, new).replace(old.upper(), new.upper())
    for old in tpl.short:
        new = names.get(old) or rng.choice(GIVEN)
        names[old] = new
        text = re.sub(rf"(?<=Đ/c ){re.escape(old)}\b|\b{re.escape(old)}(?=\s*\()", new, text)

    def year_sub(m: re.Match[str]) -> str:
        y = int(m.group(0))
        return str(y + year - tpl.year) if abs(y - tpl.year) <= 2 else m.group(0)

    def dmy_sub(m: re.Match[str]) -> str:
        y = int(m[3])
        if abs(y - tpl.year) > 2:
            return m.group(0)
        return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{y + year - tpl.year}"

    text = DMY.sub(dmy_sub, text)
    return YEAR_WORD.sub(year_sub, text)


def names_for(tpl: Template, rng: random.Random) -> dict[str, str]:
    names = {old: place(rng) for old in tpl.places}
    names |= {old: person(rng) for old in tpl.people}
    return names


def text_plan(tpl: Template, year: int, rng: random.Random) -> str:
    return rewrite(tpl.path.read_text(encoding="utf-8"), tpl, year, names_for(tpl, rng), rng)


_MD = re.compile(r"\*{1,3}|^#+\s*")


def text_to_docx(text: str, out: Path) -> None:
    """A DOCX of a seed's text: tab-separated runs of lines become a table, the rest paragraphs."""
    d = docx.Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if not rows:
            return
        cols = max(len(r) for r in rows)
        table = d.add_table(rows=0, cols=cols)
        for cells in rows:
            for cell, text in zip(table.add_row().cells, cells, strict=False):
                cell.text = text
        rows.clear()

    for line in text.splitlines():
        if "\t" in line:
            rows.append([_MD.sub("", c).strip() for c in line.split("\t")])
            continue
        if not line.strip():
            continue
        flush()
        para = d.add_paragraph()
        para.add_run(_MD.sub("", line).strip()).bold = line.lstrip().startswith("**")
    flush()
    d.save(str(out))


def docx_plan(tpl: Template, year: int, rng: random.Random, out: Path) -> None:
    """The real DOCX with every run rewritten (names split across runs stay as they are)."""
    d = docx.Document(str(tpl.path))
    names = names_for(tpl, rng)
    paragraphs = list(d.paragraphs)
    for table in d.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += cell.paragraphs
    for para in paragraphs:
        whole = para.text
        new = rewrite(whole, tpl, year, names, rng)
        if new != whole and para.runs:
            para.runs[0].text = new
            for run in para.runs[1:]:
                run.text = ""
    d.save(str(out))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--plans", type=int, default=1000)
    ap.add_argument("--docx-share", type=float, default=0.3)
    ap.add_argument("--seed", type=int, default=6)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    seeds = [template(p) for p in sorted((ROOT / "corpus/seeds").glob("*.txt"))]
    real = [template(p) for p in sorted((ROOT / "corpus/real").glob("*.docx"))]
    out = Path(args.out)
    counts = {"txt": 0, "docx": 0}
    for i in range(args.plans):
        folder = out / f"tinh-{i % 7:02d}" / f"don-vi-{i % 23:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        year = rng.randint(2019, 2026)
        as_docx = rng.random() < args.docx_share
        if as_docx and rng.random() < 0.5:
            tpl = rng.choice(real)
            docx_plan(tpl, year, rng, folder / f"{i:05d}_{tpl.path.stem[:20]}_{year}.docx")
            counts["docx"] += 1
            continue
        tpl = rng.choice(seeds)
        text = text_plan(tpl, year, rng)
        if as_docx:
            text_to_docx(text, folder / f"{i:05d}_{tpl.path.stem[:3]}_{year}.docx")
            counts["docx"] += 1
        else:
            (folder / f"{i:05d}_{tpl.path.stem[:3]}_{year}.txt").write_text(text, encoding="utf-8")
            counts["txt"] += 1
    print(f"{args.plans} plans in {out}: {counts['txt']} text, {counts['docx']} DOCX")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
