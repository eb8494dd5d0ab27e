"""Replace secret values by ``***`` in text and JSON-like data (run logs, outputs, errors)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from flowdesk.core.json_limits import MAX_DEPTH

MASK = "***"
DEPTH_MARKER = f"[cut: nested deeper than {MAX_DEPTH} levels]"
MIN_SECRET_LENGTH = 4  # shorter values ("1", "yes") would mask ordinary text everywhere


@lru_cache(maxsize=64)
def _pattern(secrets: tuple[str, ...]) -> re.Pattern[str] | None:
    """One alternation, longest first, so a secret containing another is masked whole."""
    if not secrets:
        return None
    return re.compile("|".join(re.escape(s) for s in secrets))


def _normalized(secrets: Iterable[Any] | None) -> tuple[str, ...]:
    values = {str(s) for s in (secrets or ()) if s is not None and len(str(s)) >= MIN_SECRET_LENGTH}
    return tuple(sorted(values, key=lambda s: (-len(s), s)))


def usable_secrets(secrets: Iterable[Any] | None) -> list[str]:
    """Distinct secrets long enough to mask, longest first so a longer one wins over its parts."""
    return list(_normalized(secrets))


def mask_text(text: str, secrets: Iterable[Any]) -> str:
    """``text`` with every secret of 4+ characters replaced by ``***`` (longest first)."""
    pattern = _pattern(_normalized(secrets))
    if pattern is None or not text:
        return text
    return pattern.sub(MASK, text)


def mask_json(obj: Any, secrets: Iterable[Any]) -> Any:
    """A copy of ``obj`` with secrets masked in every string, dict keys included.

    Levels deeper than MAX_DEPTH are replaced by DEPTH_MARKER: a secret could hide there, and
    following them would recurse without bound (a workflow may return anything).
    """
    pattern = _pattern(_normalized(secrets))
    if pattern is None:
        return obj
    return _mask(obj, pattern, 0)


def _mask(obj: Any, pattern: re.Pattern[str], depth: int) -> Any:
    if isinstance(obj, str):
        return pattern.sub(MASK, obj)
    if isinstance(obj, (dict, list, tuple)) and depth >= MAX_DEPTH:
        return DEPTH_MARKER
    depth += 1
    if isinstance(obj, dict):
        return {_mask(k, pattern, depth): _mask(v, pattern, depth) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_mask(v, pattern, depth) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_mask(v, pattern, depth) for v in obj)
    return obj


class StreamMasker:
    """Masks secrets in a byte stream that arrives in arbitrary chunks.

    A secret split across two chunks must still be caught, so the tail of each chunk that could
    be the start of a secret is held back until the next chunk (or :meth:`flush`) decides it.
    """

    def __init__(self, secrets: list[str]) -> None:
        self._secrets = [s.encode("utf-8", "surrogatepass") for s in secrets]
        self._mask = MASK.encode("ascii")
        self._carry = b""

    @property
    def active(self) -> bool:
        """False when there is nothing to mask (the capture then skips this stage)."""
        return bool(self._secrets)

    def feed(self, data: bytes) -> bytes:
        """Masked bytes that are safe to release now."""
        buf = self._carry + data if self._carry else data
        for secret in self._secrets:
            if secret in buf:
                buf = buf.replace(secret, self._mask)
        hold = self._held_suffix(buf)
        if hold:
            self._carry = buf[-hold:]
            return buf[:-hold]
        self._carry = b""
        return buf

    def flush(self) -> bytes:
        """Whatever was held back: the stream ended, so it cannot become a secret any more."""
        out, self._carry = self._carry, b""
        return out

    def _held_suffix(self, buf: bytes) -> int:
        """Length of the longest suffix of ``buf`` that is a proper prefix of some secret."""
        best = 0
        for secret in self._secrets:
            for k in range(min(len(secret) - 1, len(buf)), best, -1):
                if buf.endswith(secret[:k]):
                    best = k
                    break
        return best
