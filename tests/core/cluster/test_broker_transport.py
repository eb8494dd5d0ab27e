"""The scripted ack emulation on a real Valkey: kombu's own unacked keys, restored after a death, cleared by an ack."""

from __future__ import annotations

import json
from typing import Any

import redis

from flowdesk.core.cluster.broker_transport import QoS
from flowdesk.core.cluster.celery_app import make_celery_app
from flowdesk.core.cluster.publisher import Publication, PublishedMarks, RunPublisher
from flowdesk.core.cluster.settings import QUEUES, ClusterSettings


def publish_one(broker_url: str, run_id: str) -> None:
    settings = ClusterSettings(broker_url)
    RunPublisher(make_celery_app(settings), PublishedMarks(settings)).publish([Publication(run_id, "rev1", 2)])


def receive(broker_url: str, visibility_timeout: float = 3600.0) -> tuple[Any, Any, Any]:
    """(connection, channel, message) of the webhook queue's next message, received and not acknowledged."""
    settings = ClusterSettings(broker_url)
    settings.visibility_timeout = visibility_timeout
    conn = make_celery_app(settings).connection_for_read()
    channel = conn.default_channel
    assert isinstance(channel.qos, QoS)  # the Celery app's transport is FlowDesk's
    message = channel.basic_get(QUEUES[2], no_ack=False)
    assert message is not None
    return conn, channel, message


def test_a_received_message_is_kept_in_kombus_unacked_keys_and_restored_when_its_worker_dies(broker_url: str) -> None:
    publish_one(broker_url, "run-1")
    client = redis.Redis.from_url(broker_url)
    conn, channel, message = receive(broker_url)
    tag = message.delivery_tag
    assert client.llen(QUEUES[2]) == 0
    # Exactly what kombu's MULTI/EXEC pipeline writes: tag -> [raw message, exchange, routing key], and its time.
    kept = json.loads(client.hget(channel.qos.unacked_key, tag))
    assert kept[0]["body"] == message._raw["body"] and kept[1:] == [message.delivery_info["exchange"], QUEUES[2]]
    assert client.zscore(channel.qos.unacked_index_key, tag) is not None
    # The worker dies without acknowledging (no close, no restore); another one's sweep past the visibility
    # timeout puts the message back on its queue with kombu's own restore.
    settings = ClusterSettings(broker_url)
    settings.visibility_timeout = 0.0
    other = make_celery_app(settings).connection_for_read()
    other.default_channel.qos.restore_visible()
    assert client.llen(QUEUES[2]) == 1
    assert client.hlen(channel.qos.unacked_key) == 0 and client.zcard(channel.qos.unacked_index_key) == 0
    again = other.default_channel.basic_get(QUEUES[2], no_ack=True)
    assert again is not None and again.payload[0] == ["run-1", "rev1"]
    other.release()
    conn.release()


def test_an_ack_clears_both_keys_and_leaves_nothing_to_restore(broker_url: str) -> None:
    publish_one(broker_url, "run-2")
    client = redis.Redis.from_url(broker_url)
    conn, channel, message = receive(broker_url)
    message.ack()
    assert client.hlen(channel.qos.unacked_key) == 0 and client.zcard(channel.qos.unacked_index_key) == 0
    settings = ClusterSettings(broker_url)
    settings.visibility_timeout = 0.0
    other = make_celery_app(settings).connection_for_read()
    other.default_channel.qos.restore_visible()
    assert client.llen(QUEUES[2]) == 0
    other.release()
    conn.release()


def test_a_broker_that_refuses_scripts_falls_back_to_kombus_pipelines(broker_url: str) -> None:
    client = redis.Redis.from_url(broker_url)
    # A broker account that may not run scripts (as some hosted Redis offers are set up).
    client.execute_command("ACL", "SETUSER", "noscripts", "on", "nopass", "~*", "&*", "+@all", "-@scripting")
    try:
        limited = broker_url.replace("redis://", "redis://noscripts@")
        publish_one(limited, "run-3")
        publish_one(limited, "run-4")
        conn, channel, first = receive(limited)
        assert not channel.qos._scripted  # the refused EVALSHA switched this channel to kombu's pipelines
        assert client.hexists(channel.qos.unacked_key, first.delivery_tag)
        second = channel.basic_get(QUEUES[2], no_ack=False)
        assert second is not None and client.hexists(channel.qos.unacked_key, second.delivery_tag)
        first.ack()
        second.ack()
        assert client.hlen(channel.qos.unacked_key) == 0 and client.zcard(channel.qos.unacked_index_key) == 0
        conn.release()
    finally:
        client.execute_command("ACL", "DELUSER", "noscripts")


def test_a_batch_of_runs_is_published_in_one_go_and_consumed_in_its_order(broker_url: str) -> None:
    settings = ClusterSettings(broker_url)
    RunPublisher(make_celery_app(settings), PublishedMarks(settings)).publish(
        [Publication(f"run-{n}", "rev1", 2) for n in range(5)] + [Publication("click", "rev1", 0)])
    client = redis.Redis.from_url(broker_url)
    assert client.llen(QUEUES[2]) == 5 and client.llen(QUEUES[0]) == 1
    assert client.scard("flowdesk:published") == 6
    conn = make_celery_app(settings).connection_for_read()
    got = [conn.default_channel.basic_get(QUEUES[2], no_ack=True).payload[0][0] for _ in range(5)]
    assert got == [f"run-{n}" for n in range(5)]
    conn.release()
