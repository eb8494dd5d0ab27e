"""The WhatsApp inbox: Cloud API webhook deliveries stored in SQLite, read back by the ``whatsapp`` tool.

The listener calls :func:`record_delivery` with each webhook body it receives (shape
``{"object": "whatsapp_business_account", "entry": [{"changes": [{"field": "messages",
"value": {"metadata": {...}, "contacts": [...], "messages": [...]}}]}]}``); workflows read
with the tool's ``get_messages``. One file, ``whatsapp_inbox.sqlite3``, in the FlowDesk data
dir (``FLOWDESK_DATA_DIR`` or the platform's), opened in WAL mode so the listener can write
while a workflow reads. A message delivered twice (Meta retries webhooks) is stored once.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from flowdesk.core.private_files import create_private_file, make_private_dir
from flowdesk.tools.params import time_param

INBOX_FILE = "whatsapp_inbox.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    id TEXT PRIMARY KEY,
    phone_number_id TEXT,
    display_phone_number TEXT,
    from_number TEXT NOT NULL,
    contact_name TEXT,
    type TEXT NOT NULL,
    text TEXT,
    timestamp INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    context_id TEXT,
    media_id TEXT,
    raw TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_by_time ON messages (timestamp);
CREATE INDEX IF NOT EXISTS messages_by_sender ON messages (from_number, timestamp);
"""
_COLUMNS = ("id", "phone_number_id", "display_phone_number", "from_number", "contact_name", "type", "text",
            "timestamp", "received_at", "context_id", "media_id", "raw")


def inbox_path(location: str | Path | None = None) -> Path:
    """The inbox file: ``location`` itself if it names a ``.sqlite3``/``.db`` file, else inside that dir."""
    if location is None or str(location) == "":
        from flowdesk.core.workspace import resolve_data_dir  # late: only the default needs the core

        location = resolve_data_dir()
    path = Path(location).expanduser()
    return path if path.suffix in (".sqlite3", ".sqlite", ".db") or path.is_file() else path / INBOX_FILE


@contextmanager
def _open(path: Path) -> Iterator[sqlite3.Connection]:
    make_private_dir(path.parent)
    create_private_file(path)  # people's messages: owner-only, and SQLite gives -wal/-shm the same mode
    with closing(sqlite3.connect(path, timeout=10)) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(_SCHEMA)
        conn.row_factory = sqlite3.Row
        with conn:  # one transaction
            yield conn


def digits(number: Any) -> str:
    """A phone number as the Cloud API writes it: country code and digits only (``+33 6-12`` -> ``33612``)."""
    text = re.sub(r"\D", "", str(number or ""))
    return text[2:] if str(number or "").strip().startswith("00") else text


