"""Facts about the seed plans, checked by hand against the documents (issue 'Read any plan')."""

from __future__ import annotations

from collections import Counter

from tests.conftest import load

SEED0 = "corpus/seeds/000_9f388ce2cba106c8.txt"
SEED1 = "corpus/seeds/001_377a1ae89155c130.txt"
SEED2 = "corpus/seeds/002_c1c5aafbc76b6be8.txt"
SEED3 = "corpus/seeds/003_3feba351db755d9a.txt"
SEED4 = "corpus/seeds/004_155c07a5156293e4.txt"
# Indicators per criterion of QĐ 04/2022/QĐ-TTg Phụ lục I as both seeds list them.
DTVM_COUNTS = {"1": 7, "2": 7, "3": 6, "4": 6, "5": 5, "6": 3, "7": 5, "8": 8, "9": 5}


def _by_label(rel: str) -> dict[str, object]:
    rec = load(rel)[1]
    return {it.label: it for it in rec.items if it.label}


def test_seed0_header_and_signer() -> None:
    rec = load(SEED0)[1]
    h = rec.header
    assert (h.number, h.symbol, h.place, h.date, h.doc_type) == (
        None,
        "KH-BCĐ",
        "Thị trấn Hà Trung",
        "2023-03",
        "KẾ HOẠCH",
    )
    assert h.title == "Xây dựng thị trấn đạt chuẩn đô thị văn minh"
    assert (rec.signer.authority, rec.signer.title, rec.signer.name) == (
        "TM. BAN CHỈ ĐẠO",
        "PHÓ TRƯỞNG BAN",
        "Cù Văn Hân",
    )
    assert [(lb.number, lb.symbol, lb.date) for lb in rec.legal_bases] == [
        (None, None, "2015-06-19"),
        ("04", "2022/QĐ-TTg", "2022-02-18"),
        ("63", "QĐ/ĐU", "2023-03-02"),
    ]
    assert rec.recipients[-1].text == "Lưu VT, VHXX."


def test_seed0_items_and_deadlines() -> None:
    rec = load(SEED0)[1]
    # The 52 indicators, each with its solution and deadline lines; the duties of the steering
    # committee, the offices and the tiểu khu in "IV. TỔ CHỨC THỰC HIỆN" are tasks of their own.
    indicators = [it for it in rec.items if it.id.startswith("P")]
    assert len(indicators) == 52
    duties = [it for it in rec.items if it.id.startswith("D")]
    assert len(duties) >= 10 and all(not it.label for it in duties)
    for it in indicators:
        if it.label == "1.3":
            assert it.deadline is not None and it.deadline.date is None
            assert it.deadline.text == "theo gia đoạn lộ trình"
        else:
            assert it.deadline is not None and it.deadline.date == "2023-06-30", it.label
    labels = [it.label for it in indicators]
    # The plan writes "2." for indicator 2.2; the record keeps the plan's own numbering.
    assert labels[8] == "2"
    assert Counter(label.split(".")[0] for label in labels if label) == DTVM_COUNTS


def test_seed0_appendix_officials_on_their_criteria() -> None:
    items = _by_label(SEED0)
    names = lambda label: {p.name for p in items[label].people}  # noqa: E731
    for label in ("2.1", "2.3", "2.7"):
        assert "Nguyễn Hoàng Phương" in names(label)
    for label in ("6.1", "6.3", "8.8"):
        assert "Vũ Thị Tư" in names(label)
    assert {"Nguyễn Hoàng Chương", "Nguyễn Hoàng Phương"} <= names("1.1")
    assert names("4.4") >= {"Nguyễn Thị Hương"}
    assert names("9.5") >= {"Hoàng Văn Trọng"}
    assert names("9.2") >= {"Dương Văn Thái"}
    # A unit in the officials column is a unit, not a person.
    assert "Văn hóa – Y tế" in items["3.5"].responsible
    assert items["1.7"].coordinating == ("MTTQ", "các đoàn thể")


