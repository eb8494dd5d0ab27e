"""``InterfaceConfig``: an HTML interface's ``config.json`` (name, route, src folder, icon, workflows it calls)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, WithJsonSchema, field_validator

from flowdesk.core.config.base import ConfigModel

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
            raise ValueError(f"'{value}' must start with /")
        segments = route.split("/")[1:]
        if any(s in (".", "..") for s in segments):
            raise ValueError(f"'{value}' must not contain . or .. segments")
        if not _ROUTE_RE.match(route):
            raise ValueError(f"'{value}' may only use letters, digits and - _ . ~ /")
        route = route.rstrip("/") or "/"
        if "//" in route:
            raise ValueError(f"'{value}' must not contain //")
        first = route.split("/")[1].lower()
        if first in RESERVED_PREFIXES:
            raise ValueError(f"'{value}' is reserved for FlowDesk's own routes (/{first})")
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
            raise ValueError(f"{value!r} must not contain a NUL character")
        if text.startswith("/") or _DRIVE_RE.match(text):
            raise ValueError(f"'{value}' is an absolute path; give a folder inside the interface folder, e.g. src")
        segments = [s for s in text.split("/") if s not in ("", ".")]
        if ".." in segments:
            raise ValueError(f"'{value}' leads outside the interface folder (.. is not allowed)")
        hidden = [s for s in segments if s.startswith(".")]
        if hidden:
            raise ValueError(f"'{value}' names a hidden folder ({hidden[0]}); hidden files are never served")
        if not text:
            raise ValueError("must name a folder inside the interface folder, e.g. src")
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
