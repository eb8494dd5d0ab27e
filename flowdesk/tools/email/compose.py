"""Building e-mails: addresses, text/HTML/Markdown bodies, attachments, and ``{name}`` templates."""

from __future__ import annotations

import base64
import binascii
import mimetypes
import re
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formataddr, formatdate, getaddresses, make_msgid
from pathlib import Path
from typing import Any

import markdown

from flowdesk.tools.base import ToolParamError
from flowdesk.tools.html_text import html_to_text
from flowdesk.tools.params import str_list

FORMATS = ("text", "html", "markdown")
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024  # what Gmail and Outlook accept; bigger fails at the server anyway
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_HTML_PAGE = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head>\n'
              '<body style="font-family: sans-serif; line-height: 1.5">\n{body}\n</body></html>\n')


def parse_addresses(value: Any, name: str) -> list[tuple[str, str]]:
    """``(display name, address)`` pairs from a list or a comma-separated string; bad addresses refused."""
    # A string goes to getaddresses whole, so a quoted "Doe, John" <j@x.org> is not split at its comma.
    items = [value.replace(";", ",")] if isinstance(value, str) else str_list(value, name)
    pairs = []
    for display, addr in getaddresses(items):
        addr = addr.strip()
        if not re.fullmatch(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+|[^@\s<>,;\"]+@localhost", addr):
            raise ToolParamError(f"{name}: not an e-mail address: {addr or display!r}")
        pairs.append((display.strip(), addr))
    return pairs


def render_template(template: str, variables: Mapping[str, Any]) -> str:
    """Replace ``{name}`` placeholders by variables; unknown ones stay as written (no attribute access)."""
    return _PLACEHOLDER.sub(lambda m: str(variables[m.group(1)]) if m.group(1) in variables else m.group(0),
                            template)


def _header_text(value: Any) -> str:
    # A line break in a header would let a value inject headers: fold it to a space.
    return re.sub(r"[\r\n]+", " ", str(value or "")).strip()


def _attachment(spec: Any) -> tuple[str, bytes, str]:
    """``(filename, bytes, mime type)`` from a file path or ``{filename, content_base64|content, content_type}``."""
    if isinstance(spec, (str, Path)):
        spec = {"path": str(spec)}
    if not isinstance(spec, Mapping):
        raise ToolParamError(f"attachments: each item must be a file path or an object, got {type(spec).__name__}")
    if spec.get("path"):
        path = Path(str(spec["path"])).expanduser()
        if not path.is_file():
            raise ToolParamError(f"attachments: file not found: {path}")
        if path.stat().st_size > MAX_ATTACHMENT_BYTES:
            raise ToolParamError(f"attachments: {path.name} is larger than 25 MB")
        content, filename = path.read_bytes(), str(spec.get("filename") or path.name)
    elif spec.get("content_base64") is not None:
        try:
            content = base64.b64decode(str(spec["content_base64"]), validate=True)
        except (binascii.Error, ValueError):
            raise ToolParamError("attachments: content_base64 is not valid base64") from None
        filename = str(spec.get("filename") or "")
    elif spec.get("content") is not None:
        content, filename = str(spec["content"]).encode("utf-8"), str(spec.get("filename") or "")
    else:
        raise ToolParamError("attachments: each object needs path, content_base64 or content")
    filename = _header_text(Path(filename).name)
    if not filename:
        raise ToolParamError("attachments: filename is required with content_base64/content")
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise ToolParamError(f"attachments: {filename} is larger than 25 MB")
    mime = str(spec.get("content_type") or mimetypes.guess_type(filename)[0] or "application/octet-stream")
    if "/" not in mime:
        raise ToolParamError(f"attachments: content_type must look like type/subtype, got {mime!r}")
    return filename, content, mime


def markdown_to_html(body: str, allow_html: bool = False) -> str:
    """Markdown rendered to HTML; raw HTML in it is shown as text unless ``allow_html``.

    Markdown bodies are often assembled from outside data (video titles, form input): passing
    their ``<tags>`` through would let that data inject markup into the e-mail.
    """
    md = markdown.Markdown(extensions=["extra", "sane_lists", "nl2br"], output_format="html")
    if not allow_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return md.convert(body)


def bodies(body: str, fmt: str, allow_html: bool = False) -> tuple[str, str | None]:
    """``(text part, html part or None)`` for ``body`` written in ``fmt`` (text, html or markdown)."""
    if fmt == "text":
        return body, None
    if fmt == "html":
        return html_to_text(body, keep_links=True).text, body
    # The Markdown source reads well as the plain-text alternative.
    return body, _HTML_PAGE.format(body=markdown_to_html(body, allow_html))


def build_message(*, sender: tuple[str | None, str], to: list[tuple[str, str]], cc: list[tuple[str, str]],
                  subject: str, body: str, fmt: str, attachments: list[Any] | None = None,
                  reply_to: list[tuple[str, str]] | None = None, html_body: str | None = None,
                  allow_html: bool = False) -> EmailMessage:
    """A complete message; Bcc is never written in it (the envelope carries those recipients)."""
    if fmt not in FORMATS:
        raise ToolParamError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    msg = EmailMessage()
    name, addr = sender
    msg["From"] = formataddr((name or "", addr))
    if to:
        msg["To"] = ", ".join(formataddr(p) for p in to)
    if cc:
        msg["Cc"] = ", ".join(formataddr(p) for p in cc)
    if reply_to:
        msg["Reply-To"] = ", ".join(formataddr(p) for p in reply_to)
    msg["Subject"] = _header_text(subject)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=addr.rpartition("@")[2] or None)
    text, html = bodies(body, fmt, allow_html)
    if html_body:
        html = html_body
    msg.set_content(text)
    if html is not None:
        msg.add_alternative(html, subtype="html")
    for spec in attachments or []:
        filename, content, mime = _attachment(spec)
        maintype, _, subtype = mime.partition("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return msg


def attachment_list(value: Any) -> list[Any]:
    """The ``attachments`` parameter as a list (one path or object alone is accepted)."""
    if value in (None, "", []):
        return []
    if isinstance(value, (str, Mapping)):
        return [value]
    if isinstance(value, list):
        return value
    raise ToolParamError("attachments must be a list of file paths or objects")
