"""The official criteria catalogues: they load, hold what the reference and the seeds give, and a broken one
is reported in full."""

from __future__ import annotations

import re
from datetime import date
from importlib import resources
from pathlib import Path

import pytest
import yaml

from vanban.catalogue import (
    Catalogue,
    all_catalogues,
    catalogue_ids,
    load_catalogue,
    load_catalogue_file,
    validate_catalogue_data,
)
from vanban.errors import DataFileError
from vanban.normalize import normalize_str

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
IDS = ["dtvm-2022", "ntm-2022", "ntm-2026", "ntm-nc-2022"]


def strings(c: Catalogue) -> list[str]:
    out = [c.title, *c.keywords, *c.abbreviations]
    for crit in c.criteria:
        out += [crit.name, *crit.keywords, *crit.abbreviations, *crit.examples]
        for ind in crit.indicators:
            out += [ind.text, *ind.keywords, *ind.abbreviations, *ind.examples]
    return out


def test_the_four_catalogues_load() -> None:
    assert catalogue_ids() == IDS
    assert [c.id for c in all_catalogues()] == IDS
    assert resources.files("vanban.data").joinpath("catalogues/dtvm-2022.yaml").is_file()


def test_dtvm_2022_has_9_criteria_and_52_indicators() -> None:
    c = load_catalogue("dtvm-2022")
    assert (c.decision, c.decision_date, c.annex, c.valid_from) == (
        "04/2022/QĐ-TTg",
        date(2022, 2, 18),
        "Phụ lục I",
        date(2022, 4, 15),
    )
    assert c.unit_types == ["phuong", "thi-tran"]
    assert [len(crit.indicators) for crit in c.criteria] == [7, 7, 6, 6, 5, 3, 5, 8, 5]
    assert len(c.indicators()) == 52
    assert [i.id for i in c.criteria[7].indicators] == [f"8.{n}" for n in range(1, 9)]
    assert c.criterion("6").name == "Việc làm, thu nhập bình quân, hộ nghèo ở đô thị"
    assert c.criterion("3").name == "Môi trường và an toàn thực phẩm đô thị"


def test_dtvm_2022_thresholds_by_unit_type() -> None:
    c = load_catalogue("dtvm-2022")
    t = c.indicator("6.1").thresholds
    assert (t["phuong"].op, t["phuong"].value, t["phuong"].unit) == (">=", 90, "%")
    assert (t["thi-tran"].op, t["thi-tran"].value) == (">=", 80)
    assert {u: (x.op, x.value) for u, x in c.indicator("8.8").thresholds.items()} == {
        "phuong": (">", 50),
        "thi-tran": (">", 40),
    }
    assert c.indicator("8.3").thresholds["thi-tran"].op == "<="
    assert c.indicator("1.1").thresholds == {}


def test_dtvm_2022_verified_only_where_the_reference_is() -> None:
    c = load_catalogue("dtvm-2022")
    assert all(crit.verified for crit in c.criteria)
    assert [i.id for i in c.indicators() if i.verified] == ["4.1", "6.1", "6.2"]
    for i in c.indicators():
        if not i.verified:
            assert i.note and "not checked against the official annex" in i.note, i.id


def _flat(text: str) -> str:
    text = normalize_str(text).replace("*", "").lower()
    text = re.sub(r"\$\\leq\s*(\d+)\\%\$", r"≤ \1%", text)  # the seeds' OCR writes some signs as LaTeX
    text = re.sub(r"\$>\s*(\d+)\\%\$", r"> \1%", text)
    text = re.sub(r"\$\\geq\s*(\d+)\s*\$", r"≥ \1", text)
    return re.sub(r"\s+", " ", re.sub(r"\(\s+", "(", text))


def test_dtvm_2022_texts_come_from_the_seeds() -> None:
    """Never invented: each text is in seed 000 or 001, up to the phường/thị trấn wording."""
    seeds = _flat((SEEDS / "000_9f388ce2cba106c8.txt").read_text() + (SEEDS / "001_377a1ae89155c130.txt").read_text())
    for ind in load_catalogue("dtvm-2022").indicators():
        text = _flat(ind.text).rstrip(".")
        forms = {text, text.replace("phường, thị trấn", "phường"), text.replace("phường, thị trấn", "thị trấn")}
        assert any(f in seeds for f in forms), ind.id


def test_ntm_nc_2022_holds_only_seed_004_indicators() -> None:
    c = load_catalogue("ntm-nc-2022")
    assert len(c.criteria) == 19
    assert [i.id for i in c.indicators()] == ["2.2", "5.6", "14.2", "14.3", "17.5", "17.6", "18.1"]
    seed = _flat((SEEDS / "004_155c07a5156293e4.txt").read_text())
    for ind in c.indicators():
        assert _flat(ind.text) in seed, ind.id
        assert not ind.verified and ind.note and ind.note.startswith("from seed 004"), ind.id
    assert not any(crit.verified for crit in c.criteria)
    assert c.annex == "Phụ lục II"


