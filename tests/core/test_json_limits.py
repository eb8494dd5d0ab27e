"""JSON from strangers: nesting depth measured in linear time, over-long numbers refused."""

from __future__ import annotations

import json
import random
import time

import pytest

from flowdesk.core.json_limits import JsonLimitError, data_too_deep, loads_limited, text_too_deep

TRICKY = ['[', ']', '{', '}', '"', '\\', 'a', ' ', 'é', '\n', '\\"', '\\\\', '"]]', '[[\\']


def nested(levels: int, leaf: object = 1) -> object:
    value = leaf
    for _ in range(levels):
        value = [value]
    return value


def random_value(rng: random.Random, depth: int) -> object:
    roll = rng.random()
    text = "".join(rng.choice(TRICKY) for _ in range(rng.randint(0, 6)))
    if depth <= 0 or roll < 0.3:
        return rng.choice([1, text, None, 2.5, True])
    if roll < 0.65:
        return [random_value(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    return {text: random_value(rng, depth - 1) for _ in range(rng.randint(0, 3))}


def test_text_depth_agrees_with_the_parsed_value_whatever_the_strings_hold() -> None:
    # brackets, quotes and backslashes inside strings must never count as nesting
    rng = random.Random(11)
    for _ in range(1500):
        value = random_value(rng, rng.randint(0, 10))
        text = json.dumps(value, ensure_ascii=rng.random() < 0.5)
        for limit in range(0, 11):
            assert text_too_deep(text, limit) == data_too_deep(value, limit), (limit, text)
            assert text_too_deep(text.encode(), limit) == data_too_deep(value, limit)


def test_one_hundred_levels_pass_and_one_more_is_refused() -> None:
    assert loads_limited(json.dumps(nested(100))) == nested(100)
    with pytest.raises(JsonLimitError, match="nested deeper than 100 levels"):
        loads_limited(json.dumps(nested(101)))
    with pytest.raises(JsonLimitError, match="nested deeper than 100 levels"):
        loads_limited(b"[" * 10_000 + b"]" * 10_000)  # json itself would raise RecursionError here


def test_over_long_integers_are_refused_with_a_short_message() -> None:
    with pytest.raises(JsonLimitError, match=r"number too long \(more than 4300 digits\)"):
        loads_limited('{"n": ' + "7" * 5000 + "}")
    assert loads_limited('{"n": ' + "7" * 4000 + "}")["n"] > 0


def test_malformed_json_still_raises_json_errors_and_other_encodings_work() -> None:
    with pytest.raises(json.JSONDecodeError):
        loads_limited(b'{"a": ')
    assert loads_limited(json.dumps({"a": [1, "é"]}).encode("utf-16")) == {"a": [1, "é"]}


def test_a_megabyte_of_brackets_is_judged_in_milliseconds() -> None:
    shapes = [b"[" * 500_000 + b"]" * 500_000, b"[" + b"[]," * 330_000 + b"1]",
              json.dumps([{"k": f"v{i} \\ \" [", "n": [i]} for i in range(20_000)]).encode()]
    for body in shapes:
        start = time.perf_counter()
        text_too_deep(body)
        assert time.perf_counter() - start < 0.5  # about 20 ms here; a per-character Python loop takes ~1 s


def test_data_depth_walks_without_recursion_and_stops_on_cycles() -> None:
    assert data_too_deep(nested(10_000))
    assert not data_too_deep({"a": [{"b": (1, 2)}]}, 4)
    assert data_too_deep({"a": [{"b": (1, 2)}]}, 3)
    loop: list[object] = []
    loop.append(loop)
    assert data_too_deep(loop)
