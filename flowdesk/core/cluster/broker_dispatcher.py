"""Serve's dispatcher in scale-out mode: accepted runs go to the broker (id and revision), never to an engine.

``RunService`` commits each accepted run as ``queued`` and wakes its dispatcher; this one drains the
fair run queue (workflows in turn, interactive before scheduled before webhook) into the publisher
thread. Workers claim, run and record them; their outcomes come back through the run relay.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from flowdesk.core.cluster.publisher import BackgroundPublisher

if TYPE_CHECKING:
    from flowdesk.core.run_service import RunService


class BrokerDispatcher:
    """Publishes every queued run this process accepted, as soon as it is committed."""

    def __init__(self, service: RunService, publisher: BackgroundPublisher) -> None:
        self.service = service
        self.publisher = publisher
        self.accepting = False
        self.published = 0

    def start(self) -> None:
        """Publish from now on (runs accepted before a restart are the sweeper's)."""
        self.accepting = True
        self.wake()

    def stop(self) -> None:
        """Publish nothing more; what is queued stays in the store for the sweeper."""
        self.accepting = False

    def wake(self) -> None:
        """Hand every run waiting in the fair queue to the publisher thread, in fair order."""
        if not self.accepting:
            return
        queue, registry = self.service.queue, self.service.registry
        batch: list[tuple[str, Path, int]] = []
        while (item := queue.take(_any_run)) is not None:
            entry = registry.workflows.get(item.workflow)
            folder = entry.path if entry is not None else registry.workspace.workflows_dir / item.workflow
            batch.append((item.run_id, folder, item.key[0]))
            item.prepared = None  # the worker rebuilds the run from the store: drop the input from memory
        if batch:
            self.published += len(batch)
            self.publisher.submit(batch)


def _any_run(_lane: object, _item: object) -> bool:
    # Every queued run may go: capacity, max_instances and retries are the workers' business.
    return True
