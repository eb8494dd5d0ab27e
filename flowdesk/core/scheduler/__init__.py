"""Cron schedules of active workflows, fired by APScheduler on croniter times."""

from flowdesk.core.scheduler.workflow_scheduler import ScheduledJob, WorkflowScheduler

__all__ = ["ScheduledJob", "WorkflowScheduler"]
