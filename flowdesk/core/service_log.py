"""The service's log: stderr plus a rotating ``logs/flowdesk.log`` in the data dir, owner-only, terminal-safe."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import IO

from flowdesk.core.private_files import LOG_DIR_NAME, make_private_dir, open_private_append
from flowdesk.core.terminal_text import TerminalSafeFormatter

LOG_FILENAME = "flowdesk.log"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_BYTES = 5_000_000
BACKUP_COUNT = 5


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """A RotatingFileHandler whose files (the current one and each new one after a rollover) are 0600."""

    def _open(self) -> IO[str]:
        return open_private_append(Path(self.baseFilename), encoding=self.encoding, errors=self.errors)


def setup_service_logging(data_dir: Path, verbose: bool) -> Path:
    """Log to stderr and to ``<data dir>/logs/flowdesk.log`` (rotated, owner-only); returns the file's path."""
    log_dir = make_private_dir(Path(data_dir) / LOG_DIR_NAME)
    path = log_dir / LOG_FILENAME
    # Log lines quote workflow names, messages and errors; the file is read with tail -f in a terminal too.
    fmt = TerminalSafeFormatter(LOG_FORMAT)
    file_handler = PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    file_handler.setFormatter(fmt)
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(fmt)
    root = logging.getLogger()
    root.handlers[:] = [stream, file_handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    for noisy in ("apscheduler", "watchfiles", "aiohttp.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
