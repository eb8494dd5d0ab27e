"""The API bearer token: ``FLOWDESK_API_TOKEN`` (environment, then ``config/.env``) or one generated once (0600)."""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from flowdesk.core.env_file import read_env_file
from flowdesk.core.errors import FlowDeskError

TOKEN_FILENAME = "api_token"
TOKEN_VARIABLE = "FLOWDESK_API_TOKEN"
MIN_TOKEN_LENGTH = 24  # characters; a generated token has 43


class ApiTokenError(FlowDeskError):
    """The API token in force cannot be used (too short to resist guessing)."""


def token_path(data_dir: Path) -> Path:
    """Where the generated token is kept."""
    return data_dir / TOKEN_FILENAME


def _checked(token: str, where: str) -> str:
    if len(token) < MIN_TOKEN_LENGTH:
        raise ApiTokenError(
            f"{where} is {len(token)} characters long; the API token must have at least {MIN_TOKEN_LENGTH} "
            f"(make one with: python -c \"import secrets; print(secrets.token_urlsafe(32))\")")
    return token


def chosen_token(env_file: Path | None = None) -> str | None:
    """``FLOWDESK_API_TOKEN`` from the process environment, else from ``env_file``; None when unset."""
    value = os.environ.get(TOKEN_VARIABLE, "").strip()
    if value:
        return _checked(value, TOKEN_VARIABLE)
    if env_file is not None:
        value = read_env_file(env_file).get(TOKEN_VARIABLE, "").strip()
        if value:
            return _checked(value, f"{TOKEN_VARIABLE} in {env_file}")
    return None


def load_or_create_token(data_dir: Path, env_file: Path | None = None) -> str:
    """The token in force: chosen (environment, then ``env_file``), else generated (256 bits) and written 0600.

    Raises ApiTokenError, naming the variable or file, when a token shorter than MIN_TOKEN_LENGTH is set.
    """
    chosen = chosen_token(env_file)
    if chosen:
        return chosen
    path = token_path(data_dir)
    try:
        existing = path.read_text(encoding="utf-8").strip()
        if existing:
            return _checked(existing, str(path))
    except FileNotFoundError:
        pass
    token = secrets.token_urlsafe(32)
    data_dir.mkdir(parents=True, exist_ok=True)
    # O_EXCL so two processes starting at once cannot both write; the loser reads the winner's token.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _checked(path.read_text(encoding="utf-8").strip(), str(path))
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(token + "\n")
    return token


def tokens_match(given: str | None, expected: str) -> bool:
    """Constant-time comparison, so response timing says nothing about the token."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
