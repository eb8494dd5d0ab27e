"""Fetching a web page (http/https only, size-capped) and keeping its readable text."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import requests

from flowdesk.tools.api_errors import ApiError, http_error, network_error, origin_of, parse_retry_after
from flowdesk.tools.base import ToolParamError
from flowdesk.tools.html_text import html_to_text
from flowdesk.tools.rest_client import USER_AGENT

MAX_DOWNLOAD = 5 * 1024 * 1024  # a page bigger than this is not an article
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_TEXTUAL = ("text/html", "application/xhtml+xml", "text/plain")


def check_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL; file:, ftp:, data: and relative URLs are refused."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise ToolParamError(f"url must be an absolute http:// or https:// URL, got {url!r}")
    return url.strip()


def _decode(raw: bytes, declared: str | None) -> str:
    charset = declared
    if not charset:
        found = _META_CHARSET.search(raw[:4096])
        charset = found.group(1).decode("ascii") if found else "utf-8"
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:
        return raw.decode("utf-8", errors="replace")


def fetch_page(url: str, *, timeout: float, max_chars: int) -> dict[str, Any]:
    """Title and text of the page at ``url`` (scripts, styles, nav, header, footer dropped)."""
    url = check_url(url)
    try:
        with requests.get(url, timeout=timeout, stream=True, allow_redirects=True,
                          headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml;q=0.9,"
                                                                       "text/plain;q=0.8"}) as response:
            if response.status_code >= 400:
                raise http_error(f"Page {origin_of(url)}", response.status_code, response.reason,
                                 retry_after=parse_retry_after(response.headers.get("Retry-After")))
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if content_type and content_type not in _TEXTUAL:
                raise ApiError(f"{url}: not a web page (Content-Type {content_type})", code="not_html")
            raw = bytearray()
            for chunk in response.iter_content(64 * 1024):
                raw.extend(chunk)
                if len(raw) > MAX_DOWNLOAD:
                    break
            final_url, status = response.url, response.status_code
            declared = response.encoding if "charset" in response.headers.get("Content-Type", "").lower() else None
    except requests.Timeout:
        raise ApiError(f"{origin_of(url)}: no answer within {timeout:g} s", code="timeout") from None
    except requests.RequestException as exc:
        raise network_error("Page", origin_of(url), exc) from None
    text = _decode(bytes(raw), declared)
    if content_type == "text/plain":
        title, body = None, text.strip()
    else:
        extracted = html_to_text(text, strip_boilerplate=True)
        title, body = extracted.title, extracted.text
    return {"url": url, "final_url": final_url, "status_code": status, "content_type": content_type or None,
            "title": title, "content": body[:max_chars], "length": len(body), "truncated": len(body) > max_chars}
