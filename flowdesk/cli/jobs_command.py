"""``flowdesk jobs``: scheduled workflows with next and last run (works whether or not ``serve`` runs)."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

from flowdesk.cli.runtime_context import open_store_from, workspace_from
from flowdesk.cli.table_output import print_json, print_table, short_time
from flowdesk.core.cron import CronError, CronSchedule, describe_cron
from flowdesk.core.instance_lock import InstanceLock
from flowdesk.core.registry import Registry
from flowdesk.core.store.records import iso
from flowdesk.core.workspace import resolve_data_dir
from flowdesk.core.translatable import translatable
from flowdesk.i18n.cli_text import cli_language, shown, status_word, translate


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``jobs`` sub-command."""
    p = sub.add_parser("jobs", parents=[common], help=translate("cli", "scheduled workflows with next_run / last_run"))
    p.add_argument("--json", action="store_true", help=translate("cli", "machine-readable output"))
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    """Next fire times come from the same croniter code the scheduler uses, so they agree."""
    registry = Registry(workspace_from(args))
    registry.reload()
    data_dir = resolve_data_dir(args.data_dir)
    store = open_store_from(args)
    holder = InstanceLock.for_data_dir(data_dir).holder()
    paused = bool(store.get_setting("scheduler_paused", False))
    now = datetime.now(timezone.utc)
    jobs, errors = [], []
    for slug, entry in sorted(registry.workflows.items()):
        c = entry.config
        if entry.broken or c is None or not c.is_scheduled:
            continue
        try:
            schedule = CronSchedule.parse(c.schedule, c.timezone)
        except CronError as exc:
            errors.append(translatable("Scheduler", "{path}: schedule: {reason}", path=str(entry.config_path),
                                       reason=exc.args[0] if len(exc.args) == 1 else str(exc)))
            continue
        state = store.get_job_state(slug)
        jobs.append({
            "id": slug, "workflow_name": slug, "workflow_display_name": entry.display_name,
            "cron_expression": schedule.expression, "timezone": str(schedule.timezone),
            "description": describe_cron(schedule.expression), "active": c.active and not paused,
            "next_run": iso(schedule.next_after(now)) if c.active else None,
            "last_run": iso(state.last_run) if state else None,
            "last_status": state.last_status if state else None, "workflow_active": c.active,
        })
    store.close()
    if args.json:
        print_json(jobs)
        return 0
    language, inactive = cli_language(), translate("cli", " (inactive)")
    print_table([translate("cli", "workflow"), translate("cli", "schedule"), translate("cli", "in words"),
                 translate("cli", "timezone"), translate("cli", "next run"), translate("cli", "last run"),
                 translate("cli", "last status")], [
        [j["workflow_name"] + ("" if j["workflow_active"] else inactive), j["cron_expression"],
         j["description"] if language == "en" else describe_cron(j["cron_expression"], language),
         j["timezone"], short_time(datetime.fromisoformat(j["next_run"])) if j["next_run"] else "",
         short_time(datetime.fromisoformat(j["last_run"])) if j["last_run"] else "",
         status_word(j["last_status"]) if j["last_status"] else ""]
        for j in jobs])
    state = (translate("cli", "running (pid %1, %2)").replace("%1", str(holder.get("pid")))
             .replace("%2", str(holder.get("url", ""))) if _alive(holder) else translate("cli", "not running"))
    print("\n" + translate("cli", "Scheduler: %1").replace("%1", state + (translate("cli", ", paused") if paused else "")))
    for line in errors:
        print(translate("cli", "error: %1").replace("%1", shown(line)))
    return 0


def _alive(holder: dict) -> bool:
    from flowdesk.core.store.owner import pid_alive

    pid = holder.get("pid")
    return isinstance(pid, int) and pid_alive(pid)
