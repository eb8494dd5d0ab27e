"""Where the window starts: ``--workspace/--port/--host`` flags, then ``FLOWDESK_*`` variables, then saved settings.

The same flags and variables as ``flowdesk serve``. What a launch was told overrides the saved
setting for that launch only: nothing here is written back to ``settings.json``. Qt-free and cheap:
read before the window paints.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass

from typing import TYPE_CHECKING

from flowdesk.core.errors import FlowDeskError
from flowdesk.core.service_settings import DEFAULT_HOST

if TYPE_CHECKING:
    from flowdesk.core.app_settings import AppSettings


@dataclass(frozen=True)
class LaunchOptions:
    """The workspace asked for (None: the usual resolution), the listener's port and host."""

    workspace: str | None
    port: int
    host: str
    port_overridden: bool = False  # a flag or FLOWDESK_PORT chose it, not the settings


def _tr(text: str) -> str:
    from flowdesk.gui.qt import QCoreApplication  # the window's catalogue is installed before launch options are read

    return QCoreApplication.translate("LaunchOptions", text)


def _port(text: str, source: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise FlowDeskError(_tr("%1: '%2' is not a port number").replace("%1", source).replace("%2", text)) from None
    if not 0 <= port <= 65535:
        raise FlowDeskError(_tr("%1: %2 is not between 0 and 65535").replace("%1", source).replace("%2", str(port)))
    return port


def launch_options(args: argparse.Namespace, settings: AppSettings,
                   environ: Mapping[str, str] | None = None) -> LaunchOptions:
    """Resolve the launch's workspace, port and host (flag > environment > settings > default)."""
    env = os.environ if environ is None else environ
    workspace = getattr(args, "workspace", None) or env.get("FLOWDESK_WORKSPACE") or settings.workspace or None
    flag_port = getattr(args, "port", None)
    if flag_port is not None:
        port, overridden = _port(str(flag_port), "--port"), True
    elif env.get("FLOWDESK_PORT"):
        port, overridden = _port(env["FLOWDESK_PORT"], "FLOWDESK_PORT"), True
    else:
        port, overridden = settings.port, False
    host = getattr(args, "host", None) or env.get("FLOWDESK_HOST") or DEFAULT_HOST
    return LaunchOptions(workspace, port, host, overridden)
