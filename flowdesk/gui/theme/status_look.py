"""How each run status is shown everywhere: an icon, a word and a colour token (never the colour alone)."""

from __future__ import annotations

from dataclasses import dataclass

from flowdesk.gui.qt import QCoreApplication


@dataclass(frozen=True)
class StatusLook:
    """Icon name, word and colour token of one run status."""

    icon: str
    word: str
    token: str


def _tr(text: str) -> str:
    return QCoreApplication.translate("RunStatus", text)


def status_look(status: str | None) -> StatusLook:
    """The look of a run status (``error`` reads "failed"); unknown statuses are muted with their own word."""
    looks = {
        "success": StatusLook("check-circle", _tr("success"), "success"),
        "error": StatusLook("x-circle", _tr("failed"), "danger"),
        "running": StatusLook("spinner-gap", _tr("running"), "running"),
        "queued": StatusLook("hourglass-medium", _tr("queued"), "queued"),
        "interrupted": StatusLook("stop-circle", _tr("interrupted"), "interrupted"),
        "skipped": StatusLook("skip-forward-circle", _tr("skipped"), "skipped"),
        "timeout": StatusLook("timer", _tr("timeout"), "timeout"),
    }
    return looks.get(status or "", StatusLook("circle", status or "—", "text_muted"))


# The trigger chips of the workflows table: icon per trigger.
TRIGGER_ICONS = {"manual": "hand-pointing", "schedule": "clock", "webhook": "lightning", "api": "code",
                 "cli": "terminal", "catchup": "clock-counter-clockwise", "rerun": "arrows-clockwise"}
