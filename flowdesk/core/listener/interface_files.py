"""Interfaces' static files, served from their src folder with no way out of it and no dot-files."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote

from aiohttp import web

from flowdesk.core.listener.app_keys import RUNTIME
from flowdesk.core.listener.http_errors import json_error
from flowdesk.core.registry import InterfaceEntry


def _match(request: web.Request) -> tuple[InterfaceEntry, str] | None:
    """The interface whose route prefixes the path (longest route first), and the rest of the path."""
    runtime = request.app[RUNTIME]
    path = request.path
    for entry in sorted(runtime.registry.interfaces.values(), key=lambda e: len(e.route), reverse=True):
        if entry.broken:
            continue
        route = entry.route.rstrip("/")
        if path == route or path.startswith(route + "/"):
            return entry, path[len(route):]
    return None


def _hidden(parts: tuple[str, ...] | list[str]) -> bool:
    """True when a path segment is a dot-file or dot-folder (``.env``, ``.git``, ``sub/.secret``)."""
    return any(p.startswith(".") for p in parts)


def safe_file(src_dir: Path, rest: str, *, within: Path | None = None) -> Path | None:
    """The file under ``src_dir`` named by ``rest``, or None if it would leave the folder or is hidden.

    ``rest`` is already percent-decoded by aiohttp; it is decoded once more so that double-encoded
    ``%252e%252e`` cannot slip through, and symlinks are resolved before the containment check.
    Dot-files and dot-folders are never served: they hold secrets (``.env``, ``.git/config``,
    ``.htpasswd``), also when reached through a link with an innocent name. ``within`` (the
    interface folder) must contain ``src_dir`` itself, so a src re-linked out after discovery
    serves nothing.
    """
    parts = [p for p in unquote(rest).replace("\\", "/").split("/") if p not in ("", ".")]
    if any(p == ".." or "\x00" in p for p in parts) or _hidden(parts):
        return None
    try:
        root = src_dir.resolve(strict=True)
        if within is not None:
            boundary = within.resolve(strict=True)
            if root != boundary and boundary not in root.parents:
                return None
        candidate = root.joinpath(*parts) if parts else root
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if resolved != root and root not in resolved.parents:
        return None
    if resolved.is_dir():
        resolved = resolved / "index.html"
        if not resolved.is_file():
            return None
    if _hidden(resolved.relative_to(root).parts):
        return None
    return resolved if resolved.is_file() else None


async def serve_interface(request: web.Request) -> web.StreamResponse:
    """``GET /{route}/...``: the interface file, ``index.html`` for folders."""
    found = _match(request)
    if found is None:
        return json_error(404, f"no route or interface at {request.path}")
    entry, rest = found
    if rest == "":
        raise web.HTTPFound(entry.route.rstrip("/") + "/" + (f"?{request.query_string}" if request.query_string else ""))
    target = safe_file(entry.src_dir, rest, within=entry.path)
    if target is None:
        return json_error(404, f"{request.path}: not found in interface {entry.slug}")
    content_type, _ = mimetypes.guess_type(target.name)
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    if content_type:
        headers["Content-Type"] = content_type
    return web.FileResponse(target, headers=headers)


DASHBOARD = "dashboard"


async def dashboard_redirect(request: web.Request) -> web.Response:
    """``GET /``: to the dashboard, the workspace's own ``dashboard`` interface or the built-in one, as the seed did."""
    entry = request.app[RUNTIME].registry.interfaces.get(DASHBOARD)
    route = entry.route if entry is not None and not entry.broken else f"/{DASHBOARD}"
    raise web.HTTPFound(route.rstrip("/") + "/")


def add_routes(app: web.Application) -> None:
    """``/`` (to the dashboard), then the catch-all route for interfaces, registered last so API routes win."""
    app.router.add_get("/", dashboard_redirect)
    app.router.add_get("/{tail:.*}", serve_interface)