def _text_of(message: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """``(readable text, media id)`` of one webhook message, whatever its type."""
    kind = str(message.get("type") or "")
    body = message.get(kind) if isinstance(message.get(kind), Mapping) else {}
    if kind == "text":
        return body.get("body"), None
    if kind in ("image", "video", "audio", "document", "sticker"):
        return body.get("caption") or body.get("filename"), body.get("id")
    if kind == "location":
        place = " ".join(str(body.get(k)) for k in ("name", "address") if body.get(k))
        return f"{place} ({body.get('latitude')}, {body.get('longitude')})".strip(), None
    if kind == "interactive":
        reply = body.get(body.get("type")) if isinstance(body.get(body.get("type")), Mapping) else {}
        return reply.get("title"), None
    if kind == "button":
        return body.get("text"), None
    if kind == "reaction":
        return body.get("emoji"), None
    if kind == "contacts":
        names = [(c.get("name") or {}).get("formatted_name") for c in message.get("contacts") or []]
        return ", ".join(n for n in names if n) or None, None
    return None, None


def parse_delivery(payload: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Inbox rows for the messages in one webhook body (statuses and other fields are ignored)."""
    rows: list[dict[str, Any]] = []
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    for entry in payload.get("entry") or []:
        for change in (entry.get("changes") or []) if isinstance(entry, Mapping) else []:
            value = change.get("value") if isinstance(change, Mapping) else None
            if not isinstance(value, Mapping):
                continue
            meta = value.get("metadata") or {}
            names = {c.get("wa_id"): (c.get("profile") or {}).get("name") for c in value.get("contacts") or []
                     if isinstance(c, Mapping)}
            for message in value.get("messages") or []:
                if not isinstance(message, Mapping) or not message.get("id") or not message.get("from"):
                    continue
                text, media = _text_of(message)
                try:
                    stamp = int(message.get("timestamp") or 0)
                except (TypeError, ValueError):
                    stamp = 0
                rows.append({
                    "id": str(message["id"]), "phone_number_id": meta.get("phone_number_id"),
                    "display_phone_number": meta.get("display_phone_number"), "from_number": digits(message["from"]),
                    "contact_name": names.get(message["from"]), "type": str(message.get("type") or "unknown"),
                    "text": text, "timestamp": stamp or int(datetime.now(timezone.utc).timestamp()),
                    "received_at": now, "context_id": (message.get("context") or {}).get("id")
                    or ((message.get("reaction") or {}).get("message_id")), "media_id": media,
                    "raw": json.dumps(message, ensure_ascii=False),
                })
    return rows


def record_delivery(data_dir_or_db_path: str | Path | None, payload: dict[str, Any]) -> int:
    """Store the messages of one webhook delivery; returns how many were new. Bad shapes store nothing."""
    if not isinstance(payload, Mapping):
        raise ValueError(f"WhatsApp webhook payload must be a JSON object, got {type(payload).__name__}")
    rows = parse_delivery(payload)
    if not rows:
        return 0
    placeholders = ", ".join("?" for _ in _COLUMNS)
    with _open(inbox_path(data_dir_or_db_path)) as conn:
        before = conn.total_changes
        conn.executemany(f"INSERT OR IGNORE INTO messages ({', '.join(_COLUMNS)}) VALUES ({placeholders})",
                         [tuple(row[c] for c in _COLUMNS) for row in rows])
        return conn.total_changes - before


def _public(row: sqlite3.Row, raw: bool = False) -> dict[str, Any]:
    out = {
        "id": row["id"], "from": row["from_number"], "contact_name": row["contact_name"], "type": row["type"],
        "text": row["text"], "timestamp": row["timestamp"],
        "datetime": datetime.fromtimestamp(row["timestamp"], timezone.utc).isoformat(),
        "phone_number_id": row["phone_number_id"], "context_id": row["context_id"], "media_id": row["media_id"],
        "received_at": row["received_at"],
    }
    if raw:
        out["raw"] = json.loads(row["raw"])
    return out


def get_messages(data_dir_or_db_path: str | Path | None = None, *, from_number: str | None = None, limit: int = 20,
                 since: Any = None, phone_number_id: str | None = None, raw: bool = False) -> list[dict[str, Any]]:
    """Stored messages, newest first; ``since`` is ISO 8601, a datetime or a duration such as ``24hours``."""
    path = inbox_path(data_dir_or_db_path)
    if not path.exists():
        return []
    where, args = [], []
    if from_number:
        where.append("from_number = ?")
        args.append(digits(from_number))
    moment = time_param(since, "since")
    if moment is not None:
        where.append("timestamp >= ?")
        args.append(int(moment.timestamp()))
    if phone_number_id:
        where.append("phone_number_id = ?")
        args.append(str(phone_number_id))
    sql = "SELECT * FROM messages" + (" WHERE " + " AND ".join(where) if where else "")
    sql += " ORDER BY timestamp DESC, rowid DESC LIMIT ?"
    with _open(path) as conn:
        return [_public(r, raw) for r in conn.execute(sql, [*args, max(1, int(limit))])]


def get_conversations(data_dir_or_db_path: str | Path | None = None, *, limit: int = 10,
                      phone_number_id: str | None = None) -> list[dict[str, Any]]:
    """One entry per sender: last message, message count, contact name; most recent first."""
    path = inbox_path(data_dir_or_db_path)
    if not path.exists():
        return []
    where = "WHERE phone_number_id = ?" if phone_number_id else ""
    args: list[Any] = [str(phone_number_id)] if phone_number_id else []
    sql = (f"SELECT from_number, MAX(timestamp) AS last_ts, COUNT(*) AS n FROM messages {where} "
           "GROUP BY from_number ORDER BY last_ts DESC LIMIT ?")
    out = []
    with _open(path) as conn:
        for row in conn.execute(sql, [*args, max(1, int(limit))]).fetchall():
            last = conn.execute("SELECT * FROM messages WHERE from_number = ? ORDER BY timestamp DESC, rowid DESC "
                                "LIMIT 1", (row["from_number"],)).fetchone()
            out.append({"chat_id": row["from_number"], "phone_number": row["from_number"],
                        "contact_name": last["contact_name"], "message_count": row["n"],
                        "last_message": _public(last)})
    return out
