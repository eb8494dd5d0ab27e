"""Turn a request (workflow name + raw input + trigger) into a validated, recorded, isolated run."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flowdesk.core.config import InputField
from flowdesk.core.engine import RunOutcome, RunSpec, ToolSpec
from flowdesk.core.errors import NotFound, QueueFull, TriggerNotAllowed, WorkflowBroken, WorkflowInactive
from flowdesk.core.input_validation import mask_secrets, validate_inputs
from flowdesk.core.profiles import ProfileResolver, resolve_input_profile
from flowdesk.core.registry import Registry, WorkflowEntry
from flowdesk.core.secret_masking import mask_json
from flowdesk.core.store import RunRecord, RunStore, new_run_id

# How each trigger is allowed by the workflow's ``triggers`` list; cli/gui runs are the owner's own click.
TRIGGER_REQUIRES = {"api": "manual", "manual": "manual", "webhook": "webhook", "schedule": "schedule", "catchup": "schedule"}


@dataclass
class RunRequest:
    """One request to run a workflow, from any front end."""

    workflow: str
    data: dict[str, Any] | None = None
    trigger: str = "manual"
    source: str = "json"  # how raw values are typed: json | query | cli | form
    enforce_triggers: bool = False  # HTTP and the scheduler honour ``triggers`` and ``active``
    parent_run_id: str | None = None
    attempt: int = 1


@dataclass
class PreparedRun:
    """A request checked against the registry, the inputs schema and the tool profiles."""

    entry: WorkflowEntry
    request: RunRequest
    data: dict[str, Any]
    recorded_input: dict[str, Any]
    tools: list[ToolSpec] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    profile_info: dict[str, str] = field(default_factory=dict)
    skip_reason: str | None = None


def input_fields(entry: WorkflowEntry) -> list[InputField]:
    """The workflow's inputs: ``inputs_schema``, else the seed's ``get_required_inputs()``."""
    if entry.config is not None and entry.config.inputs_schema:
        return list(entry.config.inputs_schema)
    if entry.seed_inputs:
        return [InputField.model_validate(f) for f in entry.seed_inputs if isinstance(f, dict)]
    return []


def tool_profiles(entry: WorkflowEntry) -> dict[str, str]:
    """Tool -> profile: config.json (either spelling), else the seed's ``get_tools_profiles()``."""
    if entry.config is not None and entry.config.profiles:
        return dict(entry.config.profiles)
    return dict(entry.seed_profiles or {})


