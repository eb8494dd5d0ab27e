"""Search providers: how to ask each documented API and how to read its results as ``{title, url, snippet}``.

* ``brave``   – Brave Search API, ``GET /res/v1/web/search``, header ``X-Subscription-Token``.
* ``serpapi`` – SerpApi (Google results), ``GET /search.json?engine=google``, ``api_key`` parameter.
* ``tavily``  – Tavily, ``POST /search`` with a JSON body, ``Authorization: Bearer tvly-...``.
* ``searxng`` – a SearXNG instance (self-hosted, no key), ``GET /search?format=json``; the
  instance must list ``json`` under ``search.formats`` in its settings.yml (else HTTP 403).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flowdesk.tools.api_errors import ApiError

_TAGS = re.compile(r"<[^>]+>")


def clean(text: Any) -> str:
    """A snippet without the ``<strong>`` highlighting some providers put in, entities decoded."""
    return " ".join(html.unescape(_TAGS.sub("", str(text or ""))).split())


@dataclass(frozen=True)
class SearchRequest:
    """One HTTP call to a provider."""

    method: str
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    json: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Provider:
    """A search API: its default base URL, whether it needs a key, how to ask and how to read."""

    name: str
    default_base_url: str | None
    needs_key: bool
    request: Callable[[str, int, Mapping[str, Any], str | None], SearchRequest]
    results: Callable[[Any], list[dict[str, Any]]]


def _brave_request(query: str, count: int, opts: Mapping[str, Any], key: str | None) -> SearchRequest:
    params = {"q": query, "count": min(count, 20), "country": opts.get("country"),
              "search_lang": opts.get("language"), "safesearch": opts.get("safe_search"),
              "freshness": opts.get("freshness")}
    return SearchRequest("GET", "res/v1/web/search", {k: v for k, v in params.items() if v},
                         headers={"X-Subscription-Token": key or ""})


def _brave_results(body: Any) -> list[dict[str, Any]]:
    web = body.get("web") if isinstance(body, Mapping) else None
    if not isinstance(web, Mapping) or not isinstance(web.get("results"), list):
        if isinstance(body, Mapping) and body.get("type") == "search":
            return []  # a query with no web results has no "web" section at all
        raise ApiError("Brave Search: answer has no web.results list", code="bad_response")
    return [{"title": clean(r.get("title")), "url": r.get("url"), "snippet": clean(r.get("description")),
             "age": r.get("age")} for r in web["results"] if isinstance(r, Mapping) and r.get("url")]


def _serpapi_request(query: str, count: int, opts: Mapping[str, Any], key: str | None) -> SearchRequest:
    params = {"engine": "google", "q": query, "num": min(count, 100), "api_key": key,
              "hl": opts.get("language"), "gl": (opts.get("country") or "").lower() or None,
              "safe": "active" if opts.get("safe_search") == "strict" else None}
    return SearchRequest("GET", "search.json", {k: v for k, v in params.items() if v})


def _serpapi_results(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, Mapping) and body.get("error") and not body.get("organic_results"):
        if "hasn't returned any results" in str(body["error"]):
            return []
        raise ApiError(f"SerpApi: {body['error']}", code="provider_error")
    items = body.get("organic_results") if isinstance(body, Mapping) else None
    return [{"title": clean(r.get("title")), "url": r.get("link"), "snippet": clean(r.get("snippet")),
             "position": r.get("position")} for r in items or [] if isinstance(r, Mapping) and r.get("link")]


def _tavily_request(query: str, count: int, opts: Mapping[str, Any], key: str | None) -> SearchRequest:
    body = {"query": query, "max_results": min(count, 20), "search_depth": opts.get("search_depth") or "basic"}
    if opts.get("freshness") in ("day", "week", "month", "year"):
        body["time_range"] = opts["freshness"]
    return SearchRequest("POST", "search", json=body, headers={"Authorization": f"Bearer {key or ''}"})


def _tavily_results(body: Any) -> list[dict[str, Any]]:
    items = body.get("results") if isinstance(body, Mapping) else None
    if not isinstance(items, list):
        raise ApiError("Tavily: answer has no results list", code="bad_response")
    return [{"title": clean(r.get("title")), "url": r.get("url"), "snippet": clean(r.get("content")),
             "score": r.get("score")} for r in items if isinstance(r, Mapping) and r.get("url")]


def _searxng_request(query: str, count: int, opts: Mapping[str, Any], key: str | None) -> SearchRequest:
    safe = {"off": 0, "moderate": 1, "strict": 2}.get(str(opts.get("safe_search") or ""), None)
    time_range = opts.get("freshness") if opts.get("freshness") in ("day", "month", "year") else None
    params = {"q": query, "format": "json", "language": opts.get("language"), "safesearch": safe,
              "time_range": time_range}
    headers = {"Authorization": f"Bearer {key}"} if key else {}  # for instances behind an auth proxy
    return SearchRequest("GET", "search", {k: v for k, v in params.items() if v is not None}, headers=headers)


def _searxng_results(body: Any) -> list[dict[str, Any]]:
    items = body.get("results") if isinstance(body, Mapping) else None
    if not isinstance(items, list):
        raise ApiError("SearXNG: answer has no results list (is format=json enabled?)", code="bad_response")
    return [{"title": clean(r.get("title")), "url": r.get("url"), "snippet": clean(r.get("content")),
             "engine": r.get("engine")} for r in items if isinstance(r, Mapping) and r.get("url")]


PROVIDERS: dict[str, Provider] = {
    "brave": Provider("brave", "https://api.search.brave.com", True, _brave_request, _brave_results),
    "serpapi": Provider("serpapi", "https://serpapi.com", True, _serpapi_request, _serpapi_results),
    "tavily": Provider("tavily", "https://api.tavily.com", True, _tavily_request, _tavily_results),
    "searxng": Provider("searxng", None, False, _searxng_request, _searxng_results),
}
