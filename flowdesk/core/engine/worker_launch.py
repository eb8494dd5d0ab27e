"""Starting a worker process: its command line, environment, pipes and control channel; naming its death."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from flowdesk.core.engine.worker_lifeline import lifeline_env, open_lifeline
from flowdesk.core.private_files import user_umask
from flowdesk.core.engine.worker_protocol import open_control_channel
from flowdesk.core.workspace_deps.environments import DEPS_DIR_ENV, envs_dir
from flowdesk.core.run_messages import CHANNEL_CLOSED, DURING_IMPORT_CHECK, DURING_RUN, WORKER_CRASHED, WORKER_EXITED, WORKER_LOST

PIPE_SIZE = 1 << 20  # a bigger pipe means fewer stalls of a chatty workflow
F_SETPIPE_SZ = 1031  # Linux fcntl


def worker_command() -> list[str]:
    """argv of a worker: the module, or the frozen app binary with a flag."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "--flowdesk-worker"]
    return [sys.executable, "-m", "flowdesk.core.engine.worker"]


def worker_env(workspace_root: Path, extra: dict[str, str]) -> dict[str, str]:
    """The app's environment plus what the worker needs to find the workspace and this package."""
    env = dict(os.environ)
    env.update(extra)
    env["FLOWDESK_WORKSPACE"] = str(workspace_root)
    env["PYTHONUNBUFFERED"] = "1"
    data_dir = env.get("FLOWDESK_DATA_DIR")
    if data_dir and DEPS_DIR_ENV not in env:  # workers append the workspace's installed dependencies
        env[DEPS_DIR_ENV] = str(envs_dir(Path(data_dir)))
    if not getattr(sys, "frozen", False):
        # The worker runs with cwd = workspace; make sure it imports this very flowdesk package.
        here = str(Path(__file__).resolve().parents[3])
        old = env.get("PYTHONPATH")
        env["PYTHONPATH"] = here + (os.pathsep + old if old else "")
    return env


def exit_description(returncode: int | None, during: str = "the run", channel_lost: bool = False) -> str:
    """'worker process exited with code 3 during the run' / 'worker process crashed (signal SIGSEGV)'."""
    during_words = {"the run": DURING_RUN(), "the import check": DURING_IMPORT_CHECK()}.get(during, during)
    if channel_lost:
        return CHANNEL_CLOSED(during=during_words)
    if returncode is None:
        return WORKER_LOST(during=during_words)
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = str(-returncode)
        return WORKER_CRASHED(signal=name)
    return WORKER_EXITED(code=returncode, during=during_words)


def launch_worker(workspace_root: Path, extra_env: dict[str, str],
                  ) -> tuple[subprocess.Popen[bytes], socket.socket, int, int]:
    """Spawn a worker: (process, engine end of the control channel, read end of its output pipe,
    write end of its lifeline, to keep open as long as the worker may live).

    stdin is /dev/null; fd 1 and fd 2 are the *same* pipe, so stdout, stderr and logging keep
    their relative order. The worker gets its own session and process group, so one killpg
    also reaches whatever the workflow spawned. Raises OSError when the process cannot start.
    """
    parent_sock, endpoint = open_control_channel()
    life_read, life_write = open_lifeline()
    read_fd, write_fd = os.pipe()
    with contextlib.suppress(OSError, ImportError):
        import fcntl

        fcntl.fcntl(read_fd, F_SETPIPE_SZ, PIPE_SIZE)
    try:
        proc = subprocess.Popen(
            worker_command(), stdin=subprocess.DEVNULL, stdout=write_fd, stderr=write_fd,
            pass_fds=(*endpoint.pass_fds, life_read),
            env=worker_env(workspace_root, {**extra_env, **endpoint.env, **lifeline_env(life_read)}),
            cwd=str(workspace_root), start_new_session=True, umask=user_umask(),
        )
    except BaseException:
        os.close(read_fd)
        os.close(life_write)
        parent_sock.close()
        raise
    finally:
        os.close(write_fd)
        os.close(life_read)
        endpoint.close()
    return proc, parent_sock, read_fd, life_write
