"""The listener's refusals and the run input errors it sends back are recognised from their English for translation."""

from __future__ import annotations

from flowdesk.core.config import InputField
from flowdesk.core.errors import InputValidationError
from flowdesk.core.input_validation import validate_inputs
from flowdesk.core.request_refusals import INPUT_ERROR_TEMPLATES, recognise_input_errors, recognise_refusal
from flowdesk.core.translatable import Translatable
from flowdesk.i18n.extract import core_messages
from tests.conftest import REPO


def test_the_input_error_list_holds_every_input_validation_message() -> None:
    core = REPO / "flowdesk" / "core"
    marked = {text for path in (core / "input_validation.py", core / "json_limits.py")
              for context, text, _ in core_messages(path) if context == "InputValidation"}
    assert marked == {t.template for t in INPUT_ERROR_TEMPLATES}


def test_input_errors_sent_as_english_come_back_as_their_messages() -> None:
    fields = [InputField.model_validate({"name": "title", "type": "text", "min": 3}),
              InputField.model_validate({"name": "count", "type": "integer", "min": 2}),
              InputField.model_validate({"name": "room", "type": "select", "options": ["a", "b"], "required": True}),
              InputField.model_validate({"name": "tags", "type": "multiselect", "options": ["x", "y"], "min": 1})]
    try:
        validate_inputs(fields, {"title": "ab", "count": 1, "tags": ["z"]})
    except InputValidationError as exc:
        sent = {name: str(message) for name, message in exc.errors.items()}  # what the JSON body carries
        expected = {name: message.template for name, message in exc.errors.items()}
    found = recognise_input_errors(sent)
    assert {name: m.template for name, m in found.items()} == expected
    assert found == sent  # still the same English text


def test_a_refusal_is_recognised_and_anything_else_left_alone() -> None:
    assert recognise_refusal("unauthorized").template == "unauthorized"
    inactive = recognise_refusal("workflow 'hook' is inactive")
    assert isinstance(inactive, Translatable) and inactive.arguments == {"name": "'hook'"}
    assert recognise_refusal("something else") == "something else"
