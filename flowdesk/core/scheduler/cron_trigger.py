"""An APScheduler trigger whose fire times come from croniter (standard cron), not CronTrigger."""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.triggers.base import BaseTrigger

from flowdesk.core.cron import CronSchedule


class CroniterTrigger(BaseTrigger):
    """Fires at ``CronSchedule.next_after``: what the UI shows as next_run is what fires.

    APScheduler 3's ``CronTrigger.from_crontab`` reads day-of-week 0 as Monday and ANDs
    day-of-month with day-of-week; standard (Vixie) cron does neither.
    """

    def __init__(self, schedule: CronSchedule) -> None:
        self.schedule = schedule

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        """Next fire time after the previous one (first time: at or after ``now``)."""
        return self.schedule.next_after(previous_fire_time or now - timedelta(microseconds=1))

    def __str__(self) -> str:
        return f"cron[{self.schedule.expression}]"

    def __repr__(self) -> str:
        return f"<CroniterTrigger {self.schedule.expression!r} tz={self.schedule.timezone}>"
