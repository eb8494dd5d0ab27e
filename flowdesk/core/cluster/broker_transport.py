"""kombu's Redis transport with a cheaper ack emulation: one scripted command per delivery and per ack.

With ``acks_late`` kombu keeps every message a worker received, until it is acknowledged, in two
keys (the ``unacked`` hash and its ``unacked_index`` sorted set), so that a worker that dies gives
it back after the visibility timeout. Stock kombu writes them with a MULTI/EXEC pipeline of two
commands through a new client and redis-py's pool at every delivery and every ack: for a run that
does nothing, that bookkeeping was over 40 % of the worker's Celery CPU. Here each is one EVALSHA
of a script doing the same two writes atomically, sent on one connection the channel keeps for it
(no pool, retry or pipeline machinery per call). The keys and values are kombu's own, so its
restore of unacked messages (visibility timeout, warm shutdown), Flower and ``celery inspect`` see
exactly what they would with the stock transport. If the server refuses scripts, the channel falls
back to kombu's pipelines for good.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from time import time
from typing import Any

from kombu.transport import redis as kombu_redis
from kombu.transport.virtual import QoS as VirtualQoS
from kombu.utils.json import dumps

log = logging.getLogger(__name__)
TRANSPORT = "flowdesk.core.cluster.broker_transport:Transport"  # Celery's ``broker_transport`` setting

# KEYS: unacked_index, unacked. ARGV: delivery tag, time, [raw message, exchange, routing key] as JSON.
_APPEND = ("redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1]) "
           "redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) return 1")
_ACK = "redis.call('ZREM', KEYS[1], ARGV[1]) redis.call('HDEL', KEYS[2], ARGV[1]) return 1"




class ScriptLink:
    """One connection of the channel's pool, kept for the ack emulation's scripts (thread-safe)."""

    def __init__(self, pool: Any) -> None:
        from redis import exceptions

        self._pool = pool
        self._conn: Any = None
        self._lock = threading.Lock()
        self._no_script = exceptions.NoScriptError
        self._broken = (exceptions.ConnectionError, exceptions.TimeoutError, OSError)

    def call(self, script: str, sha: str, keys: list[str], args: list[Any]) -> Any:
        """Run a script by its hash (loading it if the server forgot it); one retry on a fresh connection,
        since both scripts may safely run twice."""
        with self._lock:
            for attempt in (1, 2):
                if self._conn is None:
                    self._conn = self._pool.make_connection()
                try:
                    try:
                        self._conn.send_command("EVALSHA", sha, len(keys), *keys, *args)
                        return self._conn.read_response()
                    except self._no_script:  # the server restarted: EVAL caches it again
                        self._conn.send_command("EVAL", script, len(keys), *keys, *args)
                        return self._conn.read_response()
                except self._broken:
                    self.close_locked()
                    if attempt == 2:
                        raise
        return None  # not reached

    def close_locked(self) -> None:
        """Drop the connection (the caller holds the lock)."""
        if self._conn is not None:
            try:
                self._conn.disconnect()
            finally:
                self._conn = None

    def close(self) -> None:
        """Drop the connection."""
        with self._lock:
            self.close_locked()


_APPEND_SHA = hashlib.sha1(_APPEND.encode()).hexdigest()  # noqa: S324 - the server's script id, not security
_ACK_SHA = hashlib.sha1(_ACK.encode()).hexdigest()  # noqa: S324


class QoS(kombu_redis.QoS):
    """Ack emulation writing kombu's unacked keys with one script call each (same keys, same values)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scripted = not self.channel.global_keyprefix  # prefixed keys: kombu's own path

    def _give_up_scripts(self, exc: Exception) -> None:
        log.warning("the broker refused a script (%s): using kombu's pipelines for acknowledgements", exc)
        self._scripted = False

    def append(self, message: Any, delivery_tag: str) -> None:
        """Remember a delivered message until its ack (kombu's keys, one EVALSHA)."""
        if self._scripted:
            delivery = message.delivery_info
            raw = dumps([message._raw, delivery["exchange"], delivery["routing_key"]])  # noqa: SLF001
            try:
                self.channel.script_link.call(_APPEND, _APPEND_SHA, [self.unacked_index_key, self.unacked_key],
                                              [delivery_tag, time(), raw])
            except self.channel.ResponseError as exc:
                self._give_up_scripts(exc)
            else:
                VirtualQoS.append(self, message, delivery_tag)
                return
        super().append(message, delivery_tag)

    def ack(self, delivery_tag: str) -> None:
        """Forget an acknowledged message (one EVALSHA)."""
        if self._scripted:
            try:
                self.channel.script_link.call(_ACK, _ACK_SHA, [self.unacked_index_key, self.unacked_key],
                                              [delivery_tag])
            except self.channel.ResponseError as exc:
                self._give_up_scripts(exc)
            else:
                VirtualQoS.ack(self, delivery_tag)
                return
        super().ack(delivery_tag)


class Channel(kombu_redis.Channel):
    """kombu's Redis channel with the scripted ack emulation."""

    QoS = QoS
    _script_link: ScriptLink | None = None

    @property
    def script_link(self) -> ScriptLink:
        """The connection the ack emulation's scripts go through (not the client's: it holds the BRPOP)."""
        if self._script_link is None:
            self._script_link = ScriptLink(self.pool)
        return self._script_link

    def close(self) -> None:
        """Close the channel (kombu restores what was not acknowledged), then its script connection."""
        try:
            super().close()
        finally:
            if self._script_link is not None:
                self._script_link.close()


class Transport(kombu_redis.Transport):
    """kombu's Redis transport (``redis://`` URLs, same keys) with the scripted ack emulation."""

    Channel = Channel
