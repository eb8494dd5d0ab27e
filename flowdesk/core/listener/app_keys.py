"""Typed keys of what the listener's aiohttp application carries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from flowdesk.core.listener.limits import ListenerLimits

if TYPE_CHECKING:
    from flowdesk.core.runtime import Runtime

RUNTIME: web.AppKey[Runtime] = web.AppKey("runtime")
API_TOKEN: web.AppKey[str] = web.AppKey("api_token", str)
MAX_BODY: web.AppKey[int] = web.AppKey("max_body", int)
ALLOWED_HOSTS: web.AppKey[set[str]] = web.AppKey("allowed_hosts", set)
LIMITS: web.AppKey[ListenerLimits] = web.AppKey("limits", ListenerLimits)
