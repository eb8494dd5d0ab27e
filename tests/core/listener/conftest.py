"""A real FlowDesk service (runtime + scheduler + listener) on a free loopback port, in a loop thread."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from flowdesk.core.service_settings import RuntimeSettings, ServiceOptions
from flowdesk.core.service import FlowDeskService
from flowdesk.core.workspace import Workspace
from tests.conftest import FIXTURES, copy_workspace

TOKEN = "test-token-0123456789-abcdefgh"


class ServiceThread:
    """Runs a FlowDeskService on its own event loop thread, as the GUI's core thread will."""

    def __init__(self, workspace: Path, data_dir: Path, settings: RuntimeSettings | None = None, **options: Any) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.service = FlowDeskService(Workspace(workspace), data_dir, ServiceOptions(port=0, **options), settings)

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float = 60) -> Any:
        """Run a coroutine on the service loop and wait for it."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def start(self) -> ServiceThread:
        self.thread.start()
        self.call(self.service.start())
        return self

    def stop(self) -> None:
        try:
            self.call(self.service.stop())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)

    @property
    def url(self) -> str:
        return self.service.url or ""


class Api:
    """requests against the listener, with the bearer token unless told otherwise."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()

    def __call__(self, method: str, path: str, *, auth: bool = True, **kw: Any) -> requests.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if auth:
            headers.setdefault("Authorization", f"Bearer {TOKEN}")
        return self.session.request(method, self.base + path, headers=headers, timeout=30, allow_redirects=False, **kw)


@pytest.fixture(autouse=True)
def store_database(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """FLOWDESK_TEST_DATABASE=postgresql runs this whole suite on PostgreSQL: a fresh database per test."""
    if os.environ.get("FLOWDESK_TEST_DATABASE") == "postgresql":
        monkeypatch.setenv("FLOWDESK_DATABASE_URL", request.getfixturevalue("pg_url"))


@pytest.fixture()
def listener_ws(tmp_path: Path) -> Path:
    return copy_workspace(FIXTURES / "listener_workspace", tmp_path / "ws")


@pytest.fixture()
def service(listener_ws: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceThread]:
    monkeypatch.setenv("FLOWDESK_API_TOKEN", TOKEN)
    svc = ServiceThread(listener_ws, data_dir, RuntimeSettings(max_workers=2, warm_workers=2, queue_limit=200),
                        watch=True, grace=5).start()
    yield svc
    svc.stop()


@pytest.fixture()
def api(service: ServiceThread) -> Api:
    return Api(service.url)
