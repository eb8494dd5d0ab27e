"""Input showcase: echoes every typed input so you can see what the form, the API and the CLI send."""

import logging
from typing import Any

log = logging.getLogger(__name__)


def execute(data: dict[str, Any], tools: dict[str, Any]) -> dict[str, Any]:
    """Return each input with its Python type name; the password only says whether it was given."""
    typed = {}
    for key, value in data.items():
        shown = ("(given)" if value else "(empty)") if key == "api_key" else value
        typed[key] = {"value": shown, "type": type(value).__name__}
    log.info("received %d inputs", len(typed))
    summary = f"{data.get('title')}: {data.get('attendees')} attendees in room {data.get('room')}"
    return {"status": "success", "message": summary, "data": {"inputs": typed}}
