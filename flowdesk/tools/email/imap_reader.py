"""Reading mail over IMAP (SSL or plain, STARTTLS when offered) into plain dicts, without marking it read."""

from __future__ import annotations

import imaplib
import re
import socket
import ssl
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from flowdesk.tools.api_errors import ApiError, network_error
from flowdesk.tools.email.settings import MailSettings
from flowdesk.tools.html_text import html_to_text

_UID = re.compile(rb"UID (\d+)")
_FLAGS = re.compile(rb"FLAGS \(([^)]*)\)")
SNIPPET_CHARS = 200


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def imap_failure(exc: BaseException, settings: MailSettings) -> ApiError:
    """A clear error for a failed IMAP exchange."""
    where = f"IMAP {settings.imap_where}"
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, ssl.SSLCertVerificationError):
        return ApiError(f"{where}: TLS certificate not trusted ({exc.verify_message}); set ca_file, or "
                        f"verify_ssl: false for a self-signed test server", code="tls_error")
    if isinstance(exc, ssl.SSLError):
        return ApiError(f"{where}: TLS failed ({exc.reason or type(exc).__name__}); is imap_ssl right for "
                        f"this port (993 SSL, 143 plain)?", code="tls_error")
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return ApiError(f"{where}: no answer within {settings.timeout:g} s", code="timeout")
    reason = _text(exc.args[0]) if exc.args else type(exc).__name__
    if isinstance(exc, imaplib.IMAP4.abort):
        return ApiError(f"{where}: connection lost ({reason})", code="disconnected")
    if isinstance(exc, imaplib.IMAP4.error):
        return ApiError(f"{where}: {reason}", code="imap_error")
    return network_error("IMAP", settings.imap_where, exc)


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _connect(settings: MailSettings) -> imaplib.IMAP4:
    if not settings.imap_host:
        raise ApiError("IMAP: imap_host is not set (and cannot be guessed from smtp_host)", code="invalid_config")
    if settings.imap_ssl:
        return imaplib.IMAP4_SSL(settings.imap_host, settings.imap_port, ssl_context=settings.tls_context(),
                                 timeout=settings.timeout)
    conn = imaplib.IMAP4(settings.imap_host, settings.imap_port, timeout=settings.timeout)
    if settings.use_tls and "STARTTLS" in conn.capabilities:
        conn.starttls(ssl_context=settings.tls_context())
    return conn


def _login(conn: imaplib.IMAP4, settings: MailSettings) -> None:
    try:
        conn.login(settings.username, settings.password)
    except imaplib.IMAP4.error as exc:
        reason = _text(exc.args[0] if exc.args else exc)
        raise ApiError(f"IMAP {settings.imap_where}: login refused for {settings.username} ({reason})",
                       code="auth_failed") from None


def _search(conn: imaplib.IMAP4, unread_only: bool, subject: str | None) -> list[bytes]:
    criteria = ["UNSEEN" if unread_only else "ALL"]
    if subject and subject.isascii():
        status, data = conn.search(None, *criteria, "SUBJECT", _quoted(subject))
    elif subject:
        conn.literal = subject.encode("utf-8")  # imaplib sends it as {n} literal after the last argument
        status, data = conn.search("UTF-8", *criteria, "SUBJECT")
    else:
        status, data = conn.search(None, *criteria)
    if status != "OK":
        raise imaplib.IMAP4.error(f"SEARCH failed: {_text(data[0] if data else '')}")
    return (data[0] or b"").split()


def _fetched(data: list[Any]) -> list[tuple[bytes, bytes]]:
    """``(metadata, raw message)`` per message from a FETCH answer (FLAGS may follow the literal)."""
    out: list[list[bytes]] = []
    for item in data:
        if isinstance(item, tuple):
            out.append([item[0], item[1]])
        elif isinstance(item, bytes) and out:
            out[-1][0] += b" " + item
    return [(meta, raw) for meta, raw in out]


def parse_message(raw: bytes, meta: bytes, include_body: bool, max_body_chars: int) -> dict[str, Any]:
    """One fetched message as a dict: addresses, subject, ISO date, text body, snippet, flags."""
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(msg, EmailMessage)
    flags = (_FLAGS.search(meta).group(1).decode() if _FLAGS.search(meta) else "").split()
    uid = _UID.search(meta)
    try:
        date = parsedate_to_datetime(str(msg["Date"])).isoformat() if msg["Date"] else None
    except (TypeError, ValueError):
        date = str(msg["Date"])
    text = ""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is not None:
        try:
            content = part.get_content()
        except (LookupError, ValueError):  # unknown charset: decode leniently rather than lose the mail
            content = (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
        text = html_to_text(content).text if part.get_content_type() == "text/html" else str(content)
    text = text.replace("\r\n", "\n").strip()
    from_pairs = getaddresses([str(msg.get("From", ""))])
    out: dict[str, Any] = {
        "uid": int(uid.group(1)) if uid else None,
        "message_id": str(msg.get("Message-ID", "")).strip() or None,
        "from": str(msg.get("From", "")),
        "from_email": from_pairs[0][1] if from_pairs else None,
        "to": [addr for _, addr in getaddresses([str(v) for v in msg.get_all("To", [])])],
        "cc": [addr for _, addr in getaddresses([str(v) for v in msg.get_all("Cc", [])])],
        "subject": str(msg.get("Subject", "")),
        "date": date,
        "seen": "\\Seen" in flags,
        "flags": flags,
        "snippet": " ".join(text.split())[:SNIPPET_CHARS],
        "attachments": [p.get_filename() for p in msg.iter_attachments() if p.get_filename()],
    }
    if include_body:
        out["body"] = text[:max_body_chars]
        out["body_truncated"] = len(text) > max_body_chars
    return out


def fetch_emails(settings: MailSettings, *, folder: str, limit: int, unread_only: bool, search_query: str | None,
                 mark_as_read: bool, include_body: bool, max_body_chars: int) -> dict[str, Any]:
    """The newest ``limit`` messages of ``folder`` matching the filters (newest first)."""
    conn: imaplib.IMAP4 | None = None
    try:
        conn = _connect(settings)
        _login(conn, settings)
        status, data = conn.select(_quoted(folder), readonly=not mark_as_read)
        if status != "OK":
            raise ApiError(f"IMAP {settings.imap_where}: cannot open folder {folder!r} "
                           f"({_text(data[0] if data else '')})", code="folder_not_found")
        ids = _search(conn, unread_only, search_query)
        chosen = list(reversed(ids[-limit:])) if limit else []
        emails: list[dict[str, Any]] = []
        if chosen:
            # BODY.PEEK leaves \Seen alone; BODY[] (mark_as_read) sets it, as opening the mail would.
            item = "BODY[]" if mark_as_read else "BODY.PEEK[]"
            status, data = conn.fetch(b",".join(chosen).decode(), f"(UID FLAGS {item})")
            if status != "OK":
                raise imaplib.IMAP4.error(f"FETCH failed: {_text(data[0] if data else '')}")
            parsed = [parse_message(raw, meta, include_body, max_body_chars) for meta, raw in _fetched(data)]
            by_uid_order = {m["uid"]: m for m in parsed}
            emails = sorted(by_uid_order.values(), key=lambda m: -(m["uid"] or 0)) if all(
                m["uid"] is not None for m in parsed) else parsed
        return {"folder": folder, "emails": emails, "count": len(emails), "total_matching": len(ids)}
    except (imaplib.IMAP4.error, OSError, ApiError) as exc:
        raise imap_failure(exc, settings) from None
    finally:
        if conn is not None:
            try:
                conn.logout()
            except (imaplib.IMAP4.error, OSError):
                pass
