"""A waiting request's answer for a large output, spliced from the stored JSON text: the same keys, values and
order as run_result gives from the decoded output."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from flowdesk.core.listener.presenters import run_result
from flowdesk.core.listener.run_answer import SPLICE_FROM, spliced_answer
from flowdesk.core.store.records import RunRecord, StoredOutputRecord
from tests.core.listener.conftest import Api

PAD = "é" * SPLICE_FROM  # makes an output large enough to be spliced


def records(output: object, status: str = "success", message: str | None = "recorded",
            error: str | None = None) -> tuple[RunRecord, StoredOutputRecord]:
    """The record as run_result sees it (decoded output) and as a waiter gets it (the stored text)."""
    record = RunRecord(id="r" * 32, workflow="wf", trigger="api", status=status,
                       queued_at=datetime(2026, 1, 1, tzinfo=timezone.utc), duration=1.25, output=output,
                       message=message, error=error)
    return record, StoredOutputRecord.of(record, json.dumps(output, ensure_ascii=False, separators=(",", ":")))


@pytest.mark.parametrize(("output", "status", "error"), [
    ({"status": "success", "message": "hi", "data": {"pad": PAD}}, "success", None),
    ({"data": [PAD, 1, None]}, "success", None),  # no status or message: appended in run_result's order
    ({"message": "", "pad": PAD, "status": "odd"}, "error", "boom"),  # an empty message is replaced in place
    ({"message": None, "run_id": "fake", "pad": PAD, "duration": 99, "run_status": "x"}, "skipped", None),
    ({"message": {"k": []}, "\u2603 key": PAD, "status": "success"}, "timeout", "slow"),
])
def test_the_spliced_answer_is_run_result_s_value_in_its_order(output: dict, status: str, error: str | None) -> None:
    plain, stored = records(output, status, error=error)
    text = spliced_answer(stored)
    assert text is not None
    assert list(json.loads(text).items()) == list(run_result(plain).items())


def test_small_outputs_other_values_and_plain_records_are_left_to_run_result() -> None:
    assert spliced_answer(records({"data": "small"})[1]) is None
    assert spliced_answer(records([PAD])[1]) is None  # not an object: run_result answers with no output keys
    assert spliced_answer(records({"data": PAD})[0]) is None  # a record without its stored text


def test_a_large_output_is_answered_whole_through_the_api(api: Api) -> None:
    body = {"n": 3, "big": "x" * SPLICE_FROM + "é ☃", "items": [{"id": i, "tags": ["[a]", "{b}"]} for i in range(2000)]}
    r = api("POST", "/api/workflows/execute/echo", json=body)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("application/json")
    answer = r.json()
    assert list(answer) == ["status", "message", "data", "run_id", "run_status", "duration"]
    assert answer["data"] == body and (answer["status"], answer["message"], answer["run_status"]) == (
        "success", "n=3", "success")
    stored = api("GET", f"/api/runs/{answer['run_id']}").json()
    assert stored["output"] == {"status": "success", "message": "n=3", "data": body}
