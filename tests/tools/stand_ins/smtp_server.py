"""A real SMTP server (aiosmtpd) that records what it receives: clear, STARTTLS or implicit TLS, with AUTH."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from .certs import CertFiles


@dataclass
class Received:
    """One accepted message: envelope sender, envelope recipients, parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        """The parsed message."""
        msg = message_from_bytes(self.raw, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class RecordingHandler:
    """aiosmtpd handler: keeps messages; scripted refusals per recipient or for DATA."""

    received: list[Received] = field(default_factory=list)
    refuse_rcpt: dict[str, str] = field(default_factory=dict)  # address -> SMTP reply, e.g. "550 5.1.1 No such user"
    data_reply: str | None = None  # e.g. "451 4.7.1 Too many messages, try later"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        """Accept the recipient unless a refusal is scripted for it."""
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Record the message unless a DATA reply is scripted."""
        if self.data_reply:
            return self.data_reply
        raw = envelope.original_content or envelope.content
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), raw))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class SmtpStandIn:
    """``mode``: ``plain`` (AUTH offered in clear), ``starttls`` (required before AUTH) or ``ssl`` (implicit TLS)."""

    def __init__(self, user: str, password: str, mode: str = "plain", cert: CertFiles | None = None) -> None:
        self.user, self.password, self.mode = user, password, mode
        self.handler = RecordingHandler()
        self.port = free_port()
        self.auth_attempts: list[str] = []
        tls = cert.server_context() if cert else None
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port,
            ssl_context=tls if mode == "ssl" else None,
            tls_context=tls if mode == "starttls" else None,
            require_starttls=mode == "starttls",
            # aiosmtpd only knows TLS it negotiated itself (STARTTLS): on implicit TLS it would hide AUTH.
            authenticator=self._authenticate, auth_require_tls=mode == "starttls", auth_required=mode == "starttls",
        )

    @property
    def received(self) -> list[Received]:
        """Messages accepted so far."""
        return self.handler.received

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = auth_data.login.decode()
        self.auth_attempts.append(login)
        ok = login == self.user and auth_data.password.decode() == self.password
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 235/535 itself

    def start(self) -> SmtpStandIn:
        """Start listening."""
        self.controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        self.controller.stop()
