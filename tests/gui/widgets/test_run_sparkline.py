"""The last-runs sparkline over a seeded history: the last 20 runs, one bar each in time order, height by duration,
colour by status, and a tooltip per bar naming that run (in the Workflows table and as a widget)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from bench.run_history import run_id_at
from flowdesk.core.store.overview_queries import RunBar, recent_runs
from flowdesk.gui.models.workflow_table_model import LAST_RUN, SPARK_RUNS
from flowdesk.gui.qt import QApplication, QColor, QEvent, QHelpEvent, QImage, QPoint, QRect, QToolTip
from flowdesk.gui.theme import theme_state
from flowdesk.gui.theme.tokens import STATUS_TOKENS
from flowdesk.gui.time_text import exact
from flowdesk.gui.views.workflows_view import WorkflowsView
from flowdesk.gui.widgets.run_sparkline import BARS_ROLE, RunSparkline, SparklineDelegate, bar_rects
from tests.gui.conftest import call_core

WORKFLOW = "next_dates"
COUNT = 25
STATUS_CYCLE = ["success", "error", "timeout", "skipped", "interrupted"]
WORDS = {"success": "success", "error": "failed", "timeout": "timeout", "skipped": "skipped",
         "interrupted": "interrupted", "running": "running"}
LONGEST = 17  # the index of the one run far longer than the others


def planned_runs(now: datetime) -> list[tuple[datetime, str, float | None]]:
    """(queued at, status, duration) of the 25 runs, oldest first; the newest is still running."""
    runs = []
    for i in range(COUNT):
        status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
        duration = 0.0 if status == "skipped" else 1.0 + (i % 7) * 1.5  # 1.0 .. 10.0 s
        if i == LONGEST:
            status, duration = "success", 30.0
        if i == COUNT - 1:
            status, duration = "running", None
        runs.append((now - timedelta(hours=COUNT + 1 - i), status, duration))
    return runs


def seed(store, now: datetime) -> list[str]:  # noqa: ANN001
    """The planned runs written through the store's own create/mark_running/finish; ids oldest first."""
    rng = random.Random(25)
    ids = []
    for queued_at, status, duration in planned_runs(now):
        run_id = run_id_at(queued_at, rng)
        store.create(run_id, WORKFLOW, "schedule", {}, queued_at=queued_at)
        if status == "skipped":
            store.finish(run_id, "skipped", queued_at, message="tool profile incomplete")
        elif status != "running":
            started = queued_at + timedelta(milliseconds=100)
            store.mark_running(run_id, started)
            store.finish(run_id, status, started + timedelta(seconds=duration), started_at=started)
        else:
            store.mark_running(run_id, queued_at + timedelta(milliseconds=100))
        ids.append(run_id)
    return ids


def expected_tooltip(status: str, duration: float | None, queued_at: datetime) -> str:
    took = "—" if duration is None else ("0 ms" if duration == 0 else f"{duration:.1f} s")
    return f"{WORDS[status]} · {took} · {exact(queued_at)}"


def painted_height(image: QImage, x: int, top: int, bottom: int, colour: str, tolerance: int = 10) -> int:
    """How many pixels of column ``x`` between ``top`` and ``bottom`` are ``colour``."""
    want = QColor(colour)
    count = 0
    for y in range(top, bottom + 1):
        got = image.pixelColor(x, y)
        if max(abs(got.red() - want.red()), abs(got.green() - want.green()), abs(got.blue() - want.blue())) <= tolerance:
            count += 1
    return count


def check_heights(rects: list[QRect], durations: list[float | None]) -> None:
    """Taller for longer: never shorter for a longer run, clearly taller for a much longer one; longest = tallest."""
    finished = [(d, r.height()) for d, r in zip(durations, rects) if d is not None]
    longest = max(d for d, _ in finished)
    for da, ha in finished:
        for db, hb in finished:
            if da < db:
                assert ha <= hb, (da, ha, db, hb)
            if db - da >= longest / 8:
                assert ha < hb, (da, ha, db, hb)
    tallest = max(h for _, h in finished)
    assert [d for d, h in finished if h == tallest] == [longest]
    assert all(r.bottom() == rects[0].bottom() for r in rects)  # bottom-aligned


def tooltip_at(target, pos: QPoint) -> str:  # noqa: ANN001
    """What the widget shows for a tooltip request (a real QHelpEvent, as Qt sends on hover) at ``pos``."""
    QToolTip.hideText()
    event = QHelpEvent(QEvent.Type.ToolTip, pos, target.mapToGlobal(pos))
    QApplication.sendEvent(target, event)
    return QToolTip.text() if QToolTip.isVisible() else ""


