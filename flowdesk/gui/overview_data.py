"""What the Overview and the rail badges show, read on the core thread (Qt-free: plain dataclasses out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from flowdesk.core.store import overview_queries as oq
from flowdesk.gui.activity import Activity
from flowdesk.gui.i18n import core_text
from flowdesk.gui.qt import QCoreApplication
from flowdesk.gui.tool_status import ToolState, collect_tools

if TYPE_CHECKING:
    from flowdesk.core.runtime import Runtime

CHART_DAYS = 14


@dataclass
class NextFire:
    """One upcoming scheduled run."""

    workflow: str
    name: str
    at: datetime  # aware, in the workflow's zone
    zone: str


@dataclass
class CredentialIssue:
    """A tool profile a workflow uses that cannot work yet: ``kind`` is missing, connect, reconnect or expired."""

    tool: str
    tool_name: str
    profile: str
    kind: str
    detail: str
    used_by: list[str] = field(default_factory=list)


@dataclass
class OverviewData:
    """Everything on the Overview at one moment."""

    now: datetime
    today: oq.PeriodSummary
    week: oq.PeriodSummary
    days: list[date]
    per_day: list[dict[str, int]]
    next_fires: list[NextFire]
    failures: list[oq.FailureRow]
    scheduler_paused: bool = False


def read_activity(rt: Runtime, failures_seen_at: datetime | None) -> Activity:
    """Running and queued runs, and failures finished after ``failures_seen_at`` (core thread)."""
    running, queued = oq.active_counts(rt.store)
    return Activity(running, queued, oq.failures_since(rt.store, failures_seen_at))


def next_fires(rt: Runtime, now: datetime, count: int = 5) -> list[NextFire]:
    """The next ``count`` scheduled fires over every job (a frequent job may fill several places)."""
    scheduler = rt.scheduler
    if scheduler is None or scheduler.paused:
        return []
    fires: list[NextFire] = []
    for job in scheduler.jobs():
        schedule = scheduler.schedule_of(job.workflow)
        if schedule is None or job.paused:
            continue
        for at in schedule.next_times(count, after=now):
            fires.append(NextFire(job.workflow, job.display_name, at, job.timezone))
    return sorted(fires, key=lambda f: f.at)[:count]


def read_overview(rt: Runtime, now: datetime | None = None) -> OverviewData:
    """KPIs for today and 7 days, runs per day over 14 days, next fires, last failures (core thread)."""
    now = now or datetime.now(timezone.utc)
    days = oq.local_days(CHART_DAYS, now)
    today_start = days[-1][1]
    week_start = days[-7][1]
    scheduler = rt.scheduler
    return OverviewData(
        now=now,
        today=oq.period_summary(rt.store, today_start),
        week=oq.period_summary(rt.store, week_start),
        days=[d for d, _, _ in days],
        per_day=oq.runs_per_day(rt.store, days),
        next_fires=next_fires(rt, now),
        failures=oq.last_failures(rt.store, 5),
        scheduler_paused=bool(scheduler and scheduler.paused),
    )


def _tr(text: str) -> str:
    return QCoreApplication.translate("OverviewData", text)


def credential_issues(tools: list[ToolState]) -> list[CredentialIssue]:
    """Profiles used by a workflow that are incomplete, not connected, or need a reconnect."""
    issues = []
    for tool in tools:
        if tool.entry.broken or not tool.enabled:
            continue
        for p in tool.profiles:
            if not p.used_by or p.ready:
                continue
            oauth = p.oauth or {}
            if not p.configured:
                kind, detail = "missing", _tr("missing %1").replace("%1", ", ".join(p.missing)) if p.missing \
                    else _tr("incomplete")
            elif (oauth.get("token_present") and oauth.get("expires_at") and not oauth.get("valid")
                  and not oauth.get("refreshable") and not oauth.get("last_error") and not oauth.get("missing_scopes")):
                # Before the reconnect case, which every unusable token also meets: this one merely ran out.
                kind, detail = "expired", _tr("the access token expired")
            elif oauth.get("needs_reconnect") and "not connected yet" not in (oauth.get("reason") or ""):
                kind, detail = "reconnect", str(core_text(oauth.get("reason")) or _tr("the token no longer works"))
            else:
                kind, detail = "connect", _tr("not connected yet")
            issues.append(CredentialIssue(tool.slug, tool.entry.display_name, p.profile, kind, detail, list(p.used_by)))
    return issues


def read_credential_issues(rt: Runtime) -> list[CredentialIssue]:
    """Credential issues of every tool (reads config/.env and token files: call off the GUI thread)."""
    return credential_issues(collect_tools(rt))


__all__ = ["Activity", "CredentialIssue", "NextFire", "OverviewData", "credential_issues", "read_activity",
           "read_credential_issues", "read_overview"]
