"""WhatsApp deliveries reach the inbox through the listener, and a workflow reads them with get_messages."""

from __future__ import annotations

import hashlib
import hmac
import json

from tests.core.listener.conftest import Api

DELIVERY = {"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
    "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550000000", "phone_number_id": "109876543210987"},
    "contacts": [{"profile": {"name": "Ada"}, "wa_id": "33612345678"}],
    "messages": [{"from": "33612345678", "id": "wamid.ABC", "timestamp": "1763800000", "type": "text",
                  "text": {"body": "Bonjour FlowDesk"}}]}}]}]}


def test_verification_and_signed_delivery(api: Api, listener_ws) -> None:
    path = "/api/integrations/whatsapp/webhook"
    assert api("GET", f"{path}?hub.mode=subscribe&hub.verify_token=x&hub.challenge=42", auth=False).status_code == 403
    (listener_ws / "config" / ".env").write_text("WHATSAPP_WEBHOOK_VERIFY_TOKEN=verify-me\nWHATSAPP_APP_SECRET=app-secret\n")
    ok = api("GET", f"{path}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=42", auth=False)
    assert ok.status_code == 200 and ok.text == "42"
    assert api("GET", f"{path}?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42", auth=False).status_code == 403
    body = json.dumps(DELIVERY).encode()
    sig = "sha256=" + hmac.new(b"app-secret", body, hashlib.sha256).hexdigest()
    unsigned = api("POST", path, auth=False, data=body, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 401
    r = api("POST", path, auth=False, data=body, headers={"Content-Type": "application/json", "X-Hub-Signature-256": sig})
    assert r.status_code == 200 and r.json() == {"received": 1}
    # the same delivery again (Meta retries) is stored once
    assert api("POST", path, auth=False, data=body, headers={"X-Hub-Signature-256": sig}).json() == {"received": 0}
    wf = listener_ws / "private/workflows/read_inbox"
    wf.mkdir()
    (wf / "config.json").write_text('{"name": "Read inbox", "triggers": ["manual"], "tools_required": ["whatsapp"], '
                                    '"tool_profiles": {"whatsapp": "BIZ"}}')
    (wf / "main.py").write_text("def execute(data, tools):\n    r = tools['whatsapp'].execute('get_messages', {'limit': 5})\n"
                                "    return {'status': r['status'], 'data': r.get('data'), 'message': str(r.get('error'))}\n")
    with open(listener_ws / "config" / ".env", "a") as env:
        env.write("WHATSAPP_BIZ_ACCESS_TOKEN=tok-123456\nWHATSAPP_BIZ_PHONE_NUMBER_ID=109876543210987\n")
    result = api("POST", "/api/workflows/execute/read_inbox", json={}).json()
    assert result["status"] == "success", result
    assert "Bonjour FlowDesk" in json.dumps(result["data"])
