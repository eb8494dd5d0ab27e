"""The core bridge says why the core could not start, in the window's language."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowdesk.core.service_settings import RuntimeSettings, ServiceOptions
from flowdesk.core.workspace import Workspace


@pytest.fixture()
def taken_port(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A loopback port another program is listening on."""
    # A service given a port exports FLOWDESK_LISTENER_URL for its workers: put back the test process's own after.
    monkeypatch.setenv("FLOWDESK_LISTENER_URL", "")
    monkeypatch.delenv("FLOWDESK_LISTENER_URL")
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        yield other.getsockname()[1]


def failure_message(qtbot, gui_ws: Path, data_dir: Path, port: int) -> str:  # noqa: ANN001
    from flowdesk.gui.core_bridge import CoreBridge

    bridge = CoreBridge(Workspace(gui_ws), data_dir, ServiceOptions(host="127.0.0.1", port=port, watch=False),
                        RuntimeSettings(max_workers=1, warm_workers=0))
    with qtbot.waitSignal(bridge.start_failed, timeout=30000) as failed:
        bridge.start()
    bridge.stop()
    return failed.args[0]


def test_a_taken_port_is_named_without_errno_noise(qtbot, gui_ws: Path, data_dir: Path, taken_port: int) -> None:
    message = failure_message(qtbot, gui_ws, data_dir, taken_port)
    assert message.startswith(f"cannot listen on 127.0.0.1:{taken_port}: ") and "Errno" not in message


def test_a_taken_port_is_said_in_french(qtbot, gui_ws: Path, data_dir: Path, taken_port: int,
                                        french_window: None) -> None:
    message = failure_message(qtbot, gui_ws, data_dir, taken_port)
    assert message.startswith(f"impossible d'écouter sur 127.0.0.1:{taken_port} : "), message
