"""Test a tool profile in a child process: build the tool as a worker does and run ``authenticate()``.

A child process, not a thread: ``authenticate()`` is user code that may hang on the network,
import heavy libraries or crash, and the app must survive all three. Qt-free on purpose.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

RESULT_PREFIX = "FLOWDESK-TOOL-CHECK "
FROZEN_FLAG = "--flowdesk-tool-check"
DEFAULT_TIMEOUT = 60.0


def check_command(root: Path, tool: str, profile: str) -> list[str]:
    """argv of the child: this module, or the frozen app binary with a flag (wired in ``flowdesk.cli.main``)."""
    head = [sys.executable, FROZEN_FLAG] if getattr(sys, "frozen", False) else [sys.executable, "-m", __name__]
    return [*head, str(root), tool, profile]


def _parse(stdout: bytes) -> tuple[bool, str] | None:
    for line in reversed(stdout.decode("utf-8", "replace").splitlines()):
        if line.startswith(RESULT_PREFIX):
            data = json.loads(line[len(RESULT_PREFIX):])
            return bool(data["ok"]), str(data["message"])
    return None


def _kill(proc: asyncio.subprocess.Process) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)  # its own session: whatever the tool spawned dies too
        else:
            proc.kill()


async def check_tool(root: Path, tool: str, profile: str, timeout: float = DEFAULT_TIMEOUT) -> tuple[bool, str]:
    """``(ok, message)`` for ``tool``'s ``profile``; never raises for the tool's own failures."""
    from flowdesk.core.engine.worker_launch import worker_env

    proc = await asyncio.create_subprocess_exec(
        *check_command(root, tool, profile), stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, cwd=str(root), env=worker_env(root, {}), start_new_session=True)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except TimeoutError:
        _kill(proc)
        await proc.wait()
        return False, f"{tool} (profile {profile}): no answer after {timeout:.0f} s (authenticate() may be stuck)"
    try:
        parsed = _parse(out)
    except (ValueError, KeyError):
        parsed = None
    if parsed is not None:
        return parsed
    tail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    return False, f"{tool} (profile {profile}): the check process exited with code {proc.returncode}. {tail[0]}".strip()


def run_check(root: Path, tool: str, profile: str) -> tuple[bool, str]:
    """In the child: discover the workspace, build the tool, authenticate; secrets masked in the message."""
    from flowdesk.core.tool_testing import test_tool
    from flowdesk.core.errors import FlowDeskError
    from flowdesk.core.oauth.oauth_targets import resolve_profile
    from flowdesk.core.profiles import ProfileResolver, normalize
    from flowdesk.core.registry import Registry
    from flowdesk.core.secret_masking import mask_text
    from flowdesk.core.workspace import Workspace

    workspace = Workspace(root)
    registry = Registry(workspace)
    registry.reload()
    resolver = ProfileResolver(workspace.env_file)
    try:
        ok, message = test_tool(registry, resolver, tool, profile)
    except FlowDeskError as exc:
        return False, str(exc)
    try:
        entry = registry.tool(tool)
        secrets = resolve_profile(entry, resolver, normalize(profile)).secrets if entry.config else []
    except FlowDeskError:
        secrets = []
    return ok, mask_text(message, secrets)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m flowdesk.gui.tool_check ROOT TOOL PROFILE``: prints one result line; exit 0 or 1."""
    root, tool, profile = list(sys.argv[1:] if argv is None else argv)
    real_stdout = sys.stdout
    with contextlib.redirect_stdout(sys.stderr):  # a tool's prints must not be taken for the result
        try:
            ok, message = run_check(Path(root), tool, profile)
        except Exception as exc:  # noqa: BLE001 - reported as the answer
            ok, message = False, f"{tool} (profile {profile}): {type(exc).__name__}: {exc}"
    real_stdout.write(RESULT_PREFIX + json.dumps({"ok": ok, "message": message}) + "\n")
    real_stdout.flush()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