def test_seed1_appendix_rows() -> None:
    rec = load(SEED1)[1]
    h = rec.header
    assert (h.number, h.symbol, h.date, h.number_from_appendix) == ("68", "KH-UBND", "2023-02-08", True)
    assert h.issuer == "UBND phường Giang Biên"
    rows = [it for it in rec.items if it.id.startswith("T")]
    assert len(rows) == 52
    assert Counter(it.label.split(".")[0] for it in rows if it.label) == DTVM_COUNTS
    items = _by_label(SEED1)
    lead = {label: it.leads[0] for label, it in items.items()}
    assert all(lead[f"1.{i}"] == "Đ/c Đông CT UBND" for i in range(1, 8))
    assert [lead[f"2.{i}"] for i in range(1, 8)] == ["Đ/c Tỉnh PCT UBND"] * 4 + ["Đ/c Hoài PCT UBND"] + [
        "Đ/c Tỉnh PCT UBND"
    ] * 2
    assert items["2.1"].responsible == ("Đ/c Quế",)
    # Rows shifted by a missing cell keep unit, partner and deadline in their places.
    assert items["3.3"].responsible == ("Bộ phận VHXH",)
    assert items["3.3"].deadline.recurrence == "continuous"
    assert (items["7.4"].responsible, items["7.4"].coordinating, items["7.4"].deadline) == (
        ("Các câu lạc bộ", "Các tổ dân phố"),
        ("Bộ phận VHTT",),
        None,
    )
    assert items["8.1"].responsible == ("Trạm y tế phường",) and items["8.1"].deadline.date == "2023-11-30"
    assert items["8.3"].coordinating == ("Bộ phận Dân số KHHGĐ",)
    # One cell with three indicators, their assignments in the two rows below it.
    assert [items[f"7.{i}"].deadline.date for i in (1, 2, 3)] == ["2023-12-31", "2023-11-30", "2023-12-31"]
    assert items["7.2"].responsible == ("Các tổ dân phố",) and items["7.2"].coordinating == ("Bộ phận VHTT",)
    # A criterion name cut by a page break is not an item of its own.
    assert items["6.1"].section == ("6. Việc làm, thu nhập bình quân, hộ nghèo đô thị",)
    assert items["8.4"].deadline.kind == "school_year" and items["8.4"].deadline.date == "2023-05-31"
    assert items["9.4"].deadline.recurrence == "daily"


def test_seed2_three_phases() -> None:
    rec = load(SEED2)[1]
    assert (rec.header.number, rec.header.symbol, rec.header.date) == ("42", "KH-UBND", "2023-03-10")
    phases = [(it.deadline.start, it.deadline.date) for it in rec.items if it.deadline and it.deadline.start]
    assert phases == [("2023-03-01", "2023-04-30"), ("2023-05-01", "2023-09-02"), ("2023-09-02", "2023-12-31")]
    assert rec.signer.name == "Cù Văn Hân"


def test_seed3_header() -> None:
    rec = load(SEED3)[1]
    h = rec.header
    assert (h.number, h.symbol, h.place, h.date, h.issuer) == (
        None,
        "KH-UBND",
        "Cao Ngạn",
        "2024-03",
        "UBND xã Cao Ngạn",
    )
    assert rec.signer.name == "Đoàn Việt Dũng"


def test_seed4_deadlines_per_unmet_criterion() -> None:
    rec = load(SEED4)[1]
    assert [lb.number for lb in rec.legal_bases] == ["319", "35", "33"]
    found = {}
    for it in rec.items:
        for key in ("giao thông", "Tiêu chí số 5", "14.2", "17.5", "17.6", "18.1", "19", "thu nhập"):
            if key in " ".join((*it.section, it.text)) or key in (it.source.text[:200]):
                found.setdefault(key, it.deadline.date if it.deadline else None)
    assert found["17.5"] == "2023-08-15"
    assert found["17.6"] == "2023-08-30"
    assert found["14.2"] == "2023-08-30"
    dates = [it.deadline.date for it in rec.items if not it.id.startswith("D")]  # the criteria's tasks
    assert "2023-09-30" in dates  # criterion 18.1 (nước sạch)
    assert all(d is not None for d in dates)
    assert rec.signer.name == "Phạm Văn Định"
