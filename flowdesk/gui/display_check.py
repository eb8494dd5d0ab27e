"""Say plainly when there is no screen to open a window on, instead of a Qt plugin error."""

from __future__ import annotations

import os
import sys

from flowdesk.i18n.cli_text import translate


def no_display_message() -> str:
    """What the terminal shows instead of a window, in the CLI's language (Qt is not loaded for English)."""
    return translate("cli", "FlowDesk cannot open its window: no display found (DISPLAY and WAYLAND_DISPLAY are "
                     "unset).\nOn a server, run the same scheduler and API without a window: flowdesk serve")


def has_display() -> bool:
    """True when Qt can open a window here (or an offscreen platform was asked for on purpose)."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal", "vnc")):
        return True
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True