def test_workflows_table_sparkline_shows_the_last_20_runs(qtbot, bridge) -> None:
    now = datetime.now(timezone.utc)
    ids = call_core(qtbot, bridge, lambda rt: seed(rt.store, now))
    plan = planned_runs(now)[-SPARK_RUNS:]
    view = WorkflowsView(bridge)
    qtbot.addWidget(view)
    view.resize(1500, 800)
    view.show()
    with qtbot.waitSignal(view.loaded_changed, timeout=10000):
        view.refresh()
    assert isinstance(view.table.itemDelegateForColumn(LAST_RUN), SparklineDelegate)
    assert not view.table.isColumnHidden(LAST_RUN)

    source = view.model.index(view.model.row_of(WORKFLOW), LAST_RUN)
    bars: list[RunBar] = source.data(BARS_ROLE)
    # The last 20 of 25, oldest first, each with its own status, duration and time.
    assert [b.id for b in bars] == ids[-SPARK_RUNS:]
    assert [b.status for b in bars] == [s for _, s, _ in plan]
    assert [b.duration for b in bars] == [d for _, _, d in plan]
    assert [b.queued_at for b in bars] == sorted(b.queued_at for b in bars)
    assert [abs((b.queued_at - q).total_seconds()) < 0.001 for b, (q, _, _) in zip(bars, plan)] == [True] * SPARK_RUNS

    index = view.proxy.mapFromSource(source)
    view.table.scrollTo(index)
    qtbot.wait(100)
    cell = view.table.visualRect(index)
    assert cell.width() >= 100 and cell.height() > 20
    area = SparklineDelegate._area(_option(view.table, cell))  # noqa: SLF001 - the delegate's own geometry
    rects = bar_rects(bars, area)
    assert len(rects) == SPARK_RUNS
    assert all(a.right() < b.left() for a, b in zip(rects, rects[1:]))  # one bar per run, left to right
    assert all(cell.contains(r) for r in rects)
    check_heights(rects, [b.duration for b in bars])

    # What is painted: each bar in its status colour, as tall as its rectangle.
    image = view.table.viewport().grab().toImage()
    assert image.devicePixelRatio() == 1
    palette = theme_state.palette()
    for bar, rect in zip(bars, rects):
        colour = getattr(palette, STATUS_TOKENS[bar.status])
        height = painted_height(image, rect.center().x(), cell.top(), cell.bottom(), colour)
        assert abs(height - rect.height()) <= 1, (bar.status, bar.duration, height, rect.height())
    assert len({getattr(palette, STATUS_TOKENS[b.status]) for b in bars}) == 6  # five ended statuses + running

    # Hovering a bar names its run.
    viewport = view.table.viewport()
    for bar, rect, (queued_at, status, duration) in zip(bars, rects, plan):
        assert tooltip_at(viewport, rect.center()) == expected_tooltip(status, duration, queued_at)
    QToolTip.hideText()


def _option(table, rect: QRect):  # noqa: ANN001, ANN202
    from flowdesk.gui.qt import QStyleOptionViewItem

    option = QStyleOptionViewItem()
    option.initFrom(table)
    option.rect = rect
    option.widget = table
    return option


def test_sparkline_widget_bars_heights_colours_and_tooltips(qtbot, bridge) -> None:
    now = datetime.now(timezone.utc)
    ids = call_core(qtbot, bridge, lambda rt: seed(rt.store, now))
    bars = call_core(qtbot, bridge, lambda rt: recent_runs(rt.store, [WORKFLOW], SPARK_RUNS))[WORKFLOW]
    plan = planned_runs(now)[-SPARK_RUNS:]
    spark = RunSparkline()
    qtbot.addWidget(spark)
    assert spark.toolTip() == "No runs yet"
    spark.set_runs(bars)
    assert spark.toolTip() == "Last 20 run(s)"
    assert [b.id for b in spark.bars] == ids[-SPARK_RUNS:]
    assert spark.statuses == [s for _, s, _ in plan]
    spark.resize(spark.sizeHint().width(), 40)
    spark.show()
    qtbot.waitExposed(spark)
    rects = spark.bar_rects()
    assert len(rects) == SPARK_RUNS and all(a.right() < b.left() for a, b in zip(rects, rects[1:]))
    assert all(spark.rect().contains(r) for r in rects)
    check_heights(rects, [d for _, _, d in plan])
    image = spark.grab().toImage()
    palette = theme_state.palette()
    for bar, rect in zip(bars, rects):
        colour = getattr(palette, STATUS_TOKENS[bar.status])
        height = painted_height(image, rect.center().x(), 0, spark.height() - 1, colour)
        assert abs(height - rect.height()) <= 1, (bar.status, height, rect.height())
    for rect, (queued_at, status, duration) in zip(rects, plan):
        assert tooltip_at(spark, rect.center()) == expected_tooltip(status, duration, queued_at)
    QToolTip.hideText()
