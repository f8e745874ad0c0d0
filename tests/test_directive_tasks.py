"""Tasks of documents that direct work (parse.extract.directive_tasks), rule by rule.

Each case is a short document written the way the named corpus documents write it; the expected
tasks are (text start, responsible, coordinating).
"""

from __future__ import annotations

import pytest

from vanban.api import parse

HEAD = """ỦY BAN NHÂN DÂN
TỈNH LÀO CAI
Số: /UBND-KT
V/v tăng cường quản lý khoáng sản
Lào Cai, ngày    tháng 6 năm 2026
Kính gửi:
- Các sở, ban, ngành tỉnh;
- UBND các xã, phường.
"""
TAIL = """Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Nguyễn Văn A
"""

CASES = [
    (
        "assignment sentences (58, 60, 62)",
        """Xét đề nghị của Sở Công Thương tại Báo cáo số 12/BC-SCT, Ủy ban nhân dân tỉnh có ý kiến như sau:
1. Nhất trí chủ trương di dời cụm công nghiệp. Giao Ủy ban nhân dân phường Yên Bái chủ trì, phối hợp với Sở Công Thương lập phương án di dời, hoàn thành trong tháng 9 năm 2026.
2. Giao Sở Tài chính chủ trì, phối hợp với các cơ quan liên quan tham mưu bố trí nguồn vốn.
Giao Sở Y tế rà soát, giao nhiệm vụ các Trung tâm Y tế khu vực trước ngày 05/11/2026.
""",
        [
            ("Giao Ủy ban nhân dân phường Yên Bái", ("Ủy ban nhân dân phường Yên Bái",), ("Sở Công Thương",)),
            ("Giao Sở Tài chính", ("Sở Tài chính",), ("các cơ quan liên quan",)),
            ("Giao Sở Y tế", ("Sở Y tế",), ()),
        ],
    ),
    (
        "unit headings give their unit to the lines under them (50, 61)",
        """Để tăng cường quản lý, Ủy ban nhân dân tỉnh yêu cầu:
1. Sở Công Thương
a) Chủ trì kiểm tra hoạt động vật liệu nổ công nghiệp.
b) Định kỳ tổng hợp, báo cáo Ủy ban nhân dân tỉnh.
2. Ủy ban nhân dân các xã, phường:
- Quản lý chặt chẽ khoáng sản chưa khai thác.
3. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh tăng cường tuyên truyền, vận động Nhân dân.
""",
        [
            ("Chủ trì kiểm tra", ("Sở Công Thương",), ()),
            ("Định kỳ tổng hợp", ("Sở Công Thương",), ()),
            ("Quản lý chặt chẽ", ("Ủy ban nhân dân các xã, phường",), ()),
            ("Đề nghị Ủy ban Mặt trận", ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",), ()),
        ],
    ),
    (
        "a heading ending in an assignment and a colon (63, 64)",
        """1. Thống nhất tổ chức Hội nghị gặp mặt doanh nghiệp. Giao Trung tâm Xúc tiến Đầu tư thực hiện:
- Nghiên cứu nội dung, thành phần Hội nghị trong tháng 5/2026.
- Chuẩn bị thông tin về cơ chế, chính sách mới.
Ủy ban nhân dân tỉnh trân trọng thông báo để các cơ quan, đơn vị biết, thực hiện./.
""",
        [
            ("Nghiên cứu nội dung", ("Trung tâm Xúc tiến Đầu tư",), ()),
            ("Chuẩn bị thông tin", ("Trung tâm Xúc tiến Đầu tư",), ()),
        ],
    ),
]


CASES.append(
    (
        "a lead-in that assigns the list below it (55, 59)",
        """Sở Công Thương đề nghị các chủ đầu tư hạ tầng cụm công nghiệp thực hiện các nội dung sau:
1. Rà soát toàn bộ hạng mục công việc, lập tiến độ chi tiết theo tuần.
2. Bố trí đủ vốn theo đúng cam kết; tập trung nhân lực, thiết bị.
""",
        [
            ("Rà soát toàn bộ", ("các chủ đầu tư hạ tầng cụm công nghiệp",), ()),
            ("Bố trí đủ vốn", ("các chủ đầu tư hạ tầng cụm công nghiệp",), ()),
        ],
    )
)


@pytest.mark.parametrize(("name", "body", "expected"), CASES, ids=[c[0] for c in CASES])
def test_directive_rules(name: str, body: str, expected: list[tuple[str, tuple[str, ...], tuple[str, ...]]]) -> None:
    rec = parse((HEAD + body + TAIL).encode("utf-8"), name="cong-van.txt")
    assert rec.header.doc_type == "CÔNG VĂN"
    got = [(it.text, it.responsible, it.coordinating) for it in rec.items]
    assert len(got) == len(expected), got
    for (text, resp, coord), (start, want_resp, want_coord) in zip(got, expected, strict=True):
        assert text.startswith(start), (name, text)
        assert resp == want_resp, (name, text, resp)
        assert coord == want_coord, (name, text, coord)


def test_task_parts_of_a_plan_list_every_duty() -> None:
    """A part titled as tasks lists duties with or without a named unit (plans 01, 41); the purposes
    part and a hand-over paragraph give none."""
    text = """UBND XÃ A
Số: 12/KH-UBND
Xã A, ngày 02 tháng 3 năm 2026
KẾ HOẠCH
Phòng chống thiên tai năm 2026
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
- Nâng cao nhận thức của Nhân dân về phòng chống thiên tai.
II. NHIỆM VỤ VÀ GIẢI PHÁP
1. Công tác tuyên truyền
- Tuyên truyền trên hệ thống loa truyền thanh xã.
- Tổ chức diễn tập phòng chống lụt bão trong quý II/2026.
III. TỔ CHỨC THỰC HIỆN
Các cơ quan, đơn vị căn cứ Kế hoạch này có trách nhiệm triển khai thực hiện.
1. Công an xã
- Bảo đảm an ninh trật tự trong mùa mưa bão.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nguyễn Văn B
"""
    rec = parse(text.encode("utf-8"), name="ke-hoach.txt")
    got = sorted((it.text[:30], it.responsible, it.deadline and it.deadline.date) for it in rec.items)
    assert got == sorted(
        [
            ("Tuyên truyền trên hệ thống loa", (), None),
            ("Tổ chức diễn tập phòng chống l", (), "2026-06-30"),
            ("Bảo đảm an ninh trật tự trong ", ("Công an xã",), None),
        ]
    )


def test_draft_and_signed_plan_give_the_same_tasks() -> None:
    """Plan 43 is the drafter's .doc, 42 the signed PDF with number 362 and day 14 stamped in."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "corpus" / "real2"
    signed = parse(root / "42_dongthap-sgddt-kh362-tiepdoan-kiemtra-stem-2026.pdf")
    draft = parse(root / "43_dongthap-sgddt-kh-tiepdoan-kiemtra-stem-2026-duthao.doc")

    def view(rec: object) -> list[object]:
        return [
            (it.text, it.responsible, it.coordinating, it.deadline and (it.deadline.date, it.deadline.kind))
            for it in rec.items  # type: ignore[attr-defined]
        ]

    assert len(signed.items) >= 12 and view(signed) == view(draft)
    assert (signed.header.number, signed.header.date) == ("362", "2026-04-14")
    assert (draft.header.number, draft.header.date) == (None, "2026-04")
