"""Legacy Word/RTF/ODT files and legacy Vietnamese encodings (TCVN3, VNI, VIQR).

The tests that convert files need LibreOffice (``soffice``); they are skipped only when it is
not installed. Each real file is converted once per session and read several ways.
"""

from __future__ import annotations

import io
import os
import random
import subprocess
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from vanban.errors import CorruptFileError, InputError
from vanban.model import Document
from vanban.parse.read import legacy as rl
from vanban.parse.read.legacy import convert_to_docx, document_from_docx, read_legacy, soffice_path
from vanban.parse.read.legacy_encoding import (
    convert,
    detect_encoding,
    encode,
    encoding_for_font,
    is_vietnamese_syllable,
    to_unicode,
)
from vanban.textscore import document_text, fold, has_diacritic, score_text

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "corpus" / "real"
SEEDS = sorted((ROOT / "corpus" / "seeds").glob("*.txt"))
LEGACY = ["13_binhphuoc-ubnd-qd991-kh-rung-2008-vni.doc", "v_2004-NghiDinh29_1998.doc", "v_2003-A30.rtf"]
UNICODE_DOC = "06_lamdong-ubnd-kh-xa-khong-ma-tuy-2026.doc"

needs_soffice = pytest.mark.skipif(soffice_path() is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def converted() -> Callable[[str], bytes]:
    """The LibreOffice DOCX of a file in corpus/real/, converted once."""
    cache: dict[str, bytes] = {}

    def get(name: str) -> bytes:
        if name not in cache:
            path = REAL / name
            cache[name] = convert_to_docx(str(path), path.read_bytes(), _fmt(name))
        return cache[name]

    return get


def _fmt(name: str) -> rl.LegacyFormat:
    suffix = Path(name).suffix.lstrip(".")
    assert suffix in ("doc", "rtf", "odt")
    return "doc" if suffix == "doc" else "rtf" if suffix == "rtf" else "odt"


def _read(name: str, converted: Callable[[str], bytes], *, caps_fonts: bool = True) -> Document:
    path = REAL / name
    return document_from_docx(str(path), path.read_bytes(), _fmt(name), converted(name), caps_fonts=caps_fonts)


# --- the real files -------------------------------------------------------------------------


@needs_soffice
@pytest.mark.parametrize("name", LEGACY)
def test_legacy_file_diacritic_accuracy(name: str, converted: Callable[[str], bytes]) -> None:
    transcript = (REAL / name).with_suffix(".groundtruth.txt").read_text(encoding="utf-8")
    # As printed (.VnTimeH runs in capitals); the transcripts keep the bytes' case, so compare caseless.
    printed = score_text(document_text(_read(name, converted)), transcript, casefold=True)
    assert printed.diacritic_accuracy >= 0.99, f"{name}: {printed.diacritic_accuracy:.4f}"
    assert printed.char_accuracy >= 0.98, f"{name}: {printed.char_accuracy:.4f}"
    # Keeping the letters' own case, the text matches the transcript exactly.
    faithful = score_text(document_text(_read(name, converted, caps_fonts=False)), transcript)
    assert faithful.diacritic_accuracy >= 0.99, f"{name}: {faithful.diacritic_accuracy:.4f}"
    assert faithful.char_accuracy >= 0.98, f"{name}: {faithful.char_accuracy:.4f}"


@needs_soffice
def test_tcvn3_doc_keeps_u_horn_and_caps(converted: Callable[[str], bytes]) -> None:
    doc = _read("v_2004-NghiDinh29_1998.doc", converted)
    assert doc.format == "doc"
    text = document_text(doc)
    # ư is byte 0xAD, the soft hyphen: it must survive LibreOffice's <w:softHyphen/>.
    assert "Thường vụ Quốc hội" in text
    assert "nước" in text and "\u00ad" not in text
    assert doc.blocks[0].text == "NGHỊ ĐỊNH"  # a .VnTimeH run, printed in capitals
    faithful = _read("v_2004-NghiDinh29_1998.doc", converted, caps_fonts=False)
    assert faithful.blocks[0].text == "Nghị định"


@needs_soffice
def test_vni_doc_and_unicode_run_in_it(converted: Callable[[str], bytes]) -> None:
    doc = _read("13_binhphuoc-ubnd-qd991-kh-rung-2008-vni.doc", converted)
    text = document_text(doc)
    assert "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    cells = [b for b in doc.blocks if b.kind == "table_cell"]
    assert cells and cells[0].table == 0 and cells[0].row == 0
    # The signer's name was typed in Unicode; it must come through untouched.
    assert any("Trương Tấn Thiệu" in b.text for b in cells)


@needs_soffice
def test_rtf_format_and_table(converted: Callable[[str], bytes]) -> None:
    doc = _read("v_2003-A30.rtf", converted)
    assert doc.format == "rtf"
    assert any(b.kind == "table_cell" for b in doc.blocks)
    assert "Bổ sung và sửa đổi một số điểm của Thông tư số 40/2000" in document_text(doc)


@needs_soffice
def test_unicode_doc_passes_through(converted: Callable[[str], bytes]) -> None:
    doc = _read(UNICODE_DOC, converted)
    assert doc.format == "doc"
    texts = [b.text for b in doc.blocks]
    assert "KẾ HOẠCH" in texts
    assert any("Tăng cường công tác đấu tranh phòng, chống ma túy" in t for t in texts)
    assert any(b.kind == "table_cell" and b.table is not None and b.col is not None for b in doc.blocks)
    joined = "".join(texts)
    assert not set(joined) & set("¸µ¶·¹®©ª«¬¨§Ö×ÞØÜ"), "Unicode text was taken for TCVN3"
    assert sum(has_diacritic(c) for c in joined) > 1000


@needs_soffice
def test_read_legacy_end_to_end_and_odt(tmp_path: Path) -> None:
    src = REAL / "v_2003-A30.rtf"
    doc = read_legacy(str(src), src.read_bytes(), "rtf")
    assert doc.format == "rtf" and doc.sha256 and doc.blocks
    # An .odt made from the same file reads the same.
    profile = (tmp_path / "profile").as_uri()
    cmd = [str(soffice_path()), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "odt"]
    subprocess.run([*cmd, "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=120)
    odt = tmp_path / "v_2003-A30.odt"
    odt_doc = read_legacy(str(odt), odt.read_bytes(), "odt")
    assert odt_doc.format == "odt"
    assert fold(document_text(odt_doc)) == fold(document_text(doc))


# --- broken files and missing LibreOffice ---------------------------------------------------


def test_random_bytes_doc_is_corrupt() -> None:
    rng = random.Random(7)
    junk = bytes(rng.randrange(256) for _ in range(40_000))
    with pytest.raises(CorruptFileError) as e:
        read_legacy("rac.doc", junk, "doc")
    assert "rac.doc" in str(e.value) and "hợp lệ" in str(e.value)
    # An OLE2 header over junk is no Word file either (LibreOffice would import it as text).
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + junk + "WordDocument".encode("utf-16-le") + junk
    with pytest.raises(CorruptFileError):
        read_legacy("rac.doc", ole, "doc")
    with pytest.raises(CorruptFileError):
        read_legacy("rac.rtf", junk, "rtf")


@needs_soffice
def test_damaged_word_file_is_corrupt() -> None:
    real = bytearray((REAL / UNICODE_DOC).read_bytes())
    rng = random.Random(3)
    for i in range(512, 4096):  # the FIB and the start of the text; the directory stays intact
        real[i] = rng.randrange(256)
    with pytest.raises(CorruptFileError) as e:
        read_legacy("hong.doc", bytes(real), "doc")
    assert "LibreOffice" in str(e.value)


def test_missing_soffice_says_run_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rl, "soffice_path", lambda: None)
    src = REAL / "v_2003-A30.rtf"
    with pytest.raises(InputError) as e:
        read_legacy(str(src), src.read_bytes(), "rtf")
    assert not isinstance(e.value, CorruptFileError)
    assert "scripts/setup.sh" in str(e.value) and "LibreOffice" in str(e.value)


# --- the encodings --------------------------------------------------------------------------

TCVN3_WORDS = [
    ("B¸o c¸o", "Báo cáo"),
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("Th\u00adêng vô Quèc héi", "Thường vụ Quốc hội"),
    ("n\u00adíc", "nước"),
    ("ñy ban nh©n d©n", "ủy ban nhân dân"),
    ("Ph¹m V¨n §ång", "Phạm Văn Đồng"),
    ("¡n ¢m £m ¤ ¥ ¦ §", "Ăn Âm Êm Ô Ơ Ư Đ"),
    ("kÕ ho¹ch ph¸t triÓn kinh tÕ - x· héi", "kế hoạch phát triển kinh tế - xã hội"),
    ("tr\u00adëng, ®\u00adîc, ng\u00adêi, s\u00adëi Êm, ng÷ nghÜa", "trưởng, được, người, sưởi ấm, ngữ nghĩa"),
]
VNI_WORDS = [
    ("COÄNG HOØA", "CỘNG HÒA"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("UÛY BAN NHAÂN DAÂN TÆNH BÌNH PHÖÔÙC", "ỦY BAN NHÂN DÂN TỈNH BÌNH PHƯỚC"),
    ("Caên cöù Luaät Toå chöùc", "Căn cứ Luật Tổ chức"),
    ("Ñaø Naüng, saün coù", "Đà Nẵng, sẵn có"),
    ("quy hoaïch söû duïng röøng", "quy hoạch sử dụng rừng"),
    ("NGHÓA, thò xaõ, ñònh kyø, quùy", "NGHĨA, thị xã, định kỳ, qúy"),
    ("ngaøy 14 thaùng 5 naêm 2008", "ngày 14 tháng 5 năm 2008"),
    ("khuyeán khích, thuôû, ñöôøng, lyù, Yù, Ỵ, vaên baûn", "khuyến khích, thuở, đường, lý, Ý, Ỵ, văn bản"),
]
VIQR_WORDS = [
    ("Vie^.t Nam", "Việt Nam"),
    ("DDo^.c la^.p - Tu+. do - Ha.nh phu'c", "Độc lập - Tự do - Hạnh phúc"),
    ("ngu+o+`i, ddu+o+.c, tru+o+`ng", "người, được, trường"),
]


@pytest.mark.parametrize(("legacy", "unicode"), TCVN3_WORDS)
def test_tcvn3_words(legacy: str, unicode: str) -> None:
    assert convert(legacy, "tcvn3") == unicode
    assert encode(unicode, "tcvn3") == legacy
    assert detect_encoding(legacy) in ("tcvn3", None)  # short texts may be left alone, never misread


@pytest.mark.parametrize(("legacy", "unicode"), VNI_WORDS)
def test_vni_words(legacy: str, unicode: str) -> None:
    assert convert(legacy, "vni") == unicode
    assert convert(encode(unicode, "vni"), "vni") == unicode
    assert detect_encoding(legacy) in ("vni", None)


@pytest.mark.parametrize(("legacy", "unicode"), VIQR_WORDS)
def test_viqr_words(legacy: str, unicode: str) -> None:
    assert convert(legacy, "viqr") == unicode


def test_detection_of_whole_lines() -> None:
    assert detect_encoding("C¨n cø LuËt Tæ chøc ChÝnh phñ ngµy 30 th¸ng 9 n¨m 1992;") == "tcvn3"
    assert detect_encoding("Caên cöù Luaät Toå chöùc HÑND vaø UBND ngaøy 26/11/2003;") == "vni"
    assert detect_encoding("Ho^m nay tro+`i dde.p, chu'ng to^i ddi ho.c.") == "viqr"
    assert to_unicode("Theo ®Ò nghÞ cña Bé tr\u00adëng") == "Theo đề nghị của Bộ trưởng"


def test_tcvn3_capitals_font() -> None:
    assert convert("NghÞ ®Þnh", "tcvn3", upper=True) == "NGHỊ ĐỊNH"
    assert convert(encode("QUYẾT ĐỊNH", "tcvn3"), "tcvn3", upper=True) == "QUYẾT ĐỊNH"


@pytest.mark.parametrize(
    ("font", "expected"),
    [
        (".VnTime", ("tcvn3", False)),
        (".VnTimeH", ("tcvn3", True)),
        (".VnArial NarrowH", ("tcvn3", True)),
        (".VnTime;Times New Roman", ("tcvn3", False)),
        ("VNI-Times", ("vni", False)),
        ("VNI-Helve", ("vni", False)),
        ("Times New Roman", (None, False)),
        ("VNtimes New Roman;Courier New", (None, False)),
        (None, (None, False)),
    ],
)
def test_encoding_for_font(font: str | None, expected: tuple[str | None, bool]) -> None:
    assert encoding_for_font(font) == expected


def test_syllables() -> None:
    for word in ("nghiêng", "khuya", "quyết", "người", "gì", "thuở", "Ủy", "oái"):
        assert is_vietnamese_syllable(word), word
    for word in ("laop", "señor", "straße", "caực", "ngưoi", "cáà"):
        assert not is_vietnamese_syllable(word), word


def test_unicode_and_other_languages_pass_unchanged() -> None:
    for text in ("Giá", "Sí, señor", "Straße", "Copyright © 2024", "café au lait", "Noël", "à la carte", ""):
        assert detect_encoding(text) is None, text
        assert to_unicode(text) == text


def _seed_paragraphs() -> list[str]:
    paras: list[str] = []
    for path in SEEDS:
        paras.extend(p for p in path.read_text(encoding="utf-8").split("\n") if p.strip())
    return paras


def test_seed_texts_pass_unchanged() -> None:
    """Ordinary Unicode Vietnamese, as paragraphs and as every one- and two-word piece of it."""
    paras = _seed_paragraphs()
    assert len(paras) > 500
    for para in paras:
        assert to_unicode(para) == para
        words = para.split()
        for piece in (*words, *(" ".join(words[i : i + 2]) for i in range(len(words) - 1))):
            assert detect_encoding(piece) is None, piece


def test_seed_texts_round_trip_and_are_detected() -> None:
    """Every seed paragraph, written in TCVN3 / VNI, converts back; nearly all are detected."""
    paras = [unicodedata.normalize("NFC", p) for p in _seed_paragraphs()]
    encodings: tuple[Literal["tcvn3", "vni"], ...] = ("tcvn3", "vni")
    for enc in encodings:
        hits = wrong = 0
        for para in paras:
            legacy = encode(para, enc)
            back = convert(legacy, enc)
            if enc == "vni":
                assert back == para
            else:  # TCVN3 has no accented capitals: compare caseless
                assert back.lower() == para.lower()
            found = detect_encoding(legacy)
            hits += found == enc
            wrong += found not in (enc, None)
        assert hits / len(paras) >= 0.97, (enc, hits, len(paras))
        assert wrong <= 2, (enc, wrong)


# --- the DOCX walker, on a document made here (no LibreOffice needed) -----------------------


def _run(p: object, text: str, font: str | None, soft_hyphen_after: str | None = None) -> None:
    run = p.add_run(text)  # type: ignore[attr-defined]
    if font:
        run.font.name = font
    if soft_hyphen_after is not None:
        run._r.append(OxmlElement("w:softHyphen"))
        t = OxmlElement("w:t")
        t.text = soft_hyphen_after
        t.set(qn("xml:space"), "preserve")
        run._r.append(t)


def test_walker_converts_runs_by_font() -> None:
    d = docx.Document()
    p = d.add_paragraph()
    _run(p, "C¨n cø Th", ".VnTime", soft_hyphen_after="êng vô; ")
    _run(p, "COÄNG HOØA ", "VNI-Times")
    _run(p, "Trương Tấn Thiệu ", "VNI-Times")  # Unicode typed under a legacy font name
    _run(p, "NghÞ ®Þnh", ".VnTimeH")
    d.add_paragraph().add_run("B¸o c¸o tµi chÝnh quý II n¨m 2026").font.name = "Times New Roman"
    d.add_paragraph().add_run("Hội đồng nhân dân tỉnh").font.name = ".VnTime"
    table = d.add_table(rows=3, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1))
    table.cell(1, 0).merge(table.cell(2, 0))
    _run(table.cell(0, 0).paragraphs[0], "Néi dung", ".VnTime")
    _run(table.cell(1, 0).paragraphs[0], "Thêi gian", ".VnTime")
    _run(table.cell(1, 1).paragraphs[0], "Quý I", None)
    buf = io.BytesIO()
    d.save(buf)
    doc = document_from_docx("made.doc", b"made", "doc", buf.getvalue())
    texts = [b.text for b in doc.blocks]
    assert texts[0] == "Căn cứ Thường vụ; CỘNG HÒA Trương Tấn Thiệu NGHỊ ĐỊNH"
    assert texts[1] == "Báo cáo tài chính quý II năm 2026"  # no legacy font: found by content
    assert texts[2] == "Hội đồng nhân dân tỉnh"
    cells = [(b.text, b.row, b.col, b.row_span, b.col_span) for b in doc.blocks if b.kind == "table_cell"]
    assert cells == [("Nội dung", 0, 0, 1, 2), ("Thời gian", 1, 0, 2, 1), ("Quý I", 1, 1, 1, 1)]
    assert all(b.table == 0 for b in doc.blocks if b.kind == "table_cell")
    faithful = document_from_docx("made.doc", b"made", "doc", buf.getvalue(), caps_fonts=False)
    assert faithful.blocks[0].text.endswith("Nghị định")


def test_broken_docx_from_libreoffice_is_corrupt() -> None:
    with pytest.raises(CorruptFileError):
        document_from_docx("x.doc", b"x", "doc", os.urandom(100))