def test_18_1_means_different_things_in_ntm_and_ntm_nang_cao() -> None:
    ntm, nc = load_catalogue("ntm-2022"), load_catalogue("ntm-nc-2022")
    assert len(ntm.criteria) == 19
    assert "công chức" in ntm.indicator("18.1").text
    assert "nước sạch" in nc.indicator("18.1").text
    assert ntm.criterion("18").name != nc.criterion("18").name


def test_ntm_2026_supersedes_both_2022_sets() -> None:
    new = load_catalogue("ntm-2026")
    assert sorted(new.supersedes) == ["ntm-2022", "ntm-nc-2022"]
    assert len(new.criteria) == 10 and new.indicators() == []
    assert new.note and "47" in new.note
    for old in (load_catalogue("ntm-2022"), load_catalogue("ntm-nc-2022")):
        assert old.superseded_by == ["ntm-2026"]
        assert old.valid_to is not None and old.valid_to < new.valid_from
        assert old.in_force(date(2024, 1, 1)) and not old.in_force(date(2026, 3, 1))
    assert new.in_force(date(2026, 3, 1)) and not new.in_force(date(2025, 12, 31))


@pytest.mark.parametrize("cid", IDS)
def test_every_entry_has_examples_source_and_legal_basis(cid: str) -> None:
    c = load_catalogue(cid)
    for crit in c.criteria:
        assert crit.examples and crit.source and crit.legal_basis.decision == c.decision
        for ind in crit.indicators:
            assert ind.examples and ind.source
            basis = ind.legal_basis
            assert (basis.decision, basis.annex, basis.item) == (c.decision, c.annex, ind.id)
            assert ind.id == crit.id or ind.id.startswith(crit.id + ".")


@pytest.mark.parametrize("cid", IDS)
def test_strings_are_already_normalised(cid: str) -> None:
    """The matcher normalises plan text; catalogue strings must be in the same form (NFC, hòa/ủy/thủy)."""
    for s in strings(load_catalogue(cid)):
        assert normalize_str(s) == s


BROKEN = """\
id: broken
title: Broken
decision: "1/2022/QĐ-TTg"
decision_date: 2022-01-01
annex: Phụ lục I
unit_types: [xa]
valid_from: 2022-01-01
verified: false
source: test
colour: red
criteria:
  - id: "1"
    name: A
    verified: false
    examples: ["Tiêu chí số 1: A"]
    indicators:
      - {id: "1.1", text: a, verified: false, examples: [a]}
      - {id: "2.1", text: b, verified: false, examples: [b]}
      - {id: "1.3", text: c, verified: false, examples: []}
      - {id: "1.4", text: d, verified: false}
  - id: "1"
    name: B
    verified: false
    examples: [x]
    indicators:
      - {id: "1.1", text: e, verified: false, examples: [e], thresholds: {phuong: {op: ">=", value: 1, unit: "%"}}}
"""

EXPECTED = [
    "colour",  # unknown field
    "criteria.0.indicators.2.examples",  # empty examples
    "criteria.0.indicators.3.examples",  # missing examples
    "criteria.1.id",  # duplicate criterion id
    "criteria.0.indicators.1.id",  # 2.1 not under criterion 1
    "criteria.1.indicators.0.id",  # duplicate indicator id
    "criteria.1.indicators.0.thresholds.phuong",  # unit type not in unit_types
]


def test_a_broken_catalogue_reports_every_error_with_its_location(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")

    def through_validate() -> Catalogue:
        return validate_catalogue_data(yaml.safe_load(BROKEN), str(path))

    def through_file() -> Catalogue:
        return load_catalogue_file(path)

    for load in (through_validate, through_file):
        with pytest.raises(DataFileError) as info:
            load()
        errors = info.value.errors
        locations = [e.removeprefix(f"{path}: ").split(":")[0] for e in errors]
        assert sorted(locations) == sorted(EXPECTED), errors
        assert all(e.startswith(str(path)) for e in errors)
        assert "trùng" in str(info.value) and "không nằm dưới tiêu chí '1'" in str(info.value)


def test_the_shipped_catalogue_passes_the_same_validation() -> None:
    raw = yaml.safe_load(resources.files("vanban.data").joinpath("catalogues/dtvm-2022.yaml").read_text("utf-8"))
    assert validate_catalogue_data(raw, "dtvm-2022.yaml") == load_catalogue("dtvm-2022")


def test_an_unknown_catalogue_is_a_data_file_error() -> None:
    with pytest.raises(DataFileError, match="ntm-2022"):
        load_catalogue("ntm-2099")
