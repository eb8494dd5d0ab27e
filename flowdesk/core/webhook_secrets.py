"""Rotate a workflow's webhook token or HMAC secret where its config keeps it: ``config/.env`` or ``config.json``.

A ``secret_env`` secret is rewritten in ``config/.env`` (atomic, layout kept, like the profile editor);
an inline ``secret`` has only its value replaced in ``config.json`` (the author's formatting kept,
like switching a workflow on or off). The listener re-reads both on the next delivery, so the old
secret stops working at once.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flowdesk.core.atomic_files import write_text_atomic
from flowdesk.core.config.active_flag import top_level_members
from flowdesk.core.config.workflow_config import WebhookConfig
from flowdesk.core.env_file import update_env_file

SECRET_BYTES = 32  # 256 bits, the API token's strength


class RotationError(ValueError):
    """The secret cannot be rotated from here; the message says why and what to do."""


@dataclass
class Rotation:
    """Where the new secret was written, for the message shown to the user."""

    secret: str
    where: Path
    variable: str | None  # the config/.env variable, or None for an inline secret


def new_webhook_secret() -> str:
    """A fresh random secret (URL- and header-safe)."""
    return secrets.token_urlsafe(SECRET_BYTES)


def rotate_webhook_secret(config_path: Path, hook: WebhookConfig, env_file: Path,
                          secret: str | None = None) -> Rotation:
    """Write a new secret (random unless given) where ``hook`` says it lives; RotationError if it cannot apply."""
    if hook.auth not in ("token", "hmac"):
        raise RotationError(f"this webhook uses auth '{hook.auth}', which has no secret of its own to rotate")
    value = secret or new_webhook_secret()
    if hook.secret_env:
        if os.environ.get(hook.secret_env):
            # The process environment wins over config/.env: a new value there would change nothing.
            raise RotationError(f"{hook.secret_env} is set in FlowDesk's environment, which overrides "
                                f"{env_file}; change it where it is set and restart FlowDesk")
        update_env_file(env_file, {hook.secret_env: value})
        return Rotation(value, env_file, hook.secret_env)
    text = config_path.read_text(encoding="utf-8")
    write_text_atomic(config_path, with_inline_secret(text, value))
    return Rotation(value, config_path, None)


def with_inline_secret(text: str, secret: str) -> str:
    """``text`` (a workflow config.json) with only the value of ``webhook.secret`` replaced."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(bom):]
    members, _ = top_level_members(body)
    hooks = [m for m in members if m.key == "webhook"]
    if not hooks:
        raise RotationError("config.json has no webhook section")
    hook = hooks[-1]  # the last one is what the JSON parser keeps
    inner = body[hook.value_start:hook.value_end]
    try:
        secret_members, _ = top_level_members(inner)
    except ValueError:
        raise RotationError("the webhook section of config.json is not an object") from None
    found = [m for m in secret_members if m.key == "secret"]
    if not found:
        raise RotationError("the webhook section has no inline secret")
    out, last = [], 0
    for m in found:
        out += [inner[last:m.value_start], json.dumps(secret, ensure_ascii=False)]
        last = m.value_end
    new_inner = "".join(out) + inner[last:]
    return bom + body[:hook.value_start] + new_inner + body[hook.value_end:]
