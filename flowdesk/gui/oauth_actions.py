"""Google OAuth connect and disconnect for one tool profile, run on the core thread (Qt-free)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from flowdesk.core.listener.oauth_routes import STATES
from flowdesk.core.oauth import OAuthError, build_target, redirect_uri_for, start_connect
from flowdesk.core.oauth.oauth_connect import DisconnectResult, disconnect

if TYPE_CHECKING:
    from flowdesk.core.runtime import Runtime
    from flowdesk.core.service import FlowDeskService


def start_google_connect(service: FlowDeskService, tool: str, profile: str) -> str:
    """The Google consent URL for ``tool``'s ``profile``; the listener's callback finishes the flow.

    The pending flow goes into the listener's own state store, so the browser goes straight
    to Google and the API token never appears in a URL or in the browser's history.
    """
    listener = service.listener
    if listener is None:
        raise OAuthError("FlowDesk is not listening yet; try again in a moment")
    rt = service.runtime
    target = build_target(rt.registry, rt.resolver, tool, profile)
    if target.provider != "google":
        raise OAuthError(f"{target.tool} uses the {target.provider} provider, not Google")
    url, _flow = start_connect(target, redirect_uri_for(listener.port), listener.app[STATES])
    return url


async def disconnect_profile(rt: Runtime, tool: str, profile: str) -> DisconnectResult:
    """Revoke the token at Google when possible and delete the token file (network: off the loop)."""
    target = build_target(rt.registry, rt.resolver, tool, profile)
    if not target.configured:
        raise OAuthError(f"{target.label} is not configured: set {', '.join(target.missing)}")
    return await asyncio.to_thread(disconnect, target)
