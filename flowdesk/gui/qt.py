"""The one Qt import layer: every GUI module imports Qt names from here, never from PySide6 directly."""

from __future__ import annotations

from flowdesk.gui.none_refcount import keep_none_alive
from flowdesk.gui.signal_refcount import keep_booleans_alive

keep_none_alive()  # before any Qt call: PySide6 6.12 on CPython 3.11 drops a reference to None per void call
keep_booleans_alive()  # and one to True per signal emit

from PySide6.QtCore import (  # noqa: E402
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QAbstractTableModel,
    QAbstractListModel,
    QEvent,
    QItemSelectionModel,
    QMargins,
    QByteArray,
    QCoreApplication,
    QDate,
    QDateTime,
    QLibraryInfo,
    QLocale,
    QModelIndex,
    QObject,
    QPoint,
    QRect,
    QRectF,
    QRegularExpression,
    QSettings,
    QSize,
    QSocketNotifier,
    QSortFilterProxyModel,
    Qt,
    QTime,
    QTimer,
    QTranslator,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (  # noqa: E402
    QAction,
    QBrush,
    QCloseEvent,
    QColor,
    QCursor,
    QDesktopServices,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QGuiApplication,
    QHelpEvent,
    QIcon,
    QIconEngine,
    QKeyEvent,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QRegularExpressionValidator,
    QShortcut,
    QStandardItem,
    QStandardItemModel,
    QSyntaxHighlighter,
    QTextCursor,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtNetwork import QLocalServer, QLocalSocket  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMenuBar,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStatusBar,
    QStyle,
    QStyledItemDelegate,
    QStyleFactory,
    QStyleOptionViewItem,
    QSystemTrayIcon,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QTextEdit,
    QToolBar,
    QToolButton,
    QToolTip,
    QTreeView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

__all__ = [name for name in dir() if name.startswith("Q") or name in ("Qt", "Signal", "Slot", "QT_TRANSLATE_NOOP")]


def load_charts():  # noqa: ANN201 - the QtCharts module
    """PySide6.QtCharts, imported when the Overview is built (after the window's first paint)."""
    import PySide6.QtCharts as QtCharts  # spelled out in full: bundle/qt_prune.py keeps the modules named so

    return QtCharts


def load_webengine() -> type:
    """QWebEngineView, imported on first use only: QtWebEngine costs ~100 MB and a second of start-up."""
    from PySide6.QtWebEngineWidgets import QWebEngineView

    return QWebEngineView
