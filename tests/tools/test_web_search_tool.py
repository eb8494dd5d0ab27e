"""Web search tool against local Brave / SerpApi / Tavily / SearXNG stand-ins, and page text extraction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from stand_ins.http_stand_in import Reply, dead_url
from stand_ins.search_api import BRAVE_KEY, SERPAPI_KEY, TAVILY_KEY, SearchStandIn, brave_error, tavily_payload

from flowdesk.tools.web_search.main import WebSearchTool


@pytest.fixture(scope="module")
def server() -> Iterator[SearchStandIn]:
    """The search stand-in, one per module."""
    stand_in = SearchStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture()
def api(server: SearchStandIn) -> SearchStandIn:
    """The stand-in, reset for this test."""
    server.reset()
    return server


def make_tool(api: SearchStandIn | None, provider: str = "brave", **config: Any) -> WebSearchTool:
    """A web search tool for ``provider`` aimed at the stand-in (or at a dead port)."""
    keys = {"brave": BRAVE_KEY, "serpapi": SERPAPI_KEY, "tavily": TAVILY_KEY, "searxng": None}
    return WebSearchTool(profile="TEST", config={"provider": provider, "api_key": keys.get(provider),
                                                 "base_url": api.url if api else dead_url(), "timeout": 5, **config})


EXPECTED = [("Asyncio & you", "https://docs.example.org/asyncio"),
            ("Python tutorial", "https://tutorial.example.org/")]


def test_brave_search(api: SearchStandIn) -> None:
    result = make_tool(api).execute("search", {"query": "python asyncio", "max_results": 2, "country": "FR"})
    assert result["status"] == "success", result
    results = result["data"]["results"]
    assert [(r["title"], r["url"]) for r in results] == EXPECTED
    assert results[0]["snippet"] == "Learn python asyncio"  # <strong> highlighting removed
    (call,) = api.calls("/res/v1/web/search")
    assert call.headers["x-subscription-token"] == BRAVE_KEY and call.headers["accept"] == "application/json"
    assert call.query == {"q": "python asyncio", "count": "2", "country": "FR"}


def test_brave_caps_count_at_20(api: SearchStandIn) -> None:
    result = make_tool(api).execute("search", {"query": "python", "max_results": 50})
    assert result["status"] == "success", result
    assert api.calls("/res/v1/web/search")[0].query["count"] == "20"


def test_searxng_serpapi_and_tavily(api: SearchStandIn) -> None:
    searx = make_tool(api, "searxng").execute("search", {"query": "python", "max_results": 2})
    assert [(r["title"], r["url"]) for r in searx["data"]["results"]] == EXPECTED
    assert api.calls("^/search$")[0].query["format"] == "json"
    serp = make_tool(api, "serpapi").execute("search", {"query": "python", "max_results": 2})
    assert [(r["title"], r["url"]) for r in serp["data"]["results"]] == EXPECTED
    assert api.calls("/search.json")[0].query["api_key"] == SERPAPI_KEY
    tavily = make_tool(api, "tavily").execute("search", {"query": "python", "max_results": 2})
    assert [(r["title"], r["url"]) for r in tavily["data"]["results"]] == EXPECTED
    post = [c for c in api.calls("^/search$") if c.method == "POST"][0]
    assert post.headers["authorization"] == f"Bearer {TAVILY_KEY}"
    assert tavily_payload(post) == {"query": "python", "max_results": 2, "search_depth": "basic"}


def test_bad_keys_report_each_providers_message(api: SearchStandIn) -> None:
    brave = make_tool(api, api_key="BSAwrong").execute("search", {"query": "x"})
    assert brave["status"] == "error" and brave["code"] == "SUBSCRIPTION_TOKEN_INVALID"
    assert "subscription token is invalid" in brave["error"] and "BSAwrong" not in brave["error"]
    serp = make_tool(api, "serpapi", api_key="nope").execute("search", {"query": "x"})
    assert serp["http_status"] == 401 and "Invalid API key" in serp["error"]
    tavily = make_tool(api, "tavily", api_key="tvly-nope").execute("search", {"query": "x"})
    assert tavily["http_status"] == 401 and "missing or invalid API key" in tavily["error"]


def test_rate_limits(api: SearchStandIn) -> None:
    tool = make_tool(api)
    limited = brave_error(429, "RATE_LIMITED", "Request rate limit exceeded for plan.")
    api.fail_next("/res/v1/web/search", Reply(429, limited.body, {"Retry-After": "3"}))
    result = tool.execute("search", {"query": "x"})
    assert result["status"] == "error" and result["retry_after"] == 3 and result["http_status"] == 429
    api.fail_next("/res/v1/web/search", Reply(429, limited.body, {"X-RateLimit-Reset": "1, 1419704"}))
    assert tool.execute("search", {"query": "x"})["retry_after"] == 1


def test_missing_params_and_bad_config(api: SearchStandIn) -> None:
    assert "query" in make_tool(api).execute("search", {})["error"]
    no_key = make_tool(api, api_key=None).execute("search", {"query": "x"})
    assert no_key["status"] == "error" and "needs an api_key" in no_key["error"]
    no_url = WebSearchTool(config={"provider": "searxng"}).execute("search", {"query": "x"})
    assert "needs base_url" in no_url["error"]
    unknown = make_tool(api, "bing").execute("search", {"query": "x"})
    assert unknown["status"] == "error" and "unknown provider" in unknown["error"]
    api.fail_next("^/search$", Reply(403, "<html>403 Forbidden</html>", content_type="text/html"))  # json off
    forbidden = make_tool(api, "searxng").execute("search", {"query": "x"})
    assert forbidden["http_status"] == 403
    assert api.calls("/res/v1") == []


def test_search_server_down() -> None:
    result = make_tool(None).execute("search", {"query": "x"})
    assert result["status"] == "error" and result["code"] == "connection_refused" and "Brave Search" in result["error"]


def test_get_page_content_keeps_title_and_paragraphs(api: SearchStandIn) -> None:
    tool = WebSearchTool(config={"timeout": 5})  # no provider key needed to read pages
    result = tool.execute("get_page_content", {"url": api.url + "/pages/old"})
    assert result["status"] == "success", result
    page = result["data"]
    assert page["title"] == "Async in Python" and page["final_url"].endswith("/pages/article.html")
    assert page["content"] == ("Async in Python\n\nAsyncio lets one thread juggle many sockets.\n\n"
                               "Use await & friends.\n\n- event loop\n- tasks")
    for noise in ("trackVisitor", "Home", "Example Site", "Related posts", "© 2024", "color: red"):
        assert noise not in page["content"]
    short = tool.execute("get_page_content", {"url": api.url + "/pages/article.html", "max_chars": 100})
    assert len(short["data"]["content"]) == 100 and short["data"]["truncated"] is True
    latin = tool.execute("get_page_content", {"url": api.url + "/pages/latin1.html"})
    assert latin["data"]["title"] == "Café" and latin["data"]["content"] == "crème brûlée"
    text = tool.execute("get_page_content", {"url": api.url + "/pages/notes.txt"})
    assert text["data"]["content"] == "plain notes"


def test_get_page_content_refusals(api: SearchStandIn) -> None:
    tool = WebSearchTool(config={"timeout": 5})
    for url in ("file:///etc/passwd", "ftp://example.org/x", "/relative/path", "javascript:alert(1)"):
        result = tool.execute("get_page_content", {"url": url})
        assert result["status"] == "error" and "http:// or https://" in result["error"], url
    image = tool.execute("get_page_content", {"url": api.url + "/pages/image.png"})
    assert image["code"] == "not_html"
    missing = tool.execute("get_page_content", {"url": api.url + "/pages/missing"})
    assert missing["http_status"] == 404
    assert "url is required" in tool.execute("get_page_content", {})["error"]
    down = tool.execute("get_page_content", {"url": dead_url() + "/x"})
    assert down["code"] == "connection_refused"
