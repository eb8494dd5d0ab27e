"""validate_inputs / coerce_value / mask_secrets: every type, every coercion path, messages, sources."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowdesk.core.config import InputField, WorkflowConfig
from flowdesk.core.errors import InputValidationError
from flowdesk.core.input_validation import coerce_value, mask_secrets, secret_values, validate_inputs

SEED_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed-samples"


def f(name: str = "x", **kw) -> InputField:
    return InputField.model_validate({"name": name, **kw})


def errors(fields, raw, source="json") -> dict[str, str]:
    with pytest.raises(InputValidationError) as info:
        validate_inputs(fields, raw, source=source)
    return info.value.errors


def one_error(field: InputField, value) -> str:
    return errors([field], {field.name: value})[field.name]


# --- behaviour of validate_inputs as a whole -------------------------------------------------

def test_unknown_keys_pass_through_and_defaults_are_filled():
    fields = [f("n", type="integer", default=3), f("t")]
    assert validate_inputs(fields, {"extra": [1], "t": "hi"}) == {"extra": [1], "t": "hi", "n": 3}
    assert validate_inputs(fields, None) == {"n": 3}
    assert validate_inputs([], {"a": 1}) == {"a": 1}


def test_defaults_are_copies():
    field = f("tags", type="multiselect", options=["a", "b"], default=["a"])
    out = validate_inputs([field], {})
    out["tags"].append("b")
    assert field.default == ["a"]


def test_required_missing_and_empty_values():
    fields = [f("a", required=True), f("b", type="number", required=True), f("c", type="multiselect",
                                                                             options=["x"], required=True)]
    assert errors(fields, {}) == {"a": "is required", "b": "is required", "c": "is required"}
    assert errors(fields, {"a": "", "b": None, "c": []}) == {"a": "is required", "b": "is required",
                                                            "c": "is required"}
    assert errors(fields, {"a": "   ", "b": "1", "c": "x"}) == {"a": "is required"}


def test_required_with_default_uses_the_default():
    assert validate_inputs([f("p", type="number", required=True, default=5)], {"p": ""}) == {"p": 5}


def test_optional_empty_values():
    fields = [f("t"), f("n", type="number"), f("m", type="multiselect", options=["a"]), f("d", type="date")]
    assert validate_inputs(fields, {"t": "", "n": "", "m": [], "d": None}) == {"t": "", "n": None, "m": [], "d": None}
    assert validate_inputs(fields, {}) == {}


def test_all_errors_are_collected():
    fields = [f("a", type="integer"), f("b", type="email"), f("c", required=True), f("ok")]
    err = errors(fields, {"a": "x", "b": "y", "ok": "fine"})
    assert err == {"a": "must be a whole number", "b": "not a valid email address", "c": "is required"}


def test_error_renders_per_field():
    with pytest.raises(InputValidationError) as info:
        validate_inputs([f("p", type="number", min=1)], {"p": 0})
    assert str(info.value) == "p: must be at least 1"


def test_input_must_be_an_object_and_source_known():
    assert errors([], [1, 2]) == {"data": "must be a JSON object"}
    with pytest.raises(ValueError):
        validate_inputs([], {}, source="smoke")


# --- text types ------------------------------------------------------------------------------

@pytest.mark.parametrize("type_", ["text", "textarea", "password"])
def test_text_types(type_):
    field = f(type=type_, min=2, max=4)
    assert validate_inputs([field], {"x": "abc"}) == {"x": "abc"}
    assert validate_inputs([field], {"x": 12}) == {"x": "12"}
    assert one_error(field, "a") == "must be at least 2 characters"
    assert one_error(field, "abcde") == "must be at most 4 characters"
    assert one_error(field, True) == "must be text"
    assert one_error(field, {"a": 1}) == "must be a single value"
    assert one_error(f(type=type_, min=1, max=1), "ab") == "must be at most 1 character"


@pytest.mark.parametrize("value", ["a@b.co", "first.last+tag@sub.example.org", " a@b.fr "])
def test_valid_emails(value):
    assert coerce_value(f(type="email"), value) == value.strip()


@pytest.mark.parametrize("value", ["ab.co", "a@b", "a@@b.co", "a b@c.de", "@b.co", "a@.co", "a@b.", "a@b..co", 5])
def test_invalid_emails(value):
    assert one_error(f(type="email"), value) == "not a valid email address"


@pytest.mark.parametrize("value", ["http://x.org", "https://example.com/a?b=1#c", "ftp://files.example.com/f.txt",
                                   "HTTPS://EXAMPLE.COM", "http://localhost:8000/x"])
def test_valid_urls(value):
    assert coerce_value(f(type="url"), value) == value


@pytest.mark.parametrize("value", ["example.com", "mailto:a@b.co", "http://", "https:///path", "http://a b.com",
                                   "javascript:alert(1)", "http://[::1"])
def test_invalid_urls(value):
    assert one_error(f(type="url"), value).startswith("not a valid URL")


def test_email_and_url_length_bounds():
    assert one_error(f(type="email", max=5), "a@b.com") == "must be at most 5 characters"
    assert one_error(f(type="url", min=30), "http://a.io") == "must be at least 30 characters"


# --- numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("5", 5), ("2.5", 2.5), (" -3 ", -3), ("1e3", 1000.0), (7, 7), (7.25, 7.25), ("5.0", 5.0),
])
def test_number_coercion(value, expected):
    out = coerce_value(f(type="number"), value)
    assert out == expected and type(out) is type(expected)


@pytest.mark.parametrize("value", ["abc", "nan", "inf", True, "1,5"])
def test_number_errors(value):
    assert one_error(f(type="number"), value) == "must be a number"


@pytest.mark.parametrize("value, expected", [("5", 5), ("5.0", 5), (5.0, 5), (-2, -2), (" 12 ", 12)])
def test_integer_coercion(value, expected):
    out = coerce_value(f(type="integer"), value)
    assert out == expected and type(out) is int


@pytest.mark.parametrize("value", ["5.5", 2.5, "five", False, "inf"])
def test_integer_errors(value):
    assert one_error(f(type="integer"), value) == "must be a whole number"


def test_number_bounds():
    field = f(type="number", min=1, max=10)
    assert one_error(field, "0") == "must be at least 1"
    assert one_error(field, 10.5) == "must be at most 10"
    assert coerce_value(field, "10") == 10
    assert one_error(f(type="number", min=0.5), 0.25) == "must be at least 0.5"
    assert one_error(f(type="integer", max=3), "4") == "must be at most 3"


# --- checkbox --------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), (1, True), (0, False), ("true", True), ("FALSE", False), ("1", True),
    ("0", False), ("yes", True), ("No", False), ("on", True), ("off", False), (" True ", True),
])
def test_checkbox_coercion(value, expected):
    assert coerce_value(f(type="checkbox"), value) is expected


@pytest.mark.parametrize("value", ["maybe", 2, 1.5, "y"])
def test_checkbox_errors(value):
    assert one_error(f(type="checkbox"), value) == "must be true or false"


def test_optional_checkbox_defaults_to_false():
    assert validate_inputs([f("u", type="checkbox")], {}) == {"u": False}
    assert validate_inputs([f("u", type="boolean", default=True)], {}) == {"u": True}


def test_required_checkbox_needs_a_value_except_from_a_form():
    field = f("agree", type="checkbox", required=True)
    assert errors([field], {}) == {"agree": "is required"}
    assert validate_inputs([field], {"agree": False}) == {"agree": False}
    assert validate_inputs([field], {}, source="form") == {"agree": False}  # unchecked boxes are not sent


# --- select / multiselect --------------------------------------------------------------------

def test_select_with_object_options():
    field = f(type="select", options=[{"value": "work", "label": "Travail"}, {"value": "personal"},
                                      {"value": "meeting"}])
    assert coerce_value(field, "work") == "work"
    assert one_error(field, "Travail") == "choose one of: work, personal, meeting"


def test_select_with_plain_numeric_and_bool_options():
    field = f(type="select", options=[1, 5, 10])
    assert coerce_value(field, "5") == 5
    assert coerce_value(field, 5.0) == 5
    assert one_error(field, "7") == "choose one of: 1, 5, 10"
    assert one_error(field, True) == "choose one of: 1, 5, 10"  # True is not option 1
    strings = f(type="select", options=["1", "2"])
    assert coerce_value(strings, 2) == "2"
    flags = f(type="select", options=[True, False])
    assert coerce_value(flags, "false") is False


def test_multiselect_lists_and_comma_strings():
    field = f(type="multiselect", options=["important", "deadline", "project", "client"])
    assert coerce_value(field, ["deadline", "client"]) == ["deadline", "client"]
    assert coerce_value(field, "deadline, client") == ["deadline", "client"]
    assert coerce_value(field, ["deadline,client", "project"]) == ["deadline", "client", "project"]
    assert coerce_value(field, ["client", "client"]) == ["client"]
    assert coerce_value(field, "project") == ["project"]
    assert one_error(field, ["client", "boss"]) == (
        "'boss' is not one of the choices: important, deadline, project, client")
    assert one_error(field, [["client"]]) == "must be a list of choices"


def test_multiselect_option_containing_a_comma_is_not_split():
    field = f(type="multiselect", options=["a,b", "c"])
    assert coerce_value(field, "a,b") == ["a,b"]
    assert coerce_value(field, ["a,b", "c"]) == ["a,b", "c"]


def test_multiselect_numeric_options_from_strings():
    assert coerce_value(f(type="multiselect", options=[1, 2, 3]), "1,3") == [1, 3]


def test_multiselect_count_bounds():
    field = f(type="multiselect", options=["a", "b", "c", "d"], min=1, max=3)
    assert one_error(field, ["a", "b", "c", "d"]) == "choose at most 3 options"
    assert one_error(f(type="multiselect", options=["a", "b"], min=2), "a") == "choose at least 2 options"
    assert one_error(f(type="multiselect", options=["a", "b"], max=1), "a,b") == "choose at most 1 option"


# --- dates -----------------------------------------------------------------------------------

def test_date():
    field = f(type="date", min="2024-01-01", max="2024-12-31")
    assert coerce_value(field, "2024-07-01") == "2024-07-01"
    assert coerce_value(field, " 2024-07-01 ") == "2024-07-01"
    for bad in ("2024-02-30", "01/07/2024", "20240701", "2024-07-01T10:00", 20240701):
        assert one_error(field, bad) == "must be a date like 2024-12-31"
    assert one_error(field, "2023-12-31") == "must be on or after 2024-01-01"
    assert one_error(field, "2025-01-01") == "must be on or before 2024-12-31"


def test_date_objects_from_python_callers():
    from datetime import date, datetime
    assert coerce_value(f(type="date"), date(2024, 7, 1)) == "2024-07-01"
    assert coerce_value(f(type="datetime"), datetime(2024, 7, 1, 10, 0)) == "2024-07-01T10:00:00"


@pytest.mark.parametrize("value, expected", [
    ("2024-07-01T10:00", "2024-07-01T10:00:00"),  # HTML datetime-local
    ("2024-07-01T10:00:30", "2024-07-01T10:00:30"),
    ("2024-07-01 10:00", "2024-07-01T10:00:00"),
    ("2024-07-01T10:00:00Z", "2024-07-01T10:00:00+00:00"),
    ("2024-07-01T10:00:00.500+02:00", "2024-07-01T10:00:00.500000+02:00"),
    ("2024-07-01", "2024-07-01T00:00:00"),
])
def test_datetime_normalisation(value, expected):
    assert coerce_value(f(type="datetime"), value) == expected


def test_datetime_errors_and_bounds():
    field = f(type="datetime", min="2024-01-01T00:00", max="2024-12-31T23:59")
    for bad in ("tomorrow", "2024-13-01T10:00", "10:00", 5):
        assert one_error(field, bad) == "must be a date and time like 2024-12-31T09:30"
    assert one_error(field, "2023-12-31T23:00") == "must be on or after 2024-01-01T00:00:00"
    assert one_error(field, "2025-01-01T00:00+01:00") == "must be on or before 2024-12-31T23:59:00"
    assert coerce_value(field, "2024-06-01T12:00Z") == "2024-06-01T12:00:00+00:00"


# --- json ------------------------------------------------------------------------------------

def test_json():
    field = f(type="json")
    assert coerce_value(field, '{"a": [1, 2]}') == {"a": [1, 2]}
    assert coerce_value(field, "[1]") == [1]
    assert coerce_value(field, {"a": 1}) == {"a": 1}
    assert coerce_value(field, [1, "x"]) == [1, "x"]
    assert coerce_value(field, 3) == 3
    assert one_error(field, "{bad") == "not valid JSON (Expecting property name enclosed in double quotes " \
                                      "at line 1 column 2)"
    assert one_error(field, {"a": object()}) == "must be JSON data (object, list, text, number or true/false)"


def test_json_nested_too_deep_or_with_a_huge_number_is_a_field_error_not_a_crash():
    field = f(type="json")
    assert one_error(field, "[" * 10_000 + "]" * 10_000) == "JSON nested deeper than 100 levels"
    deep: object = 1
    for _ in range(10_000):
        deep = {"a": deep}
    assert one_error(field, deep) == "JSON nested deeper than 100 levels"
    assert one_error(field, '{"n": ' + "9" * 5000 + "}") == "number too long (more than 4300 digits)"
    assert coerce_value(field, "[" * 100 + "]" * 100) is not None


# --- sources ---------------------------------------------------------------------------------

@pytest.mark.parametrize("source", ["query", "cli", "form"])
def test_string_sources_take_the_last_repeat_and_split_lists(source):
    fields = [f("n", type="integer"), f("tags", type="multiselect", options=["a", "b", "c"]),
              f("flag", type="checkbox")]
    raw = {"n": ["1", "2"], "tags": ["a", "b,c"], "flag": ["false", "true"]}
    assert validate_inputs(fields, raw, source=source) == {"n": 2, "tags": ["a", "b", "c"], "flag": True}


def test_json_source_refuses_a_list_for_a_single_value():
    assert errors([f("n", type="integer")], {"n": [1, 2]}) == {"n": "must be a single value"}


def test_query_strings_are_coerced_for_every_type():
    fields = [f("n", type="number"), f("i", type="integer"), f("b", type="checkbox"),
              f("s", type="select", options=[1, 2]), f("j", type="json"), f("d", type="date")]
    raw = {"n": "2.5", "i": "3", "b": "on", "s": "2", "j": '{"k": true}', "d": "2024-01-02"}
    assert validate_inputs(fields, raw, source="query") == {
        "n": 2.5, "i": 3, "b": True, "s": 2, "j": {"k": True}, "d": "2024-01-02"}


# --- seed sample and secrets -----------------------------------------------------------------

@pytest.mark.skipif(not (SEED_DIR / "workflows_sample_config.json").is_file(), reason="seed samples not available")
def test_seed_sample_schema():
    config = WorkflowConfig.model_validate(json.loads((SEED_DIR / "workflows_sample_config.json").read_text()))
    fields = config.inputs_schema
    out = validate_inputs(fields, {"api_key": "k", "event_date": "2024-07-01T10:00", "category": "work",
                                   "tags": "deadline,client", "keep": 1}, source="query")
    assert out == {"api_key": "k", "event_date": "2024-07-01T10:00:00", "category": "work",
                   "tags": ["deadline", "client"], "keep": 1, "priority": 5, "is_urgent": False}
    assert errors(fields, {"priority": 11, "category": "x", "tags": ["important", "deadline", "project", "client"]}) \
        == {"api_key": "is required", "event_date": "is required", "priority": "must be at most 10",
            "category": "choose one of: work, personal, meeting", "tags": "choose at most 3 options"}


def test_mask_secrets_and_secret_values():
    fields = [f("api_key", type="password"), f("pin", type="password"), f("name")]
    data = {"api_key": "s3cret", "pin": "", "name": "Ann", "other": "x"}
    assert mask_secrets(fields, data) == {"api_key": "***", "pin": "", "name": "Ann", "other": "x"}
    assert data["api_key"] == "s3cret"
    assert secret_values(fields, data) == ["s3cret"]
    assert mask_secrets(fields, {}) == {}
