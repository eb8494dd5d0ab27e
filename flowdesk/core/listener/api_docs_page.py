"""``/docs``: the API reference as one HTML page rendered from the OpenAPI document, offline and script-free.

The seed platform served FastAPI's Swagger UI at ``/docs``. FlowDesk renders its own page from
``openapi_document()`` on the server instead: it needs no CDN and no bundled JavaScript (the
Swagger UI packages on PyPI either ship a version that cannot read OpenAPI 3.1 or pull in a web
framework), it cannot drift from the real routes (the document is tested against the router),
and it runs no script at all, so a strict Content-Security-Policy holds. Like
``/api/openapi.json`` it is open: it says what the routes are, never what they hold.
"""

from __future__ import annotations

import html
from typing import Any

from aiohttp import web

from flowdesk.core.listener.openapi import openapi_document

METHOD_ORDER = ("get", "post", "put", "patch", "delete")
CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
STYLE = """
:root{color-scheme:light dark;font-family:system-ui,sans-serif}body{margin:1.5rem auto;max-width:70rem;padding:0 1rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #8884;
vertical-align:top}code{font-size:.95em}.m{font-weight:600;text-transform:uppercase;font-family:monospace}
.open{color:#16a34a;font-size:.85rem}.p{color:#888;font-size:.9rem}
"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _parameters(op: dict[str, Any]) -> str:
    parts = []
    for p in op.get("parameters", []):
        required = " (required)" if p.get("required") else ""
        parts.append(f"<code>{_e(p.get('name', ''))}</code> <span class=\"p\">{_e(p.get('in', ''))}{required}</span>")
    return "<br>".join(parts)


def operation_rows(document: dict[str, Any]) -> list[str]:
    """One ``<tr>`` per operation, by path then method."""
    rows = []
    for path in sorted(document.get("paths", {})):
        item = document["paths"][path]
        for method in sorted(item, key=lambda m: METHOD_ORDER.index(m) if m in METHOD_ORDER else 99):
            op = item[method]
            open_mark = ' <span class="open">no token needed</span>' if op.get("security") == [] else ""
            rows.append(f"<tr><td class=\"m\">{_e(method)}</td><td><code>{_e(path)}</code>{open_mark}</td>"
                        f"<td>{_e(op.get('summary', ''))}</td><td>{_parameters(op)}</td></tr>")
    return rows


def render_docs(document: dict[str, Any]) -> str:
    """The whole page for ``document``: every value escaped, no script."""
    info = document.get("info", {})
    title = f"{info.get('title', 'API')} {info.get('version', '')}".strip()
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{_e(title)}</title>"
        f"<style>{STYLE}</style></head>\n<body><h1>{_e(title)}</h1>"
        f"<p>{_e(info.get('description', ''))} Interfaces use their session cookie instead. Machine-readable: "
        "<a href=\"/api/openapi.json\">/api/openapi.json</a> (OpenAPI 3.1).</p>\n"
        "<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Parameters</th></tr></thead><tbody>\n"
        + "\n".join(operation_rows(document))
        + "\n</tbody></table></body></html>\n"
    )


async def docs(request: web.Request) -> web.Response:
    """``GET /docs``: the API reference page."""
    return web.Response(text=render_docs(openapi_document(request.app)), content_type="text/html",
                        headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                                 "Cache-Control": "no-cache"})


def add_routes(app: web.Application) -> None:
    """Register ``/docs`` (before the interfaces' catch-all)."""
    app.router.add_get("/docs", docs)
