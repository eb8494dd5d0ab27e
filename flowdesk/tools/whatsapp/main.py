"""Built-in ``whatsapp`` tool: send through the WhatsApp Cloud API (Graph API), read the webhook inbox.

The seed's tool used Unipile; its action names keep working where the Cloud API has an
equivalent: ``send_message_to_chat`` takes a phone number as chat id, ``get_conversations``
and ``get_contacts`` are read from the inbox. ``sync_chat_history`` has no Cloud API
equivalent (the API never returns past messages) and answers an explicit error.
"""

from __future__ import annotations

import re
from typing import Any

import requests

from flowdesk.tools.api_errors import ApiError, ApiResultsMixin
from flowdesk.tools.base import BaseTool, ToolParamError
from flowdesk.tools.params import bool_param, config_number, int_in_range, json_value, optional_str, require_str
from flowdesk.tools.rest_client import RestClient
from flowdesk.tools.whatsapp import inbox

DEFAULT_BASE_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "v21.0"
# Graph error codes meaning "slow down" (HTTP status is often 400, not 429).
_RATE_CODES = {4, 17, 32, 613, 80007, 130429, 131048, 131056}
_AUTH_CODES = {190, 102}
_NAMED_CODES = {131047: "reengagement_window", 131026: "undeliverable", 132001: "template_not_found",
                100: "invalid_parameter", 10: "permission_denied", 200: "permission_denied"}


def graph_error(response: requests.Response, body: Any) -> tuple[str | None, str | None]:
    """Detail and code of a Graph API error object (``error.message``, ``code``, ``error_data.details``)."""
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return None, None
    code = err.get("code")
    detail = str(err.get("message") or "")
    extra = (err.get("error_data") or {}).get("details") if isinstance(err.get("error_data"), dict) else None
    if extra and extra not in detail:
        detail += f" — {extra}"
    detail += f" (Graph code {code})" if code is not None else ""
    if code in _RATE_CODES:
        return detail, "rate_limited"
    if code in _AUTH_CODES:
        return f"invalid or expired access token: {detail}", "invalid_token"
    return detail, _NAMED_CODES.get(code, f"graph_{code}" if code is not None else None)


def phone(value: str, name: str) -> str:
    """A recipient number in Cloud API form (country code + digits) from ``+33 6 12 34 56 78`` and the like."""
    number = inbox.digits(value)
    if not 7 <= len(number) <= 15:
        raise ToolParamError(f"{name}: expected an international phone number such as +33612345678, got {value!r}")
    return number


