"""Import check of a workspace tool: its ``main.py`` imported in a throw-away worker, with a timeout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flowdesk.core.engine.run_spec import ProbeResult
from flowdesk.core.engine.worker_handle import WorkerStartError
from flowdesk.core.run_messages import IMPORT_TIMED_OUT

if TYPE_CHECKING:
    from flowdesk.core.engine.engine import Engine
    from flowdesk.core.registry import ToolEntry


async def probe_tool(engine: Engine, entry: ToolEntry) -> ProbeResult:
    """Import ``tools.<slug>.main`` in a worker and find its tool class; nothing is built or called.

    The worker leaves the pool afterwards (its ``sys.modules`` now hold this tool), as workflow
    probes do. A hang at import time ends at the engine's ``probe_timeout``; a crash is reported.
    """
    try:
        worker = await engine.pool.take_for_probe()
    except WorkerStartError as exc:
        return ProbeResult(ok=False, error=str(exc))
    try:
        reply = await worker.request({"op": "probe_tool", "module": entry.module, "class_name": entry.class_name,
                                      "dir": str(entry.path)}, engine.probe_timeout)
    finally:
        engine.pool.discard(worker)
    if reply.kind == "result" and reply.message is not None:
        return ProbeResult(ok=bool(reply.message.get("ok")), error=reply.message.get("error"), has_execute=True)
    if reply.kind == "timeout":
        return ProbeResult(ok=False, error=IMPORT_TIMED_OUT(seconds=f"{engine.probe_timeout:g}"))
    return ProbeResult(ok=False, error=reply.describe_exit("the import check"))
