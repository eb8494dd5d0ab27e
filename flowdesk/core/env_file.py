"""Read and edit ``config/.env`` (dotenv syntax): cached reads, atomic writes that keep the layout."""

from __future__ import annotations

import io
import logging
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path

from dotenv import dotenv_values
from dotenv.main import resolve_variables
from dotenv.parser import Binding, parse_stream

from flowdesk.core.atomic_files import write_text_atomic

# (mtime_ns, size) -> raw values, per resolved path. Raw (not interpolated) values are
# cached because interpolation reads os.environ, which may change between reads.
_cache: dict[str, tuple[int, int, dict[str, str]]] = {}
_lock = threading.Lock()
_log = logging.getLogger(__name__)

_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")
# Values made only of these characters are written bare; anything else is double-quoted.
_BARE_RE = re.compile(r"[A-Za-z0-9_\-./:@+,%~=]+")
_NEWLINE_RE = re.compile(r"(\r\n|\n|\r)$")


def read_env_file(path: Path | str) -> dict[str, str]:
    """The variables of a dotenv file (missing file -> ``{}``); keys without ``=`` are skipped."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return {}
    key = str(p.resolve())
    with _lock:
        hit = _cache.get(key)
    if hit is not None and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
        raw = hit[2]
    else:
        try:
            values = dotenv_values(p, interpolate=False)
        except UnicodeDecodeError:
            # A .env saved by an old Windows editor: read it rather than break every profile.
            _log.warning("%s is not UTF-8; reading it as Latin-1", p)
            values = dotenv_values(p, interpolate=False, encoding="latin-1")
        raw = {k: v for k, v in values.items() if v is not None}
        with _lock:
            _cache[key] = (st.st_mtime_ns, st.st_size, raw)
    if any("${" in v for v in raw.values()):
        # Same POSIX ${VAR} expansion as load_dotenv(), which the seed platform used.
        return {k: v or "" for k, v in resolve_variables(raw.items(), override=True).items()}
    return dict(raw)


def invalidate_cache(path: Path | str | None = None) -> None:
    """Forget cached reads (of one file, or of all files)."""
    with _lock:
        if path is None:
            _cache.clear()
        else:
            _cache.pop(str(Path(path).resolve()), None)


def quote_value(value: str) -> str:
    """The dotenv spelling of ``value`` that ``dotenv_values`` reads back unchanged.

    ``${NAME}`` inside a value is always expanded by dotenv (no escape exists), so such
    values do not round-trip.
    """
    if value == "" or _BARE_RE.fullmatch(value):
        return value
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _check_key(key: str) -> None:
    if not _KEY_RE.fullmatch(key):
        raise ValueError(f"invalid variable name: {key!r}")


def _split_lead(text: str) -> tuple[str, str]:
    """Split a binding's text into its leading whitespace (blank lines, indent) and the rest."""
    body = text.lstrip()
    return text[: len(text) - len(body)], body


def _inline_comment(body: str) -> str:
    """The ``  # comment`` that follows the value of one assignment, or ``""``."""
    m = re.match(r"(?:export[^\S\r\n]+)?(?:'[^']+'|[^=\#\s]+)[^\S\r\n]*=", body)
    if m is None:
        return ""
    rest = body[m.end():]
    quoted = re.match(r"[^\S\r\n]*(['\"])", rest)
    if quoted:
        q = quoted.group(1)
        closing = re.match(rf"[^\S\r\n]*{q}(?:\\.|[^{q}\\])*{q}", rest, re.DOTALL)
        if closing is None:
            return ""
        found = re.match(r"[^\S\r\n]*(#[^\r\n]*)", rest[closing.end():])
    else:
        # Like dotenv: a '#' starts a comment only after whitespace ("KEY=a#b" keeps "a#b").
        found = re.search(r"\s(#[^\r\n]*)", rest.split("\n", 1)[0])
    return f"  {found.group(1).rstrip()}" if found else ""


def _rewrite_binding(binding: Binding, value: str) -> str:
    """The text of ``binding`` with its value replaced, keeping blank lines, export and comment."""
    lead, body = _split_lead(binding.original.string)
    newline_match = _NEWLINE_RE.search(body)
    newline = newline_match.group(1) if newline_match else ""
    export = "export " if re.match(r"export\s", body) else ""
    return f"{lead}{export}{binding.key}={quote_value(value)}{_inline_comment(body)}{newline}"


def update_env_file(path: Path | str, set: Mapping[str, str], remove: Iterable[str] = ()) -> None:
    """Set and remove variables in place: other lines, comments and order are kept; atomic write."""
    p = Path(path)
    updates = {k: str(v) for k, v in set.items()}
    removals = {k for k in remove if k not in updates}
    for key in (*updates, *removals):
        _check_key(key)
    with _lock:
        try:
            with open(p, encoding="utf-8", newline="") as fh:
                content = fh.read()
        except FileNotFoundError:
            content = ""
        newline = "\r\n" if "\r\n" in content else "\n"
        parts: list[str] = []
        written: dict[str, None] = {}  # (the `set` parameter shadows the builtin here)
        for binding in parse_stream(io.StringIO(content)):
            key = binding.key
            if binding.error or key is None or (key not in updates and key not in removals):
                parts.append(binding.original.string)
            elif key in removals:
                lead, _ = _split_lead(binding.original.string)
                # Keep the blank lines above a removed variable, drop its own indent.
                parts.append(lead[: lead.rfind("\n") + 1])
            else:
                # Every occurrence gets the new value, so the last (effective) one is right too.
                parts.append(_rewrite_binding(binding, updates[key]))
                written[key] = None
        out = "".join(parts)
        missing = [k for k in updates if k not in written]
        if missing:
            if out and not out.endswith(("\n", "\r")):
                out += newline
            out += "".join(f"{k}={quote_value(updates[k])}{newline}" for k in missing)
        write_text_atomic(p, out, mode=0o600)
        _cache.pop(str(p.resolve()), None)
