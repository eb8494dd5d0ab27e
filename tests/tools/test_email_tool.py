"""Email tool against a real local SMTP server (aiosmtpd: clear, STARTTLS, implicit TLS) and an IMAP stand-in."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from stand_ins.certs import CertFiles, make_self_signed
from stand_ins.imap_server import ImapStandIn, StoredMessage
from stand_ins.smtp_server import SmtpStandIn, free_port

from flowdesk.tools.email.main import EmailTool

USER, PASSWORD = "sender@example.com", "s3cret-pass"


@pytest.fixture(scope="module")
def cert(tmp_path_factory: pytest.TempPathFactory) -> CertFiles:
    """A self-signed certificate for 127.0.0.1."""
    return make_self_signed(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="module")
def smtp_servers(cert: CertFiles) -> Iterator[dict[str, SmtpStandIn]]:
    """Three SMTP servers: clear, STARTTLS and implicit TLS."""
    servers = {mode: SmtpStandIn(USER, PASSWORD, mode, cert).start() for mode in ("plain", "starttls", "ssl")}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture()
def smtp(smtp_servers: dict[str, SmtpStandIn]) -> dict[str, SmtpStandIn]:
    """The SMTP servers with nothing received and no scripted refusal."""
    for server in smtp_servers.values():
        server.handler.received.clear()
        server.handler.refuse_rcpt.clear()
        server.handler.data_reply = None
    return smtp_servers


def make_tool(port: int, **config: Any) -> EmailTool:
    """An email tool sending through 127.0.0.1:port in clear unless told otherwise."""
    return EmailTool(profile="TEST", config={"smtp_host": "127.0.0.1", "smtp_port": port, "email": USER,
                                             "password": PASSWORD, "use_tls": False, "timeout": 5, **config})


# -- sending --------------------------------------------------------------------------


def test_markdown_email_with_cc_bcc_and_attachments(smtp: dict[str, SmtpStandIn], tmp_path: Path) -> None:
    report = tmp_path / "report.pdf"
    report.write_bytes(b"%PDF-1.4 fake pdf bytes \x00\x01")
    tool = make_tool(smtp["plain"].port, from_name="FlowDesk Bot")
    result = tool.execute("send_email", {
        "to": "ana@example.com, Bob <bob@example.com>", "cc": ["cc@example.com"], "bcc": ["hidden@example.com"],
        "subject": "Weekly\nreport", "body": "# Title\n\nSome **bold** text\n\n- one\n- two",
        "format": "markdown", "reply_to": "replies@example.com",
        "attachments": [str(report), {"filename": "notes.txt", "content_base64": base64.b64encode(b"hi").decode(),
                                      "content_type": "text/plain"}],
    })
    assert result["status"] == "success", result
    assert result["data"]["recipients"] == 4 and result["data"]["bcc_count"] == 1
    (got,) = smtp["plain"].received
    assert got.mail_from == USER
    assert sorted(got.rcpt_tos) == ["ana@example.com", "bob@example.com", "cc@example.com", "hidden@example.com"]
    msg = got.message
    assert "hidden@example.com" not in got.raw.decode() and msg["Bcc"] is None
    assert msg["To"] == "ana@example.com, Bob <bob@example.com>" and msg["Cc"] == "cc@example.com"
    assert msg["Subject"] == "Weekly report"  # a newline could inject headers: folded
    assert msg["From"] == "FlowDesk Bot <sender@example.com>" and msg["Reply-To"] == "replies@example.com"
    assert msg.get_content_type() == "multipart/mixed"
    alternative = next(p for p in msg.iter_parts() if p.get_content_type() == "multipart/alternative")
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html"]
    html = msg.get_body(("html",)).get_content()
    assert "<h1>Title</h1>" in html and "<strong>bold</strong>" in html and "<li>one</li>" in html
    assert "**bold**" in msg.get_body(("plain",)).get_content()
    files = {p.get_filename(): p.get_content() for p in msg.iter_attachments()}
    assert files["report.pdf"] == report.read_bytes()
    assert files["notes.txt"].strip() == "hi"
    assert smtp["plain"].auth_attempts == [USER]


def test_plain_text_and_html_formats(smtp: dict[str, SmtpStandIn]) -> None:
    tool = make_tool(smtp["plain"].port)
    assert tool.execute("send_email", {"to": ["a@example.com"], "subject": "t", "body": "plain"})["status"] == "success"
    html = "<p>Hello <a href='https://x.org'>site</a></p><script>evil()</script>"
    assert tool.execute("send_email", {"to": ["a@example.com"], "body": html, "format": "html"})["status"] == "success"
    text_msg, html_msg = (r.message for r in smtp["plain"].received)
    assert text_msg.get_content_type() == "text/plain" and text_msg.get_content().strip() == "plain"
    assert html_msg.get_body(("plain",)).get_content().strip() == "Hello site (https://x.org)"
    assert "<a href='https://x.org'>" in html_msg.get_body(("html",)).get_content()


def test_starttls_and_implicit_ssl_with_self_signed_cert(smtp: dict[str, SmtpStandIn], cert: CertFiles) -> None:
    via_ca = make_tool(smtp["starttls"].port, use_tls=True, ca_file=str(cert.cert))
    assert via_ca.execute("send_email", {"to": "a@example.com", "subject": "tls", "body": "x"})["status"] == "success"
    no_verify = make_tool(smtp["ssl"].port, use_ssl=True, verify_ssl=False)
    result = no_verify.execute("send_email", {"to": "a@example.com", "subject": "ssl", "body": "x"})
    assert result["status"] == "success", result
    assert [r.message["Subject"] for r in smtp["starttls"].received] == ["tls"]
    assert [r.message["Subject"] for r in smtp["ssl"].received] == ["ssl"]
    assert smtp["starttls"].auth_attempts[-1] == USER and smtp["ssl"].auth_attempts[-1] == USER


def test_untrusted_certificate_and_missing_starttls_are_refused(smtp: dict[str, SmtpStandIn]) -> None:
    untrusted = make_tool(smtp["ssl"].port, use_ssl=True).execute("send_email", {"to": "a@example.com", "body": "x"})
    assert untrusted["status"] == "error" and untrusted["code"] == "tls_error"
    assert "ca_file" in untrusted["error"] and "verify_ssl" in untrusted["error"]
    clear = make_tool(smtp["plain"].port, use_tls=True).execute("send_email", {"to": "a@example.com", "body": "x"})
    assert clear["status"] == "error" and clear["code"] == "tls_unavailable"
    assert smtp["plain"].received == [] and smtp["ssl"].received == []


def test_bad_password(smtp: dict[str, SmtpStandIn]) -> None:
    result = make_tool(smtp["plain"].port, password="wrong").execute("send_email", {"to": "a@example.com",
                                                                                    "body": "x"})
    assert result["status"] == "error" and result["code"] == "auth_failed"
    assert "535" in result["error"] and "wrong" not in result["error"]


def test_temporary_failure_and_refused_recipient(smtp: dict[str, SmtpStandIn]) -> None:
    smtp["plain"].handler.data_reply = "451 4.7.1 Too many messages, try again later"
    tool = make_tool(smtp["plain"].port)
    busy = tool.execute("send_email", {"to": "a@example.com", "body": "x"})
    assert busy["status"] == "error" and busy["code"] == "temporary_failure"
    assert busy["details"]["temporary"] is True and "451" in busy["error"]
    smtp["plain"].handler.data_reply = None
    smtp["plain"].handler.refuse_rcpt["ghost@example.com"] = "550 5.1.1 No such user"
    partial = tool.execute("send_email", {"to": ["ghost@example.com", "real@example.com"], "body": "x"})
    assert partial["status"] == "success" and partial["data"]["recipients"] == 1
    assert partial["data"]["refused"] == {"ghost@example.com": "550 5.1.1 No such user"}
    refused = tool.execute("send_email", {"to": "ghost@example.com", "body": "x"})
    assert refused["status"] == "error" and refused["code"] == "recipients_refused"


def test_bulk_email_personalised_per_recipient(smtp: dict[str, SmtpStandIn]) -> None:
    smtp["plain"].handler.refuse_rcpt["ghost@example.com"] = "550 5.1.1 No such user"
    result = make_tool(smtp["plain"].port).execute("send_bulk_email", {
        "recipients": [{"email": "ana@example.com", "name": "Ana", "plan": "Pro"}, "bob@example.com",
                       "ghost@example.com"],
        "subject": "Hello {name}", "body": "Your plan: {plan}. {unknown} stays. {name.__class__} too.",
        "variables": {"plan": "Standard"},
    })
    assert result["status"] == "success", result
    assert result["data"]["sent"] == 2 and result["data"]["failed"] == 1
    assert [r["status"] for r in result["data"]["results"]] == ["success", "success", "error"]
    assert "550" in result["data"]["results"][2]["error"]
    ana, bob = (r.message for r in smtp["plain"].received)
    assert ana["To"] == "Ana <ana@example.com>" and ana["Subject"] == "Hello Ana"
    assert ana.get_content().strip() == "Your plan: Pro. {unknown} stays. {name.__class__} too."
    assert bob["Subject"] == "Hello" and "Standard" in bob.get_content()
    assert [r.rcpt_tos for r in smtp["plain"].received] == [["ana@example.com"], ["bob@example.com"]]


def test_missing_and_bad_params(smtp: dict[str, SmtpStandIn]) -> None:
    tool = make_tool(smtp["plain"].port)
    assert "to is required" in tool.execute("send_email", {"body": "x"})["error"]
    assert "not an e-mail address" in tool.execute("send_email", {"to": "nobody", "body": "x"})["error"]
    assert "format must be one of" in tool.execute("send_email", {"to": "a@example.com", "format": "pdf"})["error"]
    assert "file not found" in tool.execute("send_email", {"to": "a@example.com", "attachments": ["/nope.bin"]})["error"]
    assert "recipients is required" in tool.execute("send_bulk_email", {"subject": "x"})["error"]
    missing = EmailTool(config={"smtp_host": "127.0.0.1", "email": USER}).execute("send_email", {"to": "a@x.org"})
    assert missing["status"] == "error" and "smtp_port" in missing["error"] and "password" in missing["error"]
    bad_port = make_tool(smtp["plain"].port, smtp_port="abc").execute("send_email", {"to": "a@example.com"})
    assert bad_port["status"] == "error" and "smtp_port must be a port number" in bad_port["error"]
    assert smtp["plain"].received == []


def test_smtp_server_down() -> None:
    result = make_tool(free_port()).execute("send_email", {"to": "a@example.com", "body": "x"})
    assert result["status"] == "error" and result["code"] == "connection_refused"
    assert "SMTP" in result["error"] and "127.0.0.1" in result["error"]


# -- reading --------------------------------------------------------------------------


def _stored(uid: int, sender: str, subject: str, *, seen: bool, html: str | None = None, text: str | None = None,
            attachment: tuple[str, bytes] | None = None) -> StoredMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "reader@example.com", subject
    msg["Date"] = f"Mon, 0{uid - 10} Jul 2024 10:00:00 +0200"
    msg["Message-ID"] = f"<m{uid}@example.com>"
    msg.set_content(text or "")
    if html:
        if text is None:
            msg.set_content(html, subtype="html")
        else:
            msg.add_alternative(html, subtype="html")
    if attachment:
        msg.add_attachment(attachment[1], maintype="application", subtype="pdf", filename=attachment[0])
    return StoredMessage(uid, bytes(msg), {"\\Seen"} if seen else set())


@pytest.fixture()
def imap() -> Iterator[ImapStandIn]:
    """An IMAP stand-in with four messages in INBOX and an empty Archive."""
    inbox = [
        _stored(11, "Alice <alice@example.com>", "Invoice #42", seen=False, text="Please pay invoice 42.\n"),
        _stored(12, "bob@example.com", "Meeting notes", seen=True, html="<h1>Notes</h1><p>Agenda &amp; decisions</p>"),
        _stored(13, "carol@example.com", "Re: invoice question", seen=False, text="Attached.",
                attachment=("invoice.pdf", b"%PDF")),
        _stored(14, "dan@example.com", "Café ☕ menu", seen=True, text="Croissants " * 40),
    ]
    server = ImapStandIn("reader@example.com", "imap-pass", {"INBOX": inbox, "Archive": []}).start()
    yield server
    server.stop()


def imap_tool(server: ImapStandIn, **config: Any) -> EmailTool:
    """An email tool reading from the IMAP stand-in."""
    settings = {"imap_host": "127.0.0.1", "imap_port": server.port, "imap_ssl": False,
                "username": "reader@example.com", "password": "imap-pass", **config}
    return make_tool(free_port(), **settings)


def test_get_emails_newest_first_with_parsed_fields(imap: ImapStandIn) -> None:
    result = imap_tool(imap).execute("get_emails", {})
    assert result["status"] == "success", result
    emails = result["data"]["emails"]
    assert [e["uid"] for e in emails] == [14, 13, 12, 11]
    cafe, carol, notes, invoice = emails
    assert cafe["subject"] == "Café ☕ menu" and cafe["seen"] is True
    assert len(cafe["snippet"]) == 200 and cafe["body"].startswith("Croissants")
    assert carol["attachments"] == ["invoice.pdf"] and carol["body"] == "Attached." and carol["seen"] is False
    assert notes["body"] == "Notes\n\nAgenda & decisions"  # HTML-only mail turned into text
    assert invoice["from"] == "Alice <alice@example.com>" and invoice["from_email"] == "alice@example.com"
    assert invoice["to"] == ["reader@example.com"] and invoice["date"] == "2024-07-01T10:00:00+02:00"
    assert invoice["message_id"] == "<m11@example.com>"
    assert any(c.startswith("EXAMINE") for c in (cmd.split(" ", 1)[1] for cmd in imap.commands))


def test_unread_only_search_and_limit_do_not_mark_read(imap: ImapStandIn) -> None:
    tool = imap_tool(imap)
    unread = tool.execute("get_emails", {"unread_only": True})
    assert [e["uid"] for e in unread["data"]["emails"]] == [13, 11]
    search = tool.execute("get_emails", {"search_query": "INVOICE", "limit": 1})
    assert [e["uid"] for e in search["data"]["emails"]] == [13] and search["data"]["total_matching"] == 2
    accented = tool.execute("get_emails", {"search_query": "café"})  # non-ASCII: sent as a UTF-8 literal
    assert [e["uid"] for e in accented["data"]["emails"]] == [14]
    limited = tool.execute("get_emails", {"limit": "2", "include_body": False})
    assert [e["uid"] for e in limited["data"]["emails"]] == [14, 13] and "body" not in limited["data"]["emails"][0]
    again = tool.execute("get_emails", {"unread_only": True})
    assert [e["uid"] for e in again["data"]["emails"]] == [13, 11]  # peeking left \Seen alone


def test_mark_as_read(imap: ImapStandIn) -> None:
    tool = imap_tool(imap)
    assert tool.execute("get_emails", {"unread_only": True, "mark_as_read": True})["data"]["count"] == 2
    assert tool.execute("get_emails", {"unread_only": True})["data"]["count"] == 0


def test_imap_errors(imap: ImapStandIn) -> None:
    bad = imap_tool(imap, password="nope").execute("get_emails", {})
    assert bad["status"] == "error" and bad["code"] == "auth_failed" and "AUTHENTICATIONFAILED" in bad["error"]
    folder = imap_tool(imap).execute("get_emails", {"folder": "Spam"})
    assert folder["status"] == "error" and folder["code"] == "folder_not_found"
    empty = imap_tool(imap).execute("get_emails", {"folder": "Archive"})
    assert empty["status"] == "success" and empty["data"]["emails"] == []
    down = make_tool(free_port(), imap_host="127.0.0.1", imap_port=free_port(), imap_ssl=False).execute(
        "get_emails", {})
    assert down["status"] == "error" and down["code"] == "connection_refused" and "IMAP" in down["error"]


def test_markdown_shows_raw_html_as_text_unless_allowed(smtp: dict[str, SmtpStandIn]) -> None:
    tool = make_tool(smtp["plain"].port)
    body = "**New:** <img src=x onerror=alert(1)> video"
    assert tool.execute("send_email", {"to": "a@example.com", "body": body, "format": "markdown"})["status"] == "success"
    assert tool.execute("send_email", {"to": "a@example.com", "body": body, "format": "markdown",
                                       "allow_html": True})["status"] == "success"
    escaped, raw = (r.message.get_body(("html",)).get_content() for r in smtp["plain"].received)
    assert "&lt;img src=x onerror=alert(1)&gt;" in escaped and "<strong>New:</strong>" in escaped
    assert "<img src=x onerror=alert(1)>" in raw
