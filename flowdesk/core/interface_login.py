"""Signing a plain browser in to a running FlowDesk with a one-time ticket (``flowdesk open``, the window).

The browser gets ``/auth/login?ticket=T&next=/route/``: the listener trades the ticket (256
random bits, single use, 60 seconds) for a session cookie and redirects, so the API token
never reaches a URL, the browser's history or a bookmark; bookmarks of the interface work
afterwards through the cookie. A process other than the service (the CLI) asks the running
service for a ticket with the API token (``POST /auth/ticket``); the window mints one in process.
Kept free of Qt and aiohttp, and ``requests`` is imported only when a service is asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flowdesk.core.api_token import chosen_token, token_path
from flowdesk.core.errors import FlowDeskError
from flowdesk.core.instance_lock import InstanceLock
from flowdesk.core.workspace import Workspace

TICKET_PATH = "/auth/ticket"
TIMEOUT = 10.0


def login_url(base: str, ticket: str, route: str) -> str:
    """``/auth/login`` URL that trades a one-time ticket for a session cookie and lands on ``route/``."""
    target = route.rstrip("/") + "/"
    return f"{base}/auth/login?ticket={quote(ticket, safe='')}&next={quote(target, safe='/')}"


@dataclass(frozen=True)
class RunningService:
    """The service holding a data dir's lock: where it listens and the API token it answers to."""

    url: str
    token: str


def running_service(data_dir: Path) -> RunningService:
    """The live service of ``data_dir`` (its lock file names its URL); FlowDeskError when none runs."""
    holder = InstanceLock.for_data_dir(data_dir).holder()
    pid, url = holder.get("pid"), holder.get("url")
    from flowdesk.core.store.owner import pid_alive  # late: only this command needs it

    if not (isinstance(pid, int) and pid_alive(pid) and isinstance(url, str) and url):
        raise FlowDeskError(f"FlowDesk is not running on data dir {data_dir}: start it with `flowdesk serve` "
                            "or the app, then try again")
    workspace = holder.get("workspace")
    env_file = Workspace(Path(workspace)).env_file if isinstance(workspace, str) and workspace else None
    # The token the service uses: FLOWDESK_API_TOKEN (environment, then its workspace's config/.env), else the file.
    token = chosen_token(env_file)
    if not token:
        try:
            token = token_path(data_dir).read_text(encoding="utf-8").strip()
        except OSError:
            token = ""
    if not token:
        raise FlowDeskError(f"no API token found for the service on {url} (FLOWDESK_API_TOKEN or {token_path(data_dir)})")
    return RunningService(url.rstrip("/"), token)


def _call(service: RunningService, method: str, path: str) -> Any:
    import requests

    try:
        response = requests.request(method, service.url + path, timeout=TIMEOUT, allow_redirects=False,
                                    headers={"Authorization": f"Bearer {service.token}", "Accept": "application/json"})
    except requests.RequestException as exc:
        raise FlowDeskError(f"cannot reach FlowDesk at {service.url}: {exc}") from None
    if response.status_code == 401:
        raise FlowDeskError(f"FlowDesk at {service.url} refused the API token (was it changed since the start?)")
    if response.status_code >= 400:
        raise FlowDeskError(f"FlowDesk at {service.url} answered {response.status_code} to {path}: {response.text[:200]}")
    return response.json()


def interface_route(service: RunningService, name: str) -> str:
    """The route of the interface called ``name`` (folder or display name) in the service's workspace."""
    interfaces = _call(service, "GET", "/api/interfaces")
    for item in interfaces:
        if name in (item.get("name"), item.get("display_name")):
            if item.get("broken"):
                raise FlowDeskError(f"interface {item['name']!r} is broken: {item.get('error')}")
            return str(item["route"])
    names = ", ".join(sorted(str(i.get("name")) for i in interfaces)) or "none"
    raise FlowDeskError(f"no interface {name!r} (interfaces: {names})")


def signed_in_url(service: RunningService, route: str) -> str:
    """A one-time login URL for ``route`` (``/`` is the dashboard), minted by the service."""
    return login_url(service.url, _call(service, "POST", TICKET_PATH)["ticket"], route)
