"""A minimal IMAP4rev1 server (asyncio, plain TCP): LOGIN, SELECT/EXAMINE, SEARCH, FETCH, NOOP, LOGOUT.

Enough of RFC 3501 for ``imaplib``: quoted strings and ``{n}`` literals in commands (a
``+`` continuation is sent), ``ALL/SEEN/UNSEEN/SUBJECT/FROM`` search keys ANDed together,
``UID FLAGS RFC822 BODY[] BODY.PEEK[] RFC822.SIZE`` fetch items, and ``\\Seen`` set by a
non-peek body fetch in a read-write session, as a real server does.
"""

from __future__ import annotations

import asyncio
import re
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from typing import Any


@dataclass
class StoredMessage:
    """A message in a folder: its UID, raw RFC 822 bytes and flags."""

    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)

    @property
    def headers(self) -> Any:
        """The parsed message (for search keys)."""
        return message_from_bytes(self.raw, policy=policy.default)


def _tokens(text: str) -> list[str]:
    """Split IMAP arguments: atoms, "quoted strings" (unescaped), and parenthesised lists kept whole."""
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch == " ":
            i += 1
        elif ch == '"':
            j, buf = i + 1, []
            while j < len(text) and text[j] != '"':
                if text[j] == "\\" and j + 1 < len(text):
                    j += 1
                buf.append(text[j])
                j += 1
            out.append("".join(buf))
            i = j + 1
        elif ch == "(":
            depth, j = 0, i
            while j < len(text):
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
                if depth == 0:
                    break
            out.append(text[i:j])
            i = j
        else:
            j = text.find(" ", i)
            j = len(text) if j < 0 else j
            out.append(text[i:j])
            i = j
    return out


def _seqset(spec: str, count: int) -> list[int]:
    numbers: list[int] = []
    for part in spec.split(","):
        lo, _, hi = part.partition(":")
        start = count if lo == "*" else int(lo)
        end = start if not hi else (count if hi == "*" else int(hi))
        numbers.extend(range(min(start, end), max(start, end) + 1))
    return [n for n in numbers if 1 <= n <= count]


