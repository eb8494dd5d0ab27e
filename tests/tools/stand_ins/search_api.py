"""Web search stand-ins (Brave Search, SerpApi, Tavily, SearXNG) and a few web pages to extract text from."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from .http_stand_in import HttpStandIn, Reply, Request

BRAVE_KEY = "BSAstandInSubscriptionToken"
SERPAPI_KEY = "serp-stand-in-key"
TAVILY_KEY = "tvly-standInKey123"

HITS = [
    ("Asyncio &amp; you", "https://docs.example.org/asyncio", "Learn <strong>python</strong> asyncio"),
    ("Python tutorial", "https://tutorial.example.org/", "The <strong>Python</strong> tutorial"),
    ("Real Python", "https://realpython.example.com/async", "Async IO in <strong>Python</strong>"),
]

ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Async  in Python</title>
<style>body {color: red}</style><script>trackVisitor();</script></head>
<body><nav><a href="/">Home</a> | <a href="/blog">Blog</a></nav>
<header><div class="logo">Example Site</div></header>
<main><article><h1>Async in Python</h1>
<p>Asyncio lets one thread juggle <em>many</em> sockets.</p>
<p>Use <code>await</code> &amp; friends.</p><ul><li>event loop</li><li>tasks</li></ul></article></main>
<aside>Related posts</aside><footer>© 2024 Example</footer><script>more()</script></body></html>"""

LATIN1 = '<html><head><meta charset="iso-8859-1"><title>Caf\xe9</title></head><body><p>cr\xe8me br\xfbl\xe9e</p></body></html>'


def brave_error(status: int, code: str, detail: str) -> Reply:
    """Brave's error response."""
    return Reply(status, {"type": "ErrorResponse", "error": {"id": str(uuid.uuid4()), "status": status, "code": code,
                                                              "detail": detail, "meta": {"component": "authentication"}},
                          "time": int(time.time())})


class SearchStandIn(HttpStandIn):
    """All four providers on one server (each tool profile points ``base_url`` at it) plus ``/pages/...``."""

    service = "search"

    def setup_routes(self) -> None:
        """One route per provider plus the pages."""
        self.add("GET", "/res/v1/web/search", self.brave)
        self.add("GET", "/search.json", self.serpapi)
        self.add("POST", "/search", self.tavily)
        self.add("GET", "/search", self.searxng)
        self.add("GET", "/pages/article.html", lambda r, m: Reply(200, ARTICLE, content_type="text/html; charset=utf-8"))
        self.add("GET", "/pages/latin1.html", lambda r, m: Reply(200, LATIN1.encode("latin-1"), content_type="text/html"))
        self.add("GET", "/pages/notes.txt", lambda r, m: Reply(200, "  plain notes  \n", content_type="text/plain"))
        self.add("GET", "/pages/image.png", lambda r, m: Reply(200, b"\x89PNG....", content_type="image/png"))
        self.add("GET", "/pages/old", lambda r, m: Reply(301, "", {"Location": "/pages/article.html"}))

    def brave(self, request: Request, _m: re.Match[str]) -> Reply:
        """GET /res/v1/web/search with X-Subscription-Token."""
        token = request.headers.get("x-subscription-token")
        if not token:
            return brave_error(422, "VALIDATION", "Unable to validate request parameter(s)")
        if token != BRAVE_KEY:
            return brave_error(422, "SUBSCRIPTION_TOKEN_INVALID", "The provided subscription token is invalid.")
        if not request.query.get("q"):
            return brave_error(422, "VALIDATION", "Unable to validate request parameter(s)")
        count = int(request.query.get("count", "20"))
        if not 1 <= count <= 20:
            return brave_error(422, "VALIDATION", "Unable to validate request parameter(s)")
        results = [{"title": t, "url": u, "is_source_local": False, "is_source_both": False, "description": d,
                    "language": "en", "family_friendly": True, "type": "search_result", "subtype": "generic",
                    "age": "2 days ago", "meta_url": {"scheme": "https", "netloc": u.split("/")[2]}}
                   for t, u, d in HITS[:count]]
        return Reply(200, {"type": "search", "query": {"original": request.query["q"], "more_results_available": True},
                           "mixed": {"type": "mixed", "main": [{"type": "web", "index": i} for i in range(len(results))]},
                           "web": {"type": "search", "results": results, "family_friendly": True}})

    def serpapi(self, request: Request, _m: re.Match[str]) -> Reply:
        """GET /search.json?engine=google with api_key."""
        if request.query.get("api_key") != SERPAPI_KEY:
            return Reply(401, {"error": "Invalid API key. Your API key should be here: https://serpapi.com/manage-api-key"})
        if request.query.get("engine") != "google" or not request.query.get("q"):
            return Reply(400, {"error": "Missing query `q` parameter."})
        num = int(request.query.get("num", "10"))
        organic = [{"position": i + 1, "title": t, "link": u, "displayed_link": u, "snippet": re.sub("<[^>]+>", "", d)}
                   for i, (t, u, d) in enumerate(HITS[:num])]
        return Reply(200, {"search_metadata": {"id": "abc", "status": "Success"},
                           "search_parameters": {"engine": "google", "q": request.query["q"]},
                           "organic_results": organic})

    def tavily(self, request: Request, _m: re.Match[str]) -> Reply:
        """POST /search with a bearer key and a JSON body."""
        if request.bearer() != TAVILY_KEY:
            return Reply(401, {"detail": {"error": "Unauthorized: missing or invalid API key."}})
        body = request.json() if request.content_type == "application/json" else None
        if not isinstance(body, dict) or not body.get("query"):
            return Reply(400, {"detail": {"error": "Invalid request: query is required"}})
        results = [{"title": t, "url": u, "content": re.sub("<[^>]+>", "", d), "score": 0.9 - i / 10,
                    "raw_content": None} for i, (t, u, d) in enumerate(HITS[:body.get("max_results", 5)])]
        return Reply(200, {"query": body["query"], "follow_up_questions": None, "answer": None, "images": [],
                           "results": results, "response_time": 0.42})

    def searxng(self, request: Request, _m: re.Match[str]) -> Reply:
        """GET /search: JSON only with format=json (else 403, as a default instance)."""
        if request.query.get("format") != "json":
            return Reply(403, "<html><body>403 Forbidden</body></html>", content_type="text/html")
        results = [{"url": u, "title": t, "content": re.sub("<[^>]+>", "", d), "engine": "duckduckgo",
                    "engines": ["duckduckgo", "brave"], "positions": [i + 1], "score": 2.0 - i / 10,
                    "category": "general", "template": "default.html", "parsed_url": ["https", u.split("/")[2]]}
                   for i, (t, u, d) in enumerate(HITS)]
        return Reply(200, {"query": request.query.get("q", ""), "number_of_results": 0, "results": results,
                           "answers": [], "corrections": [], "infoboxes": [], "suggestions": [],
                           "unresponsive_engines": []})


def tavily_payload(request: Request) -> dict[str, Any]:
    """The JSON body a Tavily search request carried."""
    body = request.json()
    assert isinstance(body, dict)
    return body
