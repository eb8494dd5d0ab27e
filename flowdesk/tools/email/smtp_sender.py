"""SMTP sessions (implicit TLS, STARTTLS or clear) with every smtplib/socket failure mapped to an ApiError."""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from flowdesk.tools.api_errors import ApiError, network_error
from flowdesk.tools.email.settings import MailSettings

_log = logging.getLogger("flowdesk.tools.email.smtp")


def _reply_text(raw: bytes | str | None) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
    return " ".join(text.split())


def smtp_failure(exc: BaseException, settings: MailSettings) -> ApiError:
    """A clear error for a failed SMTP exchange; 4xx replies are flagged temporary (try again later)."""
    where = f"SMTP {settings.smtp_where}"
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return ApiError(f"{where}: login refused for {settings.username} ({exc.smtp_code} "
                        f"{_reply_text(exc.smtp_error)})", code="auth_failed", details={"smtp_code": exc.smtp_code})
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = {addr: f"{code} {_reply_text(msg)}" for addr, (code, msg) in exc.recipients.items()}
        temporary = all(400 <= code < 500 for code, _ in exc.recipients.values())
        return ApiError(f"{where}: every recipient was refused: " + "; ".join(f"{a}: {r}" for a, r in refused.items()),
                        code="temporary_failure" if temporary else "recipients_refused",
                        details={"refused": refused, "temporary": temporary})
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return ApiError(f"{where}: sender {exc.sender} refused ({exc.smtp_code} {_reply_text(exc.smtp_error)})",
                        code="sender_refused", details={"smtp_code": exc.smtp_code})
    if isinstance(exc, smtplib.SMTPResponseException):
        temporary = 400 <= exc.smtp_code < 500
        label = "temporary failure, try again later" if temporary else "refused"
        return ApiError(f"{where}: {label} ({exc.smtp_code} {_reply_text(exc.smtp_error)})",
                        code="temporary_failure" if temporary else "smtp_error",
                        details={"smtp_code": exc.smtp_code, "temporary": temporary})
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return ApiError(f"{where}: the server closed the connection (wrong port or TLS mode? "
                        f"port 465 needs use_ssl, 587 needs use_tls)", code="disconnected")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return ApiError(f"{where}: TLS certificate not trusted ({exc.verify_message}); set ca_file to the "
                        f"server's CA, or verify_ssl: false for a self-signed test server", code="tls_error")
    if isinstance(exc, ssl.SSLError):
        return ApiError(f"{where}: TLS failed ({exc.reason or type(exc).__name__}); check use_ssl/use_tls "
                        f"for this port", code="tls_error")
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return ApiError(f"{where}: no answer within {settings.timeout:g} s", code="timeout")
    if isinstance(exc, smtplib.SMTPException):
        return ApiError(f"{where}: {type(exc).__name__}: {exc}", code="smtp_error")
    return network_error("SMTP", settings.smtp_where, exc)


@contextmanager
def smtp_session(settings: MailSettings) -> Iterator[smtplib.SMTP]:
    """A connected, TLS-protected (unless disabled) and logged-in SMTP connection; errors raise ApiError."""
    conn: smtplib.SMTP | None = None
    try:
        if settings.use_ssl:
            conn = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=settings.timeout,
                                    context=settings.tls_context())
        else:
            conn = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.timeout)
        conn.ehlo()
        if not settings.use_ssl and settings.use_tls:
            if not conn.has_extn("starttls"):
                # Never fall back to clear text silently: the password would cross the network readable.
                raise ApiError(f"SMTP {settings.smtp_where}: the server does not offer STARTTLS; use port 465 "
                               f"with use_ssl: true, or use_tls: false on a trusted local relay",
                               code="tls_unavailable")
            conn.starttls(context=settings.tls_context())
            conn.ehlo()
        if settings.password:
            if conn.has_extn("auth"):
                conn.login(settings.username, settings.password)
            else:
                _log.info("SMTP %s offers no AUTH: sending without login", settings.smtp_where)
        yield conn
    except (smtplib.SMTPException, OSError, ApiError) as exc:
        raise smtp_failure(exc, settings) from None
    finally:
        if conn is not None:
            try:
                conn.quit()
            except (smtplib.SMTPException, OSError):
                conn.close()


def send(conn: smtplib.SMTP, msg: EmailMessage, sender: str, recipients: list[str]) -> dict[str, str]:
    """Send ``msg`` to ``recipients`` (the envelope, Bcc included); returns refused addresses -> reply."""
    refused = conn.send_message(msg, from_addr=sender, to_addrs=recipients)
    return {addr: f"{code} {_reply_text(text)}" for addr, (code, text) in refused.items()}
