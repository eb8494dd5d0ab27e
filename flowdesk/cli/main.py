"""Argument parsing and dispatch for ``flowdesk``; each command lives in its own module."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from flowdesk import __version__
from flowdesk.core.errors import FlowDeskError
from flowdesk.core.terminal_text import TerminalSafeStream
from flowdesk.i18n.cli_text import error_line, translate

# What ``flowdesk`` with no command accepts: the same workspace, data dir, port and host as ``serve``.
APP_FLAGS = ("--workspace", "--data-dir", "--interface", "--port", "--host")


def add_app_arguments(parser: argparse.ArgumentParser, *, documented: bool) -> None:
    """The app's listener flags (``flowdesk`` with no command); ``documented`` shows them in ``--help``."""
    # Undocumented (the app's own parse), nothing is translated: deciding the CLI's language would read the
    # Settings of the default data dir, which may not be the one this launch uses.
    parser.add_argument("--port", type=int, default=None, metavar="PORT", help=translate(
        "cli", "with no command: the app's listener port for this launch (default $FLOWDESK_PORT, else Settings)")
        if documented else argparse.SUPPRESS)
    parser.add_argument("--host", default=None, metavar="HOST", help=translate(
        "cli", "with no command: the app's listener address for this launch (default $FLOWDESK_HOST, else 127.0.0.1)")
        if documented else argparse.SUPPRESS)


def build_parser() -> argparse.ArgumentParser:
    """The full parser: global options plus one sub-parser per command."""
    from flowdesk.cli import (
        cluster_command,
        db_command,
        deps_command,
        inspect_commands,
        jobs_command,
        new_command,
        oauth_command,
        open_command,
        run_command,
        runs_command,
        serve_command,
        tools_command,
        worker_command,
    )

    parser = argparse.ArgumentParser(prog="flowdesk", description=translate("cli", "Local-first workflow automation. "
                                     "With no command, opens the desktop app."))
    parser.add_argument("--version", action="version", version=f"FlowDesk {__version__}",
                        help=translate("cli", "show program's version number and exit"))
    parser.add_argument("--workspace", metavar="DIR", help=translate(
        "cli", "with no command: the app's workspace folder for this launch (default $FLOWDESK_WORKSPACE, else Settings)"))
    parser.add_argument("--data-dir", metavar="DIR", help=translate(
        "cli", "with no command: the app's settings, database, logs and API token (default $FLOWDESK_DATA_DIR, else the "
        "user data dir)"))
    parser.add_argument("--interface", metavar="SLUG",
                        help=translate("cli", "with no command: open the app (or the running one) on this interface"))
    add_app_arguments(parser, documented=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workspace", metavar="DIR", help=translate("cli", "workspace folder (default: $FLOWDESK_WORKSPACE, the "
                        "current folder if it has private/, else ~/FlowDesk)"))
    common.add_argument("--data-dir", metavar="DIR", help=translate("cli", "database, logs and API token (default: "
                        "$FLOWDESK_DATA_DIR, else the user data dir)"))
    common.add_argument("--database", metavar="URL", help=translate("cli", "run history database: postgresql://user:pass@host/db "
                        "(default: $FLOWDESK_DATABASE_URL, else the data dir's SQLite file)"))
    common.add_argument("-v", "--verbose", action="store_true", help=translate("cli", "log debug details to stderr"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (run_command, inspect_commands, runs_command, new_command, serve_command, jobs_command,
                   tools_command, oauth_command, deps_command, open_command, worker_command,
                   cluster_command, db_command):
        module.register(sub, common)
    parser.set_defaults(common=common)
    return parser


def _app_options(argv: list[str]) -> argparse.Namespace:
    """The options the app takes (no command given)."""
    parser = argparse.ArgumentParser(prog="flowdesk", add_help=False)
    parser.add_argument("--workspace")
    parser.add_argument("--data-dir")
    parser.add_argument("--interface")
    add_app_arguments(parser, documented=False)
    parser.add_argument("-v", "--verbose", action="store_true")
    return parser.parse_args(argv)


def _opens_the_app(argv: list[str]) -> bool:
    """True when argv holds only the app's own options (so no sub-command and no --help/--version)."""
    rest = list(argv)
    while rest:
        head = rest.pop(0)
        if head in ("-v", "--verbose"):
            continue
        if head in APP_FLAGS and rest:
            rest.pop(0)
            continue
        if head.startswith(tuple(f"{flag}=" for flag in APP_FLAGS)):
            continue
        return False
    return True


@contextmanager
def terminal_safe_output() -> Iterator[None]:
    """While a command runs, nothing it prints can drive the terminal.

    Commands print text from the workspace and from runs: workflow messages, config values quoted
    in errors, folder names, log lines. Wrapping the streams covers every print, argparse message
    and log handler at once, including ones added later.
    """
    saved = sys.stdout, sys.stderr
    if sys.stdout is not None:
        sys.stdout = TerminalSafeStream(sys.stdout)  # type: ignore[assignment]
    if sys.stderr is not None:
        sys.stderr = TerminalSafeStream(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--flowdesk-worker"]:  # frozen bundle: the engine starts workers through the app binary
        from flowdesk.core.engine.worker import main as worker_main

        return worker_main() or 0
    if argv[:1] == ["--flowdesk-tool-check"]:  # frozen bundle: the Tools view's Test button
        from flowdesk.gui.tool_check import main as tool_check_main

        return tool_check_main(argv[1:])
    if _opens_the_app(argv):  # no command: skip importing every command module before the window
        from flowdesk.gui.app import run_app

        return run_app(_app_options(argv))
    with terminal_safe_output():
        try:
            return _run_command(argv)
        except Exception:  # a bug: as Python would (traceback, exit 1), but the traceback may quote workspace text
            traceback.print_exc()
            return 1


def _run_command(argv: list[str]) -> int:
    """Parse a command line and run its handler; FlowDesk errors become one line on stderr and exit 1."""
    from flowdesk.i18n.argparse_words import install_argparse_words

    install_argparse_words()  # before the parser exists: its -h help is worded when it is built
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "handler", None):
        from flowdesk.gui.app import run_app  # no command: the desktop app

        return run_app(args)
    try:
        return int(args.handler(args) or 0)
    except FlowDeskError as exc:
        print(f"flowdesk: {error_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
