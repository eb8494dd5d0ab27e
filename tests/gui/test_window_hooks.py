"""Issue 15's entry points in the window: runs list -> inspector, inspector -> workflow, workflow detail -> webhook tab."""

from __future__ import annotations

from flowdesk.core.app_settings import load_app_settings
from flowdesk.core.run_service import RunRequest
from flowdesk.gui.main_window import MainWindow
from flowdesk.gui.models.run_table_model import RUN_ID_ROLE
from tests.gui.conftest import call_core


def make_window(qtbot, bridge) -> MainWindow:  # noqa: ANN001
    window = MainWindow(bridge, tray_available=True)
    qtbot.addWidget(window)
    window.show()
    return window


def test_enter_on_a_run_opens_the_inspector_and_it_leads_back_to_the_workflow(qtbot, bridge) -> None:
    record = call_core(qtbot, bridge, lambda rt: rt.runs.run(RunRequest("next_dates", {})))
    window = make_window(qtbot, bridge)
    view = window.show_view("runs")
    qtbot.waitUntil(lambda: view.model.row_of(record.id) >= 0, timeout=10000)
    index = view.model.index(view.model.row_of(record.id), 0)
    assert index.data(RUN_ID_ROLE) == record.id
    view.table.activated.emit(index)
    inspector = window.inspector_window.inspector
    qtbot.waitUntil(lambda: inspector.current is not None, timeout=10000)
    assert inspector.current.record.id == record.id
    inspector.buttons["workflow"].click()
    assert window.current_key() == "workflows"
    qtbot.waitUntil(lambda: window.view("workflows").selected_slug() == "next_dates", timeout=10000)


def test_the_workflow_detail_has_a_webhook_tab_and_a_success_toggle(qtbot, bridge) -> None:
    window = make_window(qtbot, bridge)
    view = window.show_view("workflows")
    view.refresh(select="input_showcase")
    qtbot.waitUntil(lambda: view.selected_slug() == "input_showcase", timeout=10000)
    detail = view.detail
    detail.tabs.setCurrentWidget(detail.webhook)
    assert detail.webhook.url.text().endswith("/api/webhooks/input_showcase")
    with qtbot.waitSignal(detail.webhook.run_requested, timeout=30000):
        detail.webhook.send_button.click()
    qtbot.waitUntil(lambda: window.inspector_window is not None
                    and window.inspector_window.inspector.current is not None, timeout=30000)
    assert window.inspector_window.inspector.current.record.trigger == "webhook"
    detail.notify_success.setChecked(True)
    assert load_app_settings(bridge.data_dir).notify_success == ["input_showcase"]
    view.select("next_dates")
    assert not detail.notify_success.isChecked() and detail.webhook.url.text().endswith("/next_dates")
