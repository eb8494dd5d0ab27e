"""How the listener words a refused request, declared once so the window can show a refusal in its own language.

The HTTP API answers in English (its contract); the window's webhook tab shows the answer of its test request,
recognised here from that English text (``recognise_refusal``) and translated at the window's boundary.
"""

from __future__ import annotations

from flowdesk.core.registry.registry import WORKFLOW_NOT_FOUND
from flowdesk.core.translatable import MessageTemplate, message_template, recognise

UNAUTHORIZED = message_template("Listener", "unauthorized")
WRONG_API_TOKEN = message_template("Listener", "missing or wrong API token (Authorization: Bearer <token>)")
HOST_NOT_ALLOWED = message_template("Listener", "Host is not allowed")
NAMED_HOST_NOT_ALLOWED = message_template("Listener", "Host {host} is not allowed; use http://127.0.0.1")
BODY_TOO_LARGE = message_template("Listener", "request body too large (limit {limit} bytes)")
UNSUPPORTED_EXPECT = message_template("Listener", "unsupported Expect header")
INVALID_JSON_BODY = message_template("Listener", "invalid JSON body at line {line} column {column}: {reason}")
WORKFLOW_BROKEN = message_template("Listener", "workflow is broken")
WORKFLOW_CANNOT_LOAD = message_template("Listener", "workflow {name} cannot be loaded")
WORKFLOW_INACTIVE = message_template("Listener", "workflow {name} is inactive")
TRIGGER_NOT_ALLOWED = message_template("Listener",
                                       "workflow {name} does not allow the {trigger} trigger (triggers: {triggers})")

REFUSAL_TEMPLATES: tuple[MessageTemplate, ...] = (
    UNAUTHORIZED, WRONG_API_TOKEN, HOST_NOT_ALLOWED, NAMED_HOST_NOT_ALLOWED, BODY_TOO_LARGE, UNSUPPORTED_EXPECT,
    INVALID_JSON_BODY, WORKFLOW_BROKEN, WORKFLOW_CANNOT_LOAD, WORKFLOW_INACTIVE, TRIGGER_NOT_ALLOWED,
    WORKFLOW_NOT_FOUND,
)


def recognise_refusal(text: str) -> str:
    """The listener's English refusal as a translatable message when it is one of ours, else unchanged."""
    return recognise(text, REFUSAL_TEMPLATES) or text
