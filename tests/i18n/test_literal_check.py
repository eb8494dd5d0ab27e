"""The guard against visible literals that skip the translation system: what it flags, what it lets through."""

from __future__ import annotations

from pathlib import Path

from flowdesk.i18n.literal_check import scan, untranslated_literals
from tests.conftest import REPO

UNTRANSLATED = '''
import argparse
import sys

NO_SCREEN_MESSAGE = "FlowDesk cannot open its window here"

def register(sub, parser):
    p = sub.add_parser("serve", help="run without a window", description="Runs the scheduler.")
    p.add_argument("--host", help=f"default {HOST}")
    group = parser.add_argument_group("listener options")
    parser.error("pick one command")

def handle(port):
    print("FlowDesk is already open on this data dir; its window was brought forward.")
    print(f"Listening on {port}", file=sys.stderr)
    sys.stderr.write("Something went wrong\\n")
    print(translate("cli", "API token: %1").replace("%1", "in the env file"))
    raise SystemExit("no display found")

def fail():
    raise FlowDeskError(f"workflow {name!r} not found")
'''

TRANSLATED = '''
import argparse
import json
import logging
import sys

log = logging.getLogger(__name__)
DEFAULT_HOST = "127.0.0.1"
SHOW_MESSAGE = b"show window"
ERROR_LABEL = QT_TRANSLATE_NOOP("App", "Error")

def register(sub, parser):
    p = sub.add_parser("serve", help=translate("cli", "run without a window"))
    p.add_argument("--host", metavar="HOST", help=translate("cli", "default %1").replace("%1", DEFAULT_HOST))
    p.add_argument("--workspace", help=argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"FlowDesk {VERSION}")

def handle(port, exc, data):
    print(translate("cli", "FlowDesk is already open on this data dir; its window was brought forward."))
    print(f"flowdesk: {error_line(exc)}", file=sys.stderr)
    print("FlowDesk")
    print(json.dumps(data, indent=2))
    print(translate("cli", "Open %1").replace("%1", f"http://127.0.0.1:{port}/oauth/google/auth?service=x"))
    sys.stderr.write(translate("cli", "Something went wrong") + "\\n")
    log.warning("logs stay English: %s", exc)
    logging.info("so does this")
    self.log.error("and this")
    print("Usage: flowdesk serve")  # i18n: ok
    raise FlowDeskError(translate("cli", "workflow %1 not found").replace("%1", repr(name)))
'''


def _found(tmp_path: Path, source: str, raised: bool = True) -> list[tuple[str, str]]:
    path = tmp_path / "snippet.py"
    path.write_text(source, encoding="utf-8")
    return [(found.call, found.text) for found in untranslated_literals(path, raised=raised)]


def test_untranslated_prints_help_texts_and_errors_are_flagged(tmp_path: Path) -> None:
    found = _found(tmp_path, UNTRANSLATED)
    assert found == [
        ("NO_SCREEN_MESSAGE", "FlowDesk cannot open its window here"),
        ("add_parser", "Runs the scheduler."),  # same line: by text
        ("add_parser", "run without a window"),
        ("add_argument", "default "),
        ("add_argument_group", "listener options"),
        ("error", "pick one command"),
        ("print", "FlowDesk is already open on this data dir; its window was brought forward."),
        ("print", "Listening on "),
        ("write", "Something went wrong\n"),
        ("replace", "in the env file"),
        ("SystemExit", "no display found"),
        ("FlowDeskError", "workflow  not found"),
    ]
    assert ("FlowDeskError", "workflow  not found") not in _found(tmp_path, UNTRANSLATED, raised=False)


def test_translated_text_logs_machine_output_and_opt_outs_are_not_flagged(tmp_path: Path) -> None:
    assert _found(tmp_path, TRANSLATED) == []


def test_the_cli_and_the_window_print_nothing_untranslated() -> None:
    found = scan(REPO / "flowdesk" / "cli", raised=True) + scan(REPO / "flowdesk" / "gui")
    assert not found, "wrap these in translate(\"cli\", ...) / self.tr():\n" + "\n".join(map(str, found))
