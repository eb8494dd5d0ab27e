"""Secret masking in text and JSON-like values."""

from __future__ import annotations

from flowdesk.core.secret_masking import DEPTH_MARKER, mask_json, mask_text


def test_masks_every_occurrence() -> None:
    assert mask_text("key=abcd1234 again abcd1234", ["abcd1234"]) == "key=*** again ***"


def test_longest_secret_first() -> None:
    # "abcd" inside "abcdefgh" must not leave "efgh" visible.
    assert mask_text("t=abcdefgh", ["abcd", "abcdefgh"]) == "t=***"


def test_short_and_empty_secrets_are_ignored() -> None:
    assert mask_text("a 123 yes", ["a", "123", "", None]) == "a 123 yes"


def test_regex_characters_are_literal() -> None:
    assert mask_text("p=a.b*c+(d)", ["a.b*c+(d)"]) == "p=***"
    assert mask_text("axbxc", ["a.b.c"]) == "axbxc"


def test_non_string_secrets_are_compared_as_text() -> None:
    assert mask_text("pin 123456", [123456]) == "pin ***"


def test_no_secrets_returns_text_unchanged() -> None:
    assert mask_text("hello", []) == "hello"
    assert mask_text("", ["abcd"]) == ""


def test_mask_json_recurses_masks_keys_and_keeps_shape() -> None:
    obj = {
        "status": "error",
        "error": "401 for token s3cr3t!",
        "data": {"items": ["s3cr3t!", 42, None, True], "pair": ("x", "s3cr3t!")},
        "s3cr3t!": "keys are kept",
    }
    out = mask_json(obj, ["s3cr3t!"])
    assert out == {
        "status": "error",
        "error": "401 for token ***",
        "data": {"items": ["***", 42, None, True], "pair": ("x", "***")},
        "***": "keys are kept",  # a secret used as a key is masked too
    }
    assert obj["error"] == "401 for token s3cr3t!"  # the input is not modified


def test_mask_json_plain_string_and_no_secrets() -> None:
    assert mask_json("tok=zzzz", ["zzzz"]) == "tok=***"
    data = {"a": 1}
    assert mask_json(data, []) is data


def test_mask_json_cuts_levels_deeper_than_100_instead_of_recursing() -> None:
    # a workflow may return anything: 10,000 levels would exhaust the stack of a recursive walk
    deep: object = {"token": "abcd1234"}
    for _ in range(10_000):
        deep = [deep, "abcd1234"]
    masked = mask_json({"out": deep}, ["abcd1234"])
    level, depth = masked["out"], 1
    while isinstance(level, list):
        assert level[1] == "***"
        level, depth = level[0], depth + 1
    assert level == DEPTH_MARKER and depth == 100
    shallow = {"a": [[{"b": "x abcd1234"}]]}
    assert mask_json(shallow, ["abcd1234"]) == {"a": [[{"b": "x ***"}]]}
