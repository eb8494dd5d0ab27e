"""The Celery application of a FlowDesk cluster: broker settings, one queue per priority, the run task.

The message of a run is ``flowdesk.run(run_id, revision)``: inputs, outputs and secrets stay in the
store. Delivery is at least once (``acks_late``; a message whose worker died comes back), and the
worker's claim in the store (``queued -> running``, once) turns that into exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from flowdesk.core.cluster.broker_transport import TRANSPORT
from flowdesk.core.cluster.settings import QUEUES, RUN_TASK, ClusterSettings

if TYPE_CHECKING:
    from celery import Celery


def make_celery_app(settings: ClusterSettings) -> Celery:
    """A Celery app on the cluster's broker, configured for FlowDesk runs (no result backend)."""
    from celery import Celery
    from kombu import Queue

    app = Celery("flowdesk", broker=settings.broker_url, set_as_current=False)
    app.conf.update(
        # kombu's Redis transport (same URL, same keys) with a cheaper ack emulation (see broker_transport).
        broker_transport=TRANSPORT,
        # Ack only once the run's outcome is in the store; a worker that dies mid-run gives the message back.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # One message per worker thread at a time: a slow run never holds others hostage in a prefetch buffer.
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_store_errors_even_if_ignored=False,
        task_queues=[Queue(name, routing_key=name) for name in QUEUES],
        task_default_queue=QUEUES[0],
        task_serializer="json",
        accept_content=["json"],
        broker_transport_options={
            # Longer than the longest workflow timeout: a running run's message is never handed out again
            # while it runs (and if it were, the claim would skip it).
            "visibility_timeout": settings.visibility_timeout,
            # Consume the queues in QUEUES order: interactive, then scheduled, then webhook runs.
            "queue_order_strategy": "priority",
            # Runs carry no message priority (the queues are the priority classes): one list per queue,
            # not kombu's four, so each BRPOP after a delivery names 3 keys instead of 12.
            "priority_steps": [0],
            "socket_connect_timeout": settings.broker_timeout,
            "socket_timeout": max(10.0, settings.broker_timeout),
            "health_check_interval": 10,
        },
        broker_connection_timeout=settings.broker_timeout,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,  # a worker waits for its broker forever
        broker_heartbeat=0,
        # Our runs keep going when the broker connection drops; their outcome goes to the store anyway.
        worker_cancel_long_running_tasks_on_connection_loss=False,
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        # Off by default (three extra messages per run); Flower turns them on when it connects.
        worker_send_task_events=False,
        task_send_sent_event=False,
        enable_utc=True,
    )
    return app


def register_run_task(app: Celery, execute: Callable[[str, str], str]) -> None:
    """Bind ``flowdesk.run`` to ``execute(run_id, revision)`` in a worker process."""

    @app.task(name=RUN_TASK, ignore_result=True, acks_late=True, reject_on_worker_lost=True)
    def run(run_id: str, revision: str) -> str:
        """Claim and run one FlowDesk run (see WorkerHost.execute)."""
        return execute(run_id, revision)
