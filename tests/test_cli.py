"""The command line: success, user errors and usage errors, in a real subprocess-free run."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from tests.conftest import ROOT

from vanban.cli import main

SEED2 = str(ROOT / "corpus/seeds/002_c1c5aafbc76b6be8.txt")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "parse", SEED2)
    assert code == 0, err
    rec = json.loads(out)
    assert rec["schema_version"] == "1.0"
    assert rec["header"]["number"] == "42"


def test_parse_text_summary_is_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "parse", SEED2, "--format", "text")
    assert code == 0
    assert "Số, ký hiệu: 42/KH-UBND" in out
    assert "Người ký: TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH / Cù Văn Hân" in out
    assert "từ 2023-03-01 đến 2023-04-30" in out


@pytest.mark.parametrize(
    ("name", "content", "code", "needle"),
    [
        ("ke-hoach.xyz", b"abc", "E101", "không đọc được tệp có đuôi"),
        ("rong.txt", b"", "E102", "tệp rỗng"),
        ("hong.docx", os.urandom(2048), "E103", ""),
        ("hong.pdf", b"%PDF-1.4 garbage" + os.urandom(512), "E103", ""),
        ("khong-phai-ke-hoach.txt", b"Danh sach mua hang: gao, muoi.\n", "E105", "không nhận ra đây là một kế hoạch"),
    ],
)
def test_bad_input_gives_vietnamese_message_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, code: str, needle: str
) -> None:
    f = tmp_path / name
    f.write_bytes(content)
    rc, out, err = run(capsys, "parse", str(f))
    assert rc == 2
    assert out == ""
    assert f"[{code}]" in err and name in err and needle in err
    assert "Traceback" not in err


def test_truncated_docx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = (ROOT / "corpus/real/01_laocai-ubnd-kh-chithi11-khoangsan.docx").read_bytes()
    f = tmp_path / "cut.docx"
    f.write_bytes(data[: len(data) // 2])
    rc, _, err = run(capsys, "parse", str(f))
    assert rc == 2 and "[E103]" in err


def test_docx_without_document_part(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "empty.docx"
    with zipfile.ZipFile(f, "w") as z:
        z.writestr("hello.txt", "x")
    rc, _, err = run(capsys, "parse", str(f))
    assert rc == 2 and "[E103]" in err


def test_password_protected_pdf(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, "parse", str(ROOT / "tests/fixtures/seed002-locked.pdf"))
    assert rc == 2 and "[E104]" in err and "mật khẩu" in err


def test_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    rc, _, err = run(capsys, "parse", "/khong/co/tep.txt")
    assert rc == 2 and "[E107]" in err


def test_batch_goes_on_past_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "hong.docx"
    bad.write_bytes(b"not a zip")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    rc, _, err = run(
        capsys, "parse", SEED2, str(bad), str(ROOT / "corpus/seeds/003_3feba351db755d9a.txt"), "-o", str(out_dir)
    )
    assert rc == 2
    assert sorted(p.name for p in out_dir.iterdir()) == ["002_c1c5aafbc76b6be8.json", "003_3feba351db755d9a.json"]
    assert "hong.docx" in err and "1/3 tệp không đọc được" in err
    assert not list(out_dir.glob(".*tmp"))


def test_strict_turns_warnings_into_errors(capsys: pytest.CaptureFixture[str]) -> None:
    seed1 = str(ROOT / "corpus/seeds/001_377a1ae89155c130.txt")
    assert run(capsys, "parse", seed1)[0] == 0
    rc, _, err = run(capsys, "parse", seed1, "--strict")
    assert rc == 2 and "[E106]" in err and "W020" in err


def test_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as e:
        main(["parse"])
    assert e.value.code == 2
    assert "lỗi cú pháp lệnh" in capsys.readouterr().err


def test_text_command_on_legacy_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "vni.txt"
    rc, _, _ = run(
        capsys, "text", str(ROOT / "corpus/real/13_binhphuoc-ubnd-qd991-kh-rung-2008-vni.doc"), "-o", str(out)
    )
    assert rc == 0
    text = out.read_text(encoding="utf-8")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text.upper()
    assert "Trương Tấn Thiệu" in text


def test_ocr_lang_is_checked_before_reading(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "text", "--ocr-lang", "vie;rm -rf", SEED2)
    assert code == 2
    assert "mã ngôn ngữ nhận dạng chữ «vie;rm -rf» không hợp lệ" in err and "vie+eng" in err


@pytest.mark.skipif(not __import__("shutil").which("tesseract"), reason="Tesseract is not installed")
def test_ocr_lang_reaches_the_ocr_of_images_pdfs_and_batch_workers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from PIL import Image

    from vanban.archive.batch import run_batch
    from vanban.archive.db import snapshot

    scan = tmp_path / "in" / "scan.png"
    scan.parent.mkdir()
    Image.new("L", (400, 300), 255).save(scan)
    (tmp_path / "in" / "plan.txt").write_bytes(Path(SEED2).read_bytes())
    code, _, err = run(capsys, "parse", "--ocr-lang", "xyz", str(scan))
    assert code == 2 and "Tesseract thiếu dữ liệu «xyz»" in err and "tesseract-ocr-xyz" in err
    # The language is handed to the pool's workers: the scan fails for it, the text plan is stored.
    result = run_batch([tmp_path / "in"], tmp_path / "a.sqlite", jobs=2, ocr_lang="xyz")
    assert (result.new, result.failed) == (1, 1)
    [(path, _sha, _code, message)] = snapshot(tmp_path / "a.sqlite")["failures"]
    assert path.endswith("scan.png") and "«xyz»" in message
