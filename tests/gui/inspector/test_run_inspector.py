"""Run inspector: header, JSON tree with subtree copy, log filter and search, traceback links, re-runs, neighbours."""

from __future__ import annotations

import json
import sys
import textwrap
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flowdesk.core.run_service import RunRequest
from flowdesk.core.store import new_run_id
from flowdesk.gui.inspector.json_tree_model import NODE_ROLE
from flowdesk.gui.inspector.run_inspector import RunInspector
from flowdesk.gui.qt import QGuiApplication, QModelIndex
from tests.gui.conftest import call_core


def add_workflow(qtbot, bridge, slug: str, body: str, schema: list | None = None) -> None:  # noqa: ANN001
    folder = bridge.runtime.workspace.workflows_dir / slug
    folder.mkdir()
    config = {"name": slug, "triggers": ["manual", "webhook"], "inputs_schema": schema or [], "timeout": 60}
    (folder / "config.json").write_text(json.dumps(config))
    (folder / "main.py").write_text(textwrap.dedent(body))
    call_core(qtbot, bridge, lambda rt: rt.reload())


def run_now(qtbot, bridge, slug: str, data: dict | None = None):  # noqa: ANN001, ANN201
    return call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest(slug, data or {}, trigger="manual")))


def make_inspector(qtbot, bridge, **kw) -> RunInspector:  # noqa: ANN001, ANN003
    inspector = RunInspector(bridge, **kw)
    qtbot.addWidget(inspector)
    inspector.resize(1000, 700)
    inspector.show()
    return inspector


def show(qtbot, inspector: RunInspector, run_id: str) -> None:
    with qtbot.waitSignal(inspector.loaded, timeout=30000):
        inspector.show_run(run_id)


def child(model, parent: QModelIndex, key: object) -> QModelIndex:  # noqa: ANN001
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        if index.data(NODE_ROLE).key == key:
            return index
    raise AssertionError(f"no child {key!r}")


def test_header_tree_and_subtree_copy(qtbot, bridge) -> None:
    record = run_now(qtbot, bridge, "input_showcase", {"title": "Inspect me", "room": "a"})
    inspector = make_inspector(qtbot, bridge)
    show(qtbot, inspector, record.id)
    header = inspector.header
    assert header.run_id.text() == record.id and header.workflow.text() == "input_showcase"
    assert [c.text for c in header.chips.chips][1] == "manual"
    assert header.times["finished"][1].text().startswith("took")
    assert inspector.tabs.currentWidget() is inspector.output_view
    model = inspector.output_view.model
    root = model.index(0, 0)
    output = json.loads(json.dumps(record.output))
    assert model.rowCount(root) == len(output)
    path, value = root, output
    for key in ("data", "inputs", "title"):
        path, value = child(model, path, key), value[key]
    assert model.data(model.index(path.row(), 1, path.parent())) == "{…}"
    inspector.output_view.tree.setCurrentIndex(path)
    with qtbot.waitSignal(inspector.output_view.copied, timeout=5000):
        inspector.output_view.copy_selected()
    assert json.loads(QGuiApplication.clipboard().text()) == value == {"value": "Inspect me", "type": "str"}
    assert path.data(NODE_ROLE).path() == "data.inputs.title"
    text = inspector.copy_run()
    assert json.loads(text)["output"] == output and json.loads(text)["id"] == record.id


LOGGING = """
    import logging, time
    log = logging.getLogger(__name__)

    def execute(data, tools):
        log.debug("debug detail")
        log.info("step one with needle")
        print("printed line")
        log.warning("careful: needle here")
        log.error("bad thing")
        return {"status": "success", "data": {"n": 1}}
"""


def test_log_levels_filter_and_search_highlights(qtbot, bridge) -> None:
    add_workflow(qtbot, bridge, "logging_flow", LOGGING)
    record = run_now(qtbot, bridge, "logging_flow")
    inspector = make_inspector(qtbot, bridge)
    show(qtbot, inspector, record.id)
    view = inspector.log_view
    text = view.shown_text()
    assert "step one with needle" in text and "printed line" in text and "bad thing" in text
    lines = view.model.lines
    assert {l.level for l in lines if "needle" in l.text} == {"INFO", "WARNING"} and lines[0].time
    view.level.setCurrentIndex(view.level.findData("WARNING"))
    shown = view.shown_text()
    assert "careful" in shown and "bad thing" in shown and "step one" not in shown and "printed" not in shown
    view.level.setCurrentIndex(view.level.findData("DEBUG"))
    view.search.setText("NEEDLE")
    assert len(view.model.matches) == 2 and view.count.text() == "1 of 2"
    assert "step one" in view.model.data(view.list.currentIndex())
    view.next_match()
    assert "careful" in view.model.data(view.list.currentIndex()) and view.count.text() == "2 of 2"
    view.level.setCurrentIndex(view.level.findData("ERROR"))
    assert view.model.matches == [] and "bad thing" in view.shown_text()


