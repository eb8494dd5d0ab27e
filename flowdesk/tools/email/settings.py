"""An e-mail profile read once: SMTP/IMAP hosts and ports, TLS mode and trust, credentials."""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flowdesk.tools.base import ToolParamError
from flowdesk.tools.params import bool_param, config_number

SMTP_SSL_PORT = 465
IMAP_PLAIN_PORT = 143


def _port(value: Any, name: str, default: int | None = None) -> int:
    if value in (None, "") and default is not None:
        return default
    try:
        port = int(str(value).strip())
    except ValueError:
        raise ToolParamError(f"{name} must be a port number, got {value!r}") from None
    if not 0 < port < 65536:
        raise ToolParamError(f"{name} must be between 1 and 65535, got {port}")
    return port


def _optional_bool(config: Mapping[str, Any], name: str) -> bool | None:
    return None if config.get(name) in (None, "") else bool_param(config, name)


@dataclass(frozen=True)
class MailSettings:
    """Everything needed to open SMTP and IMAP connections for one profile."""

    smtp_host: str
    smtp_port: int
    email: str
    password: str
    username: str
    use_tls: bool
    use_ssl: bool
    imap_host: str | None
    imap_port: int
    imap_ssl: bool
    timeout: float
    verify_ssl: bool
    ca_file: str | None
    from_name: str | None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> MailSettings:
        """Validate and normalise a profile (strings from ``config/.env`` accepted); ToolParamError if wrong."""
        email = str(config.get("email") or "").strip()
        if "@" not in email or any(c.isspace() for c in email):
            raise ToolParamError(f"email must be an e-mail address, got {email!r}")
        smtp_host = str(config.get("smtp_host") or "").strip()
        if not smtp_host:
            raise ToolParamError("smtp_host is required")
        smtp_port = _port(config.get("smtp_port"), "smtp_port")
        use_ssl = _optional_bool(config, "use_ssl")
        imap_port = _port(config.get("imap_port"), "imap_port", 993)
        imap_ssl = _optional_bool(config, "imap_ssl")
        imap_host = str(config.get("imap_host") or "").strip() or None
        if imap_host is None and smtp_host.startswith("smtp."):
            imap_host = "imap." + smtp_host[len("smtp."):]  # smtp.gmail.com -> imap.gmail.com
        ca_file = str(config.get("ca_file") or "").strip() or None
        if ca_file and not Path(ca_file).expanduser().is_file():
            raise ToolParamError(f"ca_file not found: {ca_file}")
        return cls(
            smtp_host=smtp_host,
            smtp_port=smtp_port,
            email=email,
            password=str(config.get("password") or ""),
            username=str(config.get("username") or "").strip() or email,
            use_tls=bool_param(config, "use_tls", True),
            # Port 465 is implicit TLS by convention (RFC 8314); any other port starts in clear.
            use_ssl=use_ssl if use_ssl is not None else smtp_port == SMTP_SSL_PORT,
            imap_host=imap_host,
            imap_port=imap_port,
            imap_ssl=imap_ssl if imap_ssl is not None else imap_port != IMAP_PLAIN_PORT,
            timeout=config_number(config.get("timeout"), "timeout", 30),
            verify_ssl=bool_param(config, "verify_ssl", True),
            ca_file=str(Path(ca_file).expanduser()) if ca_file else None,
            from_name=str(config.get("from_name") or "").strip() or None,
        )

    def tls_context(self) -> ssl.SSLContext:
        """Certificate checking as configured: system trust, plus ``ca_file``; none with ``verify_ssl: false``."""
        context = ssl.create_default_context(cafile=self.ca_file)
        if not self.verify_ssl:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    @property
    def smtp_where(self) -> str:
        """``host:port`` of the SMTP server, for messages."""
        return f"{self.smtp_host}:{self.smtp_port}"

    @property
    def imap_where(self) -> str:
        """``host:port`` of the IMAP server, for messages."""
        return f"{self.imap_host}:{self.imap_port}"
