"""Rewrite only the ``active`` value of a config.json, byte for byte around it.

Switching a workflow on or off must not reformat a file its author indented by hand (seed
workspaces use every style, tabs and CRLF included): the file is scanned with the standard
library's own JSON decoder, which reports where each value ends, and only the characters of
the top-level ``active`` value are replaced. A file without ``active`` gets it as its last
member, indented like the member before it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from flowdesk.core.atomic_files import write_text_atomic
from flowdesk.core.errors import ConfigError, ConfigErrors

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_BOM = "\ufeff"


@dataclass(frozen=True)
class Member:
    """One top-level ``"key": value`` pair: where its key starts and where its value lies."""

    key: str
    key_start: int
    key_end: int
    value_start: int
    value_end: int


def _skip(text: str, pos: int) -> int:
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos


def _expect(text: str, pos: int, char: str) -> int:
    if text[pos:pos + 1] != char:
        raise ValueError(f"expected {char!r} at character {pos}")
    return pos + 1


def top_level_members(text: str) -> tuple[list[Member], int]:
    """The members of the JSON object in ``text`` and the index of its closing brace (ValueError if not an object)."""
    pos = _expect(text, _skip(text, 0), "{")
    members: list[Member] = []
    pos = _skip(text, pos)
    if text[pos:pos + 1] == "}":
        return members, pos
    while True:
        key_start = pos
        key, key_end = _DECODER.raw_decode(text, pos)
        if not isinstance(key, str):
            raise ValueError(f"expected a key at character {key_start}")
        pos = _skip(text, _expect(text, _skip(text, key_end), ":"))
        value_start = pos
        _, pos = _DECODER.raw_decode(text, pos)
        members.append(Member(key, key_start, key_end, value_start, pos))
        pos = _skip(text, pos)
        if text[pos:pos + 1] == "}":
            return members, pos
        pos = _skip(text, _expect(text, pos, ","))


def _literal(active: bool) -> str:
    return "true" if active else "false"


def with_active(text: str, active: bool) -> str:
    """``text`` with every top-level ``active`` value set to ``active``; appended as the last member when absent."""
    members, closing = top_level_members(text)
    found = [m for m in members if m.key == "active"]
    if found:
        out, last = [], 0
        for m in found:
            out += [text[last:m.value_start], _literal(active)]
            last = m.value_end
        return "".join(out) + text[last:]
    if not members:
        return text[:closing] + f'"active": {_literal(active)}' + text[closing:]
    last = members[-1]
    # The new member copies the last one's layout: the line break and indentation before its key
    # (what follows the "{" or "," in front of it) and the spacing around its colon.
    opening = text.rfind(",", 0, last.key_start) if len(members) > 1 else text.index("{")
    indent = text[opening + 1:last.key_start]
    colon = text[last.key_end:last.value_start]
    return text[:last.value_end] + "," + indent + '"active"' + colon + _literal(active) + text[last.value_end:]


def rewrite_active(path: Path, active: bool) -> None:
    """Set ``active`` in the config.json at ``path``, changing nothing else; ConfigErrors when it is not a JSON object."""
    try:
        raw = path.read_bytes().decode("utf-8")
        bom = _BOM if raw.startswith(_BOM) else ""  # kept: a Windows editor's mark is part of "the rest of the file"
        text = raw[len(bom):]
        new_text = with_active(text, active)
        if json.loads(new_text).get("active") is not active:  # duplicate keys or a decoder quirk: never write a lie
            raise ValueError("the rewritten file does not say the new value")
    except (ValueError, AttributeError) as exc:
        raise ConfigErrors([ConfigError(path, "active", f"cannot rewrite the value: {exc}")]) from None
    write_text_atomic(path, bom + new_text)
