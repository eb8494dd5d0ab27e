"""A 10 MB output opens, expands and streams in without the GUI thread ever blocking more than 100 ms (timer-lag
probe: the GUI thread's own time between two ticks, tests/gui/timer_lag_probe.py)."""

from __future__ import annotations

import gc

from flowdesk.gui.inspector.json_tree_model import NODE_ROLE
from flowdesk.gui.inspector.run_inspector import RunInspector
from tests.gui.inspector.large_run import store_ten_megabyte_run
from tests.gui.timer_lag_probe import TimerLagProbe

MAX_STALL = 0.100


def test_a_10_mb_output_never_blocks_the_gui_thread(qtbot, bridge) -> None:
    run_id = store_ten_megabyte_run(bridge.runtime.store)
    gc.collect()  # the test's own 10 MB of objects are gone: only the app's work is measured
    inspector = RunInspector(bridge)
    qtbot.addWidget(inspector)
    inspector.resize(1000, 700)
    inspector.show()
    qtbot.wait(50)
    probe = TimerLagProbe()
    probe.start()
    with qtbot.waitSignal(inspector.loaded, timeout=60000) as got:
        inspector.show_run(run_id)
    assert got.args[0].output is not None and len(got.args[0].output.text) > 10_000_000
    view = inspector.output_view
    model = view.model
    root = model.index(0, 0)
    items = model.index(0, 0, root)
    assert items.data(NODE_ROLE).key == "items"
    view.tree.expand(items)
    assert model.rowCount(items) == 10  # buckets of 10,000, of 100 buckets of 100
    assert model.data(model.index(9, 0, items)) == "[90000 … 94999]"
    last = model.index(9, 0, items)
    view.tree.expand(last)
    hundred = model.index(model.rowCount(last) - 1, 0, last)
    assert model.data(hundred) == "[94900 … 94999]"
    view.tree.expand(hundred)
    item = model.index(99, 0, hundred)
    assert item.data(NODE_ROLE).key == 94999 and item.data(NODE_ROLE).path() == "items[94999]"
    view.tree.expand(item)
    assert model.data(model.index(1, 1, item)) == '"item 94999"'
    view.tree.scrollToBottom()
    view.tabs.setCurrentIndex(1)  # the text: a preview, then "Show all" streams in the background
    qtbot.waitUntil(lambda: view.truncation_bar.isVisible(), timeout=60000)
    view.show_all_text()
    qtbot.wait(3000)  # a few seconds of streaming are enough to see stalls; the rest goes on after the test
    view.tree.setCurrentIndex(item)
    view.copy_selected()
    view.tree.collapse(items)
    probe.stop().assert_unblocked(MAX_STALL)
    assert view.text.document().characterCount() > 64_000
