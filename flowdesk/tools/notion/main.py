"""Built-in ``notion`` tool: create/update/archive pages, query databases, search, read page content."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from enum import Enum
from typing import Any
from urllib.parse import urlsplit

import httpx
from notion_client import Client
from notion_client.errors import APIResponseError, HTTPResponseError, NotionClientErrorBase, RequestTimeoutError

from flowdesk.tools.api_errors import ApiError, ApiResultsMixin, http_error, network_error, origin_of, parse_retry_after
from flowdesk.tools.base import BaseTool, ToolParamError
from flowdesk.tools.notion.blocks import blocks_to_text, text_to_blocks
from flowdesk.tools.notion.properties import build_properties, schema_of, simplify_page
from flowdesk.tools.params import bool_param, config_number, int_in_range, json_value, optional_str, require_str

DEFAULT_BASE_URL = "https://api.notion.com/v1"
DEFAULT_VERSION = "2025-09-03"
DATA_SOURCES_VERSION = "2025-09-03"  # from this version on, databases hold data sources (rows live there)
CHILDREN_PER_CALL = 100  # Notion's limit for children in one request
PAGE_LIMIT = 100  # Notion's page_size maximum; larger seed page sizes (PROJECTS: 200) are read over pages
MAX_ROWS = 1000  # one action never gathers more than this
_ID_AT_END = re.compile(r"([0-9a-f]{32})$")


def notion_id(value: str, name: str) -> str:
    """A dashed UUID from an id (with or without dashes) or a notion.so URL (the id ends its last segment)."""
    text = value.strip()
    if "/" in text:
        text = urlsplit(text).path.rstrip("/").rsplit("/", 1)[-1]
    # URL slugs are "Title-words-<32 hex>": once dashes are gone the id is still the last 32 characters.
    match = _ID_AT_END.search(text.replace("-", "").lower())
    if not match:
        raise ToolParamError(f"{name}: not a Notion id or URL: {value!r}")
    h = match.group(1)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class NotionTool(ApiResultsMixin, BaseTool):
    """Notion API with an integration token (notion-client): pages, databases/data sources, search."""

    tool_name = "notion"
    _client: Client | None = None
    bot: dict[str, Any] | None = None

    def authenticate(self) -> bool:
        """Check the token with ``GET /v1/users/me`` (the integration's bot user), once per instance."""
        if self.authenticated:
            return True
        if not self.validate_config():
            return False
        try:
            self.bot = self._call(self.client.users.me)
        except ApiError as exc:
            return self.fail_auth(exc)
        self.authenticated = True
        return True

    @property
    def version(self) -> str:
        """The Notion-Version header sent (profile ``notion_version``)."""
        return str(self.config.get("notion_version") or DEFAULT_VERSION)

    @property
    def client(self) -> Client:
        """A notion-client Client for the configured base URL; its own retries are off (429 goes back to us)."""
        if self._client is None:
            base = str(self.config.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
            timeout = config_number(self.config.get("timeout"), "timeout", 30)
            self._client = Client(auth=str(self.config.get("token")).strip(),
                                  base_url=base.removesuffix("/v1"),  # the client appends /v1/ itself
                                  notion_version=self.version, timeout_ms=int(timeout * 1000),
                                  logger=logging.getLogger("flowdesk.tools.notion.client"), retry=False)
        return self._client

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One API call; Notion's error objects, timeouts and network failures become ApiError."""
        try:
            return fn(*args, **kwargs)
        except APIResponseError as exc:
            code = exc.code.value if isinstance(exc.code, Enum) else str(exc.code)
            raise http_error("Notion", exc.status, str(exc), code=code,
                             retry_after=parse_retry_after(exc.headers.get("retry-after"))) from None
        except HTTPResponseError as exc:
            raise http_error("Notion", exc.status, f"unexpected answer: {exc.body[:200]}",
                             retry_after=parse_retry_after(exc.headers.get("retry-after"))) from None
        except (RequestTimeoutError, httpx.TimeoutException):
            raise ApiError("Notion: no answer in time", code="timeout") from None
        except httpx.TransportError as exc:
            raise network_error("Notion", origin_of(str(self.client.client.base_url)), exc) from None
        except NotionClientErrorBase as exc:
            raise ToolParamError(f"Notion: {exc}") from None

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None,
                 query: dict[str, Any] | None = None) -> Any:
        return self._call(self.client.request, path=path, method=method, body=body, query=query)

    # -- parents and schemas ----------------------------------------------------------

    @property
    def uses_data_sources(self) -> bool:
        """True when the API version has data sources (ISO dates compare as strings)."""
        return self.version >= DATA_SOURCES_VERSION

    def _data_source_of(self, database_id: str) -> str:
        """The first data source of a database (GET /databases/{id})."""
        database = self._request("GET", f"databases/{database_id}")
        sources = database.get("data_sources") or []
        if not sources:
            raise ApiError(f"Notion: database {database_id} has no data source", code="no_data_source")
        return str(sources[0]["id"])

    def _collection(self, params: dict[str, Any]) -> tuple[str, str]:
        """``("data_source", id)`` or ``("database", id)`` to query or add rows to, from params then profile."""
        for source in (params, self.config):
            ds = optional_str(source, "data_source_id")
            if ds and self.uses_data_sources:
                return "data_source", notion_id(ds, "data_source_id")
            db = optional_str(source, "database_id")
            if db:
                db_id = notion_id(db, "database_id")
                return ("data_source", self._data_source_of(db_id)) if self.uses_data_sources else ("database", db_id)
        raise ToolParamError("database_id is required (or data_source_id, or a database_id in the profile)")

    def _schema(self, kind: str, ident: str) -> dict[str, str]:
        path = f"data_sources/{ident}" if kind == "data_source" else f"databases/{ident}"
        return schema_of(self._request("GET", path).get("properties"))

    # -- actions ----------------------------------------------------------------------

    def action_create_page(self, params: dict[str, Any]) -> dict[str, Any]:
        """A row in a database (or a sub-page of a page) with properties and text content."""
        values = json_value(params.get("properties") or {}, "properties", dict)
        title = optional_str(params, "title")
        parent_page = optional_str(params, "parent_page_id", "page_id")
        if parent_page:
            parent: dict[str, Any] = {"page_id": notion_id(parent_page, "parent_page_id")}
            schema = {"title": "title"}
        else:
            kind, ident = self._collection(params)
            parent = {"type": "data_source_id", "data_source_id": ident} if kind == "data_source" \
                else {"database_id": ident}
            needs_schema = title is not None or any(not isinstance(v, dict) for v in values.values())
            schema = self._schema(kind, ident) if needs_schema else {}
        body: dict[str, Any] = {"parent": parent, "properties": build_properties(values, schema, title)}
        children = text_to_blocks(params.get("content")) + text_to_blocks(params.get("children"))
        if params.get("icon"):
            body["icon"] = {"type": "emoji", "emoji": str(params["icon"])}
        if children:
            body["children"] = children[:CHILDREN_PER_CALL]
        page = self._request("POST", "pages", body)
        for start in range(CHILDREN_PER_CALL, len(children), CHILDREN_PER_CALL):
            self._request("PATCH", f"blocks/{page['id']}/children",
                          {"children": children[start:start + CHILDREN_PER_CALL]})
        return self.success(simplify_page(page), message="page created")

    def action_update_page(self, params: dict[str, Any]) -> dict[str, Any]:
        """Change properties (plain values typed from the page itself), title, icon, or archive state."""
        page_id = notion_id(require_str(params, "page_id", "url", "id"), "page_id")
        values = json_value(params.get("properties") or {}, "properties", dict)
        title = optional_str(params, "title")
        body: dict[str, Any] = {}
        if values or title is not None:
            needs_schema = title is not None or any(not isinstance(v, dict) for v in values.values())
            schema = schema_of(self._request("GET", f"pages/{page_id}").get("properties")) if needs_schema else {}
            body["properties"] = build_properties(values, schema, title)
        if params.get("archived") is not None:
            body["archived"] = bool_param(params, "archived")
        if params.get("icon"):
            body["icon"] = {"type": "emoji", "emoji": str(params["icon"])}
        if not body:
            raise ToolParamError("nothing to update: give properties, title, archived or icon")
        return self.success(simplify_page(self._request("PATCH", f"pages/{page_id}", body)), message="page updated")

    def action_archive_page(self, params: dict[str, Any]) -> dict[str, Any]:
        """Move a page to the trash (``archived: true``)."""
        return self.action_update_page({"page_id": require_str(params, "page_id", "url", "id"), "archived": True})

    def action_query_database(self, params: dict[str, Any]) -> dict[str, Any]:
        """Rows of a database (its first data source) with an optional Notion filter and sorts."""
        kind, ident = self._collection(params)
        wanted = int_in_range(params, "page_size", int_in_range(self.config, "page_size", 100, 1, MAX_ROWS), 1, MAX_ROWS)
        body: dict[str, Any] = {}
        if params.get("filter"):
            body["filter"] = json_value(params["filter"], "filter", dict)
        if params.get("sorts"):
            body["sorts"] = json_value(params["sorts"], "sorts", list)
        if params.get("start_cursor"):
            body["start_cursor"] = str(params["start_cursor"])
        path = f"data_sources/{ident}/query" if kind == "data_source" else f"databases/{ident}/query"
        pages: list[dict[str, Any]] = []
        fetch_all = bool_param(params, "fetch_all")
        while True:
            # fetch_all: pages of page_size until the end; else page_size rows in all, 100 a request.
            body["page_size"] = min(PAGE_LIMIT, wanted if fetch_all else wanted - len(pages))
            found = self._request("POST", path, body)
            pages.extend(simplify_page(p) for p in found.get("results") or [] if p.get("object") == "page")
            more = found.get("has_more") and found.get("next_cursor")
            if not more or len(pages) >= MAX_ROWS or (not fetch_all and len(pages) >= wanted):
                break
            body["start_cursor"] = found["next_cursor"]
        data = {"pages": pages, "count": len(pages), "has_more": bool(found.get("has_more")),
                "next_cursor": found.get("next_cursor"), kind + "_id": ident}
        return self.success(data, message=f"{len(pages)} page(s)")

    def action_query_data_source(self, params: dict[str, Any]) -> dict[str, Any]:
        """``query_database`` on an explicit ``data_source_id`` (API 2025-09-03)."""
        require_str(params, "data_source_id")
        return self.action_query_database(params)

    def action_search(self, params: dict[str, Any]) -> dict[str, Any]:
        """Pages (and databases) shared with the integration whose title matches ``query``."""
        wanted = int_in_range(params, "page_size", 20, 1, MAX_ROWS)
        body: dict[str, Any] = {"query": optional_str(params, "query", default="") or ""}
        kind = optional_str(params, "filter_type", "type")
        if kind:
            kind = "data_source" if kind in ("database", "data_source") and self.uses_data_sources else kind
            body["filter"] = {"property": "object", "value": kind}
        found_all: list[dict[str, Any]] = []
        while True:  # page_size above Notion's 100 is read over several requests
            found = self._request("POST", "search", {**body, "page_size": min(PAGE_LIMIT, wanted - len(found_all))})
            found_all.extend(found.get("results") or [])
            if len(found_all) >= wanted or not (found.get("has_more") and found.get("next_cursor")):
                break
            body["start_cursor"] = found["next_cursor"]
        results = [simplify_page(r) if r.get("object") == "page" else
                   {"id": r.get("id"), "object": r.get("object"), "url": r.get("url"),
                    "title": "".join(t.get("plain_text", "") for t in r.get("title") or [])}
                   for r in found_all]
        return self.success({"results": results, "count": len(results), "has_more": bool(found.get("has_more"))})

    def action_get_page(self, params: dict[str, Any]) -> dict[str, Any]:
        """One page's properties (id or notion.so URL)."""
        page_id = notion_id(require_str(params, "page_id", "url", "id"), "page_id")
        return self.success(simplify_page(self._request("GET", f"pages/{page_id}")))

    def action_get_page_from_url(self, params: dict[str, Any]) -> dict[str, Any]:
        """Seed name of ``get_page`` taking a notion.so URL."""
        return self.action_get_page({"page_id": require_str(params, "url", "page_id")})

    def action_get_page_content(self, params: dict[str, Any]) -> dict[str, Any]:
        """A page's blocks (first level) and their text."""
        page_id = notion_id(require_str(params, "page_id", "url", "id"), "page_id")
        blocks: list[dict[str, Any]] = []
        cursor: str | None = None
        for _ in range(50):
            query = {"page_size": 100, **({"start_cursor": cursor} if cursor else {})}
            found = self._request("GET", f"blocks/{page_id}/children", query=query)
            blocks.extend(found.get("results") or [])
            cursor = found.get("next_cursor") if found.get("has_more") else None
            if not cursor:
                break
        return self.success({"page_id": page_id, "text": blocks_to_text(blocks), "blocks": blocks,
                             "count": len(blocks)})

    def action_get_database(self, params: dict[str, Any]) -> dict[str, Any]:
        """A database: title, data sources (2025-09-03) or property schema (older versions)."""
        db = optional_str(params, "database_id", default=optional_str(self.config, "database_id"))
        if not db:
            raise ToolParamError("database_id is required (or a database_id in the profile)")
        found = self._request("GET", f"databases/{notion_id(db, 'database_id')}")
        return self.success({"id": found.get("id"), "url": found.get("url"),
                             "title": "".join(t.get("plain_text", "") for t in found.get("title") or []),
                             "data_sources": found.get("data_sources") or [],
                             "properties": schema_of(found.get("properties"))})

    def action_get_data_source(self, params: dict[str, Any]) -> dict[str, Any]:
        """A data source's property schema (API 2025-09-03)."""
        ds = optional_str(params, "data_source_id", default=optional_str(self.config, "data_source_id"))
        if not ds:
            raise ToolParamError("data_source_id is required (or a data_source_id in the profile)")
        found = self._request("GET", f"data_sources/{notion_id(ds, 'data_source_id')}")
        return self.success({"id": found.get("id"), "parent": found.get("parent"),
                             "properties": schema_of(found.get("properties"))})

    def action_update_page_content(self, params: dict[str, Any]) -> dict[str, Any]:
        """Append text (or blocks) at the end of a page; existing blocks are left as they are."""
        page_id = notion_id(require_str(params, "page_id", "url", "id"), "page_id")
        if optional_str(params, "mode", default="append") != "append":
            raise ToolParamError("update_page_content only appends (mode: append); archive the page to start over")
        children = text_to_blocks(params.get("content")) + text_to_blocks(params.get("children"))
        if not children:
            raise ToolParamError("content is required: text or a list of blocks to append")
        added: list[dict[str, Any]] = []
        for start in range(0, len(children), CHILDREN_PER_CALL):
            found = self._request("PATCH", f"blocks/{page_id}/children",
                                  {"children": children[start:start + CHILDREN_PER_CALL]})
            added.extend(found.get("results") or [])
        return self.success({"page_id": page_id, "appended": len(added),
                             "block_ids": [b.get("id") for b in added]}, message=f"{len(added)} block(s) appended")
