"""App log view: records from any thread appear live; level filter and search narrow them."""

from __future__ import annotations

import logging
import threading

import pytest

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


def test_empty_state_says_what_goes_there_until_a_line_arrives(qtbot, bridge) -> None:
    view = AppLogView(bridge)
    qtbot.addWidget(view)
    view.clear()
    assert view.stack.currentWidget() is view.empty
    said = view.empty.text()
    assert "No log lines yet" in said and "Runs" in said and "Open the runs" in said
    log.warning("the first line after clearing")
    qtbot.waitUntil(lambda: view.stack.currentWidget() is view.text, timeout=5000)
    assert "the first line after clearing" in view.visible_text()


def test_a_search_matching_nothing_offers_to_show_every_line(qtbot, bridge) -> None:
    view = AppLogView(bridge)
    qtbot.addWidget(view)
    log.info("a quiet info line")
    qtbot.waitUntil(lambda: "a quiet info line" in view.visible_text(), timeout=5000)
    view.set_level(logging.ERROR)
    view.search.setText("quiet info")
    qtbot.waitUntil(lambda: view.stack.currentWidget() is view.empty, timeout=5000)
    assert "No line matches" in view.empty.text() and "Show every line" in view.empty.text()
    view.empty_action.click()
    assert view.search.text() == "" and view.min_level == logging.DEBUG
    assert "a quiet info line" in view.visible_text() and view.stack.currentWidget() is view.text


def test_copy_puts_the_lines_shown_on_the_clipboard(qtbot, bridge) -> None:
    from flowdesk.gui.qt import QGuiApplication

    view = AppLogView(bridge)
    qtbot.addWidget(view)
    log.warning("a line worth pasting in a bug report")
    qtbot.waitUntil(lambda: "worth pasting" in view.visible_text(), timeout=5000)
    assert view.header.primary is view.copy_button
    view.copy_button.click()
    assert "a line worth pasting in a bug report" in QGuiApplication.clipboard().text()
    assert QGuiApplication.clipboard().text() == view.visible_text()


@pytest.mark.parametrize("size", [(1280, 800), (1024, 640)])
def test_a_500_character_line_wraps_instead_of_scrolling_sideways(qtbot, bridge, size) -> None:
    from flowdesk.gui.main_window import MainWindow

    window = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(window)
    window.show()
    window.resize(*size)
    view = window.show_view("logs")
    words = "a long line of words " * 12
    log.warning("%s%s", words, "x" * (500 - len(words)))  # words, then one unbroken 250-character token
    qtbot.waitUntil(lambda: "xxxxxxxxxx" in view.visible_text(), timeout=5000)
    qtbot.wait(200)
    bar = view.text.horizontalScrollBar()
    assert bar.maximum() == 0 and not bar.isVisible(), f"the log scrolls sideways at {size}"
    assert window.width() == size[0], "the Logs view made the window wider"
    assert view.header.minimumSizeHint().width() <= view.width()
