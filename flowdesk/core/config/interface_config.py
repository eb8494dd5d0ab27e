"""``InterfaceConfig``: an HTML interface's ``config.json`` (name, route, icon, workflows it calls)."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, WithJsonSchema, field_validator

from flowdesk.core.config.base import ConfigModel

ROUTE_PATTERN = r"^/[A-Za-z0-9._~/-]*$"
_ROUTE_RE = re.compile(ROUTE_PATTERN)
# The listener's own paths: an interface mounted there would shadow them.
RESERVED_PREFIXES = ("api", "oauth", "health")


class InterfaceConfig(ConfigModel):
    """An interface folder's ``config.json``; ``route`` defaults to ``/<folder name>``."""

    name: str | None = None
    display_name: str | None = None
    description: str | None = None
    route: Annotated[str | None, WithJsonSchema({"type": "string", "pattern": ROUTE_PATTERN})] = Field(
        None, description="URL path the interface is served at, e.g. /crm.")
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

    def resolved_route(self, slug: str) -> str:
        """The route to serve at: ``route``, else ``/<slug>`` (the interface's folder name)."""
        return self.route or f"/{slug}"

    @property
    def title(self) -> str | None:
        """Human name: ``display_name``, else ``name``."""
        return self.display_name or self.name
