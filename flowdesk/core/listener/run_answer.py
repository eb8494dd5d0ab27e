"""The waiting answer of a run with a large output, spliced from the output's stored JSON text.

``run_result`` builds the answer from the decoded output; for 10 MB that is a third of a second of
``json.loads`` and as long again of ``json.dumps``, each one C call holding the GIL, on the core thread the
desktop window shares. Here the output's top-level members are found in its text (``json_spans``: pure
Python, so a worker thread running it lets the window's thread in) and the answer's own keys are put in
their place: the same JSON value as ``run_result`` gives, without building the output's objects.
"""

from __future__ import annotations

import json
from typing import Any

from flowdesk.core.json_spans import JsonSpans
from flowdesk.core.store.records import RunRecord

SPLICE_FROM = 256 * 1024  # characters of output; smaller ones are decoded (well under a millisecond)


def _answer_fields(record: RunRecord, message: Any) -> dict[str, Any]:
    """The keys ``run_result`` sets over the workflow's own ones (``message`` only when the output's is empty)."""
    status = record.status if record.status in ("success", "skipped") else "error"
    fields: dict[str, Any] = {"status": status}
    if not message:
        fields["message"] = record.message or record.error or record.status
    fields.update(run_id=record.id, run_status=record.status, duration=record.duration)
    return fields


def spliced_answer(record: RunRecord) -> str | None:
    """``run_result(record)`` as JSON text, from the record's stored output text; None when not worth it or
    not possible (no stored text, a small one, or not an object: then ``run_result`` answers). Call off the loop."""
    text = getattr(record, "output_json", None)
    if not isinstance(text, str) or len(text) < SPLICE_FROM:
        return None
    try:
        spans = JsonSpans(text)
        root = spans.root()
        if root.kind != "object":
            return None
        members, _ = spans.children(root)
        message_span = next((span for key, span in members if key == "message"), None)
        fields = _answer_fields(record, spans.value(message_span) if message_span is not None else None)
    except ValueError:  # not the JSON the store writes: run_result decodes it (and says what is wrong)
        return None
    parts = []
    for key, span in members:
        value = json.dumps(fields.pop(key)) if key in fields else text[span.start:span.end]
        parts.append(f"{json.dumps(key)}:{value}")
    parts.extend(f"{json.dumps(key)}:{json.dumps(value)}" for key, value in fields.items())
    return "{" + ",".join(parts) + "}"
