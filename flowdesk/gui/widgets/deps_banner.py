"""The banner on a tool's or workflow's detail: "missing dependency X (package) — Install", with a progress bar."""

from __future__ import annotations

import asyncio
import html
import logging
from typing import TYPE_CHECKING, Any

from flowdesk.gui.qt import QCoreApplication, QHBoxLayout, QLabel, QObject, QProgressBar, QPushButton, Qt, QVBoxLayout, QWidget, Signal
from flowdesk.gui.i18n import core_text
from flowdesk.gui.widgets.status_colors import error_color

if TYPE_CHECKING:
    from flowdesk.core.runtime import Runtime
    from flowdesk.core.workspace_deps import InstallProgress, InstallResult, RequirementStatus
    from flowdesk.gui.core_bridge import CoreBridge

log = logging.getLogger(__name__)


def missing_for(runtime: Runtime, kind: str, slug: str) -> list[RequirementStatus]:
    """The requirements of one tool or workflow that an install would bring (core thread, reads files)."""
    from flowdesk.core.workspace_deps import dependency_report

    report = dependency_report(runtime.workspace, runtime.data_dir)
    return [s for s in report.missing if s.kind == kind and s.owner == slug]


def banner_text(missing: list[RequirementStatus]) -> str:
    """``missing dependency googleapiclient (google-api-python-client)``; several are listed together."""
    names = ", ".join(f"{s.import_name} ({s.package})" for s in missing)
    text = (QCoreApplication.translate("DepsBanner", "missing dependency %1") if len(missing) == 1
            else QCoreApplication.translate("DepsBanner", "missing dependencies %1"))
    return text.replace("%1", names)


class _ProgressRelay(QObject):
    """Carries install progress from the core thread to the GUI thread (a queued signal)."""

    progress = Signal(float, str)


class DepsBanner(QWidget):
    """Shows what one entry lacks and installs it in the background on the core, with progress."""

    installed = Signal(object)  # InstallResult, after the workspace was reloaded

    def __init__(self, bridge: CoreBridge | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.kind: str | None = None
        self.slug: str | None = None
        self.missing: list[RequirementStatus] = []
        self.installing = False
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.install_button = QPushButton(self.tr("Install"))
        self.install_button.setToolTip(self.tr("Install the workspace's missing requirements into its own environment"))
        self.install_button.clicked.connect(self.install)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.text, 1)
        row.addWidget(QLabel("—"))
        row.addWidget(self.install_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        self._relay = _ProgressRelay(self)
        self._relay.progress.connect(self._on_progress)
        self.hide()

    def show_for(self, kind: str, slug: str | None) -> None:
        """Ask the core what ``kind``/``slug`` lacks; the banner shows it, or hides when nothing is missing."""
        if (kind, slug) != (self.kind, self.slug) and not self.installing:
            self.status.hide()  # an earlier entry's failure message does not belong to this one
        self.kind, self.slug = kind, slug
        if slug is None or self.bridge is None or not self.bridge.running:
            self._show([])
            return
        self.bridge.submit(lambda rt: asyncio.to_thread(missing_for, rt, kind, slug),
                           lambda missing, key=(kind, slug): self._on_missing(key, missing),
                           lambda exc: log.warning("cannot read the requirements of %s %s: %s", kind, slug, exc))

    def _on_missing(self, key: tuple[str, str], missing: list[RequirementStatus]) -> None:
        if key == (self.kind, self.slug):  # still the entry shown
            self._show(missing)

    def _show(self, missing: list[RequirementStatus]) -> None:
        self.missing = missing
        if missing:
            self.text.setText(f"<b>{html.escape(banner_text(missing))}</b>")
            self.text.setStyleSheet(f"color: {error_color(self).name()}")
            self.install_button.setEnabled(not self.installing)
        self.setVisible(bool(missing) or self.installing or self.status.isVisible())

    # -- installing -------------------------------------------------------------------------

    def install(self) -> None:
        """Install every missing requirement of the workspace on the core, then reload it."""
        if self.installing or self.bridge is None:
            return
        from flowdesk.core.workspace_inspection import install_and_reload

        self.installing = True
        self.install_button.setEnabled(False)
        self.progress.setValue(0)
        self.progress.show()
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Starting…"))
        self.status.show()
        relay = self._relay

        def report(event: InstallProgress) -> None:  # core thread: only emit, Qt queues it to the GUI
            # translated here: a queued signal hands over a plain string (the installer's own steps are translatable)
            relay.progress.emit(event.fraction, core_text(event.message))

        self.bridge.submit(lambda rt: install_and_reload(rt, report), self._on_installed, self._on_failed)

    def _on_progress(self, fraction: float, message: str) -> None:
        self.progress.setValue(round(fraction * 100))
        self.status.setText(message)

    def _on_installed(self, result: InstallResult) -> None:
        self.installing = False
        self.progress.hide()
        log.info("installed workspace requirements: %s", ", ".join(result.installed) or "nothing new")
        if result.left_out:  # conflicts stay listed; the rest is done and the banner goes away
            self.status.setText(self.tr("Not installed: %1").replace("%1", "; ".join(core_text(line) for line in result.left_out)))
        else:
            self.status.hide()
        self.installed.emit(result)
        if self.kind is not None:
            self.show_for(self.kind, self.slug)

    def _on_failed(self, exc: Any) -> None:
        self.installing = False
        self.progress.hide()
        self.status.setStyleSheet(f"color: {error_color(self).name()}")
        self.status.setText(self.tr("Install failed: %1").replace("%1", str(exc)))
        self.install_button.setEnabled(bool(self.missing))
