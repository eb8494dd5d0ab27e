"""Built-in ``slack`` tool: post and read messages, create channels, through the Slack Web API (slack_sdk)."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timezone
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from flowdesk.tools.api_errors import ApiError, ApiResultsMixin, http_error, network_error, origin_of, parse_retry_after
from flowdesk.tools.base import BaseTool, ToolParamError
from flowdesk.tools.params import bool_param, config_number, int_in_range, json_value, optional_str, require_str

DEFAULT_BASE_URL = "https://slack.com/api/"
HISTORY_PAGE = 200  # conversations.history page size: Slack allows 999 but advises 200 at most
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{6,}$")
# Slack's own rules for conversations.create: lower-case, no spaces or periods, 80 chars max.
_CHANNEL_NAME = re.compile(r"^[a-z0-9_\-\u00c0-\uffff]{1,80}$")
_AUTH_ERRORS = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
                "not_allowed_token_type"}
_SCOPE_ERRORS = {"missing_scope", "no_permission", "restricted_action"}
_ERROR_CODE = re.compile(r"^[a-z0-9_]+$")


class SlackTool(ApiResultsMixin, BaseTool):
    """Slack Web API with a bot token: ``post_message``, ``get_messages``, ``create_channel``."""

    tool_name = "slack"
    _client: WebClient | None = None
    _channel_ids: dict[str, str] | None = None
    team: dict[str, Any] | None = None

    def authenticate(self) -> bool:
        """Check the token with ``auth.test`` (free, no side effect) once per tool instance."""
        if self.authenticated:
            return True
        if not self.validate_config():
            return False
        token = str(self.config.get("token") or "").strip()
        if not token.startswith(("xoxb-", "xoxp-", "xoxe", "xoxa-")):
            return self.fail_auth(ApiError("Slack: token must be a bot (xoxb-) or user (xoxp-) token",
                                           code="invalid_auth"))
        try:
            info = self._call("auth_test")
        except ApiError as exc:
            return self.fail_auth(exc)
        self.team = {"team": info.get("team"), "team_id": info.get("team_id"), "user_id": info.get("user_id"),
                     "bot_id": info.get("bot_id"), "url": info.get("url")}
        self.authenticated = True
        return True

    @property
    def client(self) -> WebClient:
        """The slack_sdk client for the configured base URL (retries off: a 429 goes back to the workflow)."""
        if self._client is None:
            base = str(self.config.get("base_url") or DEFAULT_BASE_URL)
            self._client = WebClient(token=str(self.config.get("token")).strip(),
                                     base_url=base if base.endswith("/") else base + "/",
                                     timeout=int(config_number(self.config.get("timeout"), "timeout", 30)),
                                     logger=logging.getLogger("flowdesk.tools.slack.sdk"), retry_handlers=[])
        return self._client

    def _call(self, method: str, **kwargs: Any) -> dict[str, Any]:
        """One Web API call through slack_sdk; ``ok: false``, HTTP errors and network failures raise ApiError."""
        try:
            response = getattr(self.client, method)(**kwargs)
        except SlackApiError as exc:
            raise self._api_error(exc) from None
        except (SlackClientError, OSError, ValueError) as exc:
            if isinstance(exc, (TimeoutError,)) or "timed out" in str(exc).lower():
                raise ApiError(f"Slack: no answer from {origin_of(self.client.base_url)} in time",
                               code="timeout") from None
            raise network_error("Slack", origin_of(self.client.base_url), exc) from None
        return dict(response.data) if isinstance(response.data, dict) else {}

    @staticmethod
    def _api_error(exc: SlackApiError) -> ApiError:
        response = exc.response
        status = int(getattr(response, "status_code", 0) or 0)
        data = response.data if isinstance(getattr(response, "data", None), dict) else {}
        code = str(data.get("error") or "")
        if not _ERROR_CODE.match(code):  # slack_sdk puts its own prose there for non-JSON answers
            code = "ratelimited" if status == 429 else f"http_{status}"
        headers = {str(k).lower(): v for k, v in (getattr(response, "headers", None) or {}).items()}
        retry = headers.get("retry-after")
        retry_after = parse_retry_after(retry[0] if isinstance(retry, list) else retry)
        if status != 200:
            detail = code if code != f"http_{status}" else "unexpected answer (not JSON)"
            return http_error("Slack", status, detail, code=code, retry_after=retry_after)
        detail = code
        needed = data.get("needed")
        if needed:
            detail += f" (needed scope: {needed})"
        if code in _AUTH_ERRORS:
            return ApiError(f"Slack: credentials rejected: {detail}", code=code)
        if code in _SCOPE_ERRORS:
            return ApiError(f"Slack: the app lacks a permission: {detail} (add the scope, then reinstall the app)",
                            code=code)
        return ApiError(f"Slack: {detail}", code=code, details={"warning": data["warning"]} if data.get("warning")
                        else None)

    # -- actions ----------------------------------------------------------------------

    def action_post_message(self, params: dict[str, Any]) -> dict[str, Any]:
        """chat.postMessage to a channel name (``#general``) or id, optionally in a thread, with blocks."""
        channel = self._channel_param(params)
        text = optional_str(params, "text", "message")
        blocks = params.get("blocks")
        if blocks not in (None, "", []):
            blocks = json_value(blocks, "blocks", list)
        else:
            blocks = None
        if not text and not blocks:
            raise ToolParamError("text is required (or blocks)")
        kwargs: dict[str, Any] = {"channel": channel, "text": text, "blocks": blocks,
                                  "thread_ts": optional_str(params, "thread_ts")}
        for name in ("username", "icon_emoji", "icon_url"):
            if params.get(name):
                kwargs[name] = str(params[name])
        for name in ("unfurl_links", "unfurl_media", "reply_broadcast", "mrkdwn"):
            if params.get(name) is not None:
                kwargs[name] = bool_param(params, name)
        data = self._call("chat_postMessage", **{k: v for k, v in kwargs.items() if v is not None})
        message = data.get("message") or {}
        return self.success({"channel": data.get("channel"), "ts": data.get("ts"), "text": message.get("text", text),
                             "thread_ts": message.get("thread_ts"), "message": message},
                            message=f"message posted to {channel}")

    def action_get_messages(self, params: dict[str, Any]) -> dict[str, Any]:
        """conversations.history of a channel (``#name`` resolved to its id through conversations.list)."""
        channel = self._channel_param(params)
        channel_id = self._resolve_channel(channel)
        default_limit = int_in_range({"m": self.config.get("max_messages")}, "m", 100, 1, 1000)
        limit = int_in_range(params, "limit", min(default_limit, 100), 1, 1000)
        kwargs: dict[str, Any] = {"channel": channel_id}
        for name in ("oldest", "latest", "cursor"):
            if params.get(name):
                kwargs[name] = str(params[name])
        # Slack returns at most `limit` (999 at most, 200 advised) and often fewer, with a cursor while
        # more remain: a seed limit such as 200 or 500 is gathered page by page.
        messages: list[dict[str, Any]] = []
        while True:
            data = self._call("conversations_history", **kwargs, limit=min(HISTORY_PAGE, limit - len(messages)))
            page = [self._message(m) for m in data.get("messages") or []]
            messages.extend(page)
            cursor = (data.get("response_metadata") or {}).get("next_cursor") or None
            if len(messages) >= limit or not page or not (data.get("has_more") and cursor):
                break
            kwargs["cursor"] = cursor
        return self.success({"channel": channel, "channel_id": channel_id, "messages": messages[:limit],
                             "count": len(messages[:limit]), "has_more": bool(data.get("has_more")),
                             "next_cursor": cursor})

    def action_create_channel(self, params: dict[str, Any]) -> dict[str, Any]:
        """conversations.create: a public (default) or private channel."""
        raw = require_str(params, "name", "channel")
        name = raw.lstrip("#").strip().lower().replace(" ", "-")
        if not _CHANNEL_NAME.match(name):
            raise ToolParamError(f"name: Slack channel names are lower-case letters, digits, - and _ "
                                 f"(80 max, no spaces or periods), got {raw!r}")
        data = self._call("conversations_create", name=name, is_private=bool_param(params, "is_private"))
        channel = data.get("channel") or {}
        if self._channel_ids is not None and channel.get("id"):
            self._channel_ids[name] = channel["id"]
        return self.success({"channel_id": channel.get("id"), "name": channel.get("name", name),
                             "is_private": bool(channel.get("is_private")), "channel": channel},
                            message=f"channel #{name} created")

    # -- helpers ----------------------------------------------------------------------

    def _channel_param(self, params: dict[str, Any]) -> str:
        channel = optional_str(params, "channel", "channel_id", default=optional_str(self.config, "channel"))
        if not channel:
            raise ToolParamError("channel is required (or a default channel in the profile)")
        return channel

    def _resolve_channel(self, channel: str) -> str:
        """A channel id for ``channel`` (an id is kept; ``#name``/``name`` looked up, paging through the list)."""
        if _CHANNEL_ID.match(channel):
            return channel
        name = channel.lstrip("#").lower()
        if self._channel_ids is None or name not in self._channel_ids:
            self._channel_ids = {}
            cursor: str | None = None
            for _ in range(50):  # 50 pages of 1000: far more channels than any workspace has
                kwargs: dict[str, Any] = {"types": "public_channel,private_channel", "exclude_archived": True,
                                          "limit": 1000}
                if cursor:
                    kwargs["cursor"] = cursor
                data = self._call("conversations_list", **kwargs)
                for item in data.get("channels") or []:
                    if item.get("name") and item.get("id"):
                        self._channel_ids[str(item["name"]).lower()] = str(item["id"])
                cursor = (data.get("response_metadata") or {}).get("next_cursor") or None
                if name in self._channel_ids or not cursor:
                    break
        if name not in self._channel_ids:
            raise ApiError(f"Slack: channel #{name} not found (or the bot cannot see it; invite it first)",
                           code="channel_not_found")
        return self._channel_ids[name]

    @staticmethod
    def _message(item: dict[str, Any]) -> dict[str, Any]:
        """A message of conversations.history with its time as ISO 8601."""
        ts = str(item.get("ts") or "")
        try:
            when = datetime.fromtimestamp(float(ts), timezone.utc).isoformat()
        except ValueError:
            when = None
        return {"ts": ts, "datetime": when, "user": item.get("user"), "bot_id": item.get("bot_id"),
                "text": item.get("text", ""), "type": item.get("type"), "subtype": item.get("subtype"),
                "thread_ts": item.get("thread_ts"), "reply_count": item.get("reply_count", 0),
                "files": [f.get("name") for f in item.get("files") or []]}
