"""Write the JSON Schema of the record: ``python -m schemas.export [PATH]``."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from schemas.record import Record

SCHEMA_PATH = Path(__file__).with_name("dispatch.schema.json")


def record_json_schema() -> dict:
    schema = Record.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Dispatch record"
    return schema


def render() -> str:
    return json.dumps(record_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else SCHEMA_PATH
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
