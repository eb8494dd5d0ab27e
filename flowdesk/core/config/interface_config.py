"""``InterfaceConfig``: an HTML interface's ``config.json`` (name, route, src folder, icon, workflows it calls)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, WithJsonSchema, field_validator

from flowdesk.core.config.base import ConfigModel
from flowdesk.core.translatable import translatable

ROUTE_PATTERN = r"^/[A-Za-z0-9._~/-]*$"
_ROUTE_RE = re.compile(ROUTE_PATTERN)
# The listener's own paths: an interface mounted there would shadow them.
RESERVED_PREFIXES = ("api", "oauth", "health")
DEFAULT_SRC = "src"
# "C:", "C:/x": a Windows drive path is absolute even when read on POSIX.
_DRIVE_RE = re.compile(r"^[A-Za-z]:")


class InterfaceConfig(ConfigModel):
    """An interface folder's ``config.json``; ``route`` defaults to ``/<folder name>``."""

    name: str | None = None
    display_name: str | None = None
    description: str | None = None
    route: Annotated[str | None, WithJsonSchema({"type": "string", "pattern": ROUTE_PATTERN})] = Field(
        None, description="URL path the interface is served at, e.g. /crm.")
    src: str | None = Field(None, description="Folder of the interface's files, relative to the interface folder "
                            "(default src); it must stay inside that folder.")
    icon: str | None = None
    workflows: list[str] = Field([], description="Names of the workflows this interface calls.")

    @field_validator("route")
    @classmethod
    def _safe_route(cls, value: str | None) -> str | None:
        if value is None:
            return None
        route = value.strip()
        if not route.startswith("/"):
            raise ValueError(translatable("Config", "'{value}' must start with /", value=value))
        segments = route.split("/")[1:]
        if any(s in (".", "..") for s in segments):
            raise ValueError(translatable("Config", "'{value}' must not contain . or .. segments", value=value))
        if not _ROUTE_RE.match(route):
            raise ValueError(translatable("Config", "'{value}' may only use letters, digits and - _ . ~ /", value=value))
        route = route.rstrip("/") or "/"
        if "//" in route:
            raise ValueError(translatable("Config", "'{value}' must not contain //", value=value))
        first = route.split("/")[1].lower()
        if first in RESERVED_PREFIXES:
            raise ValueError(translatable("Config", "'{value}' is reserved for FlowDesk's own routes (/{first})", value=value,
                                          first=first))
        return route

    @field_validator("src")
    @classmethod
    def _contained_src(cls, value: str | None) -> str | None:
        # Interface files are served without a token: a src leaving the folder would publish
        # config/.env or the user's home. Backslashes count as separators so a config written
        # on Windows is judged the same everywhere. Symlinks are checked by the registry.
        if value is None:
            return None
        text = value.strip().replace("\\", "/")
        if "\x00" in text:
            raise ValueError(translatable("Config", "{value} must not contain a NUL character", value=repr(value)))
        if text.startswith("/") or _DRIVE_RE.match(text):
            raise ValueError(translatable("Config", "'{value}' is an absolute path; give a folder inside the interface folder, e.g. src",
                                          value=value))
        segments = [s for s in text.split("/") if s not in ("", ".")]
        if ".." in segments:
            raise ValueError(translatable("Config", "'{value}' leads outside the interface folder (.. is not allowed)", value=value))
        hidden = [s for s in segments if s.startswith(".")]
        if hidden:
            raise ValueError(translatable("Config", "'{value}' names a hidden folder ({hidden}); hidden files are never served",
                                          value=value, hidden=hidden[0]))
        if not text:
            raise ValueError(translatable("Config", "must name a folder inside the interface folder, e.g. src"))
        return "/".join(segments) or "."

    @property
    def src_folder(self) -> str:
        """The files' folder relative to the interface folder: ``src`` unless configured."""
        return self.src or DEFAULT_SRC

    def resolved_route(self, slug: str) -> str:
        """The route to serve at: ``route``, else ``/<slug>`` (the interface's folder name)."""
        return self.route or f"/{slug}"

    @property
    def title(self) -> str | None:
        """Human name: ``display_name``, else ``name``."""
        return self.display_name or self.name
