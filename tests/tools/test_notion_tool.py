"""Notion tool (notion-client) against a local Notion API stand-in, for API versions 2025-09-03 and 2022-06-28."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from stand_ins.http_stand_in import Reply, dead_url
from stand_ins.notion_api import (
    DATA_SOURCE_ID,
    DATABASE_ID,
    OLD,
    PARENT_PAGE_ID,
    VALID_TOKEN,
    NotionStandIn,
    notion_error,
)

from flowdesk.tools.notion.main import NotionTool


@pytest.fixture(scope="module")
def server() -> Iterator[NotionStandIn]:
    """The Notion stand-in, one per module."""
    stand_in = NotionStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture()
def api(server: NotionStandIn) -> NotionStandIn:
    """The stand-in, reset for this test."""
    server.reset()
    return server


def make_tool(api: NotionStandIn | None, **config: Any) -> NotionTool:
    """A Notion tool aimed at the stand-in (or at a dead port)."""
    base = (api.url if api else dead_url()) + "/v1"
    return NotionTool(profile="TEST", config={"token": VALID_TOKEN, "base_url": base, "database_id": DATABASE_ID,
                                              "timeout": 5, **config})


def test_authenticate_checks_users_me_with_version_header(api: NotionStandIn) -> None:
    assert make_tool(api).authenticate()
    (call,) = api.calls("/users/me")
    assert call.headers["authorization"] == f"Bearer {VALID_TOKEN}" and call.headers["notion-version"] == "2025-09-03"


def test_create_page_in_database_with_plain_values_and_content(api: NotionStandIn) -> None:
    tool = make_tool(api)
    long_text = "x" * 4500
    result = tool.execute("create_page", {
        "title": "Acme Corp",
        "properties": {"status": "Lead", "Tags": "b2b, vip", "Due": "2024-08-01", "Done": "false", "Estimate": "3",
                       "Link": "https://acme.example", "Notes": long_text, "Priority": {"select": {"name": "High"}}},
        "content": "# Context\n\nFirst contact.\nSecond line.\n\n- call back\n- send quote\n\n" + "y" * 10,
    })
    assert result["status"] == "success", result
    page = result["data"]
    assert page["title"] == "Acme Corp" and page["properties"]["Status"] == "Lead"
    assert page["properties"]["Tags"] == ["b2b", "vip"] and page["properties"]["Done"] is False
    assert page["properties"]["Estimate"] == 3 and page["properties"]["Priority"] == "High"
    assert page["properties"]["Notes"] == long_text  # split into 2000-character rich text chunks
    create = api.calls("/v1/pages$")[0].json()
    assert create["parent"] == {"type": "data_source_id", "data_source_id": DATA_SOURCE_ID}
    assert [len(t["text"]["content"]) for t in create["properties"]["Notes"]["rich_text"]] == [2000, 2000, 500]
    assert [b["type"] for b in create["children"]] == ["heading_1", "paragraph", "bulleted_list_item",
                                                       "bulleted_list_item", "paragraph"]
    content = tool.execute("get_page_content", {"page_id": page["url"]})
    assert content["data"]["text"] == "# Context\nFirst contact.\nSecond line.\n- call back\n- send quote\nyyyyyyyyyy"


def test_more_than_100_blocks_are_appended_in_batches(api: NotionStandIn) -> None:
    result = make_tool(api).execute("create_page", {"parent_page_id": PARENT_PAGE_ID, "title": "Long",
                                                    "content": [f"line {i}" for i in range(230)]})
    assert result["status"] == "success", result
    appends = api.calls("/children$")
    assert [len(c.json()["children"]) for c in appends] == [100, 30]
    assert len(api.children[result["data"]["id"]]) == 230


def test_query_database_with_filter_and_sorts(api: NotionStandIn) -> None:
    tool = make_tool(api)
    result = tool.execute("query_database", {"filter": {"property": "Status", "status": {"equals": "Done"}}})
    assert result["status"] == "success", result
    assert [p["title"] for p in result["data"]["pages"]] == ["Ship v1"]
    assert result["data"]["data_source_id"] == DATA_SOURCE_ID
    ordered = tool.execute("query_database", {"sorts": '[{"property": "Due", "direction": "ascending"}]',
                                              "page_size": 1, "fetch_all": True})
    assert [p["title"] for p in ordered["data"]["pages"]] == ["Ship v1", "Write spec"]
    assert len(api.calls("/data_sources/.*/query")) == 3


def test_old_api_version_uses_database_endpoints(api: NotionStandIn) -> None:
    tool = make_tool(api, notion_version=OLD)
    result = tool.execute("query_database", {})
    assert result["status"] == "success", result
    assert result["data"]["count"] == 2 and api.calls(f"/databases/{DATABASE_ID}/query")
    created = tool.execute("create_page", {"title": "Old style", "properties": {"Status": "Lead"}})
    assert created["status"] == "success", created
    assert api.calls("/v1/pages$")[0].json()["parent"] == {"database_id": DATABASE_ID}


def test_update_archive_get_and_search(api: NotionStandIn) -> None:
    tool = make_tool(api)
    row = tool.execute("search", {"query": "spec"})["data"]["results"][0]
    updated = tool.execute("update_page", {"page_id": row["id"], "properties": {"Status": "Done", "Done": True},
                                           "title": "Write spec v2"})
    assert updated["status"] == "success", updated
    assert updated["data"]["properties"]["Status"] == "Done" and updated["data"]["title"] == "Write spec v2"
    archived = tool.execute("archive_page", {"page_id": row["id"].replace("-", "")})
    assert archived["data"]["archived"] is True
    fetched = tool.execute("get_page_from_url", {"url": f"https://www.notion.so/x/Write-spec-{row['id'].replace('-', '')}"})
    assert fetched["data"]["archived"] is True
    assert tool.execute("query_database", {})["data"]["count"] == 1


def test_unknown_property_and_missing_params(api: NotionStandIn) -> None:
    tool = make_tool(api)
    unknown = tool.execute("create_page", {"properties": {"Colour": "red"}})
    assert unknown["status"] == "error" and "no property 'Colour'" in unknown["error"]
    assert "Status" in unknown["error"]
    computed = tool.execute("create_page", {"properties": {"Created": "2024-01-01"}})
    assert "cannot be set" in computed["error"]
    assert "page_id" in tool.execute("update_page", {})["error"]
    assert "nothing to update" in tool.execute("update_page", {"page_id": PARENT_PAGE_ID})["error"]
    no_db = make_tool(api, database_id=None).execute("query_database", {})
    assert no_db["status"] == "error" and "database_id is required" in no_db["error"]
    assert "not a Notion id" in tool.execute("get_page", {"page_id": "hello"})["error"]
    missing_token = NotionTool(config={"base_url": api.url + "/v1"}).execute("search", {})
    assert missing_token["status"] == "error" and "token" in missing_token["error"]


def test_notion_errors_are_reported(api: NotionStandIn) -> None:
    tool = make_tool(api)
    missing = tool.execute("get_page", {"page_id": "44444444444444444444444444444444"})
    assert missing["status"] == "error" and missing["code"] == "object_not_found" and missing["http_status"] == 404
    assert "shared with your integration" in missing["error"]
    api.fail_next("/data_sources/.*/query", notion_error(400, "validation_error", "body.filter is invalid"))
    invalid = tool.execute("query_database", {"filter": {"property": "Status"}})
    assert invalid["code"] == "validation_error" and "body.filter is invalid" in invalid["error"]


def test_bad_token(api: NotionStandIn) -> None:
    tool = make_tool(api, token="ntn_wrong")
    assert not tool.authenticate()
    result = tool.execute("query_database", {})
    assert result["status"] == "error" and result["code"] == "unauthorized" and result["http_status"] == 401
    assert "API token is invalid" in result["error"] and "ntn_wrong" not in result["error"]


def test_rate_limit_gives_retry_after(api: NotionStandIn) -> None:
    tool = make_tool(api)
    assert tool.authenticate()
    limited = notion_error(429, "rate_limited", "You have been rate limited. Please try again in a few minutes.")
    api.fail_next("/v1/search", Reply(429, limited.body, {"Retry-After": "12"}))
    result = tool.execute("search", {"query": "x"})
    assert result["status"] == "error" and result["code"] == "rate_limited" and result["retry_after"] == 12
    assert len(api.calls("/v1/search")) == 1  # notion-client's own retries are off


def test_server_down_is_a_clear_error() -> None:
    result = make_tool(None).execute("search", {"query": "x"})
    assert result["status"] == "error" and result["code"] == "connection_refused"
    assert "Notion" in result["error"]


def test_get_data_source_and_append_content(api: NotionStandIn) -> None:
    tool = make_tool(api, data_source_id=DATA_SOURCE_ID)
    schema = tool.execute("get_data_source", {})
    assert schema["status"] == "success" and schema["data"]["properties"]["Status"] == "status"
    appended = tool.execute("update_page_content", {"page_id": PARENT_PAGE_ID, "content": "## Notes\n\n- a\n- b"})
    assert appended["status"] == "success" and appended["data"]["appended"] == 3
    text = tool.execute("get_page_content", {"page_id": PARENT_PAGE_ID})["data"]["text"]
    assert text == "## Notes\n- a\n- b"
    assert "only appends" in tool.execute("update_page_content", {"page_id": PARENT_PAGE_ID, "content": "x",
                                                                  "mode": "replace"})["error"]


def test_seed_page_sizes_above_100_are_read_over_pages(api: NotionStandIn) -> None:
    """The seed's PROJECTS profile had page_size 200: Notion refuses more than 100 a request, so two are made."""
    for n in range(248):
        api._add_row(f"Tâche {n}", "In progress", "2024-08-01", False)
    tool = make_tool(api, page_size=200)
    result = tool.execute("query_database", {})
    assert result["status"] == "success", result
    assert result["data"]["count"] == 200 and result["data"]["has_more"] is True
    assert [c.json()["page_size"] for c in api.calls("/data_sources/.*/query")] == [100, 100]
    everything = tool.execute("query_database", {"page_size": 5000})  # clamped to 1000; 250 rows exist
    assert everything["data"]["count"] == 250 and everything["data"]["has_more"] is False
    found = tool.execute("search", {"query": "Tâche", "page_size": 250})
    assert found["status"] == "success", found  # one request of 100 at most, not a 400
    assert all(c.json()["page_size"] <= 100 for c in api.calls("/search"))
