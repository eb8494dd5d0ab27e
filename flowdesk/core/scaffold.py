"""``flowdesk new``: working starter folders for a workflow, a tool or an interface."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from flowdesk.core.errors import FlowDeskError
from flowdesk.core.workspace import Workspace, bundled_examples_dir

SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")

WORKFLOW_MAIN = '''"""{title}: {description}"""

import logging
from typing import Any

log = logging.getLogger(__name__)


def execute(data: dict[str, Any], tools: dict[str, Any]) -> dict[str, Any]:
    """Entry point: ``data`` is the validated input, ``tools`` the configured tools."""
    name = data.get("name") or "world"
    log.info("greeting %s", name)
    return {{"status": "success", "message": f"Hello, {{name}}!", "data": {{"greeting": f"Hello, {{name}}!"}}}}
'''

TOOL_MAIN = '''"""{title}: {description}"""

from typing import Any

from flowdesk.tools import BaseTool


class {class_name}(BaseTool):
    """{title} integration; profile values come from {upper}_<PROFILE>_<PARAM> variables."""

    def authenticate(self) -> bool:
        """Check the profile has what the service needs (replace with a real call)."""
        self.authenticated = self.validate_config()
        return self.authenticated

    def execute(self, action: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run one action of the tool."""
        params = params or {{}}
        if action == "echo":
            return self.success({{"echo": params.get("text", ""), "base_url": self.config.get("base_url")}})
        return self.error(f"Action {{action}} not supported; available: {{', '.join(self.get_available_actions())}}")

    def get_available_actions(self) -> list[str]:
        """Actions this tool offers."""
        return ["echo"]
'''

INTERFACE_HTML = '''<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{title}</title>
  <style>
    body {{ font-family: system-ui, sans-serif; margin: 2rem; max-width: 48rem; }}
    pre {{ background: #f4f4f5; padding: 1rem; border-radius: 6px; overflow: auto; }}
  </style>
</head>
<body>
  <h1>{title}</h1>
  <p>{description}</p>
  <button id="list">List workflows</button>
  <pre id="out"></pre>
  <script>
    // Inside FlowDesk the API token is handed over by the app; in a browser, paste it once.
    const token = window.FLOWDESK_TOKEN || localStorage.getItem("flowdeskToken") || "";
    document.getElementById("list").onclick = async () => {{
      const r = await fetch("/api/workflows", {{ headers: {{ Authorization: "Bearer " + token }} }});
      document.getElementById("out").textContent = JSON.stringify(await r.json(), null, 2);
    }};
  </script>
</body>
</html>
'''


def _title(slug: str) -> str:
    return slug.replace("_", " ").title()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _target(base: Path, name: str, kind: str) -> tuple[str, Path]:
    slug = name.strip().lower().replace("-", "_").replace(" ", "_")
    if not SLUG_RE.match(slug):
        raise FlowDeskError(f"{name!r}: a {kind} name is letters, digits and underscores, starting with a letter")
    folder = base / slug
    if folder.exists():
        raise FlowDeskError(f"{folder}: already exists")
    return slug, folder


def new_workflow(ws: Workspace, name: str) -> Path:
    """Create ``private/workflows/<slug>`` with a config and an ``execute`` that succeeds."""
    slug, folder = _target(ws.workflows_dir, name, "workflow")
    title = _title(slug)
    config = {
        "name": title,
        "description": "Says hello. Edit main.py to make it yours.",
        "category": "general",
        "triggers": ["manual", "webhook"],
        "schedule": None,
        "tools_required": [],
        "tool_profiles": {},
        "inputs_schema": [
            {"name": "name", "type": "text", "label": "Name", "required": False, "default": "world",
             "description": "Who to greet"}
        ],
        "timeout": 60,
        "active": True,
    }
    _write(folder / "config.json", json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    _write(folder / "main.py", WORKFLOW_MAIN.format(title=title, description=config["description"]))
    return folder


def new_tool(ws: Workspace, name: str) -> Path:
    """Create ``private/tools/<slug>`` with a config and a BaseTool subclass whose test passes."""
    slug, folder = _target(ws.tools_dir, name, "tool")
    title = _title(slug)
    class_name = "".join(p.title() for p in slug.split("_")) + "Tool"
    config = {
        "tool_name": slug,
        "display_name": title,
        "description": f"{title} integration",
        "required_params": [],
        "optional_params": {"base_url": "https://api.example.com", "timeout": 30},
        "actions": {
            "echo": {
                "description": "Returns the text it is given",
                "parameters": {"text": "Text to echo back"},
                "example": {"action": "echo", "params": {"text": "hello"}},
            }
        },
        "profile_examples": {"DEFAULT": {"base_url": "https://api.example.com"}},
    }
    _write(folder / "config.json", json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    _write(folder / "main.py", TOOL_MAIN.format(title=title, description=config["description"],
                                                class_name=class_name, upper=slug.upper()))
    return folder


def new_interface(ws: Workspace, name: str) -> Path:
    """Create ``private/interfaces/<slug>`` with a config and ``src/index.html``."""
    slug, folder = _target(ws.interfaces_dir, name, "interface")
    title = _title(slug)
    config = {"name": slug, "display_name": title, "description": f"{title} page",
              "route": "/" + slug.replace("_", "-"), "icon": "puzzle-piece"}
    _write(folder / "config.json", json.dumps(config, indent=2, ensure_ascii=False) + "\n")
    _write(folder / "src" / "index.html", INTERFACE_HTML.format(title=title, description=config["description"]))
    return folder


CREATORS = {"workflow": new_workflow, "tool": new_tool, "interface": new_interface}


def add_example_workflows(ws: Workspace) -> list[str]:
    """Copy the example workflows shipped with FlowDesk that the workspace lacks; returns their slugs."""
    source = bundled_examples_dir() / "private" / "workflows"
    added = []
    ws.workflows_dir.mkdir(parents=True, exist_ok=True)
    for folder in sorted(p for p in source.iterdir() if (p / "config.json").is_file()) if source.is_dir() else []:
        target = ws.workflows_dir / folder.name
        if not target.exists():
            shutil.copytree(folder, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "reports"))
            added.append(folder.name)
    return added
