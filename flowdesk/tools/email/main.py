"""Built-in ``email`` tool: send (single or bulk, text/HTML/Markdown, attachments) over SMTP, read over IMAP."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from flowdesk.tools.api_errors import ApiError, ApiResultsMixin
from flowdesk.tools.base import BaseTool, ToolParamError
from flowdesk.tools.email.compose import (
    FORMATS,
    attachment_list,
    build_message,
    parse_addresses,
    render_template,
)
from flowdesk.tools.email.imap_reader import fetch_emails
from flowdesk.tools.email.settings import MailSettings
from flowdesk.tools.email.smtp_sender import send, smtp_failure, smtp_session
from flowdesk.tools.params import bool_param, int_in_range, optional_str

MAX_BULK = 1000


class EmailTool(ApiResultsMixin, BaseTool):
    """SMTP sending and IMAP reading for one mailbox: ``send_email``, ``send_bulk_email``, ``get_emails``."""

    tool_name = "email"
    settings: MailSettings

    def authenticate(self) -> bool:
        """Validate the profile (hosts, ports, address, TLS files); no connection is opened until an action runs."""
        if not self.validate_config():
            self.authenticated = False
            return False
        try:
            self.settings = MailSettings.from_config(self.config)
        except ToolParamError as exc:
            return self.fail_auth(ApiError(f"Email: {exc}", code="invalid_config"))
        self.authenticated = True
        return True

    # -- actions ----------------------------------------------------------------------

    def action_send_email(self, params: dict[str, Any]) -> dict[str, Any]:
        """One message to To/Cc/Bcc recipients; Markdown becomes HTML with a plain-text alternative."""
        to = parse_addresses(params.get("to"), "to")
        cc = parse_addresses(params.get("cc"), "cc")
        bcc = parse_addresses(params.get("bcc"), "bcc")
        if not to and not cc and not bcc:
            raise ToolParamError("to is required: a list of addresses or a comma-separated string")
        fmt = self._format(params)
        msg = build_message(sender=self._sender(params), to=to, cc=cc, subject=str(params.get("subject") or ""),
                            body=str(params.get("body") or ""), fmt=fmt,
                            attachments=attachment_list(params.get("attachments")),
                            reply_to=parse_addresses(params.get("reply_to"), "reply_to"),
                            html_body=optional_str(params, "html_body"), allow_html=bool_param(params, "allow_html"))
        envelope = [addr for _, addr in [*to, *cc, *bcc]]
        with smtp_session(self.settings) as conn:
            refused = send(conn, msg, self.settings.email, envelope)
        data = {"message_id": msg["Message-ID"], "subject": msg["Subject"], "format": fmt,
                "to": [a for _, a in to], "cc": [a for _, a in cc], "bcc_count": len(bcc),
                "recipients": len(envelope) - len(refused), "refused": refused,
                "attachments": [p.get_filename() for p in msg.iter_attachments()]}
        return self.success(data, message=f"e-mail sent to {data['recipients']} recipient(s)")

    def action_send_bulk_email(self, params: dict[str, Any]) -> dict[str, Any]:
        """One personalised message per recipient (``{name}``-style placeholders), over one SMTP session."""
        recipients = self._bulk_recipients(params.get("recipients") or params.get("to"))
        subject_template = str(params.get("subject") or "")
        body_template = str(params.get("body") or "")
        shared = params.get("variables") or {}
        if not isinstance(shared, Mapping):
            raise ToolParamError("variables must be an object {name: value}")
        fmt = self._format(params)
        attachments = attachment_list(params.get("attachments"))
        delay = min(10.0, max(0.0, float(params.get("delay_seconds") or 0)))
        sender = self._sender(params)
        reply_to = parse_addresses(params.get("reply_to"), "reply_to")
        allow_html = bool_param(params, "allow_html")
        messages = []
        for person in recipients:
            variables = {**shared, **person}
            messages.append((person["email"], build_message(
                sender=sender, to=[(person.get("name") or "", person["email"])], cc=[],
                subject=render_template(subject_template, variables),
                body=render_template(body_template, variables), fmt=fmt, attachments=attachments,
                reply_to=reply_to, allow_html=allow_html)))
        results: list[dict[str, Any]] = []
        with smtp_session(self.settings) as conn:
            for index, (addr, msg) in enumerate(messages):
                if index and delay:
                    time.sleep(delay)
                try:
                    refused = send(conn, msg, self.settings.email, [addr])
                except Exception as exc:  # noqa: BLE001 - smtplib raises many types; one bad address must not stop the rest
                    error = smtp_failure(exc, self.settings)
                    results.append({"email": addr, "status": "error", "error": error.message, "code": error.code})
                    if error.code in ("disconnected", "connection_refused", "timeout"):
                        break
                    continue
                results.append({"email": addr, "status": "error" if refused else "success",
                                "message_id": msg["Message-ID"], **({"error": refused[addr]} if refused else {})})
        for addr, _ in messages[len(results):]:
            results.append({"email": addr, "status": "error", "error": "not sent: the SMTP session ended early",
                            "code": "not_sent"})
        sent = sum(1 for r in results if r["status"] == "success")
        data = {"total": len(results), "sent": sent, "failed": len(results) - sent, "results": results}
        if sent == 0:
            return self.error(f"no e-mail sent (0/{len(results)}): {results[0]['error']}", data=data)
        return self.success(data, message=f"{sent}/{len(results)} e-mail(s) sent")

    def action_get_emails(self, params: dict[str, Any]) -> dict[str, Any]:
        """The newest messages of a folder, optionally unread only or filtered on the subject."""
        data = fetch_emails(
            self.settings,
            folder=optional_str(params, "folder", default="INBOX") or "INBOX",
            limit=int_in_range(params, "limit", 10, 1, 100),
            unread_only=bool_param(params, "unread_only"),
            search_query=optional_str(params, "search_query", "subject"),
            mark_as_read=bool_param(params, "mark_as_read"),
            include_body=bool_param(params, "include_body", True),
            max_body_chars=int_in_range(params, "max_body_chars", 10000, 100, 1_000_000),
        )
        return self.success(data, message=f"{data['count']} e-mail(s)")

    # -- helpers ----------------------------------------------------------------------

    def _sender(self, params: dict[str, Any]) -> tuple[str | None, str]:
        return optional_str(params, "from_name", default=self.settings.from_name), self.settings.email

    @staticmethod
    def _format(params: dict[str, Any]) -> str:
        fmt = (optional_str(params, "format", default="text") or "text").lower()
        if fmt == "md":
            fmt = "markdown"
        if fmt not in FORMATS:
            raise ToolParamError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        return fmt

    @staticmethod
    def _bulk_recipients(value: Any) -> list[dict[str, Any]]:
        """Recipients as ``{email, name, ...vars}`` dicts from addresses or objects."""
        if value in (None, "", []):
            raise ToolParamError("recipients is required: a list of addresses or {email, name, ...} objects")
        items = value if isinstance(value, list) else [value]
        out: list[dict[str, Any]] = []
        for item in items:
            if isinstance(item, Mapping):
                pairs = parse_addresses(item.get("email"), "recipients.email")
                if len(pairs) != 1:
                    raise ToolParamError(f"recipients: each object needs one email, got {item.get('email')!r}")
                name, addr = pairs[0]
                out.append({**{str(k): v for k, v in item.items()}, "email": addr,
                            "name": item.get("name") or name or ""})
            else:
                out.extend({"email": addr, "name": name} for name, addr in parse_addresses(item, "recipients"))
        if len(out) > MAX_BULK:
            raise ToolParamError(f"recipients: at most {MAX_BULK} per call, got {len(out)}")
        return out
