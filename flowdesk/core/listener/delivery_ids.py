"""Which delivery a webhook request is: the idempotency key that makes a redelivery return the first run.

Senders retry when they miss an answer, so the same event can arrive twice. The key comes from
``Idempotency-Key`` (the IETF draft and Stripe's API), then the delivery-id headers of the
common senders, then, for senders that put the event id in the body (Stripe's ``evt_...``), the
top-level body field the workflow names in ``webhook.idempotency_field``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flowdesk.core.listener.http_errors import BadRequest

# Order matters: an explicit key wins over a sender's delivery id.
DELIVERY_HEADERS: tuple[str, ...] = (
    "Idempotency-Key",
    "X-GitHub-Delivery",  # GitHub
    "X-Gitlab-Event-UUID",  # GitLab
    "Webhook-Id",  # Standard Webhooks (Svix, Clerk, OpenAI...)
    "Svix-Id",
    "X-Shopify-Webhook-Id",  # Shopify
)
MAX_KEY_LENGTH = 255


def _checked(value: str, where: str) -> str:
    key = value.strip()
    if len(key) > MAX_KEY_LENGTH or any(ord(c) < 32 or ord(c) == 127 for c in key):
        raise BadRequest(f"{where}: an idempotency key is at most {MAX_KEY_LENGTH} printable characters")
    return key


def delivery_key(headers: Mapping[str, str], body: Mapping[str, Any] | None = None,
                 body_field: str | None = None) -> str | None:
    """The request's idempotency key (header, else ``body[body_field]``), or None when it has none."""
    for name in DELIVERY_HEADERS:
        value = headers.get(name)
        if value and value.strip():
            return f"{name.lower()}:{_checked(value, name)}"
    if body_field and body is not None:
        value = body.get(body_field)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            return f"body.{body_field}:{_checked(str(value), f'body field {body_field}')}"
    return None
