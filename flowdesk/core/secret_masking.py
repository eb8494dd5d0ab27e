"""Replace secret values by ``***`` in text and JSON-like data (run logs, outputs, errors)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

MASK = "***"
MIN_SECRET_LENGTH = 4  # shorter values ("1", "yes") would mask ordinary text everywhere


@lru_cache(maxsize=64)
def _pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation, longest first, so a secret containing another is masked whole."""
    if not secrets:
        return None
    return re.compile("|".join(re.escape(s) for s in secrets))


def _normalized(secrets: Iterable[Any]) -> tuple[str, ...]:
    values = {str(s) for s in secrets if s is not None and len(str(s)) >= MIN_SECRET_LENGTH}
    return tuple(sorted(values, key=lambda s: (-len(s), s)))


def mask_text(text: str, secrets: Iterable[Any]) -> str:
    """``text`` with every secret of 4+ characters replaced by ``***`` (longest first)."""
    pattern = _pattern(_normalized(secrets))
    if pattern is None or not text:
        return text
    return pattern.sub(MASK, text)


def mask_json(obj: Any, secrets: Iterable[Any]) -> Any:
    """A copy of ``obj`` with secrets masked in every string value (dict keys are left alone)."""
    pattern = _pattern(_normalized(secrets))
    if pattern is None:
        return obj
    return _mask(obj, pattern)


def _mask(obj: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(obj, str):
        return pattern.sub(MASK, obj)
    if isinstance(obj, dict):
        return {k: _mask(v, pattern) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_mask(v, pattern) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_mask(v, pattern) for v in obj)
    return obj
