"""Built-in ``web_search`` tool: web search through Brave, SerpApi, Tavily or SearXNG, and page text extraction."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flowdesk.tools.api_errors import ApiError, ApiResultsMixin
from flowdesk.tools.base import BaseTool, ToolParamError
from flowdesk.tools.params import config_number, int_in_range, optional_str, require_str
from flowdesk.tools.rest_client import RestClient
from flowdesk.tools.web_search.page_content import fetch_page
from flowdesk.tools.web_search.providers import PROVIDERS, Provider

_DISPLAY = {"brave": "Brave Search", "serpapi": "SerpApi", "tavily": "Tavily", "searxng": "SearXNG"}


class WebSearchTool(ApiResultsMixin, BaseTool):
    """``search`` through the profile's provider and ``get_page_content`` of any http(s) URL."""

    tool_name = "web_search"

    def authenticate(self) -> bool:
        """Check the provider name and base URL; a missing key is reported by ``search`` (pages need none)."""
        if not self.validate_config():
            self.authenticated = False
            return False
        name = str(self.config.get("provider") or "brave").strip().lower()
        if name not in PROVIDERS:
            return self.fail_auth(ApiError(f"web_search: unknown provider {name!r} (use one of "
                                           f"{', '.join(PROVIDERS)})", code="invalid_config"))
        base = optional_str(self.config, "base_url")
        if base and urlsplit(base).scheme not in ("http", "https"):
            return self.fail_auth(ApiError(f"web_search: base_url must be an http(s) URL, got {base!r}",
                                           code="invalid_config"))
        self.authenticated = True
        return True

    @property
    def provider(self) -> Provider:
        """The configured provider (``brave`` by default)."""
        return PROVIDERS[str(self.config.get("provider") or "brave").strip().lower()]

    @property
    def timeout(self) -> float:
        """Seconds to wait for an answer."""
        return config_number(self.config.get("timeout"), "timeout", 30)

    def action_search(self, params: dict[str, Any]) -> dict[str, Any]:
        """Web results for ``query`` as ``[{title, url, snippet}]`` (plus the provider's extras)."""
        query = require_str(params, "query", "q")
        default_max = int_in_range({"m": self.config.get("max_results")}, "m", 10, 1, 100)
        count = int_in_range(params, "max_results", default_max, 1, 100)
        provider = self.provider
        service = _DISPLAY[provider.name]
        key = optional_str(self.config, "api_key")
        if provider.needs_key and not key:
            raise ToolParamError(f"{service} needs an api_key: set WEB_SEARCH_<PROFILE>_API_KEY "
                                 f"(or use provider searxng with a base_url)")
        base = optional_str(self.config, "base_url") or provider.default_base_url
        if not base:
            raise ToolParamError(f"{service} needs base_url: the address of your instance, e.g. http://localhost:8888")
        options = {name: optional_str(params, name, default=optional_str(self.config, name))
                   for name in ("country", "language", "safe_search", "freshness", "search_depth")}
        request = provider.request(query, count, options, key)
        with RestClient(service, base, timeout=self.timeout, headers=request.headers) as client:
            body = client.request(request.method, request.path, params=request.params, json=request.json)
        results = provider.results(body)[:count]
        return self.success({"query": query, "provider": provider.name, "results": results, "count": len(results)},
                            message=f"{len(results)} result(s)")

    def action_get_page_content(self, params: dict[str, Any]) -> dict[str, Any]:
        """Readable text of a web page: title and paragraphs, scripts/styles/navigation removed."""
        url = require_str(params, "url")
        max_chars = int_in_range(params, "max_chars", 20000, 100, 1_000_000)
        return self.success(fetch_page(url, timeout=self.timeout, max_chars=max_chars))
