"""User settings shared by the app and ``serve``: ``settings.json`` in the data dir, written atomically."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from flowdesk.core.atomic_files import write_json_atomic

log = logging.getLogger(__name__)
SETTINGS_FILENAME = "settings.json"


class AppSettings(BaseModel):
    """What the Settings dialog edits; unknown keys from newer versions are kept."""

    model_config = ConfigDict(extra="allow")

    workspace: str | None = Field(None, description="Workspace folder; empty = the default resolution")
    port: int = Field(8000, ge=0, le=65535)
    start_minimised: bool = False
    notifications: bool = True
    retention_days: int | None = Field(90, ge=1)
    retention_runs: int | None = Field(None, ge=1)
    start_at_login: bool = False


def settings_path(data_dir: Path) -> Path:
    """Where the settings live."""
    return data_dir / SETTINGS_FILENAME


def load_app_settings(data_dir: Path) -> AppSettings:
    """The saved settings, or defaults (a broken file is reported in the log and ignored)."""
    path = settings_path(data_dir)
    try:
        return AppSettings.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return AppSettings()
    except (json.JSONDecodeError, ValidationError, OSError) as exc:
        log.warning("%s: ignored, using defaults: %s", path, exc)
        return AppSettings()


def save_app_settings(data_dir: Path, settings: AppSettings) -> None:
    """Write the settings atomically."""
    data_dir.mkdir(parents=True, exist_ok=True)
    write_json_atomic(settings_path(data_dir), settings.model_dump(mode="json"))
