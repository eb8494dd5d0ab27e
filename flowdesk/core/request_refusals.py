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


# The run input errors of flowdesk/core/input_validation.py and json_limits.py, as the listener sends them back in
# a 400's "fields": most specific first (the first template that matches wins). A test keeps this list complete.
INPUT_ERROR_TEMPLATES: tuple[MessageTemplate, ...] = tuple(message_template("InputValidation", text) for text in (
    "is required", "must be a JSON object", "must be a single value", "must be text", "not a valid email address",
    "not a valid URL (it must start with http://, https:// or ftp:// and name a host)",
    "must be a number", "must be a whole number", "must be true or false", "must be a list of choices",
    "must be a date like 2024-12-31", "must be a date and time like 2024-12-31T09:30",
    "must be JSON data (object, list, text, number or true/false)",
    "must be at least {count} characters", "must be at least {count} character",
    "must be at most {count} characters", "must be at most {count} character",
    "choose at least {count} options", "choose at least {count} option",
    "choose at most {count} options", "choose at most {count} option",
    "'{value}' is not one of the choices: {choices}", "choose one of: {choices}",
    "must be on or after {bound}", "must be on or before {bound}",
    "not valid JSON ({reason} at line {line} column {column})",
    "JSON nested deeper than {limit} levels", "number too long (more than {digits} digits)",
    "must be at least {bound}", "must be at most {bound}",
))


def recognise_input_errors(fields: dict[str, str]) -> dict[str, str]:
    """Field -> its input error as a translatable message when it is one of ours (else as sent)."""
    return {name: recognise(text, INPUT_ERROR_TEMPLATES) or text if isinstance(text, str) else text
            for name, text in fields.items()}


def recognise_refusal(text: str) -> str:
    """The listener's English refusal as a translatable message when it is one of ours, else unchanged."""
    return recognise(text, REFUSAL_TEMPLATES) or text
