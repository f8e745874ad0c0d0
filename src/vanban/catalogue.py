"""Official criteria catalogues (bộ tiêu chí), loaded from ``data/catalogues/<id>.yaml`` through a strict schema.

A catalogue is keyed by (decision, annex, period): the same indicator code means different things in
different sets (``18.1`` is "cán bộ, công chức xã đạt chuẩn" in xã NTM but "nước sạch" in NTM nâng cao).
Every entry says whether its text was checked against the official annex (``verified``) and where it
came from (``source``; an entry without one inherits the catalogue's). ``legal_basis`` likewise defaults
to the catalogue's decision and annex with the entry's id as the item.

Beyond the schema, :func:`validate_catalogue_data` checks that ids are unique, that an indicator's id lies
under its criterion's, and that thresholds name only the catalogue's unit types; it reports every problem,
schema or not, with its location, in one :class:`~vanban.errors.DataFileError`.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from vanban.datafiles import load_yaml_text, read_yaml
from vanban.errors import DataFileError

FOLDER = "catalogues"

UnitType = Literal["phuong", "thi-tran", "xa"]
Text = Annotated[str, Field(min_length=1)]
Examples = Annotated[list[Text], Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LegalBasis(_Strict):
    decision: Text  # "04/2022/QĐ-TTg"
    annex: Text  # "Phụ lục I"
    item: Text  # "6.1"


class Threshold(_Strict):
    op: Literal[">=", ">", "<=", "<", "="]
    value: float
    unit: Text  # "%"
    measure: str | None = None  # what is measured, when the indicator states several quantities


class Indicator(_Strict):
    id: Annotated[str, Field(pattern=r"^\d+(\.\d+)?$")]
    text: Text
    legal_basis: LegalBasis
    thresholds: dict[UnitType, Threshold] = {}
    keywords: list[Text] = []
    abbreviations: list[Text] = []
    verified: bool
    note: str | None = None
    source: Text
    examples: Examples


class Criterion(_Strict):
    id: Annotated[str, Field(pattern=r"^\d+$")]
    name: Text
    group: str | None = None  # "II. Hạ tầng kinh tế - xã hội" where the annex groups its criteria
    legal_basis: LegalBasis
    keywords: list[Text] = []
    abbreviations: list[Text] = []
    verified: bool
    note: str | None = None
    source: Text
    examples: Examples
    indicators: list[Indicator] = []


class Catalogue(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
    title: Text
    decision: Text
    decision_date: date
    annex: Text
    unit_types: Annotated[list[UnitType], Field(min_length=1)]
    valid_from: date
    valid_to: date | None = None
    supersedes: list[str] = []
    superseded_by: list[str] = []
    verified: bool
    source: Text
    note: str | None = None
    keywords: list[Text] = []
    abbreviations: list[Text] = []
    criteria: Annotated[list[Criterion], Field(min_length=1)]

    @model_validator(mode="before")
    @classmethod
    def _inherit(cls, data: Any) -> Any:
        """Give criteria and indicators without ``source``/``legal_basis`` the catalogue's."""
        if not isinstance(data, dict) or not isinstance(data.get("criteria"), list):
            return data
        criteria = []
        for crit in data["criteria"]:
            if isinstance(crit, dict):
                crit = _fill(crit, data)
                if isinstance(crit.get("indicators"), list):
                    crit["indicators"] = [_fill(i, data) if isinstance(i, dict) else i for i in crit["indicators"]]
            criteria.append(crit)
        return {**data, "criteria": criteria}

    def criterion(self, id: str) -> Criterion:
        return next(c for c in self.criteria if c.id == id)

    def indicator(self, id: str) -> Indicator:
        return next(i for i in self.indicators() if i.id == id)

    def indicators(self) -> list[Indicator]:
        return [i for c in self.criteria for i in c.indicators]

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def _fill(entry: dict[str, Any], catalogue: dict[str, Any]) -> dict[str, Any]:
    out = dict(entry)
    if "source" not in out and isinstance(catalogue.get("source"), str):
        out["source"] = catalogue["source"]
    decision, annex, item = catalogue.get("decision"), catalogue.get("annex"), out.get("id")
    if "legal_basis" not in out and all(isinstance(v, str) for v in (decision, annex, item)):
        out["legal_basis"] = {"decision": decision, "annex": annex, "item": item}
    return out


