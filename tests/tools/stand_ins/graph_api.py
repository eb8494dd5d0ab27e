"""WhatsApp Cloud API (Graph API) stand-in: POST /{version}/{phone_number_id}/messages, GET the number."""

from __future__ import annotations

import re
import uuid
from typing import Any

from .http_stand_in import HttpStandIn, Reply, Request

VALID_TOKEN = "EAAGstandInPermanentToken0123456789"
PHONE_NUMBER_ID = "106540352242922"
API_VERSION = "v21.0"


def graph_error(status: int, code: int, message: str, kind: str = "OAuthException", **extra: Any) -> Reply:
    """Graph's error object ``{"error": {message, type, code, fbtrace_id, ...}}``."""
    return Reply(status, {"error": {"message": message, "type": kind, "code": code,
                                    "fbtrace_id": "A" + uuid.uuid4().hex[:22], **extra}})


class GraphStandIn(HttpStandIn):
    """Serves ``/v21.0/...``; ``base_url`` is ``url`` (the tool adds the version)."""

    service = "graph"

    def __init__(self) -> None:
        super().__init__()
        self.reset()

    def reset(self) -> None:
        """Forget requests, sent messages and read receipts."""
        super().reset()
        self.sent: list[dict[str, Any]] = []
        self.read: list[str] = []

    def setup_routes(self) -> None:
        """Messages endpoint and the phone number node."""
        self.add("POST", r"/(v\d+\.\d+)/(\d+)/messages", self._guard(self.messages))
        self.add("GET", r"/(v\d+\.\d+)/(\d+)", self._guard(self.phone_number))

    def not_found(self, request: Request) -> Reply:
        """Graph's answer for an unknown path."""
        return graph_error(400, 2500, "Unknown path components: " + request.path)

    def _guard(self, handler: Any) -> Any:
        def serve(request: Request, match: re.Match[str]) -> Reply:
            """Check the token and the phone number id, then call the handler."""
            token = request.bearer()
            if not token:
                return graph_error(400, 2500, "An active access token must be used to query information about the "
                                   "current user.")
            if token != VALID_TOKEN:
                return graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token")
            version, number_id = match.groups()
            if number_id != PHONE_NUMBER_ID:
                return graph_error(400, 100, f"Unsupported post request. Object with ID '{number_id}' does not exist, "
                                   "cannot be loaded due to missing permissions, or does not support this operation.",
                                   "GraphMethodException", error_subcode=33)
            return handler(request)
        return serve

    def phone_number(self, request: Request) -> Reply:
        """GET /{version}/{phone_number_id}: the number's public fields."""
        return Reply(200, {"verified_name": "Stand-in Shop", "code_verification_status": "VERIFIED",
                           "display_phone_number": "+1 555-010-0000", "quality_rating": "GREEN",
                           "id": PHONE_NUMBER_ID})

    def messages(self, request: Request) -> Reply:
        """POST /{version}/{phone_number_id}/messages: text, template or read receipt."""
        if request.content_type != "application/json":
            return graph_error(400, 100, "(#100) Param messaging_product is required", "OAuthException")
        body = request.json() or {}
        if body.get("messaging_product") != "whatsapp":
            return graph_error(400, 100, "(#100) The parameter messaging_product is required.")
        if body.get("status") == "read":
            if not body.get("message_id"):
                return graph_error(400, 100, "(#100) The parameter message_id is required.")
            self.read.append(body["message_id"])
            return Reply(200, {"success": True})
        to = str(body.get("to") or "")
        if not to:
            return graph_error(400, 100, "(#100) The parameter to is required.")
        kind = body.get("type", "text")
        if kind == "text" and not (body.get("text") or {}).get("body"):
            return graph_error(400, 100, "(#100) The parameter text['body'] is required.")
        if kind == "template":
            template = body.get("template") or {}
            if not template.get("name") or not (template.get("language") or {}).get("code"):
                return graph_error(400, 100, "(#100) The parameter template['name'] is required.")
            if template["name"] == "missing_template":
                return graph_error(404, 132001, "(#132001) Template name does not exist in the translation",
                                   error_data={"messaging_product": "whatsapp",
                                               "details": "template name (missing_template) does not exist in en_US"})
        wamid = "wamid.HBgL" + uuid.uuid4().hex.upper()
        self.sent.append({**body, "id": wamid})
        return Reply(200, {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to.lstrip("+")}],
                           "messages": [{"id": wamid, "message_status": "accepted"}]})
