"""Counts the status bar and the rail show: runs going on, and failures since the user last looked (Qt-free)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Activity:
    """Running and queued runs now, and runs failed since the last look at the Runs view."""

    running: int = 0
    queued: int = 0
    failures_unseen: int = 0
