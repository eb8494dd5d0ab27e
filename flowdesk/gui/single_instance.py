"""One window per data dir: a second launch asks the first to come forward, then exits."""

from __future__ import annotations

from pathlib import Path

from flowdesk.gui.qt import QCryptographicHash, QLocalServer, QLocalSocket, QObject, Signal

SHOW_MESSAGE = b"show\n"


def server_name(data_dir: Path) -> str:
    """A local socket name unique to the data dir (and short enough for every platform)."""
    # SHA-256 from QtCore: the same name hashlib gave, without loading OpenSSL before the window's first paint.
    digest = bytes(QCryptographicHash.hash(str(data_dir.resolve()).encode(), QCryptographicHash.Algorithm.Sha256)
                   .toHex().data()).decode()[:16]
    return f"flowdesk-{digest}"


def ask_running_instance_to_show(data_dir: Path, timeout_ms: int = 500, interface: str | None = None) -> bool:
    """True when another FlowDesk window owns this data dir (it was asked to come forward,
    and to open ``interface`` when one is named)."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(data_dir))
    if not socket.waitForConnected(timeout_ms):
        return False
    socket.write(f"interface {interface}\n".encode() if interface else SHOW_MESSAGE)
    socket.flush()
    socket.waitForBytesWritten(timeout_ms)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later launches; ``show_requested`` fires when one asks for the window."""

    show_requested = Signal()
    interface_requested = Signal(str)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(data_dir)
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._on_connection)

    def listen(self) -> bool:
        """Start listening; a stale socket left by a crash is removed first."""
        QLocalServer.removeServer(self.name)
        return self.server.listen(self.name)

    def _on_connection(self) -> None:
        while self.server.hasPendingConnections():
            conn = self.server.nextPendingConnection()
            conn.readyRead.connect(lambda c=conn: self._read(c))

    def _read(self, conn: QLocalSocket) -> None:
        line = bytes(conn.readAll().data()).decode("utf-8", "replace").strip()
        if line == SHOW_MESSAGE.decode().strip():
            self.show_requested.emit()
        elif line.startswith("interface "):
            self.show_requested.emit()
            self.interface_requested.emit(line.split(" ", 1)[1].strip())
        conn.disconnectFromServer()

    def close(self) -> None:
        """Stop listening."""
        self.server.close()
