"""ScheduledJob: one scheduled workflow as the API (seed job shape) and the window's Scheduler view show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flowdesk.core.store.records import iso


@dataclass
class ScheduledJob:
    """One scheduled workflow as the API and the UI show it."""

    workflow: str
    display_name: str
    cron_expression: str
    timezone: str
    description: str
    next_run: datetime | None
    last_run: datetime | None
    last_status: str | None
    workflow_active: bool
    paused: bool

    def to_dict(self) -> dict[str, Any]:
        """The seed's job shape plus timezone, description and last_status."""
        return {
            "id": self.workflow, "workflow_name": self.workflow, "workflow_display_name": self.display_name,
            "cron_expression": self.cron_expression, "timezone": self.timezone, "description": self.description,
            "active": not self.paused, "next_run": iso(self.next_run), "last_run": iso(self.last_run),
            "last_status": self.last_status, "workflow_active": self.workflow_active,
        }
