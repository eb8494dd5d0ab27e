"""Control-channel transport and framing between the engine and a worker: length-prefixed JSON.

Each message is a 4-byte big-endian length followed by that many bytes of UTF-8 JSON (ASCII
in practice: ``ensure_ascii`` keeps odd strings encodable). Messages the engine sends:
``run``, ``probe``, ``shutdown``; the worker answers ``ready`` once, then ``result`` / ``probed``.

A ``result`` may carry the run's result as JSON text after the message, on the same frame: the message's
JSON, a newline (JSON text never holds a raw one), then the text. The engine keeps that text as it came
(``result_text``) instead of decoding 10 MB into objects on its thread, which would hold the GIL for
hundreds of milliseconds and freeze the window sharing the process.

Output (fd 1 and 2) never travels on this channel: it goes through a separate pipe, and the
end of a run's output is marked by :func:`sentinel` so output and result can be matched up.
"""

from __future__ import annotations

import json
import os
import socket
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

HEADER = struct.Struct(">I")
MAX_FRAME = 1 << 30  # a corrupt header must not make us allocate the moon
ENV_FD = "FLOWDESK_WORKER_FD"


class ProtocolError(Exception):
    """The peer sent something that is not a frame of this protocol."""


def encode(msg: Mapping[str, Any], raw: Mapping[str, str] | None = None,
           default: Callable[[Any], Any] | None = None, tail: str | None = None) -> bytes:
    """One frame; ``raw`` maps extra keys to values that are already JSON text (spares a re-encode),
    ``default`` converts values plain JSON does not know (as in ``json.dumps``), ``tail`` is JSON text
    the reader gets back undecoded as ``result_text`` (valid UTF-8: no lone surrogates)."""
    body = json.dumps(msg, separators=(",", ":"), default=default)
    if raw:
        extra = ",".join(f"{json.dumps(k)}:{v}" for k, v in raw.items())
        body = body[:-1] + ("," if len(body) > 2 else "") + extra + "}"
    data = body.encode("utf-8", "surrogatepass")
    if tail is not None:
        data += b"\n" + tail.encode("utf-8")
    return HEADER.pack(len(data)) + data


class FrameDecoder:
    """Incremental decoder for the engine side: feed bytes as they arrive, get whole messages."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        """Messages completed by ``data`` (possibly none)."""
        buf = self._buf
        buf += data
        out: list[dict[str, Any]] = []
        pos = 0
        while len(buf) - pos >= HEADER.size:
            (size,) = HEADER.unpack_from(buf, pos)
            if size > MAX_FRAME:
                raise ProtocolError(f"frame of {size} bytes announced")
            end = pos + HEADER.size + size
            if len(buf) < end:
                break
            start = pos + HEADER.size
            newline = buf.find(b"\n", start, end)
            if newline < 0:
                out.append(json.loads(bytes(buf[start:end])))
            else:  # a message followed by its result's JSON text: kept as text (see the module's docstring)
                msg = json.loads(bytes(buf[start:newline]))
                if not isinstance(msg, dict):
                    raise ProtocolError("a frame must hold a JSON object")
                msg["result_text"] = str(buf[newline + 1:end], "utf-8")
                out.append(msg)
            pos = end
        if pos:
            del buf[:pos]
        return out


def send_message(sock: socket.socket, msg: Mapping[str, Any], raw: Mapping[str, str] | None = None,
                 tail: str | None = None) -> None:
    """Blocking send of one frame (worker side); ``tail``: see :func:`encode`."""
    sock.sendall(encode(msg, raw, tail=tail))


def _recv_exact(sock: socket.socket, size: int) -> bytes | None:
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def recv_message(sock: socket.socket) -> dict[str, Any] | None:
    """Blocking receive of one frame (worker side); None when the engine closed the channel."""
    header = _recv_exact(sock, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    if size > MAX_FRAME:
        raise ProtocolError(f"frame of {size} bytes announced")
    body = _recv_exact(sock, size)
    if body is None:
        return None
    msg = json.loads(body)
    if not isinstance(msg, dict):
        raise ProtocolError("a frame must hold a JSON object")
    return msg


def sentinel(run_id: str, nonce: str) -> bytes:
    """The line the worker writes to fd 1 after a run: the run's output ends right before it.

    It starts with an ASCII record separator (rare in real output, so the reader can scan for it
    cheaply) and carries a nonce the engine chose, so workflow output cannot fake it.
    """
    return f"\x1e[flowdesk:end-of-run {run_id} {nonce}]\n".encode("ascii")


@dataclass
class ChildEndpoint:
    """What the child process needs to reach its end of the control channel."""

    pass_fds: tuple[int, ...] = ()
    env: dict[str, str] = field(default_factory=dict)
    _sock: socket.socket | None = None

    def close(self) -> None:
        """Close the parent's copy of the child's end once the child was started."""
        if self._sock is not None:
            self._sock.close()
            self._sock = None


def open_control_channel() -> tuple[socket.socket, ChildEndpoint]:
    """A connected control channel: the engine's socket and what to hand the worker.

    POSIX: a ``socket.socketpair()``; the child's end is inherited through ``pass_fds`` and its
    number given in ``FLOWDESK_WORKER_FD``. A Windows variant would instead listen on a loopback
    TCP port, pass ``FLOWDESK_WORKER_ADDR=127.0.0.1:<port>`` plus a random ``FLOWDESK_WORKER_TOKEN``,
    and accept only the connection that sends the token first; :func:`connect_from_child` would
    mirror it. Nothing else in the engine depends on the transport.
    """
    parent, child = socket.socketpair()
    parent.setblocking(False)
    endpoint = ChildEndpoint(pass_fds=(child.fileno(),), env={ENV_FD: str(child.fileno())}, _sock=child)
    return parent, endpoint


def connect_from_child(environ: Mapping[str, str]) -> socket.socket:
    """The worker's end of the control channel (see :func:`open_control_channel`)."""
    try:
        fd = int(environ[ENV_FD])
    except (KeyError, ValueError) as exc:
        raise ProtocolError(f"{ENV_FD} is not set: this module is started by the FlowDesk engine") from exc
    os.set_inheritable(fd, False)  # workflow subprocesses must not hold our channel open
    sock = socket.socket(fileno=fd)
    sock.setblocking(True)
    return sock
