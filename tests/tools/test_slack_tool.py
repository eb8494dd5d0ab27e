"""Slack tool (slack_sdk) against a local Slack Web API stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from stand_ins.http_stand_in import Reply, dead_url
from stand_ins.slack_api import VALID_TOKEN, SlackStandIn

from flowdesk.tools.slack.main import SlackTool


@pytest.fixture(scope="module")
def server() -> Iterator[SlackStandIn]:
    """The Slack stand-in, one per module."""
    stand_in = SlackStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture()
def api(server: SlackStandIn) -> SlackStandIn:
    """The stand-in, reset for this test."""
    server.reset()
    return server


def make_tool(api: SlackStandIn | None, **config: Any) -> SlackTool:
    """A Slack tool aimed at the stand-in (or at a dead port)."""
    base = (api.url if api else dead_url()) + "/api/"
    return SlackTool(profile="TEST", config={"token": VALID_TOKEN, "base_url": base, "timeout": 5, **config})


def test_authenticate_calls_auth_test_once(api: SlackStandIn) -> None:
    tool = make_tool(api)
    assert tool.authenticate() and tool.authenticate()
    assert len(api.calls("auth.test")) == 1
    assert api.calls("auth.test")[0].headers["authorization"] == f"Bearer {VALID_TOKEN}"


def test_post_message_by_channel_name_with_blocks_and_thread(api: SlackStandIn) -> None:
    tool = make_tool(api)
    first = tool.execute("post_message", {"channel": "#marketing", "text": "Hello *team*"})
    assert first["status"] == "success", first
    assert first["data"]["channel"] == "C0MARKET01" and first["data"]["ts"]
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*Bold*"}}]
    reply = tool.execute("post_message", {"channel": "C0MARKET01", "text": "in thread", "blocks": blocks,
                                          "thread_ts": first["data"]["ts"]})
    assert reply["status"] == "success", reply
    posted = api.posted("C0MARKET01")
    assert [m["text"] for m in posted] == ["Hello *team*", "in thread"]
    assert posted[1]["blocks"] == blocks and posted[1]["thread_ts"] == first["data"]["ts"]
    call = api.calls("chat.postMessage")[0]
    assert call.method == "POST" and call.content_type == "application/json"


def test_post_message_uses_profile_channel_and_json_string_blocks(api: SlackStandIn) -> None:
    tool = make_tool(api, channel="#general")
    result = tool.execute("post_message", {"blocks": '[{"type": "divider"}]', "text": "x"})
    assert result["status"] == "success" and result["data"]["channel"] == "C0GENERAL1"


def test_get_messages_resolves_name_across_pages(api: SlackStandIn) -> None:
    tool = make_tool(api)
    result = tool.execute("get_messages", {"channel": "#secret-stuff", "limit": 5})
    assert result["status"] == "success", result
    assert result["data"]["channel_id"] == "G0PRIVATE1" and result["data"]["messages"] == []
    assert len(api.calls("conversations.list")) == 2  # followed next_cursor to page 2
    history = make_tool(api).execute("get_messages", {"channel": "marketing", "limit": 2})
    messages = history["data"]["messages"]
    assert [m["text"] for m in messages] == ["old message 2", "old message 1"]
    assert history["data"]["has_more"] is True and messages[0]["datetime"].startswith("2023-11-14")
    assert api.calls("conversations.history")[-1].form()["channel"] == "C0MARKET01"


def test_unknown_channel(api: SlackStandIn) -> None:
    tool = make_tool(api)
    result = tool.execute("get_messages", {"channel": "#nope"})
    assert result["status"] == "error" and result["code"] == "channel_not_found"
    posted = tool.execute("post_message", {"channel": "#nope", "text": "x"})
    assert posted["status"] == "error" and posted["code"] == "channel_not_found"


def test_create_channel(api: SlackStandIn) -> None:
    tool = make_tool(api)
    result = tool.execute("create_channel", {"name": "#Projet Alpha", "is_private": "true"})
    assert result["status"] == "success", result
    assert result["data"]["name"] == "projet-alpha" and result["data"]["is_private"] is True
    taken = tool.execute("create_channel", {"name": "general"})
    assert taken["status"] == "error" and taken["code"] == "name_taken"
    bad = tool.execute("create_channel", {"name": "a.b"})
    assert bad["status"] == "error" and "channel names" in bad["error"]


def test_bad_token_is_reported_with_slacks_error(api: SlackStandIn) -> None:
    tool = make_tool(api, token="xoxb-wrong")
    assert not tool.authenticate()
    result = tool.execute("post_message", {"channel": "#general", "text": "x"})
    assert result["status"] == "error" and result["code"] == "invalid_auth"
    assert "credentials rejected" in result["error"]
    assert api.calls("chat.postMessage") == []
    malformed = make_tool(api, token="not-a-slack-token").execute("post_message", {"text": "x"})
    assert malformed["status"] == "error" and "xoxb-" in malformed["error"]


def test_rate_limit_gives_retry_after(api: SlackStandIn) -> None:
    tool = make_tool(api)
    assert tool.authenticate()
    api.fail_next("chat.postMessage", Reply(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "30"}))
    result = tool.execute("post_message", {"channel": "#general", "text": "x"})
    assert result["status"] == "error" and result["retry_after"] == 30 and result["http_status"] == 429
    assert result["code"] == "ratelimited"


def test_missing_params(api: SlackStandIn) -> None:
    tool = make_tool(api, channel=None)
    assert "channel is required" in tool.execute("post_message", {"text": "x"})["error"]
    assert "text is required" in tool.execute("post_message", {"channel": "#general"})["error"]
    assert "name" in tool.execute("create_channel", {})["error"]
    missing = SlackTool(config={"base_url": api.url + "/api/"}).execute("post_message", {"text": "x"})
    assert missing["status"] == "error" and "token" in missing["error"]


def test_server_down_is_a_clear_error() -> None:
    result = make_tool(None).execute("post_message", {"channel": "#general", "text": "x"})
    assert result["status"] == "error" and result["code"] == "connection_refused"
    assert VALID_TOKEN not in result["error"]


def test_server_error_and_missing_scope(api: SlackStandIn) -> None:
    tool = make_tool(api)
    assert tool.authenticate()
    api.fail_next("chat.postMessage", Reply(503, "<html>down</html>", content_type="text/html"))
    down = tool.execute("post_message", {"channel": "#general", "text": "x"})
    assert down["status"] == "error" and down["http_status"] == 503 and down["code"] == "http_503"
    api.fail_next("chat.postMessage", Reply(200, {"ok": False, "error": "missing_scope", "needed": "chat:write"}))
    scope = tool.execute("post_message", {"channel": "#general", "text": "x"})
    assert scope["code"] == "missing_scope" and "needed scope: chat:write" in scope["error"]


def test_seed_message_counts_are_paged_through(api: SlackStandIn) -> None:
    """The seed's SALES profile read 200 messages at once: fewer come per page, the cursor brings the rest."""
    api.messages["C0MARKET01"] = [{"type": "message", "text": f"message {n}", "user": "U0ALICE01",
                                   "ts": f"{1700000000 + n}.000100"} for n in range(420)]
    tool = make_tool(api, max_messages=200)
    result = tool.execute("get_messages", {"channel": "C0MARKET01", "limit": 400})
    assert result["status"] == "success", result
    texts = [m["text"] for m in result["data"]["messages"]]
    assert len(texts) == 400 and texts[0] == "message 419" and len(set(texts)) == 400
    sent = [{**c.query, **(c.form() if c.content_type == "application/x-www-form-urlencoded" else {})}
            for c in api.calls("conversations.history")]
    assert [int(args["limit"]) for args in sent] == [200, 200, 100]  # pages of 150, 150, then the 100 left
    assert result["data"]["has_more"] is True and result["data"]["next_cursor"]
    everything = tool.execute("get_messages", {"channel": "C0MARKET01", "limit": 5000})  # clamped to 1000
    assert everything["data"]["count"] == 420 and everything["data"]["has_more"] is False
