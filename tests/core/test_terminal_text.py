"""terminal_text: controls made visible, JSON kept valid and exact, log lines and streams inert."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import pytest

from flowdesk.core.service_log import setup_service_logging
from flowdesk.core.terminal_text import (
    TerminalSafeStream,
    has_terminal_controls,
    terminal_safe,
    terminal_safe_json,
)

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[H\x9b2J\x9d8;;http://x\x9c\x7f\x00\x08a\rb"


@pytest.mark.parametrize("text, expected", [
    ("plain\ttext\nlines é ✓", "plain\ttext\nlines é ✓"),
    ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
    ("\x1b[2J\x1b[31mred", "\\x1b[2J\\x1b[31mred"),
    ("\x9b2J \x85 \x7f", "\\x9b2J \\x85 \\x7f"),
    ("windows\r\nline", "windows\nline"),
    ("over\rwrite", "over\\x0dwrite"),
    ("\x00\x08\x0b\x0c\x1f", "\\x00\\x08\\x0b\\x0c\\x1f"),
])
def test_terminal_safe(text: str, expected: str) -> None:
    assert terminal_safe(text) == expected
    assert not has_terminal_controls(terminal_safe(text))


def test_json_is_valid_exact_and_has_no_raw_control() -> None:
    obj = {"message": HOSTILE, HOSTILE: [HOSTILE, 1, None], "ok": "é ✓ 日本"}
    text = terminal_safe_json(obj)
    assert not has_terminal_controls(text.replace("\n", ""))
    assert json.loads(text) == obj
    assert "é ✓ 日本" in text  # UTF-8 kept, only controls escaped


def test_log_lines_are_inert_in_the_file_and_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        path = setup_service_logging(tmp_path, verbose=False)
        logging.getLogger("flowdesk.test").warning("run %s finished: %s", "escapes", HOSTILE)
        try:
            raise RuntimeError(HOSTILE)
        except RuntimeError:
            logging.getLogger("flowdesk.test").exception("boom %s", "\x1b[2J")
        for handler in root.handlers:
            handler.flush()
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:], root.level = saved
    logged = path.read_text(encoding="utf-8")
    err = capsys.readouterr().err
    for text in (logged, err):
        assert "run escapes finished: \\x1b]0;pwned\\x07" in text and "RuntimeError: \\x1b]0;pwned" in text
        assert not has_terminal_controls(text)


def test_stream_wrapper_makes_every_write_inert() -> None:
    inner = io.StringIO()
    stream = TerminalSafeStream(inner)
    assert stream.write(HOSTILE) == len(HOSTILE)
    stream.writelines(["\x1b[2J", "\n"])
    print("\x07bell", file=stream)
    stream.flush()
    assert not has_terminal_controls(inner.getvalue())
    assert inner.getvalue().endswith("\\x1b[2J\n\\x07bell\n")
