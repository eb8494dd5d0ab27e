"""Isolated run engine: every run executes in a warm, recyclable worker process.

Public API: :class:`Engine` (``start``, ``submit``, ``probe``, ``stop``), the data shapes
:class:`ToolSpec`, :class:`RunSpec`, :class:`RunOutcome`, :class:`RunEvent`, :class:`ProbeResult`,
and :class:`EngineStopped` (a :class:`~flowdesk.core.errors.QueueFull`, raised by ``submit`` and
``probe`` when the engine is not running).

Names are imported on first use: a worker process imports this package too, and must not pay
for asyncio and the engine side at every start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flowdesk.core.engine.engine import Engine, EngineStopped
    from flowdesk.core.engine.run_spec import ProbeResult, RunEvent, RunOutcome, RunSpec, ToolSpec

_EXPORTS = {
    "Engine": "flowdesk.core.engine.engine",
    "EngineStopped": "flowdesk.core.engine.engine",
    "ProbeResult": "flowdesk.core.engine.run_spec",
    "RunEvent": "flowdesk.core.engine.run_spec",
    "RunOutcome": "flowdesk.core.engine.run_spec",
    "RunSpec": "flowdesk.core.engine.run_spec",
    "ToolSpec": "flowdesk.core.engine.run_spec",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
