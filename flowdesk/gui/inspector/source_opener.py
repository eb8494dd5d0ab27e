"""Open a workspace file at a line in the user's editor (Settings ▸ editor command, $VISUAL/$EDITOR, or one found)."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from flowdesk.core.editor_launch import editor_command
from flowdesk.gui.qt import QDesktopServices, QUrl

log = logging.getLogger(__name__)


def open_source(path: Path, line: int, configured: str | None = None) -> list[str] | None:
    """Start the editor on ``path`` at ``line`` (detached); without one, the system opens the file. Returns the argv used."""
    argv = editor_command(path, line, configured)
    if argv is None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return None
    try:
        # A new session: the editor outlives FlowDesk and never gets its terminal's signals.
        subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    except OSError as exc:
        log.warning("could not start the editor %s: %s", argv[0], exc)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        return None
    return argv
