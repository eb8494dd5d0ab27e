"""The one Qt import layer: every GUI module imports Qt names from here, never from PySide6 directly.

Names are looked up on first use (PEP 562): a Qt class costs its type and its enums when first
touched (~60 ms for all of them), so the window's first paint pays only for the classes it shows.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from flowdesk.gui.none_refcount import keep_none_alive
from flowdesk.gui.pyside_import_scan import scan_imports_without_linecache
from flowdesk.gui.signal_refcount import keep_booleans_alive

keep_none_alive()  # before any Qt call: PySide6 6.12 on CPython 3.11 drops a reference to None per void call
keep_booleans_alive()  # and one to True per signal emit
scan_imports_without_linecache()  # before the app's and the core's imports: each would leave its source in linecache

if TYPE_CHECKING:  # type checkers see the classes themselves
    from PySide6.QtCore import *  # noqa: F403
    from PySide6.QtGui import *  # noqa: F403
    from PySide6.QtNetwork import *  # noqa: F403
    from PySide6.QtWidgets import *  # noqa: F403

# The Qt names FlowDesk uses, by the binding module that has them.
NAMES: dict[str, tuple[str, ...]] = {
    "PySide6.QtCore": (
        "QT_TRANSLATE_NOOP", "QAbstractItemModel", "QAbstractListModel", "QAbstractTableModel", "QByteArray",
        "QCryptographicHash",
        "QCoreApplication", "QDate", "QDateTime", "QEvent", "QItemSelectionModel", "QLibraryInfo", "QLocale",
        "QMargins", "QModelIndex", "QObject", "QPoint", "QRect", "QRectF", "QRegularExpression", "QSettings", "QSize",
        "QSocketNotifier", "QSortFilterProxyModel", "QTime", "QTimer", "QTranslator", "QUrl", "Qt", "Signal", "Slot",
    ),
    "PySide6.QtGui": (
        "QAction", "QBrush", "QCloseEvent", "QColor", "QCursor", "QDesktopServices", "QFont", "QFontDatabase",
        "QFontMetrics", "QGuiApplication", "QHelpEvent", "QIcon", "QIconEngine", "QImage", "QKeyEvent",
        "QKeySequence", "QMouseEvent", "QPaintEvent", "QPainter", "QPainterPath", "QPalette", "QPen", "QPixmap",
        "QRegularExpressionValidator", "QShortcut", "QShowEvent", "QStandardItem", "QStandardItemModel", "QSyntaxHighlighter",
        "QTextCharFormat", "QTextCursor", "QTextDocument",
    ),
    "PySide6.QtNetwork": (
        "QLocalServer", "QLocalSocket",
    ),
    "PySide6.QtWidgets": (
        "QAbstractButton", "QAbstractItemView", "QAbstractScrollArea", "QApplication", "QButtonGroup", "QCheckBox",
        "QComboBox", "QCompleter", "QDateEdit", "QDateTimeEdit", "QDialog", "QDialogButtonBox", "QDoubleSpinBox",
        "QFileDialog", "QFormLayout", "QFrame", "QGridLayout", "QGroupBox", "QHBoxLayout", "QHeaderView",
        "QInputDialog", "QLabel", "QLineEdit", "QListView", "QListWidget", "QListWidgetItem", "QMainWindow", "QMenu",
        "QMenuBar", "QMessageBox", "QPlainTextEdit", "QProgressBar", "QPushButton", "QScrollArea", "QSizePolicy",
        "QSpinBox", "QSplitter", "QStackedWidget", "QStatusBar", "QStyle", "QStyleFactory", "QStyleOptionViewItem",
        "QStyledItemDelegate", "QSystemTrayIcon", "QTabBar", "QTabWidget", "QTableView", "QTableWidget", "QTableWidgetItem",
        "QTextBrowser", "QTextEdit", "QToolBar", "QToolButton", "QToolTip", "QTreeView", "QTreeWidget",
        "QTreeWidgetItem", "QVBoxLayout", "QWidget",
    ),
}
_MODULE_OF = {name: module for module, names in NAMES.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    """A Qt name, imported from its binding module on first use and kept here after."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))


def load_charts():  # noqa: ANN201 - the QtCharts module
    """PySide6.QtCharts, imported when the Overview is built (after the window's first paint)."""
    import PySide6.QtCharts as QtCharts  # spelled out in full: bundle/qt_prune.py keeps the modules named so

    return QtCharts


def load_webengine() -> type:
    """QWebEngineView, imported on first use only: QtWebEngine costs ~100 MB and a second of start-up."""
    from PySide6.QtWebEngineWidgets import QWebEngineView

    return QWebEngineView
