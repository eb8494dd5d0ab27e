"""``flowdesk check``: every fault of a workspace as one line, and credential gaps as warnings."""

from __future__ import annotations

from typing import Any

from flowdesk.core.errors import NotFound
from flowdesk.core.oauth import oauth_blocker
from flowdesk.core.profiles import ProfileResolver
from flowdesk.core.registry import Registry, WorkflowEntry
from flowdesk.core.run_service import tool_profiles
from flowdesk.core.registry.discovery import NO_EXECUTE
from flowdesk.core.translatable import translatable


def apply_probe(entry: WorkflowEntry, probe: Any) -> None:
    """Fold a worker's import probe into the entry: import errors break it, seed helpers fill gaps."""
    if not probe.ok:
        first_line = (probe.error or "cannot be imported").strip().splitlines()[0]
        entry.error = f"{entry.main_path}: {first_line}"
        return
    if not probe.has_execute:
        entry.error = NO_EXECUTE(path=str(entry.main_path))
        return
    if entry.needs_probe:
        entry.seed_inputs = probe.required_inputs if entry.seed_inputs is None else entry.seed_inputs
        entry.seed_profiles = probe.tools_profiles if entry.seed_profiles is None else entry.seed_profiles


def _schedule_error(entry: WorkflowEntry) -> str | None:
    config = entry.config
    if config is None or not config.schedule:
        return None
    from flowdesk.core.cron import CronError, parse_cron

    try:
        parse_cron(config.schedule)
    except CronError as exc:
        return translatable("Scheduler", "{path}: schedule: {reason}", path=str(entry.config_path),
                            reason=exc.args[0] if len(exc.args) == 1 else str(exc))
    return None


def _tool_warnings(registry: Registry, resolver: ProfileResolver, entry: WorkflowEntry) -> list[str]:
    warnings = []
    profiles = tool_profiles(entry)
    for name in entry.config.tools_required if entry.config else []:
        profile = profiles.get(name, "DEFAULT")
        where = f"{entry.config_path}: tools_required: {name}"
        try:
            tool = registry.tool(name)
        except NotFound as exc:
            warnings.append(f"{where}: {exc}")
            continue
        if tool.broken or tool.config is None:
            warnings.append(translatable("Registry", "{path}: tools_required: {tool}: the tool is broken",
                                         path=str(entry.config_path), tool=name))
            continue
        if profile.upper().startswith("INPUT_"):
            continue  # built from each run's input
        cfg = tool.config
        resolved = resolver.resolve(tool.slug, profile, cfg.required_params, cfg.optional_params,
                                    aliases=[a for a in (*tool.env_aliases, name) if a != tool.slug],
                                    secret_params=cfg.secret_params or ())
        if not resolved.available:
            warnings.append(translatable("Registry", "{path}: tools_required: {tool}: profile {profile} needs {missing}",
                                         path=str(entry.config_path), tool=name, profile=profile,
                                         missing=", ".join(resolved.missing)))
        elif cfg.is_oauth:
            blocked = oauth_blocker(registry, resolver)(tool.slug, profile)
            if blocked:
                warnings.append(f"{where}: {blocked}")
    return warnings


def check_workspace(
    registry: Registry, resolver: ProfileResolver, probe: dict[str, Any] | None
) -> tuple[list[str], list[str]]:
    """(errors, warnings) for the whole workspace; ``probe`` maps workflow slugs to import probes."""
    for slug, result in (probe or {}).items():
        if slug in registry.workflows:
            apply_probe(registry.workflows[slug], result)
    errors: list[str] = []
    warnings: list[str] = []
    for entry in registry.all_entries():
        if entry.broken:
            errors.append(entry.error or f"{entry.path}: broken")
    for entry in registry.workflows.values():
        if entry.broken:
            continue
        schedule_error = _schedule_error(entry)
        if schedule_error:
            errors.append(schedule_error)
        warnings.extend(_tool_warnings(registry, resolver, entry))
    for interface in registry.interfaces.values():
        if not interface.broken:
            warnings.extend(interface.warnings)  # e.g. no src/index.html: usable, but worth saying
    return errors, warnings
