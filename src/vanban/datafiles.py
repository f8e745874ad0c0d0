"""Load the YAML data files shipped in ``vanban/data`` through a schema.

Each data file has a pydantic model that forbids unknown fields; every error is reported
with the file and the path inside it (``normalize.yaml: confusables.2.pattern``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from vanban.errors import DataFileError

M = TypeVar("M", bound=BaseModel)


# libyaml's parser when PyYAML was built with it (the wheels are): 5-10x faster than pure Python.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_text(text: str) -> object:
    return yaml.load(text, Loader=_LOADER)


def read_yaml(name: str) -> object:
    """The parsed YAML of the package data file ``name``."""
    with resources.files("vanban.data").joinpath(name).open("r", encoding="utf-8") as fh:
        try:
            return load_yaml_text(fh.read())
        except yaml.YAMLError as e:
            raise DataFileError(name, [str(e)]) from e


def load_data(name: str, model: type[M]) -> M:
    """Validate the data file ``name`` against ``model``; raise :class:`DataFileError` listing every error."""
    raw = read_yaml(name)
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        where = [f"{name}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()]
        raise DataFileError(name, where) from e


@cache
def cached(name: str, model: type[M]) -> M:
    return load_data(name, model)
