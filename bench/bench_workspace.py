"""Generated workspaces for the benchmarks: no-op, webhook and scheduled workflows, and realistic ones for discovery."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flowdesk.core.workspace import Workspace

NOOP_MAIN = '''"""No-op workflow used by the benchmarks."""


def execute(data, tools):
    return {"status": "success", "message": "noop", "data": None}
'''

# A ~30-line main.py in the shape users write: docstring, imports, a helper, execute() using a tool.
REALISTIC_MAIN = '''"""Workflow {i:04d}: summarise a request and post it to the team (generated for the discovery benchmark)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

log = logging.getLogger(__name__)

PRIORITIES = {{"low": 1, "normal": 2, "high": 3}}


def _summary(data: dict[str, Any]) -> str:
    """One line describing the request."""
    who = data.get("requester") or "someone"
    return f"{{data['title']}} for {{who}} (priority {{data.get('priority', 'normal')}})"


def execute(data: dict[str, Any], tools: dict[str, Any]) -> dict[str, Any]:
    """Compute a due date with the date tool and return a summary."""
    days = int(data.get("days", 3))
    answer = tools["date"].execute("calculate_date", {{"days": days}})
    if answer.get("status") != "success":
        return {{"status": "error", "message": f"date tool failed: {{answer.get('error')}}"}}
    weight = PRIORITIES.get(data.get("priority", "normal"), 2)
    log.info("request %s weighted %d", data.get("title"), weight)
    message = _summary(data)
    if data.get("notify"):
        message += " - team notified"
    return {{"status": "success", "message": message,
            "data": {{"due": answer["data"], "weight": weight, "at": datetime.now().isoformat()}}}}
'''

INPUTS_SCHEMA: list[dict[str, Any]] = [
    {"name": "title", "type": "text", "label": "Title", "required": True, "min": 3, "max": 120,
     "description": "What is asked"},
    {"name": "requester", "type": "email", "label": "Requester", "required": False,
     "description": "Who asked for it"},
    {"name": "days", "type": "integer", "label": "Due in (days)", "required": False, "min": 0, "max": 365,
     "default": 3},
    {"name": "priority", "type": "select", "label": "Priority", "required": True, "default": "normal",
     "options": [{"value": "low", "label": "Low"}, {"value": "normal", "label": "Normal"},
                 {"value": "high", "label": "High"}]},
    {"name": "notify", "type": "checkbox", "label": "Notify the team", "required": False, "default": True},
]

SAMPLE_INPUT: dict[str, Any] = {"title": "Quarterly review", "requester": "ana@example.com", "days": 7,
                                "priority": "high", "notify": False}


def new_workspace(root: Path) -> Workspace:
    """An empty workspace with the standard folders."""
    ws = Workspace(root)
    ws.ensure_layout()
    return ws


def add_workflow(ws: Workspace, slug: str, config: dict[str, Any], main: str = NOOP_MAIN) -> Path:
    """Write ``private/workflows/<slug>/{config.json,main.py}``."""
    folder = ws.workflows_dir / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    (folder / "main.py").write_text(main, encoding="utf-8")
    return folder


def noop_config(max_instances: int = 8, with_inputs: bool = True) -> dict[str, Any]:
    """A manual no-op workflow, optionally with the 5-field inputs schema (so validation does real work)."""
    config: dict[str, Any] = {"name": "Bench no-op", "triggers": ["manual"], "max_instances": max_instances,
                              "timeout": 30}
    if with_inputs:
        config["inputs_schema"] = INPUTS_SCHEMA
    return config


def webhook_config(max_instances: int = 64) -> dict[str, Any]:
    """A public webhook no-op workflow that may run ``max_instances`` at once."""
    return {"name": "Bench webhook", "triggers": ["webhook"], "webhook": {"auth": "public"},
            "max_instances": max_instances, "timeout": 30}


def scheduled_config(cron: str) -> dict[str, Any]:
    """A scheduled no-op workflow (UTC, catchup skip)."""
    return {"name": "Bench schedule", "triggers": ["schedule"], "schedule": cron, "timezone": "UTC",
            "catchup": "skip", "max_instances": 1, "timeout": 30}


def realistic_config(i: int) -> dict[str, Any]:
    """A config.json like a user's: description, triggers, a tool with its profile, 5 typed inputs."""
    return {
        "name": f"Request intake {i:04d}",
        "description": "Takes a request from a form or a webhook, computes its due date and posts a summary.",
        "category": ["ops", "sales", "support", "finance"][i % 4],
        "author": "bench",
        "triggers": ["manual", "webhook"] + (["schedule"] if i % 5 == 0 else []),
        "schedule": "0 9 * * 1-5" if i % 5 == 0 else "",
        "timezone": "Europe/Paris",
        "tools_required": ["date"],
        "tool_profiles": {"date": "DEFAULT"},
        "inputs_schema": INPUTS_SCHEMA,
        "timeout": 120,
        "max_instances": 2,
        "retries": 1,
        "catchup": "skip",
        "active": True,
    }


def generate_realistic(ws: Workspace, count: int) -> None:
    """``count`` realistic workflow folders, ``wf_0000`` ...; each main.py is ~30 lines."""
    for i in range(count):
        add_workflow(ws, f"wf_{i:04d}", realistic_config(i), REALISTIC_MAIN.format(i=i))
