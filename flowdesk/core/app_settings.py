"""User settings shared by the app and ``serve``: ``settings.json`` in the data dir, written atomically.

A dataclass with explicit checks rather than a pydantic model: the app reads this file before its
window paints, and importing pydantic there cost ~100 ms of start-up (workflow and tool configs
are still validated with pydantic, on the core thread).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from flowdesk.core.atomic_files import write_json_atomic

log = logging.getLogger(__name__)
SETTINGS_FILENAME = "settings.json"
LANGUAGES = ("system", "en", "fr")
THEMES = ("system", "light", "dark")


class SettingsError(ValueError):
    """A settings value of the wrong type or out of range, naming the key."""


def _check_int(key: str, value: Any, low: int, high: int | None, optional: bool) -> int | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(f"{key}: expected a whole number, got {value!r}")
    if value < low or (high is not None and value > high):
        raise SettingsError(f"{key}: must be between {low} and {high}" if high is not None else f"{key}: must be at least {low}")
    return value


def _check_bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SettingsError(f"{key}: expected true or false, got {value!r}")
    return value


@dataclass
class AppSettings:
    """What the Settings dialog edits; unknown keys from newer versions are kept in ``extra``."""

    workspace: str | None = None  # empty = the default resolution
    port: int = 8000
    start_minimised: bool = False
    notifications: bool = True
    retention_days: int | None = 90
    retention_runs: int | None = None
    start_at_login: bool = False
    theme: str = "system"  # the window's palette: system (follow the OS), light or dark
    language: str = "system"  # the window's and the CLI's language: system (the OS locale), en or fr
    editor_command: str | None = None  # opens traceback links: "code -g {file}:{line}"; empty = $VISUAL/$EDITOR, found
    notify_success: list[str] = field(default_factory=list)  # workflows that also notify when a run succeeds
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.workspace is not None and not isinstance(self.workspace, str):
            raise SettingsError(f"workspace: expected a folder path, got {self.workspace!r}")
        self.port = _check_int("port", self.port, 0, 65535, False)  # type: ignore[assignment]
        self.retention_days = _check_int("retention_days", self.retention_days, 1, None, True)
        self.retention_runs = _check_int("retention_runs", self.retention_runs, 1, None, True)
        for key in ("start_minimised", "notifications", "start_at_login"):
            setattr(self, key, _check_bool(key, getattr(self, key)))
        if self.theme not in THEMES:
            raise SettingsError(f"theme: expected one of {', '.join(THEMES)}, got {self.theme!r}")
        if self.language not in LANGUAGES:
            raise SettingsError(f"language: expected one of {', '.join(LANGUAGES)}, got {self.language!r}")
        if self.editor_command is not None and not isinstance(self.editor_command, str):
            raise SettingsError(f"editor_command: expected a command line, got {self.editor_command!r}")
        if not isinstance(self.notify_success, list) or not all(isinstance(w, str) for w in self.notify_success):
            raise SettingsError(f"notify_success: expected a list of workflow names, got {self.notify_success!r}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AppSettings:
        """Validate a dict read from JSON; unknown keys go to ``extra``."""
        if not isinstance(data, dict):
            raise SettingsError("top level must be an object")
        known = {f.name for f in fields(cls)} - {"extra"}
        return cls(**{k: v for k, v in data.items() if k in known},
                   extra={k: v for k, v in data.items() if k not in known})

    def to_dict(self) -> dict[str, Any]:
        """The JSON object written to disk (unknown keys kept)."""
        data = asdict(self)
        extra = data.pop("extra")
        return {**extra, **data}


def settings_path(data_dir: Path) -> Path:
    """Where the settings live."""
    return data_dir / SETTINGS_FILENAME


def load_app_settings(data_dir: Path) -> AppSettings:
    """The saved settings, or defaults (a broken file is reported in the log and ignored)."""
    path = settings_path(data_dir)
    try:
        return AppSettings.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return AppSettings()
    except (json.JSONDecodeError, SettingsError, TypeError, OSError) as exc:
        log.warning("%s: ignored, using defaults: %s", path, exc)
        return AppSettings()


def save_app_settings(data_dir: Path, settings: AppSettings) -> None:
    """Write the settings atomically."""
    data_dir.mkdir(parents=True, exist_ok=True)
    write_json_atomic(settings_path(data_dir), settings.to_dict())
