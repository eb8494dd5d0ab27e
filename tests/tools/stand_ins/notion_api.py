"""Notion API stand-in: users/me, databases, data sources, pages, block children, search; Notion error objects.

Behaves per ``Notion-Version``: with ``2025-09-03`` a database lists its data sources and rows
are queried on ``/data_sources/{id}/query``; with ``2022-06-28`` the database carries the
schema and ``/databases/{id}/query`` is used (the other family answers ``invalid_request_url``).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timezone
from typing import Any

from .http_stand_in import HttpStandIn, Reply, Request

VALID_TOKEN = "ntn_standInIntegrationToken123"
NEW, OLD = "2025-09-03", "2022-06-28"
DATABASE_ID = "11111111-1111-4111-8111-111111111111"
DATA_SOURCE_ID = "22222222-2222-4222-8222-222222222222"
PARENT_PAGE_ID = "33333333-3333-4333-8333-333333333333"
_ID = r"([0-9a-f-]{32,36})"
SCHEMA = {"Name": "title", "Status": "status", "Priority": "select", "Tags": "multi_select", "Due": "date",
          "Done": "checkbox", "Estimate": "number", "Link": "url", "Notes": "rich_text", "Created": "created_time"}


def notion_error(status: int, code: str, message: str) -> Reply:
    """Notion's error object."""
    return Reply(status, {"object": "error", "status": status, "code": code, "message": message,
                          "request_id": str(uuid.uuid4())})


