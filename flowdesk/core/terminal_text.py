"""Text that cannot drive a terminal: control characters shown as ``\\x1b``-style escapes, JSON kept valid.

A workflow's message, a config value quoted in an error or a folder name can carry escape
sequences (``ESC ] 0 ; title BEL`` retitles the window, ``ESC [ 2 J`` clears it, OSC 52 writes the
clipboard, 8-bit ``U+009B`` is CSI on some terminals). Printing them raw lets a workspace drive
the user's terminal. Every C0 control but newline and tab, DEL and every C1 control is replaced
by its visible escape, so a CSI/OSC sequence loses its ESC and prints as harmless text, and the
user still sees that something odd was there. Stripping would hide that.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any, TextIO

# C0 except \t (0x09) and \n (0x0a), DEL, C1 (U+0080-U+009F).
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What json.dumps(ensure_ascii=False) leaves raw: it escapes C0 itself but not DEL or C1.
_JSON_RAW_CONTROLS = re.compile(r"[\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def terminal_safe(text: str) -> str:
    """``text`` with terminal controls made visible (``"\\x1b[2J"`` -> ``"\\\\x1b[2J"``); newlines and tabs kept.

    Windows line ends become plain newlines first, so only a lone carriage return (which can
    overwrite what the line showed) is made visible.
    """
    if not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub(_visible, text.replace("\r\n", "\n"))


def has_terminal_controls(text: str) -> bool:
    """True when ``text`` holds a character ``terminal_safe`` would replace."""
    return _CONTROLS.search(text) is not None


def terminal_safe_json(obj: Any, *, indent: int | None = 2) -> str:
    """``obj`` as JSON (UTF-8 kept) with no raw control character: DEL and C1 written as ``\\u00XX``.

    The result parses back to exactly ``obj``: the data is untouched, only its spelling is safe.
    """
    text = json.dumps(obj, indent=indent, ensure_ascii=False, default=str)
    # Outside strings JSON has no such characters, so every match is inside a string literal.
    return _JSON_RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class TerminalSafeFormatter(logging.Formatter):
    """A log formatter whose lines (message, arguments and traceback alike) carry no terminal control."""

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record with controls made visible."""
        return terminal_safe(super().format(record))


class TerminalSafeStream:
    """Wraps a text stream so that everything written to it goes through ``terminal_safe``.

    Installed on ``sys.stdout``/``sys.stderr`` for CLI commands: whatever prints (tables, errors,
    argparse, warnings, log handlers), no control sequence reaches the terminal.
    """

    def __init__(self, inner: TextIO) -> None:
        self.inner = inner

    def write(self, text: str) -> int:
        """Write ``text`` made safe; returns the length of ``text`` as given (what callers expect)."""
        self.inner.write(terminal_safe(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        """Write each line made safe."""
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
