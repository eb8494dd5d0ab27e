"""App log view: records from any thread appear live; level filter and search narrow them."""

from __future__ import annotations

import logging
import threading

from flowdesk.gui.log_bridge import install_log_bridge, redact
from flowdesk.gui.views.app_log_view import AppLogView

log = logging.getLogger("flowdesk.tests.app_log")


def test_record_from_another_thread_appears(qtbot, bridge) -> None:
    view = AppLogView(bridge)
    qtbot.addWidget(view)
    worker = threading.Thread(target=lambda: log.warning("hello from %s", "a worker thread"), name="not-gui")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: "hello from a worker thread" in view.visible_text(), timeout=5000)


def test_level_filter_and_search(qtbot, bridge) -> None:
    view = AppLogView(bridge)
    qtbot.addWidget(view)
    log.info("an ordinary info line")
    log.error("a broken thing")
    qtbot.waitUntil(lambda: "a broken thing" in view.visible_text(), timeout=5000)
    assert "an ordinary info line" in view.visible_text()
    view.set_level(logging.ERROR)
    assert "a broken thing" in view.visible_text()
    assert "an ordinary info line" not in view.visible_text()
    view.set_level(logging.INFO)
    view.search.setText("ORDINARY")
    qtbot.waitUntil(lambda: "a broken thing" not in view.visible_text(), timeout=5000)
    assert "an ordinary info line" in view.visible_text()


def test_lines_are_bounded_and_history_is_replayed(qtbot, bridge) -> None:
    install_log_bridge()
    log.warning("logged before the view existed")
    view = AppLogView(bridge, capacity=50)
    qtbot.addWidget(view)
    assert "logged before the view existed" in view.visible_text()
    for n in range(200):
        log.warning("line %d", n)
    qtbot.waitUntil(lambda: "line 199" in view.visible_text(), timeout=5000)
    assert view.text.blockCount() <= 50
    assert "line 100" not in view.visible_text()


def test_credentials_in_messages_are_redacted() -> None:
    text = redact("GET /auth/login?token=abcdef123&next=/x/ with Authorization: Bearer sekret-value-1")
    assert "abcdef123" not in text and "sekret-value-1" not in text
    assert "next=/x/" in text