class WhatsAppTool(ApiResultsMixin, BaseTool):
    """WhatsApp Cloud API: ``send_message`` (text or template) and ``get_messages`` from the webhook inbox."""

    tool_name = "whatsapp"
    _api: RestClient | None = None

    def authenticate(self) -> bool:
        """Check the profile's shape (no call: reading the local inbox must work offline)."""
        if not self.validate_config():
            self.authenticated = False
            return False
        token = str(self.config.get("access_token") or "")
        if not token.strip() or any(c.isspace() for c in token.strip()):
            return self.fail_auth(ApiError("WhatsApp: access_token is empty or contains spaces", code="invalid_token"))
        if not re.fullmatch(r"\d{5,20}", str(self.config.get("phone_number_id") or "").strip()):
            return self.fail_auth(ApiError("WhatsApp: phone_number_id must be the numeric id shown in the Meta "
                                           "app (WhatsApp > API Setup), not the phone number", code="invalid_config"))
        if not re.fullmatch(r"v\d+\.\d+", self._api_version):
            return self.fail_auth(ApiError(f"WhatsApp: api_version must look like v21.0, got {self._api_version!r}",
                                           code="invalid_config"))
        self.authenticated = True
        return True

    @property
    def _api_version(self) -> str:
        return str(self.config.get("api_version") or DEFAULT_API_VERSION).strip()

    @property
    def phone_number_id(self) -> str:
        """The sending number's Graph id."""
        return str(self.config.get("phone_number_id")).strip()

    @property
    def api(self) -> RestClient:
        """Graph API client at ``{base_url}/{api_version}`` with the bearer token."""
        if self._api is None:
            base = str(self.config.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
            self._api = RestClient("WhatsApp", f"{base}/{self._api_version}",
                                   timeout=config_number(self.config.get("timeout"), "timeout", 30),
                                   headers={"Authorization": f"Bearer {str(self.config.get('access_token')).strip()}"},
                                   error_reader=graph_error)
        return self._api

    @property
    def inbox_location(self) -> str | None:
        """The profile's ``data_dir`` (else the FlowDesk data dir is used)."""
        return optional_str(self.config, "data_dir")

    # -- sending ----------------------------------------------------------------------

    def action_send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        """A text message (within 24 h of the contact's last message) or a template message (any time)."""
        to = phone(require_str(params, "to", "phone_number", "recipient"), "to")
        body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        template = optional_str(params, "template", "template_name")
        if template:
            spec: dict[str, Any] = {"name": template,
                                    "language": {"code": optional_str(params, "language", default="en_US")}}
            if params.get("components"):
                spec["components"] = json_value(params["components"], "components", list)
            body.update(type="template", template=spec)
        else:
            text = require_str(params, "message", "text", "body")
            if len(text) > 4096:
                raise ToolParamError(f"message: WhatsApp text is limited to 4096 characters, got {len(text)}")
            body.update(type="text", text={"preview_url": bool_param(params, "preview_url"), "body": text})
        reply_to = optional_str(params, "reply_to", "context_message_id")
        if reply_to:
            body["context"] = {"message_id": reply_to}
        found = self.api.post(f"{self.phone_number_id}/messages", body)
        message = (found.get("messages") or [{}])[0]
        contact = (found.get("contacts") or [{}])[0]
        return self.success({"message_id": message.get("id"), "message_status": message.get("message_status"),
                             "to": to, "wa_id": contact.get("wa_id"), "type": body["type"]},
                            message=f"WhatsApp {body['type']} message accepted for {to}")

    def action_send_message_to_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        """Seed (Unipile) name: with the Cloud API a chat is the contact's phone number (wa_id)."""
        chat = require_str(params, "chat_id")
        if not re.fullmatch(r"\+?[\d\s().-]{7,}", chat):
            return self.error("send_message_to_chat: Unipile chat ids are not supported by the Cloud API backend; "
                              "use send_message with the contact's phone number (chat_id of get_conversations)",
                              code="not_supported")
        return self.action_send_message({**params, "to": chat})

    def action_mark_as_read(self, params: dict[str, Any]) -> dict[str, Any]:
        """Mark a received message as read (blue ticks) by its wamid."""
        message_id = require_str(params, "message_id", "id")
        self.api.post(f"{self.phone_number_id}/messages",
                      {"messaging_product": "whatsapp", "status": "read", "message_id": message_id})
        return self.success({"message_id": message_id, "status": "read"})

    def action_get_account_status(self, params: dict[str, Any]) -> dict[str, Any]:
        """The sending number as Meta sees it (a live credentials check)."""
        found = self.api.get(self.phone_number_id, {"fields": "id,display_phone_number,verified_name,"
                                                              "quality_rating,code_verification_status"})
        return self.success(found)

    # -- reading the inbox ------------------------------------------------------------

    def action_get_messages(self, params: dict[str, Any]) -> dict[str, Any]:
        """Messages received by webhook (newest first), optionally from one number and since a date/duration."""
        sender = optional_str(params, "from_number", "phone_number", "chat_id", "from")
        messages = inbox.get_messages(self.inbox_location, from_number=sender,
                                      limit=int_in_range(params, "limit", 20, 1, 1000), since=params.get("since"),
                                      phone_number_id=self.phone_number_id if bool_param(params, "this_number_only",
                                                                                         True) else None,
                                      raw=bool_param(params, "raw"))
        return self.success({"messages": messages, "count": len(messages), "from_number": sender},
                            message=f"{len(messages)} message(s)")

    def action_get_conversations(self, params: dict[str, Any]) -> dict[str, Any]:
        """Seed (Unipile) name: one entry per contact who wrote, from the inbox."""
        chats = inbox.get_conversations(self.inbox_location, limit=int_in_range(params, "limit", 10, 1, 1000),
                                        phone_number_id=self.phone_number_id)
        return self.success({"conversations": chats, "count": len(chats)})

    def action_get_contacts(self, params: dict[str, Any]) -> dict[str, Any]:
        """Seed (Unipile) name: contacts who wrote to this number (the Cloud API has no address book)."""
        chats = inbox.get_conversations(self.inbox_location, limit=int_in_range(params, "limit", 50, 1, 1000),
                                        phone_number_id=self.phone_number_id)
        contacts = [{"phone_number": c["phone_number"], "name": c["contact_name"]} for c in chats]
        return self.success({"contacts": contacts, "count": len(contacts)})

    def action_sync_chat_history(self, params: dict[str, Any]) -> dict[str, Any]:
        """Seed (Unipile) name with no Cloud API equivalent."""
        return self.error("sync_chat_history is not supported by the Cloud API backend: the API never returns past "
                          "messages; FlowDesk keeps those received by webhook (get_messages)", code="not_supported")
