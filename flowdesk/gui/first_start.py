"""First start: no workspace yet, so offer to create one from the examples (or pick a folder)."""

from __future__ import annotations

from pathlib import Path

from flowdesk.core.workspace import Workspace, create_workspace_from_examples, default_workspace_dir
from flowdesk.gui.qt import QCoreApplication, QFileDialog, QMessageBox, QWidget


def _tr(text: str) -> str:
    return QCoreApplication.translate("FirstStart", text)


def offer_workspace(parent: QWidget | None = None, default: Path | None = None) -> Workspace | None:
    """Ask where the workspace goes; None when the user cancels."""
    target = default or default_workspace_dir()
    box = QMessageBox(parent)
    box.setWindowTitle(_tr("Welcome to FlowDesk"))
    box.setText(_tr("FlowDesk keeps your workflows, tools and pages in a workspace folder."))
    box.setInformativeText(_tr("Create one at %1 with a few example workflows to start from?").replace("%1", str(target)))
    create = box.addButton(_tr("Create with examples"), QMessageBox.ButtonRole.AcceptRole)
    choose = box.addButton(_tr("Choose a folder…"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked is create:
        return create_workspace_from_examples(target)
    if clicked is choose:
        folder = QFileDialog.getExistingDirectory(parent, _tr("Workspace folder"), str(Path.home()))
        if not folder:
            return None
        ws = Workspace(Path(folder))
        return ws if ws.is_valid() else create_workspace_from_examples(Path(folder))
    return None
