"""Secret masking: every secret value (4+ characters) becomes "***" in logs, results and errors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MASK = "***"
MIN_SECRET_LENGTH = 4  # shorter values ("1", "yes") would shred ordinary text


def usable_secrets(secrets: Iterable[str] | None) -> list[str]:
    """Distinct secrets long enough to mask, longest first so a longer one wins over its parts."""
    found = {s for s in (secrets or ()) if isinstance(s, str) and len(s) >= MIN_SECRET_LENGTH}
    return sorted(found, key=len, reverse=True)


def mask_text(text: str, secrets: list[str]) -> str:
    """``text`` with each of ``secrets`` (already filtered by usable_secrets) replaced."""
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def mask_value(value: Any, secrets: list[str]) -> Any:
    """A copy of a JSON-like value with secrets masked in every string, keys included."""
    if not secrets:
        return value
    if isinstance(value, str):
        return mask_text(value, secrets)
    if isinstance(value, dict):
        return {mask_value(k, secrets): mask_value(v, secrets) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_value(v, secrets) for v in value]
    return value


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
