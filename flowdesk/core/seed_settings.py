"""``from config.config import settings`` for seed code: the seed's settings fields, filled from FlowDesk.

The seed platform kept a pydantic-settings ``Settings`` object in ``config/config.py`` with
``app_name``, ``host``, ``port``, ``version``, ``dev_base_url``, ``prod_base_url`` and
``debug``, read from ``config/.env``. FlowDesk serves the same object: each field comes from
the process environment, then the workspace's ``config/.env`` (``APP_NAME``, ``PORT``...,
any case), then FlowDesk's own values: its name and version, and the address of the running
listener (``FLOWDESK_LISTENER_URL``, which the service hands to its workers; else the
default ``127.0.0.1:8000``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError

from flowdesk import __version__
from flowdesk.core.env_file import read_env_file
from flowdesk.core.service_settings import DEFAULT_HOST, DEFAULT_PORT

SEED_FIELDS = ("app_name", "host", "port", "version", "dev_base_url", "prod_base_url", "debug")


class SeedSettingsError(ValueError):
    """A seed setting whose value has the wrong type; the message names where it was set."""


class Settings(BaseModel):
    """The seed's settings object (read-only attributes, like the seed's)."""

    model_config = ConfigDict(frozen=True, extra="allow")

    app_name: str = "FlowDesk"
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    version: str = __version__
    dev_base_url: str = f"http://localhost:{DEFAULT_PORT}"
    prod_base_url: str = f"http://localhost:{DEFAULT_PORT}"
    debug: bool = False


def _listener_defaults(environ: Mapping[str, str]) -> dict[str, Any]:
    """Host, port and base URLs of the listener FlowDesk runs (what the seed's own server was)."""
    url = (environ.get("FLOWDESK_LISTENER_URL") or "").strip().rstrip("/")
    parts = urlsplit(url) if url else None
    host = (parts.hostname if parts else None) or DEFAULT_HOST
    try:
        port = (parts.port if parts else None) or DEFAULT_PORT
    except ValueError:  # a malformed port in the variable: fall back rather than break every import
        port = DEFAULT_PORT
    base = url or f"http://localhost:{port}"
    return {"host": host, "port": port, "dev_base_url": base, "prod_base_url": base}


def _lookup(name: str, sources: list[tuple[str, Mapping[str, str]]]) -> tuple[str, str] | None:
    """The first non-empty value of ``NAME`` (or ``name``) and where it was set."""
    for where, mapping in sources:
        for key in (name.upper(), name):
            value = mapping.get(key)
            if value not in (None, ""):
                return str(value), where
    return None


def load_settings(workspace_root: Path | None, environ: Mapping[str, str] | None = None) -> Settings:
    """The settings for ``workspace_root``: environment, then ``config/.env``, then FlowDesk's values."""
    environ = os.environ if environ is None else environ
    sources: list[tuple[str, Mapping[str, str]]] = [("environment", environ)]
    env_file = workspace_root / "config" / ".env" if workspace_root is not None else None
    if env_file is not None:
        sources.append((str(env_file), read_env_file(env_file)))
    values: dict[str, Any] = _listener_defaults(environ)
    where: dict[str, str] = {}
    for name in SEED_FIELDS:
        found = _lookup(name, sources)
        if found is not None:
            values[name], where[name] = found
    if "port" in where and not {"dev_base_url", "prod_base_url"} & set(where):
        # The seed derived its URLs from the port it served on; keep them consistent with PORT.
        values["dev_base_url"] = values["prod_base_url"] = f"http://localhost:{values['port']}"
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            field = str(error["loc"][0]) if error["loc"] else "?"
            origin = where.get(field, "FlowDesk default")
            problems.append(f"{origin}: {field.upper()}: {error['msg']} (got {values.get(field)!r})")
        raise SeedSettingsError("; ".join(problems)) from None
