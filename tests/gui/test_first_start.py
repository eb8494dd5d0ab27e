"""First start: no workspace yet, the app offers to create one from the examples."""

from __future__ import annotations

from pathlib import Path

from flowdesk.gui.first_start import offer_workspace
from flowdesk.gui.qt import QApplication, QMessageBox, QTimer


def _click_when_shown(qtbot, text: str) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        (button,) = [b for b in box.buttons() if b.text() == text]
        button.click()

    QTimer.singleShot(20, click)


def test_create_with_examples(qtbot, tmp_path: Path) -> None:
    target = tmp_path / "FlowDesk"
    _click_when_shown(qtbot, "Create with examples")
    ws = offer_workspace(default=target)
    assert ws is not None and ws.root == target and ws.is_valid()
    assert (target / "private/workflows/input_showcase/config.json").is_file()
    assert (target / "config/.env.example").is_file()
    assert not (target / "private/workflows/input_showcase/__pycache__").exists()


def test_cancel_creates_nothing(qtbot, tmp_path: Path) -> None:
    _click_when_shown(qtbot, "Cancel")
    assert offer_workspace(default=tmp_path / "nope") is None
    assert not (tmp_path / "nope").exists()
