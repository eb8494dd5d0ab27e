"""WhatsApp tool against a local Graph API stand-in, and its SQLite webhook inbox."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stand_ins.graph_api import PHONE_NUMBER_ID, VALID_TOKEN, GraphStandIn, graph_error
from stand_ins.http_stand_in import Reply, dead_url

from flowdesk.tools.whatsapp import inbox
from flowdesk.tools.whatsapp.main import WhatsAppTool


@pytest.fixture(scope="module")
def server() -> Iterator[GraphStandIn]:
    """The Graph API stand-in, one per module."""
    stand_in = GraphStandIn().start()
    yield stand_in
    stand_in.stop()


@pytest.fixture()
def api(server: GraphStandIn) -> GraphStandIn:
    """The stand-in, reset for this test."""
    server.reset()
    return server


def make_tool(api: GraphStandIn | None, **config: Any) -> WhatsAppTool:
    """A WhatsApp tool aimed at the stand-in (or at a dead port)."""
    return WhatsAppTool(profile="TEST", config={"access_token": VALID_TOKEN, "phone_number_id": PHONE_NUMBER_ID,
                                                "base_url": api.url if api else dead_url(), "timeout": 5, **config})


def delivery(*messages: dict[str, Any], contacts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A webhook body shaped as Meta documents it."""
    return {"object": "whatsapp_business_account", "entry": [{"id": "WABA_ID", "changes": [{
        "field": "messages",
        "value": {"messaging_product": "whatsapp",
                  "metadata": {"display_phone_number": "15550100000", "phone_number_id": PHONE_NUMBER_ID},
                  "contacts": contacts or [{"profile": {"name": "Marie"}, "wa_id": "33612345678"}],
                  "messages": list(messages)}}]}]}


def text_message(wamid: str, sender: str, body: str, ago: int = 0) -> dict[str, Any]:
    """A text message as a webhook carries it, ``ago`` seconds old."""
    return {"from": sender, "id": wamid, "timestamp": str(int(time.time()) - ago), "type": "text",
            "text": {"body": body}}


# -- sending --------------------------------------------------------------------------


def test_send_text_message(api: GraphStandIn) -> None:
    result = make_tool(api).execute("send_message", {"phone_number": "+33 6 12 34 56 78", "message": "Bonjour!"})
    assert result["status"] == "success", result
    assert result["data"]["message_id"].startswith("wamid.") and result["data"]["wa_id"] == "33612345678"
    (call,) = api.calls("/messages$")
    assert call.path == f"/v21.0/{PHONE_NUMBER_ID}/messages" and call.method == "POST"
    assert call.headers["authorization"] == f"Bearer {VALID_TOKEN}" and call.content_type == "application/json"
    assert call.json() == {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "33612345678",
                           "type": "text", "text": {"preview_url": False, "body": "Bonjour!"}}


def test_send_template_and_reply_context(api: GraphStandIn) -> None:
    tool = make_tool(api, api_version="v22.0")
    result = tool.execute("send_message", {"to": "0033612345678", "template": "order_update", "language": "fr",
                                           "components": [{"type": "body", "parameters": [{"type": "text",
                                                                                            "text": "42"}]}],
                                           "reply_to": "wamid.ABC"})
    assert result["status"] == "success", result
    sent = api.sent[0]
    assert api.calls("/messages$")[0].path.startswith("/v22.0/")
    assert sent["to"] == "33612345678" and sent["type"] == "template"
    assert sent["template"]["name"] == "order_update" and sent["template"]["language"] == {"code": "fr"}
    assert sent["context"] == {"message_id": "wamid.ABC"}
    missing = tool.execute("send_message", {"to": "+33612345678", "template": "missing_template"})
    assert missing["status"] == "error" and missing["code"] == "template_not_found"
    assert "does not exist in en_US" in missing["error"]


def test_bad_token_and_bad_number_id(api: GraphStandIn) -> None:
    result = make_tool(api, access_token="EAAGwrong").execute("send_message", {"to": "+33612345678",
                                                                               "message": "x"})
    assert result["status"] == "error" and result["code"] == "invalid_token" and result["http_status"] == 401
    assert "Invalid OAuth access token" in result["error"] and "EAAGwrong" not in result["error"]
    other = make_tool(api, phone_number_id="999999999").execute("send_message", {"to": "+33612345678",
                                                                                 "message": "x"})
    assert other["status"] == "error" and other["code"] == "invalid_parameter"
    malformed = make_tool(api, phone_number_id="+33 6 12").execute("send_message", {"to": "+33612345678",
                                                                                    "message": "x"})
    assert malformed["status"] == "error" and "numeric id" in malformed["error"]


def test_rate_limits(api: GraphStandIn) -> None:
    tool = make_tool(api)
    throttled = graph_error(429, 130429, "(#130429) Rate limit hit")
    api.fail_next("/messages", Reply(429, throttled.body, {"Retry-After": "60"}))
    result = tool.execute("send_message", {"to": "+33612345678", "message": "x"})
    assert result["status"] == "error" and result["retry_after"] == 60 and result["code"] == "rate_limited"
    api.fail_next("/messages", graph_error(400, 131056, "(#131056) (Business Account, Consumer Account) pair rate "
                                                        "limit hit"))
    pair = tool.execute("send_message", {"to": "+33612345678", "message": "x"})
    assert pair["code"] == "rate_limited" and "rate limited" in pair["error"]