def _items(raw: object, key: str) -> list[tuple[int, dict[str, Any]]]:
    """The mapping entries of list ``raw[key]``, with their positions; nothing if the shape is wrong."""
    seq = raw.get(key) if isinstance(raw, dict) else None
    return [(n, e) for n, e in enumerate(seq) if isinstance(e, dict)] if isinstance(seq, list) else []


def _rule_errors(raw: object) -> list[str]:
    """Problems the schema cannot see: duplicate ids, misplaced indicators, unknown unit types, dates."""
    errors: list[str] = []
    seen: dict[str, str] = {}
    units = raw.get("unit_types") if isinstance(raw, dict) else None
    units = units if isinstance(units, list) else []

    def unique(key: str, where: str) -> None:
        if key in seen:
            errors.append(f"{where}: mã '{key.lstrip('#')}' trùng với {seen[key]}")
        else:
            seen[key] = where

    for n, crit in _items(raw, "criteria"):
        cid = str(crit.get("id"))
        unique("#" + cid, f"criteria.{n}.id")
        for m, ind in _items(crit, "indicators"):
            where = f"criteria.{n}.indicators.{m}"
            iid = str(ind.get("id"))
            unique(iid, f"{where}.id")
            if iid != cid and not iid.startswith(cid + "."):
                errors.append(f"{where}.id: mã chỉ tiêu '{iid}' không nằm dưới tiêu chí '{cid}'")
            thresholds = ind.get("thresholds")
            for unit in thresholds if isinstance(thresholds, dict) else {}:
                if unit not in units:
                    errors.append(f"{where}.thresholds.{unit}: loại đơn vị không có trong unit_types {units}")
    if isinstance(raw, dict):
        start, end = raw.get("valid_from"), raw.get("valid_to")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            errors.append(f"valid_to: {end} trước valid_from {start}")
    return errors


def validate_catalogue_data(raw: object, name: str) -> Catalogue:
    """Validate parsed YAML ``raw`` (from file ``name``) as a catalogue; raise one error listing every problem."""
    errors: list[str] = []
    catalogue: Catalogue | None = None
    try:
        catalogue = Catalogue.model_validate(raw)
    except ValidationError as e:
        errors += [f"{'.'.join(str(p) for p in err['loc']) or '<gốc>'}: {err['msg']}" for err in e.errors()]
    errors += _rule_errors(raw)
    if errors or catalogue is None:
        raise DataFileError(name, [f"{name}: {e}" for e in errors])
    return catalogue


def catalogue_ids() -> list[str]:
    """The ids of the catalogues shipped with vanban (file names without ``.yaml``)."""
    folder = resources.files("vanban.data").joinpath(FOLDER)
    return sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))


@cache
def load_catalogue(id: str) -> Catalogue:
    """The shipped catalogue ``id`` (e.g. ``"dtvm-2022"``), validated."""
    name = f"{FOLDER}/{id}.yaml"
    if id not in catalogue_ids():
        raise DataFileError(name, [f"{name}: không có danh mục '{id}'; có: {', '.join(catalogue_ids())}"])
    catalogue = validate_catalogue_data(read_yaml(name), name)
    if catalogue.id != id:
        raise DataFileError(name, [f"{name}: id: '{catalogue.id}' khác tên tệp '{id}'"])
    return catalogue


def load_catalogue_file(path: str | Path) -> Catalogue:
    """A catalogue from a YAML file outside the package (e.g. a provincial set), validated the same way."""
    path = Path(path)
    try:
        raw = load_yaml_text(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise DataFileError(str(path), [str(e)]) from e
    return validate_catalogue_data(raw, str(path))


def all_catalogues() -> list[Catalogue]:
    """Every shipped catalogue; ``supersedes``/``superseded_by`` must name shipped ids and agree both ways."""
    catalogues = [load_catalogue(i) for i in catalogue_ids()]
    by_id = {c.id: c for c in catalogues}
    errors: list[str] = []
    for c in catalogues:
        for field, other_field, ids in (
            ("supersedes", "superseded_by", c.supersedes),
            ("superseded_by", "supersedes", c.superseded_by),
        ):
            for other in ids:
                if other not in by_id:
                    errors.append(f"{FOLDER}/{c.id}.yaml: {field}: không có danh mục '{other}'")
                elif c.id not in getattr(by_id[other], other_field):
                    errors.append(f"{FOLDER}/{c.id}.yaml: {field}: '{other}' không ghi {other_field} '{c.id}'")
    if errors:
        raise DataFileError(FOLDER, errors)
    return catalogues
