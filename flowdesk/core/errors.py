"""Exception types shared by the core; each names the file, field or request at fault."""

from __future__ import annotations

from pathlib import Path

from flowdesk.core.translatable import Translatable, translatable


class FlowDeskError(Exception):
    """Base class of every error the core raises on purpose."""


class ConfigError(FlowDeskError):
    """A config file that cannot be used, rendered as ``path: field: message``."""

    def __init__(self, path: Path | str | None, field: str | None, message: str) -> None:
        self.path = str(path) if path is not None else None
        self.field = field
        self.message = message
        super().__init__(self.render())

    def render(self) -> str:
        """The one-line form shown in the CLI, the GUI and the API (translatable when the message is)."""
        parts = [p for p in (self.path, self.field) if p]
        if not isinstance(self.message, Translatable):
            return ": ".join([*parts, self.message])
        if self.path and self.field:
            return translatable("Config", "{path}: {field}: {message}", path=self.path, field=self.field,
                                message=self.message)
        if parts:
            return translatable("Config", "{where}: {message}", where=parts[0], message=self.message)
        return self.message


class ConfigErrors(FlowDeskError):
    """Several ConfigError at once (one per bad field of one file)."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = errors
        rendered = [e.render() for e in errors]
        text = rendered[-1] if rendered else ""
        for earlier in reversed(rendered[:-1]):  # one line each, and each stays translatable
            text = translatable("Config", "{first}\n{rest}", first=earlier, rest=text)
        super().__init__(text)


class WorkspaceError(FlowDeskError):
    """The workspace folder is missing or is not a FlowDesk workspace."""


class NotFound(FlowDeskError):
    """A workflow, tool, interface or run that does not exist."""


class InputValidationError(FlowDeskError):
    """Run input that does not match the workflow's ``inputs_schema``."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class QueueFull(FlowDeskError):
    """The bounded run queue cannot take another run right now."""


class StoreUnavailable(QueueFull):
    """The run database cannot be reached right now (a PostgreSQL server down or restarting): try again shortly."""

    dropped_connection = False  # the failure broke this thread's connection, which was then let go


class WorkflowBroken(FlowDeskError):
    """The workflow's config cannot be loaded, so no run can be built from it."""


class TriggerNotAllowed(FlowDeskError):
    """The workflow's ``triggers`` do not include the way it was called."""


class WorkflowInactive(FlowDeskError):
    """The workflow is switched off (``active: false``)."""