class ImapStandIn:
    """One mailbox account with folders of :class:`StoredMessage`; runs its own event loop in a thread."""

    def __init__(self, user: str, password: str, folders: dict[str, list[StoredMessage]]) -> None:
        self.user, self.password, self.folders = user, password, folders
        self.commands: list[str] = []
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> ImapStandIn:
        """Listen on a free loopback port in a daemon thread."""
        ready = threading.Event()

        def run() -> None:
            """The server thread: serve until the loop is stopped."""
            self._loop = asyncio.new_event_loop()
            self._server = self._loop.run_until_complete(
                asyncio.start_server(self._session, "127.0.0.1", 0))
            self.port = self._server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()
            self._server.close()
            self._loop.run_until_complete(self._server.wait_closed())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="imap-stand-in", daemon=True)
        self._thread.start()
        ready.wait(5)
        return self

    def stop(self) -> None:
        """Stop the event loop and its thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(5)

    # -- protocol ---------------------------------------------------------------------

    async def _read_command(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> str | None:
        """One command line with any ``{n}`` literals inlined as quoted strings."""
        line = await reader.readline()
        if not line:
            return None
        text = line.decode("utf-8", "replace").rstrip("\r\n")
        while (match := re.search(r"\{(\d+)\}$", text)) is not None:
            writer.write(b"+ Ready for literal data\r\n")
            await writer.drain()
            literal = (await reader.readexactly(int(match.group(1)))).decode("utf-8", "replace")
            rest = (await reader.readline()).decode("utf-8", "replace").rstrip("\r\n")
            quoted = '"' + literal.replace("\\", "\\\\").replace('"', '\\"') + '"'
            text = text[:match.start()] + quoted + rest
        return text

    async def _session(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        state: dict[str, Any] = {"auth": False, "folder": None, "readonly": True}
        writer.write(b"* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] stand-in IMAP ready\r\n")
        await writer.drain()
        try:
            while (text := await self._read_command(reader, writer)) is not None:
                self.commands.append(re.sub(r'(LOGIN \S+) .*', r"\1 ***", text, flags=re.IGNORECASE))
                tag, _, rest = text.partition(" ")
                command, _, args = rest.partition(" ")
                lines, done = self._handle(state, command.upper(), _tokens(args))
                for out in lines:
                    writer.write(out if isinstance(out, bytes) else (out + "\r\n").encode("utf-8"))
                writer.write(f"{tag} {done}\r\n".encode("utf-8"))
                await writer.drain()
                if command.upper() == "LOGOUT":
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    def _handle(self, state: dict[str, Any], command: str, args: list[str]) -> tuple[list[Any], str]:
        if command == "CAPABILITY":
            return ["* CAPABILITY IMAP4rev1 AUTH=PLAIN"], "OK CAPABILITY completed"
        if command == "NOOP":
            return [], "OK NOOP completed"
        if command == "LOGOUT":
            return ["* BYE stand-in logging out"], "OK LOGOUT completed"
        if command == "LOGIN":
            if len(args) == 2 and args[0] == self.user and args[1] == self.password:
                state["auth"] = True
                return [], "OK [CAPABILITY IMAP4rev1] Logged in"
            return [], "NO [AUTHENTICATIONFAILED] Invalid credentials (Failure)"
        if not state["auth"]:
            return [], "BAD command unknown or arguments invalid (not authenticated)"
        if command in ("SELECT", "EXAMINE"):
            name = args[0] if args else ""
            folder = next((f for f in self.folders if f.upper() == name.upper()), None)
            if folder is None:
                state["folder"] = None
                return [], "NO [NONEXISTENT] Unknown Mailbox: " + name
            state["folder"], state["readonly"] = folder, command == "EXAMINE"
            messages = self.folders[folder]
            next_uid = max((m.uid for m in messages), default=0) + 1
            return (["* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
                     f"* {len(messages)} EXISTS", "* 0 RECENT", "* OK [UIDVALIDITY 1700000000] UIDs valid",
                     f"* OK [UIDNEXT {next_uid}] Predicted next UID"],
                    f"OK [{'READ-ONLY' if state['readonly'] else 'READ-WRITE'}] {command} completed")
        if state["folder"] is None:
            return [], "BAD no mailbox selected"
        messages = self.folders[state["folder"]]
        if command == "SEARCH":
            return self._search(messages, args)
        if command == "FETCH" and len(args) >= 2:
            return self._fetch(messages, args[0], args[1], state["readonly"])
        return [], f"BAD unknown command {command}"

    def _search(self, messages: list[StoredMessage], args: list[str]) -> tuple[list[Any], str]:
        if args[:1] and args[0].upper() == "CHARSET":
            if args[1].upper() not in ("UTF-8", "US-ASCII"):
                return [], "NO [BADCHARSET (UTF-8 US-ASCII)] unsupported charset"
            args = args[2:]
        hits = list(range(1, len(messages) + 1))
        i = 0
        while i < len(args):
            key = args[i].upper()
            if key == "ALL":
                pass
            elif key in ("SEEN", "UNSEEN"):
                hits = [n for n in hits if ("\\Seen" in messages[n - 1].flags) == (key == "SEEN")]
            elif key in ("SUBJECT", "FROM") and i + 1 < len(args):
                needle = args[i + 1].lower()
                hits = [n for n in hits if needle in str(messages[n - 1].headers.get(key, "")).lower()]
                i += 1
            else:
                return [], f"BAD unsupported search key {args[i]}"
            i += 1
        return ["* SEARCH" + "".join(f" {n}" for n in hits)], "OK SEARCH completed"

    def _fetch(self, messages: list[StoredMessage], spec: str, items: str, readonly: bool) -> tuple[list[Any], str]:
        wanted = items.strip("()").upper().split()
        lines: list[Any] = []
        for number in _seqset(spec, len(messages)):
            msg = messages[number - 1]
            body_item = next((w for w in wanted if w in ("RFC822", "BODY[]", "BODY.PEEK[]")), None)
            if body_item in ("RFC822", "BODY[]") and not readonly:
                msg.flags.add("\\Seen")
            parts = []
            if "UID" in wanted:
                parts.append(f"UID {msg.uid}")
            if "FLAGS" in wanted:
                parts.append(f"FLAGS ({' '.join(sorted(msg.flags))})")
            if "RFC822.SIZE" in wanted:
                parts.append(f"RFC822.SIZE {len(msg.raw)}")
            head = f"* {number} FETCH ({' '.join(parts)}"
            if body_item:
                name = "RFC822" if body_item == "RFC822" else "BODY[]"
                lines.append(f"{head}{' ' if parts else ''}{name} {{{len(msg.raw)}}}\r\n".encode() + msg.raw + b")\r\n")
            else:
                lines.append(head + ")")
        return lines, "OK FETCH completed"