class RunService:
    """Checks requests, builds RunSpecs, records runs in the store and hands them to the engine."""

    def __init__(
        self,
        registry: Registry,
        store: RunStore,
        engine: Any,
        resolver: ProfileResolver,
        *,
        disabled_tools: Callable[[], set[str]] = set,
        tool_blocker: Callable[[str, str], str | None] | None = None,
    ) -> None:
        self.registry = registry
        self.store = store
        self.engine = engine
        self.resolver = resolver
        self.disabled_tools = disabled_tools
        self.tool_blocker = tool_blocker  # e.g. OAuth: "reconnect google_calendar (profile WORK)"
        self.in_flight: Counter[str] = Counter()  # queued + running runs per workflow, for max_instances

    def prepare(self, request: RunRequest) -> PreparedRun:
        """Validate a request; raises NotFound, WorkflowBroken, TriggerNotAllowed, WorkflowInactive, InputValidationError."""
        entry = self.registry.workflow(request.workflow)
        entry = self.registry.refresh_workflow(entry.slug)
        if entry.config is None:
            raise WorkflowBroken(entry.error or f"workflow {entry.slug!r} cannot be loaded")
        config = entry.config
        if request.enforce_triggers:
            needed = TRIGGER_REQUIRES.get(request.trigger)
            if needed and needed not in config.triggers:
                raise TriggerNotAllowed(
                    f"workflow {entry.slug!r} does not allow the {needed!r} trigger (triggers: {', '.join(config.triggers) or 'none'})"
                )
            if not config.active:
                raise WorkflowInactive(f"workflow {entry.slug!r} is inactive")
        fields = input_fields(entry)
        data = validate_inputs(fields, request.data or {}, source=request.source)
        prepared = PreparedRun(entry=entry, request=request, data=data, recorded_input=mask_secrets(fields, data))
        prepared.secrets = [str(data[f.name]) for f in fields if f.type == "password" and data.get(f.name)]
        self._build_tools(prepared)
        if prepared.secrets:
            prepared.recorded_input = mask_json(prepared.recorded_input, prepared.secrets)
        return prepared

    def _build_tools(self, prepared: PreparedRun) -> None:
        """Resolve each required tool's profile; the first unavailable one becomes the skip reason."""
        profiles = tool_profiles(prepared.entry)
        disabled = self.disabled_tools()
        for name in prepared.entry.config.tools_required:
            profile = profiles.get(name, "DEFAULT")
            prepared.profile_info[name] = profile
            try:
                tool = self.registry.tool(name)
            except NotFound as exc:
                prepared.skip_reason = prepared.skip_reason or str(exc)
                continue
            if tool.broken or tool.config is None:
                prepared.skip_reason = prepared.skip_reason or f"tool {name!r} is broken: {tool.error}"
                continue
            if tool.slug in disabled or not tool.config.enabled:
                prepared.skip_reason = prepared.skip_reason or f"tool {name!r} is disabled"
                continue
            cfg = tool.config
            if profile.upper().startswith("INPUT_"):
                resolved = resolve_input_profile(profile, prepared.data, cfg.required_params, cfg.optional_params)
            else:
                resolved = self.resolver.resolve(
                    tool.slug, profile, cfg.required_params, cfg.optional_params,
                    aliases=[a for a in (*cfg.aliases, name) if a != tool.slug],
                    secret_params=cfg.secret_params or (),
                )
            prepared.secrets.extend(resolved.secrets)
            if not resolved.available:
                missing = ", ".join(resolved.missing)
                prepared.skip_reason = prepared.skip_reason or f"tool {name!r} (profile {profile}) is missing {missing}"
                continue
            blocked = self.tool_blocker(tool.slug, profile) if self.tool_blocker else None
            if blocked:
                prepared.skip_reason = prepared.skip_reason or blocked
                continue
            prepared.tools.append(ToolSpec(name=name, module=tool.module, class_name=tool.class_name,
                                           profile=profile, config=dict(resolved.values)))

    def submit(self, prepared: PreparedRun) -> tuple[str, asyncio.Future[RunRecord]]:
        """Record the run and queue it; returns its id and a future of the finished record (engine loop only).

        Raises QueueFull (nothing recorded) when the engine cannot take it.
        """
        run_id, done = self.submit_batch([prepared])[0]
        if done.done() and not done.cancelled() and isinstance(done.exception(), QueueFull):
            raise done.exception()
        return run_id, done

    def submit_batch(self, batch: list[PreparedRun], queued_at: datetime | None = None,
                     ) -> list[tuple[str, asyncio.Future[RunRecord]]]:
        """Record several runs in one transaction, then queue each (the scheduler fires jobs due together).

        A run the engine refuses is deleted again and its future fails with QueueFull.
        """
        loop = asyncio.get_running_loop()
        out: list[tuple[str, asyncio.Future[RunRecord]]] = []
        queued: list[tuple[str, asyncio.Future[RunRecord], PreparedRun]] = []
        for prepared in batch:
            req, entry = prepared.request, prepared.entry
            run_id, done = new_run_id(), loop.create_future()
            out.append((run_id, done))
            if prepared.skip_reason:
                done.set_result(self.store.record_skipped(run_id, entry.slug, req.trigger, prepared.recorded_input,
                                                          prepared.skip_reason))
            else:
                queued.append((run_id, done, prepared))
        # Recorded before the engine sees them, so each "started" event finds its row.
        self.store.create_many([
            {"run_id": run_id, "workflow": p.entry.slug, "trigger": p.request.trigger, "input": p.recorded_input,
             "queued_at": queued_at, "attempt": p.request.attempt, "parent_run_id": p.request.parent_run_id,
             "profile_info": p.profile_info}
            for run_id, _, p in queued])
        for run_id, done, prepared in queued:
            self._dispatch(run_id, done, prepared)
        return out

    def _dispatch(self, run_id: str, done: asyncio.Future[RunRecord], prepared: PreparedRun) -> None:
        entry = prepared.entry
        spec = RunSpec(run_id=run_id, workflow=entry.slug, workflow_dir=entry.path, data=prepared.data,
                       tools=prepared.tools, timeout=entry.config.timeout, secrets=prepared.secrets,
                       max_instances=entry.config.max_instances)
        try:
            outcome_future = self.engine.submit(spec)
        except QueueFull as exc:
            self.store.delete_run(run_id)  # refused work leaves no trace: the caller gets 429/503
            done.set_exception(exc)
            return
        self.in_flight[entry.slug] += 1
        outcome_future.add_done_callback(lambda f: self._finish(f, done, entry.slug))

    def _finish(self, outcome_future: asyncio.Future[RunOutcome], done: asyncio.Future[RunRecord], slug: str) -> None:
        self.in_flight[slug] -= 1
        if self.in_flight[slug] <= 0:
            del self.in_flight[slug]
        outcome = outcome_future.result()
        record = self.store.finish(
            outcome.run_id, outcome.status, outcome.finished_at, started_at=outcome.started_at,
            output=outcome.result, message=outcome.message, error=outcome.error, log=outcome.log,
            log_truncated=getattr(outcome, "log_truncated", False),
        )
        if not done.done():
            done.set_result(record if record is not None else self.store.get(outcome.run_id))

    async def run(self, request: RunRequest) -> RunRecord:
        """Prepare, submit and wait for one run."""
        _, done = self.submit(self.prepare(request))
        return await done

