"""The Overview connected to a cluster (its Workers card), light and dark at 1280×800, into docs/screenshots/.

The cluster is the demo's own servers (embedded Valkey and PostgreSQL, ``pip install 'flowdesk[demo]'``)
and the window as one more serve of it. The workers are heartbeat rows written as ``flowdesk worker``'s
heartbeat writes them (WorkerRegistry.beat), not worker processes: the picture needs their rows, and three
engines with warm subprocesses would only load the machine. One of them stops beating, so it shows late.
Part of ``make screenshots``; run alone with ``python docs/make_cluster_screenshot.py``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from datetime import timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from docs.make_screenshots import OUT, SCHEMES, WORKFLOWS, _free, _save, _wait  # noqa: E402

# (name, host, concurrency, running now); the last one stopped beating 15 s ago (late: past 2.5 heartbeats of 5 s).
WORKERS = [("build-01-4121", "build-01", 4, 3), ("build-02-3987", "build-02", 4, 2), ("build-03-4410", "build-03", 4, 1)]


def main() -> int:
    """Start the servers and the window's core, seed a history and the workers, grab the Overview twice."""
    from flowdesk.core.cluster.demo_servers import DemoPostgres, DemoValkey
    from flowdesk.core.service_settings import RuntimeSettings, ServiceOptions
    from flowdesk.core.workspace import Workspace
    from flowdesk.gui.core_bridge import CoreBridge
    from flowdesk.gui.main_window import MainWindow
    from flowdesk.gui.qt import QApplication
    from flowdesk.gui.theme.theme_manager import install_theme

    tmp = Path(tempfile.mkdtemp(prefix="flowdesk-cluster-shots-"))
    shutil.copytree(REPO / "private", tmp / "ws" / "private", ignore=shutil.ignore_patterns("__pycache__", "reports"))
    valkey, postgres = DemoValkey(tmp / "valkey"), DemoPostgres(tmp / "postgres")
    beating = threading.Event()
    try:
        broker = valkey.start()
        os.environ["FLOWDESK_DATABASE_URL"] = postgres.start()
        app = QApplication(sys.argv[:1])
        manager = install_theme(app, "light")
        port = 8000 if _free(8000) else 0
        bridge = CoreBridge(Workspace(tmp / "ws"), tmp / "data",
                            ServiceOptions(port=port, watch=False, grace=2, broker_url=broker),
                            RuntimeSettings(max_workers=2, warm_workers=0))
        done: list[object] = []
        bridge.started.connect(lambda _url: done.append("started"))
        bridge.start()
        _wait(app, lambda: done, seconds=60)
        bridge.submit(lambda rt: _seed(rt, beating), done.append)
        _wait(app, lambda: len(done) >= 2)
        window = MainWindow(bridge, tray_available=True)
        window.settings.setValue("told_about_tray", True)
        window.show()
        OUT.mkdir(parents=True, exist_ok=True)
        for scheme in SCHEMES:
            manager.set_mode(scheme)
            window.resize(1280, 800)
            window.show_view("overview")
            panel = window.view("overview").workers_panel
            _wait(app, lambda: panel.snapshot is not None and len(panel.rows) == len(WORKERS) + 1, seconds=20)
            _wait(app, lambda: False, seconds=1.5)
            _save(window, f"overview-cluster-{scheme}.png")
        beating.set()
        bridge.stop()
    finally:
        beating.set()
        postgres.stop()
        valkey.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _seed(rt: object, stop: threading.Event) -> int:
    """History, a few queued runs, the late worker's last beat, and a thread beating for the others."""
    from bench.run_history import seed_history
    from flowdesk.core.cluster.store_access import StoreAccess
    from flowdesk.core.cluster.worker_registry import WorkerRegistry
    from flowdesk.core.store.records import utc_now

    store = rt.store  # type: ignore[attr-defined]
    seed_history(store, WORKFLOWS, 500, days=14, failure_rate=0.05, queued=7)
    store.upsert_worker("gpu-01-2210", "gpu-01", 2, 1, heartbeat=utc_now() - timedelta(seconds=15))
    registry = WorkerRegistry(StoreAccess(store))

    def beat() -> None:
        while not stop.wait(0.0):
            for name, host, concurrency, running in WORKERS:
                registry.beat(name, concurrency, running, host)
            stop.wait(1.0)

    threading.Thread(target=beat, name="screenshot-heartbeats", daemon=True).start()
    return len(WORKERS)


if __name__ == "__main__":
    sys.exit(main())
