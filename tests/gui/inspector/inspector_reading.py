"""Reading what a RunInspector shows, for the tests of the views that embed one (Runs view, run form)."""

from __future__ import annotations

from flowdesk.gui.inspector.json_view import JsonView
from flowdesk.gui.inspector.run_inspector import RunInspector


def wait_shown(qtbot, inspector: RunInspector, run_id: str, finished: bool = True) -> None:  # noqa: ANN001
    """Wait until ``inspector`` shows ``run_id`` (its final record unless ``finished`` is False)."""
    qtbot.waitUntil(lambda: inspector.record is not None and inspector.record.id == run_id
                    and (inspector.record.finished or not finished), timeout=30000)


def json_text(qtbot, view: JsonView) -> str:  # noqa: ANN001
    """The Text tab of a JSON view, whole (it is filled in the background)."""
    if view.spans is None:
        return ""
    view.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: view.text.document().characterCount() > 1, timeout=30000)  # the first chunk is in
    if view.truncation_bar.isVisible():
        view.show_all_text()
        qtbot.waitUntil(lambda: view.text_complete, timeout=60000)
    return view.text.toPlainText()
