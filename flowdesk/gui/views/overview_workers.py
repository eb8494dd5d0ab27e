"""The Overview's Workers card: shown only when the window is connected to a cluster.

One row per worker (status chip, name, host, runs going out of its concurrency, last heartbeat) and
the queue depth in the title line; when no worker is online, how to start one, with a copy button.
Fed by WorkersFeed (off the GUI thread, every heartbeat) while the Overview is shown.
"""

from __future__ import annotations

import re
from datetime import datetime

from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.qt import QEvent, QFontDatabase, QFrame, QHBoxLayout, QLabel, QObject, Qt, QVBoxLayout, QWidget
from flowdesk.gui.theme.tokens import FONT_SMALL, SPACE_LG, SPACE_MD, SPACE_SM, SPACE_XS
from flowdesk.gui.time_text import exact, relative
from flowdesk.gui.widgets.chips import Chip, ChipRow, chip_width
from flowdesk.gui.widgets.copy_button import CopyButton
from flowdesk.gui.widgets.list_card import CardRow
from flowdesk.gui.workers_data import WorkerRow, WorkersSnapshot, WorkerState
from flowdesk.gui.workers_feed import WorkersFeed

STATE_LOOKS: dict[str, tuple[str, str]] = {"online": ("check-circle", "success"), "late": ("clock", "warning"),
                                           "gone": ("wifi-slash", "danger")}


class WorkersPanel(QFrame):
    """A card listing the cluster's workers; hidden in local mode (SQLite, no broker)."""

    def __init__(self, bridge: CoreBridge, view: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("card", True)
        self.setObjectName("workers-panel")
        self.snapshot: WorkersSnapshot | None = None
        self.rows: list[CardRow] = []
        title = QLabel(self.tr("Workers"))
        title.setProperty("role", "section")
        self.queue_label = QLabel()
        self.queue_label.setProperty("role", "muted")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.queue_label)
        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(0)
        self.empty = self._empty_state()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(SPACE_LG, SPACE_MD, SPACE_LG, SPACE_MD)
        layout.setSpacing(SPACE_SM)
        layout.addLayout(header)
        layout.addLayout(self.rows_box)
        layout.addWidget(self.empty)
        self.hide()  # until a read says the window is connected to a cluster
        self.feed = WorkersFeed(bridge, self)
        self.feed.changed.connect(self.show_snapshot)
        self.feed.failed.connect(self._show_failure)
        self._view = view
        view.installEventFilter(self)  # read only while the Overview is on screen
        if view.isVisible():
            self.feed.set_wanted(True)

    def _empty_state(self) -> QWidget:
        box = QWidget()
        text = QLabel(self.tr("No worker is online: runs wait in the queue. Start one on a machine that has this "
                              "workspace (passwords show as ***):"))
        text.setProperty("role", "muted")
        text.setWordWrap(True)
        self.command = QLabel()  # one option a line, wrapped only if a value is longer than the card
        self.command.setWordWrap(True)
        self.command.setTextFormat(Qt.TextFormat.PlainText)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPixelSize(FONT_SMALL + 1)  # a monospace line is wide: one size down keeps URLs on one line more often
        self.command.setFont(mono)
        self.command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = CopyButton(lambda: self.snapshot.start_command if self.snapshot else "",
                                      self.tr("Copy the command that starts a worker"))
        command_row = QHBoxLayout()
        command_row.setSpacing(SPACE_XS)
        command_row.addWidget(self.command, 1)
        command_row.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(SPACE_XS)
        layout.addWidget(text)
        layout.addLayout(command_row)
        return box

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """The Overview shown or hidden: start or stop reading."""
        if watched is self._view and event.type() in (QEvent.Type.Show, QEvent.Type.Hide):
            self.feed.set_wanted(event.type() == QEvent.Type.Show)
        return False

    # -- data -----------------------------------------------------------------------

    def state_chip(self, state: WorkerState) -> Chip:
        """The chip of a worker's state: icon + word + colour."""
        words = {"online": self.tr("online"), "late": self.tr("late"), "gone": self.tr("gone")}
        icon_name, token = STATE_LOOKS[state]
        return Chip(words[state], icon_name, token)

    def heartbeat_text(self, beat: datetime | None, now: datetime) -> str:
        """``4 s ago`` within the minute (heartbeats come every few seconds), else the usual relative time."""
        if beat is None:
            return "—"
        seconds = max(0, int((now - beat).total_seconds()))
        return self.tr("%1 s ago").replace("%1", str(seconds)) if seconds < 60 else relative(beat, now)

    def show_snapshot(self, snapshot: WorkersSnapshot | None) -> None:
        """Fill the card (or hide it: not connected to a cluster)."""
        self.snapshot = snapshot
        if snapshot is None:
            self.hide()
            return
        self._clear()
        self._show_queue(snapshot)
        chip_row = ChipRow()
        chip_size = max(chip_width(self.state_chip(s), chip_row.fontMetrics()) for s in STATE_LOOKS) + 2
        for worker in snapshot.workers:
            self._add_row(worker, snapshot.now, chip_size)
        self._align_ends()
        self.command.setText(re.sub(r" (?=--(?:database|workspace) )", "\n    ", snapshot.start_command))  # one option a line
        self.empty.setVisible(not snapshot.online)
        self.show()

    def _show_queue(self, snapshot: WorkersSnapshot) -> None:
        self.queue_label.setText(self.tr("%1 queued").replace("%1", f"{snapshot.queued:,}"))
        tip = self.tr("Runs waiting for a worker; %1 of them wait for their workflow's max_instances. "
                      "The workers still beating can run %2 at once.")
        self.queue_label.setToolTip(tip.replace("%1", f"{snapshot.parked:,}").replace("%2", str(snapshot.capacity)))

    def _add_row(self, worker: WorkerRow, now: datetime, chip_size: int) -> None:
        chip = ChipRow([self.state_chip(worker.state)])
        chip.setFixedWidth(chip_size)
        row = CardRow(worker.name, worker.host, chip, two_lines=True)  # name over host: the card is a narrow column
        row.detail.setToolTip(self.tr("Host: %1").replace("%1", worker.host))
        running = QLabel(self.tr("%1 of %2 running").replace("%1", str(worker.running))
                         .replace("%2", str(worker.concurrency)))
        running.setToolTip(self.tr("Runs going now, out of its concurrency (the runs it takes at once)"))
        running.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        beat = QLabel(self.heartbeat_text(worker.last_heartbeat, now))
        beat.setProperty("role", "muted")
        beat.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        beat.setToolTip(self.tr("Last heartbeat: %1").replace("%1", exact(worker.last_heartbeat)))
        row.add_end(running)
        row.add_end(beat)
        row.setAccessibleName(f"{worker.name}, {chip.chips[0].text}")
        self.rows_box.addWidget(row)
        self.rows.append(row)

    def _align_ends(self) -> None:
        """The runs and heartbeat columns line up from row to row (each as wide as its widest text)."""
        for column in (-2, -1):
            labels = [row.layout_.itemAt(row.layout_.count() + column).widget() for row in self.rows]
            width = max((label.sizeHint().width() for label in labels), default=0)
            for label in labels:
                label.setFixedWidth(width)

    def _clear(self) -> None:
        for row in self.rows:
            row.setParent(None)
            row.deleteLater()
        self.rows = []

    def _show_failure(self, reason: str) -> None:
        if self.snapshot is not None:  # keep the last rows; say they are not fresh
            self.queue_label.setText(self.tr("Cannot read the workers"))
            self.queue_label.setToolTip(reason)


__all__ = ["WorkersPanel"]
