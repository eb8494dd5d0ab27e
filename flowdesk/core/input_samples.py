"""A sample input built from a workflow's ``inputs_schema`` that passes its own validation (webhook snippets, tests)."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from flowdesk.core.config.input_field import InputField

# What a sender would plausibly put in each type when the field has no default.
_TEXT_BY_TYPE = {
    "text": "example",
    "textarea": "Some text\non two lines",
    "password": "s3cret-value",
    "email": "someone@example.com",
    "url": "https://example.com/page",
}


def sample_value(field: InputField) -> Any:
    """A value for one field: its default when it has one, else a typed example inside its bounds."""
    if field.default is not None:
        return copy.deepcopy(field.default)
    kind = field.type
    if kind in _TEXT_BY_TYPE:
        return _sized_text(_TEXT_BY_TYPE[kind], field)
    if kind in ("number", "integer"):
        return _number(field)
    if kind == "checkbox":
        return True
    if kind == "select":
        return field.option_values[0]
    if kind == "multiselect":
        wanted = max(1, int(field.min or 0))
        return field.option_values[:wanted]
    if kind == "date":
        return field.min or date.today().isoformat()
    if kind == "datetime":
        return field.min or datetime.combine(date.today(), time(9, 30)).isoformat()
    if kind == "json":
        return {"key": "value"}
    return "example"


def sample_input(fields: Iterable[InputField]) -> dict[str, Any]:
    """Every field with ``sample_value``, in schema order (optional ones too: the sender sees what is accepted)."""
    return {field.name: sample_value(field) for field in fields}


def _sized_text(text: str, field: InputField) -> str:
    """``text`` stretched or cut to the field's length bounds (email and url keep their shape)."""
    low = int(field.min or 0)
    high = int(field.max) if field.max is not None else None
    if len(text) < low:
        if field.type == "email":
            local, _, domain = text.partition("@")
            text = local + "x" * (low - len(text)) + "@" + domain
        elif field.type == "url":
            text = text + "x" * (low - len(text))
        else:
            text = (text * (low // max(1, len(text)) + 1))[:max(low, len(text))]
    if high is not None and len(text) > high:
        text = text[:high] if field.type not in ("email", "url") else text
    return text


def _number(field: InputField) -> int | float:
    """1 (or 1.5) moved inside [min, max]."""
    value: float = 1 if field.type == "integer" else 1.5
    if field.min is not None and value < field.min:
        value = field.min
    if field.max is not None and value > field.max:
        value = field.max
    if field.type == "integer":
        low = math.ceil(field.min) if field.min is not None else None
        rounded = math.floor(value) if low is None or math.floor(value) >= low else low
        return int(rounded)
    return value
