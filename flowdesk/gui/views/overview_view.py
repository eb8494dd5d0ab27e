"""The Overview, FlowDesk's home: today's and the week's numbers, 14 days of runs, what fires next, what failed,
which credentials need attention, and the webhook address."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.first_paint import after_first_paint
from flowdesk.gui.live_stats import LiveStats
from flowdesk.gui.qt import (
    QT_TRANSLATE_NOOP,
    QFrame,
    QGridLayout,
    QGuiApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    Qt,
    QVBoxLayout,
    QWidget,
)
from flowdesk.gui.theme.icons import icon
from flowdesk.gui.theme.theme_manager import theme_manager
from flowdesk.gui.theme.tokens import SPACE_LG, SPACE_XL
from flowdesk.gui.time_text import exact, in_zone, relative, short_duration
from flowdesk.gui.widgets.chips import ChipRow, status_chip
from flowdesk.gui.widgets.kpi_tile import KpiTile
from flowdesk.gui.widgets.list_card import CardRow, ListCard, icon_label
from flowdesk.gui.widgets.runs_chart import RunsChart, span_text
from flowdesk.gui.widgets.view_header import ViewHeader
from flowdesk.gui.i18n import run_text

if TYPE_CHECKING:  # the data modules load the core: the Overview is built, and painted, before it starts
    from flowdesk.core.store.overview_queries import PeriodSummary
    from flowdesk.gui.main_window import MainWindow
    from flowdesk.gui.overview_data import CredentialIssue, OverviewData

MAX_CREDENTIAL_ROWS = 4
FIX_ACTIONS = {"missing": QT_TRANSLATE_NOOP("OverviewView", "Set up"), "connect": QT_TRANSLATE_NOOP("OverviewView", "Connect"),
               "reconnect": QT_TRANSLATE_NOOP("OverviewView", "Reconnect"),
               "expired": QT_TRANSLATE_NOOP("OverviewView", "Reconnect")}


def rate_text(summary: PeriodSummary) -> str:
    """``97.5 %`` or an em dash when nothing ended."""
    return f"{summary.success_rate:.1f} %" if summary.success_rate is not None else "—"


class OverviewView(QWidget):
    """KPI tiles, the runs chart and four cards; fed by LiveStats (at most one store read a second)."""

    title = "Overview"

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None,
                 cards_after_paint: bool = False) -> None:
        """``cards_after_paint``: the window's first paint shows the header and the tiles; the chart and the cards,
        which have nothing to show before the core is up, are built on the event loop's turn after it."""
        super().__init__(parent)
        self.bridge = bridge
        host = parent if parent is not None and isinstance(getattr(parent, "live", None), LiveStats) else None
        self.live: LiveStats = host.live if host is not None else LiveStats(bridge, self)
        self.data: OverviewData | None = None
        self.issues: list[CredentialIssue] = []
        self.header = ViewHeader(self.tr("Overview"), self.tr("How your automations are doing"))
        self.runs_button = self.header.add_action(self.tr("All runs"), "list-bullets")
        self.runs_button.clicked.connect(lambda: self._window_call("show_view", "runs"))
        self.new_button = self.header.add_action(self.tr("New workflow"), "plus", primary=True)
        self.new_button.clicked.connect(self._new_workflow)
        self.tiles = {
            "runs": KpiTile(self.tr("Runs today"), "play-circle", "accent"),
            "failures": KpiTile(self.tr("Failures today"), "x-circle", "danger"),
            "rate": KpiTile(self.tr("Success rate today"), "check-circle", "success"),
            "median": KpiTile(self.tr("Median duration today"), "timer", "running"),
        }
        tiles = QHBoxLayout()
        tiles.setSpacing(SPACE_LG)
        for tile in self.tiles.values():
            tiles.addWidget(tile, 1)
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.setContentsMargins(SPACE_XL, 0, SPACE_XL, SPACE_XL)
        self.body_layout.setSpacing(SPACE_LG)
        self.body_layout.addLayout(tiles)
        self.body_layout.addStretch(1)  # keeps the tiles at their height until the cards take the space
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the body fits its width
        scroll.setWidget(body)
        self.scroll = scroll
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(scroll, 1)
        self.cards_built = False
        self.live.overview_changed.connect(self.show_data)
        self.live.credentials_changed.connect(self.show_credentials)
        manager = theme_manager()
        if manager is not None:
            manager.changed.connect(self._on_theme_changed)  # a bound slot: gone with the view
        if cards_after_paint:
            after_first_paint(self, self.build_cards)
        else:
            self.build_cards()

    def build_cards(self) -> None:
        """The chart and the cards below the tiles, once (a no-op after); filled from the last data seen."""
        if self.cards_built:
            return
        self.cards_built = True
        from flowdesk.gui.views.overview_workers import WorkersPanel  # a cluster's card: not needed for the paint

        self.chart = RunsChart()
        chart_card = QFrame()
        chart_card.setProperty("card", True)
        chart_title = QLabel(self.tr("Runs per day, last 14 days"))
        chart_title.setProperty("role", "section")
        self.chart_span = QLabel()
        self.chart_span.setProperty("role", "muted")
        chart_head = QHBoxLayout()
        chart_head.addWidget(chart_title)
        chart_head.addStretch(1)
        chart_head.addWidget(self.chart_span)
        chart_layout = QVBoxLayout(chart_card)
        chart_layout.setContentsMargins(SPACE_LG, 12, SPACE_LG, 8)
        chart_layout.addLayout(chart_head)
        chart_layout.addWidget(self.chart, 1)
        self.next_card = ListCard(self.tr("Next scheduled runs"), self.tr("Nothing is scheduled."))
        self.failures_card = ListCard(self.tr("Recent failures"), self.tr("No failed run. All good."))
        self.credentials_card = ListCard(self.tr("Credentials needing attention"),
                                         self.tr("Every credential a workflow uses is ready."))
        self.webhook_card = ListCard(self.tr("Webhook base URL"), "")
        self.webhook_url = QLabel()
        self.webhook_url.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.webhook_url.setWordWrap(True)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setIcon(icon("copy"))
        self.copy_button.clicked.connect(self.copy_webhook_url)
        hint = QLabel(self.tr("POST to it followed by a workflow's name."))
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        url_row = QHBoxLayout()
        url_row.addWidget(self.webhook_url, 1)
        url_row.addWidget(self.copy_button)
        self.webhook_card.rows_box.addLayout(url_row)
        self.webhook_card.rows_box.addWidget(hint)
        self.webhook_card.empty.hide()
        # Two columns: what happened on the left (chart, failures), what needs doing on the right.
        left, right = QVBoxLayout(), QVBoxLayout()
        left.setSpacing(SPACE_LG)
        right.setSpacing(SPACE_LG)
        left.addWidget(chart_card, 3)
        left.addWidget(self.failures_card, 2)
        self.workers_panel = WorkersPanel(self.bridge, self)  # hidden unless the window is connected to a cluster
        right.addWidget(self.workers_panel)
        right.addWidget(self.next_card)
        right.addWidget(self.credentials_card, 1)
        right.addWidget(self.webhook_card)
        grid = QGridLayout()
        grid.setSpacing(SPACE_LG)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 5)
        grid.setColumnStretch(1, 3)
        self.body_layout.takeAt(self.body_layout.count() - 1)  # the stretch that stood in for the cards
        self.body_layout.addLayout(grid, 1)
        self._show_url()
        if self.data is not None:
            self.show_data(self.data)
        if self.issues:
            self.show_credentials(self.issues)

    def refresh(self) -> None:
        """Ask LiveStats for fresh numbers (they arrive through ``show_data``)."""
        self.live.want_overview(True)
        self._show_url()

    def _show_url(self) -> None:
        if not self.cards_built:
            return  # build_cards shows it
        base = self.bridge.url or ""
        idle = self.tr("Starting…") if self.bridge.loop is None else self.tr("The listener is not running.")
        self.webhook_url.setText(f"{base}/api/webhooks/" if base else idle)
        self.copy_button.setEnabled(bool(base))

    def copy_webhook_url(self) -> None:
        """The webhook base URL on the clipboard."""
        if self.bridge.url:
            QGuiApplication.clipboard().setText(f"{self.bridge.url}/api/webhooks/")

    # -- data -----------------------------------------------------------------------

    def show_data(self, data: OverviewData) -> None:
        """Fill tiles, chart and cards from one read."""
        self.build_cards()  # numbers come once the core is up, after the first paint: the cards are there by then
        self.data = data
        today, week = data.today, data.week
        seven = self.tr("7 days: %1")
        self.tiles["runs"].set_values(f"{today.runs:,}", seven.replace("%1", f"{week.runs:,}"))
        self.tiles["failures"].set_values(f"{today.failures:,}", seven.replace("%1", f"{week.failures:,}"),
                                          self.tr("Runs that ended in error or timeout"))
        self.tiles["rate"].set_values(rate_text(today), seven.replace("%1", rate_text(week)),
                                      self.tr("Successes among runs that ended in success, error or timeout"))
        self.tiles["median"].set_values(short_duration(today.median_duration),
                                        seven.replace("%1", short_duration(week.median_duration)))
        self.chart.set_data(data.days, data.per_day)
        self.chart_span.setText(span_text(data.days))
        self._fill_next(data)
        self._fill_failures(data)

    def _fill_next(self, data: OverviewData) -> None:
        card = self.next_card
        card.clear()
        for fire in data.next_fires:
            row = CardRow(fire.name, "", icon_label("clock"),
                          on_click=lambda slug=fire.workflow: self._window_call("show_view", "scheduler"))
            when = QLabel(relative(fire.at, data.now))
            when.setToolTip(exact(fire.at, fire.zone))
            row.setToolTip(f"{fire.name}: {exact(fire.at, fire.zone)}")
            row.detail.setText(f"{in_zone(fire.at, fire.zone):%a %H:%M}")
            row.add_end(when)
            card.add_row(row)
        card.empty.setText(self.tr("The scheduler is paused.") if data.scheduler_paused
                           else self.tr("Nothing is scheduled."))
        card.finish()

    def _fill_failures(self, data: OverviewData) -> None:
        card = self.failures_card
        card.clear()
        for failure in data.failures:
            chip = ChipRow([status_chip(failure.status)])
            chip.setFixedWidth(chip.sizeHint().width())
            reason = run_text(failure.reason)  # FlowDesk's own words (timed out, worker died…) translated
            row = CardRow(failure.workflow, reason, chip, on_click=lambda run_id=failure.id: self.open_run(run_id))
            row.detail.setToolTip(reason)
            row.setToolTip(self.tr("Open this run"))
            when = QLabel(relative(failure.finished_at or failure.queued_at, data.now))
            when.setProperty("role", "muted")
            when.setToolTip(exact(failure.finished_at or failure.queued_at))
            row.add_end(when)
            card.add_row(row)
        card.finish()

    def show_credentials(self, issues: list[CredentialIssue]) -> None:
        """One row per profile needing attention, with the button that fixes it."""
        self.build_cards()
        self.issues = list(issues)
        card = self.credentials_card
        card.clear()
        for issue in issues[:MAX_CREDENTIAL_ROWS]:
            row = CardRow(f"{issue.tool_name} · {issue.profile}", issue.detail, icon_label("warning", "warning"),
                          two_lines=True)
            row.setToolTip(self.tr("Used by %1").replace("%1", ", ".join(issue.used_by)) + f"\n{issue.detail}")
            button = QPushButton(self.tr(FIX_ACTIONS.get(issue.kind, QT_TRANSLATE_NOOP("OverviewView", "Open"))))
            button.clicked.connect(lambda _=False, i=issue: self.fix_credential(i))
            row.add_end(button)
            card.add_row(row)
        if len(issues) > MAX_CREDENTIAL_ROWS:
            more = CardRow(self.tr("%n more in Tools & credentials").replace("%n", str(len(issues) - MAX_CREDENTIAL_ROWS)),
                           "", icon_label("caret-right"), on_click=lambda: self._window_call("show_view", "tools"))
            more.title.setProperty("role", "link")
            card.add_row(more)
        card.finish()

    # -- actions --------------------------------------------------------------------

    def _window(self) -> MainWindow | None:
        window = self.window()
        return window if hasattr(window, "show_view") else None  # type: ignore[return-value]

    def _window_call(self, name: str, *args: object) -> object:
        window = self._window()
        return getattr(window, name)(*args) if window is not None else None

    def open_run(self, run_id: str) -> None:
        """The Runs view with this run selected."""
        view = self._window_call("show_view", "runs")
        if view is not None:
            view.select_run(run_id)

    def fix_credential(self, issue: CredentialIssue) -> None:
        """Tools view on the tool, then the profile editor or the Google sign-in."""
        view = self._window_call("show_view", "tools")
        if view is None:
            return
        view.select_tool(issue.tool)
        if issue.kind == "missing":
            view.edit_profile(issue.tool, issue.profile)
        else:
            view.connect_profile(issue.tool, issue.profile)

    def _new_workflow(self) -> None:
        view = self._window_call("show_view", "workflows")
        if view is not None:
            view.ask_new_workflow()

    def _on_theme_changed(self, _scheme: str) -> None:
        self._retint()

    def _retint(self) -> None:
        for tile in self.tiles.values():
            tile.retint()
        if not self.cards_built:
            return
        self.chart.apply_palette()
        if self.data is not None:
            self.show_data(self.data)
        self.show_credentials(self.issues)

    def showEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        """Shown: keep the numbers live."""
        super().showEvent(event)  # type: ignore[arg-type]
        self.live.want_overview(True)

    def hideEvent(self, event: object) -> None:  # noqa: N802 - Qt override
        """Hidden: stop reading the Overview's data."""
        super().hideEvent(event)  # type: ignore[arg-type]
        self.live.want_overview(False)


__all__ = ["OverviewView"]
