"""``WorkflowConfig``: a workflow's ``config.json`` (seed keys plus FlowDesk's scheduling and webhook keys)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ConfigDict, Field, field_validator, model_validator

from flowdesk.core.config.base import ConfigModel, FieldProblem
from flowdesk.core.config.input_field import InputField
from flowdesk.core.env_file import read_env_file
from flowdesk.core.translatable import translatable

Trigger = Literal["manual", "webhook", "schedule"]
TRIGGERS: tuple[str, ...] = get_args(Trigger)
DEFAULT_TRIGGERS: list[str] = ["manual"]

WebhookAuth = Literal["api", "token", "hmac", "public"]
DEFAULT_HEADERS = {"token": "X-FlowDesk-Token", "hmac": "X-FlowDesk-Signature"}
DEFAULT_TIMESTAMP_HEADER = "X-FlowDesk-Timestamp"
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class WebhookConfig(ConfigModel):
    """How ``POST /api/webhooks/<name>`` is authorised for this workflow.

    ``api`` (default): the API bearer token; ``token``: a shared secret sent in a header;
    ``hmac``: an HMAC-SHA256 signature of the body in a header; ``public``: no check.
    The secret is given inline (``secret``) or, better, as an environment variable name
    (``secret_env``), read from the environment, then ``config/.env``. With ``hmac``, URL
    parameters are not signed and so are not passed to the run; ``timestamp: true`` adds a
    signed Unix-seconds header and refuses deliveries older than 5 minutes or replayed.
    """

    # Unknown keys here are typos in security settings: refuse them rather than keep them.
    model_config = ConfigDict(extra="forbid")

    auth: WebhookAuth = "api"
    secret: str | None = None
    secret_env: str | None = Field(None, description="Name of the variable holding the secret.")
    header: str | None = Field(None, description="Defaults: X-FlowDesk-Token (token), X-FlowDesk-Signature (hmac).")
    timestamp: bool = Field(False, description=(
        "hmac only: require a Unix-seconds timestamp header, sign '<timestamp>.<body>', "
        "refuse deliveries more than 5 minutes old and replayed signatures."))
    timestamp_header: str | None = Field(None, description="Default: X-FlowDesk-Timestamp.")
    idempotency_field: str | None = Field(None, description=(
        "Top-level body field holding the sender's event id (e.g. 'id' for Stripe's evt_...): a delivery "
        "whose id was accepted in the last 24 h returns the first run. Idempotency-Key, X-GitHub-Delivery "
        "and the other common delivery-id headers are always honoured."))

    @field_validator("secret_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not _ENV_NAME_RE.match(value):
            raise ValueError(translatable("Config", "'{value}' is not a valid environment variable name", value=value))
        return value

    @model_validator(mode="after")
    def _secret_matches_auth(self) -> WebhookConfig:
        if self.secret is not None and self.secret_env is not None:
            raise FieldProblem("secret_env", translatable("Config", "give either secret or secret_env, not both"))
        if self.auth in ("token", "hmac") and not (self.secret or self.secret_env):
            raise FieldProblem("secret", translatable("Config", "auth '{auth}' needs a secret or a secret_env variable name",
                                                          auth=self.auth))
        if (self.timestamp or self.timestamp_header) and self.auth != "hmac":
            raise FieldProblem("timestamp", translatable("Config", "a signed timestamp needs auth 'hmac'"))
        return self

    @property
    def effective_header(self) -> str | None:
        """The header carrying the token or signature (None for ``api`` / ``public``)."""
        return self.header or DEFAULT_HEADERS.get(self.auth)

    @property
    def effective_timestamp_header(self) -> str | None:
        """The header carrying the signed timestamp (None unless ``timestamp`` is on)."""
        return (self.timestamp_header or DEFAULT_TIMESTAMP_HEADER) if self.timestamp else None

    def resolve_secret(self, environ: Mapping[str, str] | None = None, env_file: Path | None = None) -> str | None:
        """The secret: inline, else ``secret_env`` from ``environ`` (default ``os.environ``), then ``env_file``."""
        if self.secret is not None:
            return self.secret
        if self.secret_env is None:
            return None
        value = (os.environ if environ is None else environ).get(self.secret_env)
        if not value and env_file is not None:
            value = read_env_file(env_file).get(self.secret_env)  # same order as tool profiles
        return value or None


class WorkflowConfig(ConfigModel):
    """A workflow ``config.json``; every key is optional and unknown keys (``author``...) are kept.

    ``triggers`` defaults to ``["manual"]``: a webhook or a schedule must be listed to be
    allowed, as in the seed platform where ``schedule`` only runs when listed. Manual
    covers the desktop app, the CLI and the authenticated API run routes.
    """

    name: str | None = None
    description: str | None = None
    category: str | None = None
    schedule: str | None = Field(None, description="Cron expression; used when 'schedule' is in triggers.")
    triggers: list[Trigger] = Field(DEFAULT_TRIGGERS, description="How the workflow may be started.")
    tools_required: list[str] = []
    tool_profiles: dict[str, str] = Field({}, description="Tool -> PROFILE or INPUT_<FIELD>.")
    tools_profiles: dict[str, str] = Field({}, description="Same as tool_profiles (wins on conflict).")
    interface: str | None = None
    inputs_schema: list[InputField] = []
    active: bool = True
    timezone: str | None = Field(None, description="IANA time zone of the schedule; default the machine's.")
    timeout: float | None = Field(None, gt=0, description="Seconds before a run is stopped; default the app's.")
    max_instances: int = Field(1, ge=1, description="Runs of this workflow allowed at the same time.")
    retries: int = Field(0, ge=0, description="Extra attempts after a run that failed, timed out or was interrupted.")
    retry_delay: float = Field(0, ge=0, description="Seconds between a failed attempt and the next one.")
    catchup: Literal["skip", "once"] = Field("skip", description="Runs missed while the app was closed.")
    webhook: WebhookConfig = Field(default_factory=WebhookConfig)

    @field_validator("schedule", mode="before")
    @classmethod
    def _blank_schedule(cls, value: Any) -> Any:
        # The cron syntax itself is the scheduler's business; here only "" means "none".
        if isinstance(value, str):
            return value.strip() or None
        return value

    @field_validator("triggers", mode="before")
    @classmethod
    def _normalise_triggers(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return value
        out: list[Any] = []
        for item in value:
            key = item.strip().lower() if isinstance(item, str) else item
            if key not in TRIGGERS:
                raise ValueError(translatable("Config", "unknown trigger {trigger}; use {triggers}", trigger=repr(item),
                                              triggers=", ".join(TRIGGERS)))
            if key not in out:
                out.append(key)
        return out

    @field_validator("inputs_schema")
    @classmethod
    def _unique_input_names(cls, fields: list[InputField]) -> list[InputField]:
        seen: set[str] = set()
        for i, field in enumerate(fields):
            if field.name in seen:
                raise FieldProblem((i, "name"), translatable("Config", "duplicate input name '{name}'", name=field.name))
            seen.add(field.name)
        return fields

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(translatable("Config", "unknown time zone '{value}' (use an IANA name such as Europe/Paris)",
                                              value=value)) from None
        return value

    @property
    def profiles(self) -> dict[str, str]:
        """Tool -> profile, merging ``tool_profiles`` and ``tools_profiles`` (the latter wins)."""
        return {**self.tool_profiles, **self.tools_profiles}

    def set_profile(self, tool: str, profile: str) -> None:
        """Set a tool's profile in the spelling the file already uses (``tool_profiles`` for new files)."""
        if tool in self.tools_profiles or ("tools_profiles" in (self.raw or {}) and tool not in self.tool_profiles):
            self.tools_profiles = {**self.tools_profiles, tool: profile}
        else:
            self.tool_profiles = {**self.tool_profiles, tool: profile}

    @property
    def is_scheduled(self) -> bool:
        """True when a cron schedule is set and ``schedule`` is among the triggers."""
        return self.schedule is not None and "schedule" in self.triggers

    def allows(self, trigger: str) -> bool:
        """True when the workflow may be started by ``trigger`` (manual, webhook or schedule)."""
        return trigger in self.triggers

    def input_field(self, name: str) -> InputField | None:
        """The ``inputs_schema`` entry called ``name``, if any."""
        return next((f for f in self.inputs_schema if f.name == name), None)
