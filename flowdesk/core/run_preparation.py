"""Check a run request against the registry, the inputs schema and the tool profiles (a PreparedRun)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flowdesk.core.config import InputField
from flowdesk.core.engine import ToolSpec
from flowdesk.core.errors import NotFound, TriggerNotAllowed, WorkflowBroken, WorkflowInactive
from flowdesk.core.input_validation import mask_secrets, validate_inputs
from flowdesk.core.profiles import ProfileResolver, resolve_input_profile
from flowdesk.core.registry import Registry, WorkflowEntry
from flowdesk.core.secret_masking import mask_json
from flowdesk.core.run_messages import TOOL_BROKEN, TOOL_DISABLED, TOOL_MISSING
from flowdesk.core.request_refusals import TRIGGER_NOT_ALLOWED, WORKFLOW_CANNOT_LOAD, WORKFLOW_INACTIVE

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
    idempotency_key: str | None = None  # a delivery id: the same key within 24 h gives the same run


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


class RunPreparer:
    """Turns requests into PreparedRuns: the checks every front end shares, before a run is queued."""

    def __init__(self, registry: Registry, resolver: ProfileResolver, *,
                 disabled_tools: Callable[[], set[str]] = set,
                 tool_blocker: Callable[[str, str], str | None] | None = None) -> None:
        self.registry = registry
        self.resolver = resolver
        self.disabled_tools = disabled_tools
        self.tool_blocker = tool_blocker  # e.g. OAuth: "reconnect google_calendar (profile WORK)"

    def prepare(self, request: RunRequest) -> PreparedRun:
        """Validate a request; raises NotFound, WorkflowBroken, TriggerNotAllowed, WorkflowInactive, InputValidationError."""
        entry = self.registry.workflow(request.workflow)
        entry = self.registry.refresh_workflow(entry.slug)
        if entry.config is None:
            raise WorkflowBroken(entry.error or WORKFLOW_CANNOT_LOAD(name=repr(entry.slug)))
        config = entry.config
        if request.enforce_triggers:
            needed = TRIGGER_REQUIRES.get(request.trigger)
            if needed and needed not in config.triggers:
                raise TriggerNotAllowed(TRIGGER_NOT_ALLOWED(name=repr(entry.slug), trigger=repr(needed),
                                                            triggers=", ".join(config.triggers) or "none"))
            if not config.active:
                raise WorkflowInactive(WORKFLOW_INACTIVE(name=repr(entry.slug)))
        fields = input_fields(entry)
        data = validate_inputs(fields, request.data or {}, source=request.source)
        return self._with_tools(entry, request, data, mask_secrets(fields, data))

    def prepare_again(self, slug: str, trigger: str, data: dict[str, Any]) -> PreparedRun:
        """Rebuild a queued run read back from the store: its input was checked when it was accepted,
        its tools are resolved now (credentials may have changed while it waited)."""
        entry = self.registry.refresh_workflow(slug)
        if entry.config is None:
            raise WorkflowBroken(entry.error or WORKFLOW_CANNOT_LOAD(name=repr(entry.slug)))
        return self._with_tools(entry, RunRequest(slug, data, trigger=trigger), data, {})

    def _with_tools(self, entry: WorkflowEntry, request: RunRequest, data: dict[str, Any],
                    recorded: dict[str, Any]) -> PreparedRun:
        fields = input_fields(entry)
        prepared = PreparedRun(entry=entry, request=request, data=data, recorded_input=recorded)
        prepared.secrets = [str(data[f.name]) for f in fields if f.type == "password" and data.get(f.name)]
        self._build_tools(prepared)
        if prepared.secrets and recorded:
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
                prepared.skip_reason = prepared.skip_reason or TOOL_BROKEN(tool=repr(name), reason=tool.error)
                continue
            if tool.slug in disabled or not tool.config.enabled:
                prepared.skip_reason = prepared.skip_reason or TOOL_DISABLED(tool=repr(name))
                continue
            cfg = tool.config
            if profile.upper().startswith("INPUT_"):
                resolved = resolve_input_profile(profile, prepared.data, cfg.required_params, cfg.optional_params)
            else:
                resolved = self.resolver.resolve(
                    tool.slug, profile, cfg.required_params, cfg.optional_params,
                    aliases=[a for a in (*tool.env_aliases, name) if a != tool.slug],
                    secret_params=cfg.secret_params or (),
                )
            prepared.secrets.extend(resolved.secrets)
            if not resolved.available:
                missing = ", ".join(resolved.missing)
                prepared.skip_reason = prepared.skip_reason or TOOL_MISSING(tool=repr(name), profile=profile,
                                                                             missing=missing)
                continue
            blocked = self.tool_blocker(tool.slug, profile) if self.tool_blocker else None
            if blocked:
                prepared.skip_reason = prepared.skip_reason or blocked
                continue
            prepared.tools.append(ToolSpec(name=name, module=tool.module, class_name=tool.class_name,
                                           profile=profile, config=dict(resolved.values)))