def _dashed(ident: str) -> str:
    h = ident.replace("-", "")
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _rich(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rich text as Notion returns it (with plain_text and annotations)."""
    return [{"type": "text", "text": {"content": i["text"]["content"], "link": None},
             "annotations": {"bold": False, "italic": False, "strikethrough": False, "underline": False,
                             "code": False, "color": "default"},
             "plain_text": i["text"]["content"], "href": None} for i in items]


class NotionStandIn(HttpStandIn):
    """Serves ``/v1/...``; ``base_url`` is ``url + "/v1"``."""

    service = "notion"

    def __init__(self) -> None:
        super().__init__()
        self.reset()

    def reset(self) -> None:
        """Back to the seed pages: the parent page and two task rows."""
        super().reset()
        self.pages: dict[str, dict[str, Any]] = {}
        self.children: dict[str, list[dict[str, Any]]] = {}
        wiki = self._page({"type": "workspace", "workspace": True},
                          {"title": {"title": [{"text": {"content": "Team wiki"}}]}}, kind_of={"title": "title"})
        self.children.pop(wiki["id"])
        wiki["id"] = PARENT_PAGE_ID
        self.pages[PARENT_PAGE_ID], self.children[PARENT_PAGE_ID] = wiki, []
        for name, status, due, done in (("Write spec", "In progress", "2024-07-03", False),
                                        ("Ship v1", "Done", "2024-07-01", True)):
            self._add_row(name, status, due, done)

    def _add_row(self, name: str, status: str, due: str, done: bool) -> None:
        props = {"Name": {"title": [{"text": {"content": name}}]}, "Status": {"status": {"name": status}},
                 "Due": {"date": {"start": due}}, "Done": {"checkbox": done}}
        page = self._page({"type": "data_source_id", "data_source_id": DATA_SOURCE_ID, "database_id": DATABASE_ID},
                          props)
        self.pages[page["id"]] = page

    def setup_routes(self) -> None:
        """The /v1 endpoints the tool uses."""
        self.add("GET", "/v1/users/me", self._guard(self.me))
        self.add("GET", f"/v1/databases/{_ID}", self._guard(self.get_database))
        self.add("POST", f"/v1/databases/{_ID}/query", self._guard(self.query_database))
        self.add("GET", f"/v1/data_sources/{_ID}", self._guard(self.get_data_source))
        self.add("POST", f"/v1/data_sources/{_ID}/query", self._guard(self.query_data_source))
        self.add("POST", "/v1/pages", self._guard(self.create_page))
        self.add("GET", f"/v1/pages/{_ID}", self._guard(self.get_page))
        self.add("PATCH", f"/v1/pages/{_ID}", self._guard(self.update_page))
        self.add("GET", f"/v1/blocks/{_ID}/children", self._guard(self.list_children))
        self.add("PATCH", f"/v1/blocks/{_ID}/children", self._guard(self.append_children))
        self.add("POST", "/v1/search", self._guard(self.search))

    def not_found(self, request: Request) -> Reply:
        """Notion's answer for an unknown path."""
        return notion_error(400, "invalid_request_url", "Invalid request URL.")

    # -- checks -----------------------------------------------------------------------

    def _guard(self, handler: Any) -> Any:
        def serve(request: Request, match: re.Match[str]) -> Reply:
            """Check token, Notion-Version and JSON body, then call the handler."""
            if request.bearer() is None:
                return notion_error(401, "unauthorized", "API token is invalid.")
            if request.bearer() != VALID_TOKEN:
                return notion_error(401, "unauthorized", "API token is invalid.")
            version = request.headers.get("notion-version")
            if not version:
                return notion_error(400, "missing_version", "Notion-Version header failed validation: "
                                    "Notion-Version header should be defined, instead was `undefined`.")
            if version not in (NEW, OLD):
                return notion_error(400, "validation_error", f"Notion-Version {version} is not supported.")
            body: Any = None
            if request.method in ("POST", "PATCH"):
                if request.content_type != "application/json":
                    return notion_error(400, "invalid_json", "Error parsing JSON body.")
                body = request.json()
                if not isinstance(body, dict):
                    return notion_error(400, "invalid_json", "Error parsing JSON body.")
            return handler(request, version, body, *(_dashed(g) for g in match.groups()))
        return serve

    def _page(self, parent: dict[str, Any], props: dict[str, Any], kind_of: dict[str, str] | None = None,
              icon: Any = None) -> dict[str, Any]:
        page_id = str(uuid.uuid4())
        now = _now()
        page = {"object": "page", "id": page_id, "created_time": now, "last_edited_time": now,
                "created_by": {"object": "user", "id": "bot-user"}, "last_edited_by": {"object": "user", "id": "bot-user"},
                "cover": None, "icon": icon, "parent": parent, "archived": False, "in_trash": False,
                "properties": {}, "url": f"https://www.notion.so/Page-{page_id.replace('-', '')}", "public_url": None}
        kinds = kind_of or SCHEMA
        for name, kind in kinds.items():
            value = props.get(name, {}).get(kind)
            if kind in ("title", "rich_text"):
                value = _rich(value or [])
            elif kind == "created_time":
                value = now
            elif kind in ("multi_select",):
                value = [{"id": o["name"], "color": "default", **o} for o in value or []]
            elif kind in ("select", "status") and value:
                value = {"id": value["name"], "color": "default", **value}
            elif value is None and kind == "checkbox":
                value = False
            page["properties"][name] = {"id": name[:4].lower(), "type": kind, kind: value}
        self.children[page_id] = []
        return page

    def _validate_properties(self, props: Any, kinds: dict[str, str]) -> Reply | None:
        if not isinstance(props, dict):
            return notion_error(400, "validation_error", "body.properties should be an object.")
        for name, value in props.items():
            if name not in kinds:
                return notion_error(400, "validation_error", f"{name} is not a property that exists.")
            kind = kinds[name]
            if not isinstance(value, dict) or kind not in value:
                return notion_error(400, "validation_error",
                                    f"{name} is expected to be {kind}. body.properties.{name}.{kind} should be defined")
            if kind in ("title", "rich_text"):
                for item in value[kind]:
                    if len(item["text"]["content"]) > 2000:
                        return notion_error(400, "validation_error", f"body.properties.{name}.{kind}[0].text.content."
                                            "length should be ≤ `2000`")
        return None

    def _rows(self) -> list[dict[str, Any]]:
        return [p for p in self.pages.values() if p["parent"].get("database_id") == DATABASE_ID and not p["archived"]]

    # -- handlers ---------------------------------------------------------------------

    def me(self, request: Request, version: str, body: Any) -> Reply:
        """GET /v1/users/me: the integration's bot user."""
        return Reply(200, {"object": "user", "id": "bot-user", "name": "FlowDesk", "avatar_url": None, "type": "bot",
                           "bot": {"owner": {"type": "workspace", "workspace": True}, "workspace_name": "Stand-in"}})

    def get_database(self, request: Request, version: str, body: Any, db: str) -> Reply:
        """GET /v1/databases/{id}: data sources (new version) or schema (old)."""
        if db != DATABASE_ID:
            return notion_error(404, "object_not_found", f"Could not find database with ID: {db}. Make sure the "
                                "relevant pages and databases are shared with your integration.")
        base = {"object": "database", "id": db, "title": _rich([{"text": {"content": "Tasks"}}]),
                "parent": {"type": "page_id", "page_id": PARENT_PAGE_ID}, "url": "https://www.notion.so/tasks",
                "created_time": "2024-01-01T00:00:00.000Z", "is_inline": False}
        if version == NEW:
            return Reply(200, {**base, "data_sources": [{"id": DATA_SOURCE_ID, "name": "Tasks"}]})
        return Reply(200, {**base, "properties": {n: {"id": n[:4].lower(), "name": n, "type": t, t: {}}
                                                  for n, t in SCHEMA.items()}})

    def get_data_source(self, request: Request, version: str, body: Any, ds: str) -> Reply:
        """GET /v1/data_sources/{id}: the schema (2025-09-03 only)."""
        if version != NEW:
            return notion_error(400, "invalid_request_url", "Invalid request URL.")
        if ds != DATA_SOURCE_ID:
            return notion_error(404, "object_not_found", f"Could not find data_source with ID: {ds}.")
        return Reply(200, {"object": "data_source", "id": ds, "parent": {"type": "database_id", "database_id": DATABASE_ID},
                           "properties": {n: {"id": n[:4].lower(), "name": n, "type": t, t: {}} for n, t in SCHEMA.items()}})

    def _query(self, body: dict[str, Any]) -> Reply:
        size = body.get("page_size", 100)
        if not isinstance(size, int) or not 1 <= size <= 100:
            return notion_error(400, "validation_error", "body.page_size should be ≤ `100`")
        rows = self._rows()
        flt = body.get("filter")
        if flt is not None:
            if not isinstance(flt, dict) or not ({"property", "and", "or"} & flt.keys()):
                return notion_error(400, "validation_error", "body failed validation: body.filter.or should be defined")
            prop = flt.get("property")
            kind = SCHEMA.get(prop or "")
            cond = flt.get(kind or "", {})
            if "equals" in cond:
                def matches(p: dict[str, Any]) -> bool:
                    """True when the row's property equals the filter value."""
                    value = p["properties"][prop][kind]
                    return (value or {}).get("name") == cond["equals"] if kind in ("select", "status") \
                        else value == cond["equals"]
                rows = [p for p in rows if matches(p)]
        for sort in reversed(body.get("sorts") or []):
            rows.sort(key=lambda p: str((p["properties"][sort["property"]]["date"] or {}).get("start")),
                      reverse=sort.get("direction") == "descending")
        ids = [p["id"] for p in rows]
        start = ids.index(body["start_cursor"]) if body.get("start_cursor") in ids else 0
        page = rows[start:start + size]
        more = start + size < len(rows)
        return Reply(200, {"object": "list", "results": page, "next_cursor": ids[start + size] if more else None,
                           "has_more": more, "type": "page_or_data_source", "page_or_data_source": {}})

    def query_database(self, request: Request, version: str, body: Any, db: str) -> Reply:
        """POST /v1/databases/{id}/query (versions before 2025-09-03)."""
        if version == NEW:
            return notion_error(400, "invalid_request_url", "Invalid request URL.")
        if db != DATABASE_ID:
            return notion_error(404, "object_not_found", f"Could not find database with ID: {db}.")
        return self._query(body)

    def query_data_source(self, request: Request, version: str, body: Any, ds: str) -> Reply:
        """POST /v1/data_sources/{id}/query (2025-09-03)."""
        if version != NEW:
            return notion_error(400, "invalid_request_url", "Invalid request URL.")
        if ds != DATA_SOURCE_ID:
            return notion_error(404, "object_not_found", f"Could not find data_source with ID: {ds}.")
        return self._query(body)

    def create_page(self, request: Request, version: str, body: Any) -> Reply:
        """POST /v1/pages: validate parent, properties and children, store the page."""
        parent = body.get("parent") or {}
        if parent.get("page_id"):
            if _dashed(parent["page_id"]) not in self.pages:
                return notion_error(404, "object_not_found", f"Could not find page with ID: {parent['page_id']}.")
            kinds = {"title": "title"}
            stored_parent = {"type": "page_id", "page_id": _dashed(parent["page_id"])}
        elif (version == NEW and parent.get("data_source_id") == DATA_SOURCE_ID) or \
                (version == OLD and parent.get("database_id") == DATABASE_ID):
            kinds = SCHEMA
            stored_parent = {"type": "data_source_id", "data_source_id": DATA_SOURCE_ID, "database_id": DATABASE_ID}
        else:
            return notion_error(400, "validation_error", f"body.parent failed validation: {parent}")
        failed = self._validate_properties(body.get("properties") or {}, kinds)
        if failed:
            return failed
        children = body.get("children") or []
        if len(children) > 100:
            return notion_error(400, "validation_error", "body.children.length should be ≤ `100`, instead was "
                                f"`{len(children)}`.")
        page = self._page(stored_parent, body.get("properties") or {}, kind_of=kinds, icon=body.get("icon"))
        self.pages[page["id"]] = page
        self.children[page["id"]] = [{"object": "block", "id": str(uuid.uuid4()), **c} for c in children]
        return Reply(200, page)

    def get_page(self, request: Request, version: str, body: Any, page_id: str) -> Reply:
        """GET /v1/pages/{id}."""
        page = self.pages.get(page_id)
        if page is None:
            return notion_error(404, "object_not_found", f"Could not find page with ID: {page_id}. Make sure the "
                                "relevant pages and databases are shared with your integration.")
        return Reply(200, page)

    def update_page(self, request: Request, version: str, body: Any, page_id: str) -> Reply:
        """PATCH /v1/pages/{id}: properties, archived, icon."""
        page = self.pages.get(page_id)
        if page is None:
            return notion_error(404, "object_not_found", f"Could not find page with ID: {page_id}.")
        kinds = {n: p["type"] for n, p in page["properties"].items()}
        failed = self._validate_properties(body.get("properties") or {}, kinds)
        if failed:
            return failed
        for name, value in (body.get("properties") or {}).items():
            kind = kinds[name]
            stored = _rich(value[kind]) if kind in ("title", "rich_text") else value[kind]
            page["properties"][name] = {**page["properties"][name], kind: stored}
        if "archived" in body:
            page["archived"] = page["in_trash"] = bool(body["archived"])
        if body.get("icon"):
            page["icon"] = body["icon"]
        page["last_edited_time"] = _now()
        return Reply(200, page)

    def list_children(self, request: Request, version: str, body: Any, block_id: str) -> Reply:
        """GET /v1/blocks/{id}/children with cursor paging."""
        if block_id not in self.children:
            return notion_error(404, "object_not_found", f"Could not find block with ID: {block_id}.")
        size = int(request.query.get("page_size", "100"))
        blocks = self.children[block_id]
        ids = [b["id"] for b in blocks]
        start = ids.index(request.query["start_cursor"]) if request.query.get("start_cursor") in ids else 0
        more = start + size < len(blocks)
        return Reply(200, {"object": "list", "results": blocks[start:start + size],
                           "next_cursor": ids[start + size] if more else None, "has_more": more,
                           "type": "block", "block": {}})

    def append_children(self, request: Request, version: str, body: Any, block_id: str) -> Reply:
        """PATCH /v1/blocks/{id}/children: at most 100 blocks."""
        if block_id not in self.children:
            return notion_error(404, "object_not_found", f"Could not find block with ID: {block_id}.")
        children = body.get("children") or []
        if len(children) > 100:
            return notion_error(400, "validation_error", "body.children.length should be ≤ `100`")
        added = [{"object": "block", "id": str(uuid.uuid4()), **c} for c in children]
        self.children[block_id].extend(added)
        return Reply(200, {"object": "list", "results": added, "next_cursor": None, "has_more": False})

    def search(self, request: Request, version: str, body: Any) -> Reply:
        """POST /v1/search: pages whose title contains the query."""
        size = body.get("page_size", 100)
        if not isinstance(size, int) or not 1 <= size <= 100:
            return notion_error(400, "validation_error", "body.page_size should be ≤ `100`")
        query = str(body.get("query") or "").lower()
        hits = [p for p in self.pages.values() if query in
                "".join(t["plain_text"] for prop in p["properties"].values() if prop["type"] == "title"
                        for t in prop["title"]).lower()]
        return Reply(200, {"object": "list", "results": hits, "next_cursor": None, "has_more": False,
                           "type": "page_or_data_source", "page_or_data_source": {}})