def test_missing_and_bad_params(api: GraphStandIn) -> None:
    tool = make_tool(api)
    assert "to or phone_number or recipient is required" in tool.execute("send_message", {"message": "x"})["error"]
    assert "message or text or body is required" in tool.execute("send_message", {"to": "+33612345678"})["error"]
    assert "international phone number" in tool.execute("send_message", {"to": "12", "message": "x"})["error"]
    long = tool.execute("send_message", {"to": "+33612345678", "message": "x" * 5000})
    assert "4096" in long["error"]
    assert api.requests == []
    missing = WhatsAppTool(config={"access_token": VALID_TOKEN}).execute("send_message", {"to": "+3361234567"})
    assert missing["status"] == "error" and "phone_number_id" in missing["error"]


def test_account_status_and_mark_as_read(api: GraphStandIn) -> None:
    tool = make_tool(api)
    status = tool.execute("get_account_status", {})
    assert status["data"]["verified_name"] == "Stand-in Shop"
    assert tool.execute("mark_as_read", {"message_id": "wamid.X"})["status"] == "success"
    assert api.read == ["wamid.X"]


def test_server_down_is_a_clear_error() -> None:
    result = make_tool(None).execute("send_message", {"to": "+33612345678", "message": "x"})
    assert result["status"] == "error" and result["code"] == "connection_refused"
    assert "WhatsApp" in result["error"] and VALID_TOKEN not in result["error"]


# -- inbox ----------------------------------------------------------------------------


def test_record_delivery_parses_message_types_and_ignores_duplicates(tmp_path: Path) -> None:
    payload = delivery(
        text_message("wamid.1", "33612345678", "Bonjour", ago=7200),
        {"from": "33612345678", "id": "wamid.2", "timestamp": str(int(time.time()) - 60), "type": "image",
         "image": {"caption": "Facture", "mime_type": "image/jpeg", "sha256": "abc", "id": "MEDIA1"}},
        {"from": "4915112345678", "id": "wamid.3", "timestamp": str(int(time.time())), "type": "interactive",
         "interactive": {"type": "button_reply", "button_reply": {"id": "yes", "title": "Oui"}},
         "context": {"from": "15550100000", "id": "wamid.OUT"}},
    )
    assert inbox.record_delivery(tmp_path, payload) == 3
    assert inbox.record_delivery(tmp_path, payload) == 0  # Meta retries deliveries: stored once
    statuses = {"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages", "value": {
        "statuses": [{"id": "wamid.OUT", "status": "read", "timestamp": "1"}]}}]}]}
    assert inbox.record_delivery(tmp_path, statuses) == 0
    assert inbox.record_delivery(tmp_path, {"unexpected": True}) == 0
    with pytest.raises(ValueError):
        inbox.record_delivery(tmp_path, ["not", "a", "dict"])  # type: ignore[arg-type]
    assert (tmp_path / inbox.INBOX_FILE).is_file()
    rows = inbox.get_messages(tmp_path)
    assert [(r["id"], r["type"], r["text"]) for r in rows] == [
        ("wamid.3", "interactive", "Oui"), ("wamid.2", "image", "Facture"), ("wamid.1", "text", "Bonjour")]
    assert rows[0]["context_id"] == "wamid.OUT" and rows[1]["media_id"] == "MEDIA1"
    assert rows[2]["contact_name"] == "Marie" and rows[2]["from"] == "33612345678"
    assert [r["id"] for r in inbox.get_messages(tmp_path, from_number="+33 6 12 34 56 78")] == ["wamid.2", "wamid.1"]
    assert [r["id"] for r in inbox.get_messages(tmp_path, since="1hours")] == ["wamid.3", "wamid.2"]
    assert [r["id"] for r in inbox.get_messages(tmp_path, limit=1)] == ["wamid.3"]
    assert inbox.get_messages(tmp_path / "nothing-here") == []


def test_tool_reads_the_inbox_from_the_data_dir(api: GraphStandIn, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWDESK_DATA_DIR", str(tmp_path))
    inbox.record_delivery(None, delivery(text_message("wamid.a", "33612345678", "Salut", ago=30),
                                         text_message("wamid.b", "33612345678", "Tu es là ?")))
    inbox.record_delivery(tmp_path / inbox.INBOX_FILE, delivery(
        text_message("wamid.c", "4915112345678", "Hallo", ago=10), contacts=[{"profile": {"name": "Jonas"},
                                                                              "wa_id": "4915112345678"}]))
    tool = make_tool(api)
    result = tool.execute("get_messages", {"from_number": "+33612345678", "limit": 5})
    assert result["status"] == "success", result
    assert [m["text"] for m in result["data"]["messages"]] == ["Tu es là ?", "Salut"]
    conversations = tool.execute("get_conversations", {})["data"]["conversations"]
    assert [(c["chat_id"], c["message_count"], c["last_message"]["text"]) for c in conversations] == [
        ("33612345678", 2, "Tu es là ?"), ("4915112345678", 1, "Hallo")]
    contacts = tool.execute("get_contacts", {})["data"]["contacts"]
    assert {"phone_number": "4915112345678", "name": "Jonas"} in contacts
    other_dir = make_tool(api, data_dir=str(tmp_path / "elsewhere")).execute("get_messages", {})
    assert other_dir["data"]["messages"] == []
    assert api.requests == []  # reading the inbox never calls Meta


def test_unipile_compat_actions(api: GraphStandIn) -> None:
    tool = make_tool(api)
    sent = tool.execute("send_message_to_chat", {"chat_id": "33612345678", "message": "Merci !"})
    assert sent["status"] == "success" and api.sent[0]["to"] == "33612345678"
    unipile = tool.execute("send_message_to_chat", {"chat_id": "e42UFvJQWTyg8BK9upOS5Q", "message": "x"})
    assert unipile["status"] == "error" and unipile["code"] == "not_supported" and "send_message" in unipile["error"]
    history = tool.execute("sync_chat_history", {"chat_id": "33612345678"})
    assert history["status"] == "error" and history["code"] == "not_supported"
