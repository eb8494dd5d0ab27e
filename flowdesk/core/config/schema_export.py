"""Export JSON Schemas of the config files so editors (VS Code) can validate and complete config.json."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from flowdesk.core.config.config_file import write_json_atomic
from flowdesk.core.config.interface_config import InterfaceConfig
from flowdesk.core.config.tool_config import ToolConfig
from flowdesk.core.config.workflow_config import WorkflowConfig

DIALECT = "https://json-schema.org/draft/2020-12/schema"

SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
    "workflow.schema.json": (WorkflowConfig, "FlowDesk workflow config.json"),
    "tool.schema.json": (ToolConfig, "FlowDesk tool config.json"),
    "interface.schema.json": (InterfaceConfig, "FlowDesk interface config.json"),
}


def build_schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    """The draft 2020-12 JSON Schema of what ``model`` accepts as input."""
    schema = model.model_json_schema(mode="validation")
    schema.pop("title", None)
    # "$schema" first so editors pick the dialect; a config may itself name the schema file.
    properties = {"$schema": {"type": "string", "description": "Path or URL of this JSON Schema."},
                  **schema.pop("properties", {})}
    return _tidy({"$schema": DIALECT, "title": title, **schema, "properties": properties})


def _tidy(node: Any) -> Any:
    """Docstrings become descriptions: turn their reST ````code```` into the Markdown-ish `code`."""
    if isinstance(node, dict):
        return {k: (v.replace("``", "`") if k == "description" and isinstance(v, str) else _tidy(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_tidy(v) for v in node]
    return node


def build_schemas() -> dict[str, dict[str, Any]]:
    """File name -> schema, for every config kind."""
    return {name: build_schema(model, title) for name, (model, title) in SCHEMAS.items()}


def render(schema: dict[str, Any]) -> str:
    """The exact text written to a schema file (used to check committed files are current)."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    """Write every schema into ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in build_schemas().items():
        write_json_atomic(out_dir / name, schema)
        written.append(out_dir / name)
    return written


def stale_schemas(out_dir: Path) -> list[str]:
    """Names of schema files in ``out_dir`` that are missing or differ from the models."""
    stale = []
    for name, schema in build_schemas().items():
        path = out_dir / name
        if not path.is_file() or path.read_text(encoding="utf-8") != render(schema):
            stale.append(name)
    return stale


def main(argv: list[str] | None = None) -> int:
    """``python -m flowdesk.core.config.schema_export DIR [--check]``."""
    parser = argparse.ArgumentParser(prog="python -m flowdesk.core.config.schema_export", description=__doc__)
    parser.add_argument("out_dir", type=Path, help="folder to write the *.schema.json files into")
    parser.add_argument("--check", action="store_true", help="only report out-of-date files (exit 1)")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_schemas(args.out_dir)
        for name in stale:
            print(f"{args.out_dir / name}: out of date; run without --check to regenerate", file=sys.stderr)
        return 1 if stale else 0
    for path in write_schemas(args.out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
