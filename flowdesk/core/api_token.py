"""The API bearer token: ``FLOWDESK_API_TOKEN`` or one generated once into the data dir (mode 0600)."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

TOKEN_FILENAME = "api_token"


def token_path(data_dir: Path) -> Path:
    """Where the generated token is kept."""
    return data_dir / TOKEN_FILENAME


def load_or_create_token(data_dir: Path) -> str:
    """The token in force; generated (URL-safe, 256 bits) and written 0600 on first start."""
    env = os.environ.get("FLOWDESK_API_TOKEN", "").strip()
    if env:
        return env
    path = token_path(data_dir)
    try:
        existing = path.read_text(encoding="utf-8").strip()
        if existing:
            return existing
    except FileNotFoundError:
        pass
    token = secrets.token_urlsafe(32)
    data_dir.mkdir(parents=True, exist_ok=True)
    # O_EXCL so two processes starting at once cannot both write; the loser reads the winner's token.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(token + "\n")
    return token


def tokens_match(given: str | None, expected: str) -> bool:
    """Constant-time comparison, so response timing says nothing about the token."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
