"""Slack Web API stand-in: auth.test, chat.postMessage, conversations.history/list/create, Slack's ``ok`` shapes."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from .http_stand_in import HttpStandIn, Reply, Request

VALID_TOKEN = "xoxb-111-222-standInBotToken"
PAGE_SIZE = 2  # Slack may return fewer items than `limit`; a small page makes the tool follow cursors
HISTORY_PAGE = 150  # the same for conversations.history


def slack_error(error: str, **extra: Any) -> Reply:
    """Slack's failure: HTTP 200 with ``{"ok": false, "error": ...}``."""
    return Reply(200, {"ok": False, "error": error, **extra})


class SlackStandIn(HttpStandIn):
    """Serves ``/api/<method>``; ``base_url`` is ``url + "/api/"``."""

    service = "slack"

    def __init__(self) -> None:
        super().__init__()
        self.reset()

    def reset(self) -> None:
        """Back to four channels and three old messages in #marketing."""
        super().reset()
        self.channels: list[dict[str, Any]] = [
            {"id": "C0GENERAL1", "name": "general", "is_private": False},
            {"id": "C0RANDOM01", "name": "random", "is_private": False},
            {"id": "C0MARKET01", "name": "marketing", "is_private": False},
            {"id": "G0PRIVATE1", "name": "secret-stuff", "is_private": True},
        ]
        self.messages: dict[str, list[dict[str, Any]]] = {c["id"]: [] for c in self.channels}
        self.messages["C0MARKET01"] = [
            {"type": "message", "user": "U0ALICE", "text": f"old message {i}", "ts": f"170000000{i}.000100"}
            for i in range(3)
        ]
        self._clock = time.time()

    def setup_routes(self) -> None:
        """Each Web API method, by GET or POST."""
        for method, handler in (("auth.test", self.auth_test), ("chat.postMessage", self.post_message),
                                ("conversations.history", self.history), ("conversations.list", self.list_),
                                ("conversations.create", self.create)):
            for verb in ("GET", "POST"):
                self.add(verb, rf"/api/{re.escape(method)}", self._guarded(handler))

    def not_found(self, request: Request) -> Reply:
        """Slack's answer for an unknown method."""
        return slack_error("unknown_method")

    def posted(self, channel_id: str) -> list[dict[str, Any]]:
        """Messages the tool posted to ``channel_id`` (oldest first)."""
        return [m for m in self.messages[channel_id] if m.get("bot_id") == "B0STANDIN"]

    # -- request checks ---------------------------------------------------------------

    def _guarded(self, handler: Any) -> Any:
        def serve(request: Request, match: re.Match[str]) -> Reply:
            """Merge query and body arguments, check the token, then call the method."""
            args: dict[str, Any] = dict(request.query)
            if request.method == "POST":
                if request.content_type == "application/json" and request.body:  # slack_sdk sends no body
                    body = request.json()
                    if not isinstance(body, dict):
                        return slack_error("invalid_json")
                    args.update(body)
                elif request.content_type == "application/x-www-form-urlencoded":
                    args.update(request.form())
                elif request.body:
                    return slack_error("invalid_form_data")
            token = request.bearer() or args.pop("token", None)
            if not token:
                return slack_error("not_authed")
            if token != VALID_TOKEN:
                return slack_error("invalid_auth")
            if request.content_type == "application/json" and request.bearer() is None:
                return slack_error("not_authed")  # JSON bodies require the Authorization header
            return handler(args)
        return serve

    def _find(self, ref: str) -> dict[str, Any] | None:
        name = ref.lstrip("#").lower()
        return next((c for c in self.channels if c["id"] == ref or c["name"] == name), None)

    # -- methods ----------------------------------------------------------------------

    def auth_test(self, args: dict[str, Any]) -> Reply:
        """auth.test: who the token belongs to."""
        return Reply(200, {"ok": True, "url": "https://standin.slack.com/", "team": "Stand-in", "user": "flowbot",
                           "team_id": "T0STANDIN", "user_id": "U0FLOWBOT", "bot_id": "B0STANDIN",
                           "is_enterprise_install": False})

    def post_message(self, args: dict[str, Any]) -> Reply:
        """chat.postMessage: channel by id or name, text or blocks, optional thread."""
        channel = self._find(str(args.get("channel") or ""))
        if not args.get("channel"):
            return slack_error("channel_not_found")
        if channel is None:
            return slack_error("channel_not_found")
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            try:
                blocks = json.loads(blocks)
            except ValueError:
                return slack_error("invalid_blocks_format")
        if blocks is not None and not isinstance(blocks, list):
            return slack_error("invalid_blocks_format")
        if not args.get("text") and not blocks:
            return slack_error("no_text")
        if args.get("thread_ts") and not any(m["ts"] == args["thread_ts"] for m in self.messages[channel["id"]]):
            return slack_error("thread_not_found")
        self._clock += 1
        message = {"type": "message", "subtype": "bot_message", "text": args.get("text", ""), "user": "U0FLOWBOT",
                   "bot_id": "B0STANDIN", "ts": f"{self._clock:.6f}"}
        if blocks:
            message["blocks"] = blocks
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        self.messages[channel["id"]].append(message)
        return Reply(200, {"ok": True, "channel": channel["id"], "ts": message["ts"], "message": message})

    def history(self, args: dict[str, Any]) -> Reply:
        """conversations.history: channel ids only, newest first."""
        ref = str(args.get("channel") or "")
        channel = next((c for c in self.channels if c["id"] == ref), None)  # ids only, as Slack
        if channel is None:
            return slack_error("channel_not_found")
        limit = int(args.get("limit") or 100)
        if not 1 <= limit <= 999:  # Slack's documented maximum
            return slack_error("invalid_limit")
        newest_first = list(reversed(self.messages[channel["id"]]))
        start = int(str(args.get("cursor") or "0").removeprefix("page:") or 0)
        # Slack may return fewer than `limit` even when more remain: pages here hold at most HISTORY_PAGE.
        page = newest_first[start:start + min(limit, HISTORY_PAGE)]
        more = start + len(page) < len(newest_first)
        return Reply(200, {"ok": True, "messages": page, "has_more": more, "pin_count": 0,
                           "response_metadata": {"next_cursor": f"page:{start + len(page)}" if more else ""}})

    def list_(self, args: dict[str, Any]) -> Reply:
        """conversations.list with cursor paging and type filtering."""
        start = int(str(args.get("cursor") or "0").removeprefix("page:") or 0)
        types = str(args.get("types") or "public_channel").split(",")
        visible = [c for c in self.channels
                   if ("private_channel" in types if c["is_private"] else "public_channel" in types)]
        page = visible[start:start + min(PAGE_SIZE, int(args.get("limit") or 100))]
        cursor = f"page:{start + len(page)}" if start + len(page) < len(visible) else ""
        return Reply(200, {"ok": True, "channels": [{**c, "is_channel": not c["is_private"], "is_archived": False}
                                                     for c in page],
                           "response_metadata": {"next_cursor": cursor}})

    def create(self, args: dict[str, Any]) -> Reply:
        """conversations.create with Slack's name rules."""
        name = str(args.get("name") or "")
        if not name:
            return slack_error("invalid_name_required")
        if not re.fullmatch(r"[a-z0-9_\-]{1,80}", name):
            return slack_error("invalid_name_specials")
        if any(c["name"] == name for c in self.channels):
            return slack_error("name_taken")
        private = str(args.get("is_private")).lower() in ("true", "1")
        channel = {"id": f"{'G' if private else 'C'}0NEW{len(self.channels):05d}", "name": name,
                   "is_private": private}
        self.channels.append(channel)
        self.messages[channel["id"]] = []
        return Reply(200, {"ok": True, "channel": {**channel, "is_channel": True, "created": int(self._clock),
                                                   "creator": "U0FLOWBOT", "is_archived": False}})
