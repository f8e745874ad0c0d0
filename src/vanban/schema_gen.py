"""The JSON Schema of the record, generated from the model (``python -m vanban.schema_gen``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from vanban.model import SCHEMA_VERSION, PlanRecord

SCHEMA_PATH = Path(__file__).parent / "schema" / "plan-record.schema.json"


def record_schema() -> dict[str, object]:
    schema = PlanRecord.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://vanban.local/schema/plan-record-{SCHEMA_VERSION}.json"
    return schema


def schema_text() -> str:
    return json.dumps(record_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main() -> int:
    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
