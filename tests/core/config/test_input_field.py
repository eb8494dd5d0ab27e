"""InputField: types and aliases, names, options in both formats, min/max per type, validated defaults."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from flowdesk.core.config import FIELD_TYPES, InputField, Option, errors_from_validation


def messages(data: dict) -> list[str]:
    """The rendered ConfigError lines for an invalid field."""
    with pytest.raises(ValidationError) as info:
        InputField.model_validate(data)
    return [e.render() for e in errors_from_validation(None, info.value).errors]


def field(**kw) -> InputField:
    return InputField.model_validate(kw)


@pytest.mark.parametrize("type_", [t for t in FIELD_TYPES if t not in ("select", "multiselect")])
def test_every_plain_type_is_accepted(type_):
    assert field(name="x", type=type_).type == type_


@pytest.mark.parametrize("type_", ["select", "multiselect"])
def test_choice_types_are_accepted_with_options(type_):
    assert field(name="x", type=type_, options=["a"]).type == type_


@pytest.mark.parametrize("alias, canonical", [
    ("boolean", "checkbox"), ("bool", "checkbox"), ("string", "text"), ("int", "integer"),
    ("float", "number"), ("datetime-local", "datetime"), ("Checkbox", "checkbox"), (" TEXT ", "text"),
])
def test_aliases_and_case_are_normalised(alias, canonical):
    f = field(name="x", type=alias)
    assert f.type == canonical
    assert f.raw["type"] == alias  # the file keeps the user's spelling


def test_type_defaults_to_text_and_label_to_name():
    f = field(name="city")
    assert (f.type, f.label, f.required, f.default) == ("text", "city", False, None)


def test_unknown_type_message_lists_the_types():
    [msg] = messages({"name": "x", "type": "radio"})
    assert msg.startswith("type: unknown input type 'radio'; use one of: text, textarea, email")


@pytest.mark.parametrize("name", ["a", "_a", "user_email", "first-name", "A1"])
def test_valid_names(name):
    assert field(name=name).name == name


@pytest.mark.parametrize("name", ["1a", "a b", "", "é", "a.b"])
def test_invalid_names(name):
    [msg] = messages({"name": name})
    assert msg.startswith("name: ") and "letters, digits, _ and -" in msg


def test_name_is_required():
    assert messages({"type": "text"}) == ["name: is required"]


def test_options_as_objects_and_as_plain_values():
    objects = field(name="c", type="select", options=[{"value": "work", "label": "Travail"}, {"value": 2}])
    plain = field(name="c", type="select", options=["work", 2, True])
    assert objects.options == [Option(value="work", label="Travail"), Option(value=2, label="2")]
    assert [(o.value, o.label) for o in plain.options] == [("work", "work"), (2, "2"), (True, "true")]
    assert plain.option_values == ["work", 2, True]


def test_option_values_must_be_scalars():
    assert messages({"name": "c", "type": "select", "options": [{"value": [1]}]}) == [
        "options[0].value: an option value must be a string, a number or true/false"]
    assert messages({"name": "c", "type": "select", "options": [{"label": "x"}]}) == [
        "options[0].value: is required"]


@pytest.mark.parametrize("type_", ["select", "multiselect"])
def test_choice_fields_need_options(type_):
    assert messages({"name": "c", "type": type_}) == [f"options: a {type_} field needs options"]
    assert messages({"name": "c", "type": type_, "options": []}) == [f"options: a {type_} field needs options"]


def test_duplicate_option_values_are_refused():
    assert messages({"name": "c", "type": "select", "options": ["a", {"value": "a"}]}) == [
        "options[1]: duplicate option value 'a'"]


def test_options_on_other_types_are_allowed_as_suggestions():
    assert field(name="t", options=["x"]).option_values == ["x"]


def test_min_max_are_value_bounds_for_numbers():
    f = field(name="p", type="number", min=1, max=10.5)
    assert (f.min, f.max) == (1, 10.5)


@pytest.mark.parametrize("type_", ["text", "textarea", "password", "email", "url", "multiselect"])
def test_min_max_are_whole_counts_for_text_and_multiselect(type_):
    opts = {"options": ["a", "b"]} if type_ == "multiselect" else {}
    assert field(name="t", type=type_, min=0, max=3.0, **opts).max == 3
    assert messages({"name": "t", "type": type_, "min": -1, **opts}) == ["min: must be a whole number, 0 or more"]
    assert messages({"name": "t", "type": type_, "max": 2.5, **opts}) == ["max: must be a whole number, 0 or more"]


def test_min_max_for_dates_are_iso_strings():
    f = field(name="d", type="date", min="2024-01-01", max="2024-12-31")
    assert (f.min, f.max) == ("2024-01-01", "2024-12-31")
    assert field(name="d", type="datetime", min="2024-01-01T08:00").min == "2024-01-01T08:00:00"
    assert messages({"name": "d", "type": "date", "min": 5}) == ["min: must be an ISO date string for a date field"]
    assert messages({"name": "d", "type": "date", "max": "soon"}) == ["max: 'soon' is not an ISO date"]


def test_numbers_refuse_string_bounds():
    assert messages({"name": "n", "type": "integer", "min": "1"}) == ["min: must be a number for an integer field"]


@pytest.mark.parametrize("type_, extra", [("checkbox", {}), ("json", {}), ("select", {"options": ["a"]})])
def test_min_max_do_not_apply_to_some_types(type_, extra):
    assert messages({"name": "x", "type": type_, "max": 1, **extra}) == [
        f"max: min/max do not apply to a {type_} field"]


def test_bounds_must_be_numbers_or_strings():
    assert messages({"name": "x", "type": "number", "min": True}) == [
        "min: must be a number (or an ISO date for date fields)"]


def test_min_greater_than_max():
    assert messages({"name": "x", "type": "number", "min": 5, "max": 1}) == ["max: max (1) is less than min (5)"]
    assert messages({"name": "d", "type": "date", "min": "2024-02-01", "max": "2024-01-01"}) == [
        "max: max (2024-01-01) is less than min (2024-02-01)"]


def test_default_is_validated_and_coerced():
    assert field(name="p", type="integer", default="5").default == 5
    assert field(name="u", type="checkbox", default="yes").default is True
    assert field(name="t", type="multiselect", options=["a", "b"], default="a,b").default == ["a", "b"]
    assert field(name="d", type="datetime", default="2024-07-01T10:00").default == "2024-07-01T10:00:00"


def test_invalid_defaults_are_reported_on_default():
    assert messages({"name": "p", "type": "number", "min": 1, "max": 10, "default": 11}) == [
        "default: default value is invalid: must be at most 10"]
    assert messages({"name": "c", "type": "select", "options": ["a", "b"], "default": "z"}) == [
        "default: default value is invalid: choose one of: a, b"]
    assert messages({"name": "e", "type": "email", "default": "nope"}) == [
        "default: default value is invalid: not a valid email address"]


def test_blank_default_means_no_default_except_for_text():
    assert field(name="n", type="number", default="").default is None
    assert field(name="t", type="text", default="").default == ""


def test_unknown_keys_are_kept():
    f = field(name="t", rows=4, placeholder="Type here")
    assert f.placeholder == "Type here"
    assert f.model_extra == {"rows": 4}
    assert f.to_json_dict() == {"name": "t", "rows": 4, "placeholder": "Type here"}


def test_plain_options_are_written_back_as_plain_values():
    f = field(name="c", type="select", options=["a", {"value": "b", "label": "Bee"}])
    f.options.append(Option.model_validate("c"))
    out = f.to_json_dict()
    assert out["options"] == ["a", {"value": "b", "label": "Bee"}, "c"]
