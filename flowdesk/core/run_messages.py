"""How FlowDesk words a run it ended itself (timeout, a worker that died, a stop, a skip): templates the window and the
CLI translate.

These texts are stored with the run (its ``error``/``message``) and sent by the HTTP API in English. Each is declared
once here with ``message_template``, used by the engine, the dispatcher and the cluster worker to make the text,
and used again by ``recognise_run_text`` to turn a stored English text back into a translatable message at display.
"""

from __future__ import annotations

from functools import lru_cache

from flowdesk.core.translatable import MessageTemplate, Translatable, message_template, recognise

TIMED_OUT = message_template("RunMessages", "timed out after {seconds} s")
ENGINE_STOPPED_BEFORE_START = message_template("RunMessages", "the engine stopped before this run started")
ENGINE_STOPPED_BEFORE_END = message_template("RunMessages", "the engine stopped before this run finished")
FLOWDESK_STOPPED = message_template("RunMessages", "FlowDesk stopped before this run finished")
INPUT_NOT_KEPT = message_template("RunMessages",
                                  "this run's input was not kept by the FlowDesk that accepted it; run it again")
CANNOT_START_QUEUED = message_template("RunMessages", "cannot start this queued run: {reason}")
ENGINE_ERROR = message_template("RunMessages", "engine error: {reason}")
WORKER_ERROR = message_template("RunMessages", "worker error: {reason}")
CANNOT_SEND = message_template("RunMessages", "the run input or tool config cannot be sent to a worker: {reason}")
CHANNEL_CLOSED = message_template("RunMessages",
                                  "worker process closed its control channel during {during} and was killed")
WORKER_LOST = message_template("RunMessages", "worker process was lost during {during}")
WORKER_CRASHED = message_template("RunMessages", "worker process crashed (signal {signal})")
WORKER_EXITED = message_template("RunMessages", "worker process exited with code {code} during {during}")
DURING_RUN = message_template("RunMessages", "the run")
DURING_IMPORT_CHECK = message_template("RunMessages", "the import check")
IMPORT_TIMED_OUT = message_template("RunMessages", "importing main.py timed out after {seconds} s")
NO_EXECUTE = message_template("RunMessages", "main.py defines no execute(data, tools) function")
NOT_IN_WORKSPACE = message_template("RunMessages", "workflow {workflow} is not in worker {worker}'s workspace (the run "
                                    "was accepted for revision {revision}); deploy the same workspace to every machine")
REVISION_MISMATCH = message_template("RunMessages", "workspace revision mismatch: this run of {workflow} was accepted "
                                     "for revision {revision}, but worker {worker} has revision {theirs} (after "
                                     "reloading its workspace); deploy the same workspace to every machine")
TOOL_BROKEN = message_template("RunMessages", "tool {tool} is broken: {reason}")
TOOL_DISABLED = message_template("RunMessages", "tool {tool} is disabled")
TOOL_MISSING = message_template("RunMessages", "tool {tool} (profile {profile}) is missing {missing}")
RECONNECT_BECAUSE = message_template("RunMessages", "reconnect {tool} (profile {profile}): {reason}")
RECONNECT = message_template("RunMessages", "reconnect {tool} (profile {profile})")
NO_TOKEN_FILE = message_template("RunMessages", "no token file configured")
NOT_CONNECTED_YET = message_template("RunMessages", "not connected yet (no token file at {path})")
TOKEN_EXPIRED = message_template("RunMessages", "the access token expired and there is no refresh token")
LACKS_SCOPES = message_template("RunMessages", "the token lacks scope(s) {scopes}")
NOT_CONFIGURED = message_template("RunMessages", "not configured: set {names}")

RUN_TEMPLATES: tuple[MessageTemplate, ...] = (
    TIMED_OUT, ENGINE_STOPPED_BEFORE_START, ENGINE_STOPPED_BEFORE_END, FLOWDESK_STOPPED, INPUT_NOT_KEPT,
    CANNOT_START_QUEUED, ENGINE_ERROR, WORKER_ERROR, CANNOT_SEND, CHANNEL_CLOSED, WORKER_LOST, WORKER_CRASHED,
    WORKER_EXITED, DURING_RUN, DURING_IMPORT_CHECK, IMPORT_TIMED_OUT, NO_EXECUTE, NOT_IN_WORKSPACE,
    REVISION_MISMATCH, TOOL_BROKEN, TOOL_DISABLED, TOOL_MISSING,
    RECONNECT_BECAUSE, RECONNECT, NO_TOKEN_FILE, NOT_CONNECTED_YET, TOKEN_EXPIRED, LACKS_SCOPES, NOT_CONFIGURED,
)  # first match wins: "reconnect ...: reason" before "reconnect ..."
_MAX_RECOGNISED = 2000  # a workflow's own long message or traceback is not one of ours: not worth matching


@lru_cache(maxsize=2048)
def _recognised(text: str) -> str:
    found = recognise(text, RUN_TEMPLATES)
    if not isinstance(found, Translatable) or not found.arguments:
        return found
    # "worker process was lost during the run": the words inside are ours too
    arguments = {name: _recognised(value) if isinstance(value, str) else value for name, value in found.arguments.items()}
    return Translatable(found.context, found.template, arguments)


def recognise_run_text(text: str | None) -> str | None:
    """A run's stored error or message as a translatable message when FlowDesk wrote it, else unchanged."""
    if not text or isinstance(text, Translatable) or len(text) > _MAX_RECOGNISED:
        return text
    return _recognised(text)