FAILING = """
    def helper(n):
        raise ValueError(f"boom {n}")

    def execute(data, tools):
        return helper(3)
"""


def test_traceback_links_open_the_editor_at_the_line(qtbot, bridge, tmp_path: Path) -> None:
    add_workflow(qtbot, bridge, "failing_flow", FAILING)
    record = run_now(qtbot, bridge, "failing_flow")
    out = tmp_path / "editor.txt"
    editor = f'{sys.executable} -c "import sys; open({str(out)!r}, \'w\').write(sys.argv[1])" {{file}}:{{line}}'
    inspector = make_inspector(qtbot, bridge, editor_command=editor)
    show(qtbot, inspector, record.id)
    assert inspector.tabs.currentWidget() is inspector.error_view
    links = inspector.error_view.links
    main = bridge.runtime.workspace.workflows_dir / "failing_flow" / "main.py"
    assert [(l.path, l.line) for l in links] == [(main.resolve(), 6), (main.resolve(), 3)]
    assert 'href="source:0"' in inspector.error_view.toHtml() or "source:0" in inspector.error_view.toHtml()
    inspector.error_view.open_link(1)
    qtbot.waitUntil(lambda: out.exists() and out.read_text() == f"{main.resolve()}:3", timeout=10000)


def test_rerun_previous_next_and_edited_rerun(qtbot, bridge) -> None:
    first = run_now(qtbot, bridge, "next_dates", {"days": 3})
    second = run_now(qtbot, bridge, "next_dates", {"days": 5})
    inspector = make_inspector(qtbot, bridge)
    show(qtbot, inspector, first.id)
    assert not inspector.buttons["previous"].isEnabled() and inspector.buttons["next"].isEnabled()
    with qtbot.waitSignal(inspector.loaded, timeout=30000):
        inspector.show_next()
    assert inspector.run_id == second.id and inspector.buttons["previous"].isEnabled()
    with qtbot.waitSignal(inspector.run_started, timeout=30000) as started:
        inspector.buttons["rerun"].click()
    new_id = started.args[0]
    qtbot.waitUntil(lambda: inspector.current is not None and inspector.current.record.id == new_id
                    and inspector.current.record.finished, timeout=30000)
    rerun = inspector.current.record
    assert rerun.parent_run_id == second.id and rerun.input.get("days") == 5
    form = inspector.rerun_with_form()
    assert form is not None and form.values()["days"] in (5, "5")
    form.reject()


def test_a_live_run_streams_its_log_and_follows(qtbot, bridge) -> None:
    add_workflow(qtbot, bridge, "slow_flow", """
        import time
        def execute(data, tools):
            for n in range(6):
                print(f"tick {n}", flush=True)
                time.sleep(0.3)
            return {"status": "success"}
    """)
    run_id = call_core(qtbot, bridge, lambda rt: rt.runs.submit(rt.runs.prepare(RunRequest("slow_flow", {})))[0])
    inspector = make_inspector(qtbot, bridge)
    inspector.show_run(run_id)
    qtbot.waitUntil(lambda: "tick 2" in inspector.log_view.shown_text(), timeout=30000)
    assert inspector.log_view.follow.isEnabled()
    qtbot.waitUntil(lambda: inspector.current is not None and inspector.current.record.finished, timeout=30000)
    assert "tick 5" in inspector.log_view.shown_text() and not inspector.log_view.follow.isEnabled()
    assert inspector.header.chips.chips[0].text == "success"


def test_a_run_flowdesk_ended_reads_in_french(qtbot, bridge, french_window) -> None:
    add_workflow(qtbot, bridge, "slow_one", "import time\ndef execute(data, tools):\n    time.sleep(30)\n")
    config = bridge.runtime.workspace.workflows_dir / "slow_one" / "config.json"
    config.write_text(json.dumps({**json.loads(config.read_text()), "timeout": 1}))
    call_core(qtbot, bridge, lambda rt: rt.reload())
    record = run_now(qtbot, bridge, "slow_one")
    assert record.status == "timeout" and record.error == "timed out after 1 s"  # stored (and served) in English
    inspector = make_inspector(qtbot, bridge)
    show(qtbot, inspector, record.id)
    assert inspector.header.message.text() == "délai dépassé après 1 s"
    assert "délai dépassé après 1 s" in inspector.error_view.toPlainText()
