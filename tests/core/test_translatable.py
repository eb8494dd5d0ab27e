"""The core's translatable messages are exactly their English text, and keep what the window and the CLI translate."""

from __future__ import annotations

import json
import pickle

from flowdesk.core.config import InputField
from flowdesk.core.cron import CronError, normalize_cron
from flowdesk.core.errors import InputValidationError
from flowdesk.core.input_validation import validate_inputs
from flowdesk.core.translatable import Translatable, message_template, recognise, translatable


def test_a_message_is_its_english_text_with_its_template_and_arguments() -> None:
    message = translatable("InputValidation", "must be at least {count} characters", count=3)
    assert message == "must be at least 3 characters" and isinstance(message, str)
    assert (message.context, message.template, dict(message.arguments)) == (
        "InputValidation", "must be at least {count} characters", {"count": 3})
    assert json.dumps({"e": message}) == '{"e": "must be at least 3 characters"}'  # the HTTP API sees plain English
    again = pickle.loads(pickle.dumps(message))
    assert again == message and again.template == message.template and again.arguments == {"count": 3}


def test_input_errors_stay_english_and_carry_their_template() -> None:
    fields = [InputField.model_validate({"name": "title", "type": "text", "min": 3}),
              InputField.model_validate({"name": "age", "type": "integer", "required": True})]
    try:
        validate_inputs(fields, {"title": "ab"})
    except InputValidationError as exc:
        errors = exc.errors
        assert str(exc) == "title: must be at least 3 characters; age: is required"
    assert errors["title"].template == "must be at least {count} characters"
    assert errors["age"].context == "InputValidation" and errors["age"] == "is required"


def test_cron_errors_are_translatable() -> None:
    try:
        normalize_cron("1 2 3")
    except CronError as exc:
        message = exc.args[0]
        assert str(exc) == "expected 5 fields (minute hour day-of-month month day-of-week), got 3: '1 2 3'"
    assert isinstance(message, Translatable) and message.arguments["count"] == 3


def test_stored_english_text_is_recognised_by_its_template() -> None:
    timed_out = message_template("RunErrors", "timed out after {seconds} s")
    found = recognise("timed out after 2.5 s", (timed_out,))
    assert isinstance(found, Translatable) and found.arguments == {"seconds": "2.5"} and found == "timed out after 2.5 s"
    assert recognise("timed out after", (timed_out,)) == "timed out after"  # not this template: unchanged
    assert not isinstance(recognise("Traceback: boom", (timed_out,)), Translatable)
