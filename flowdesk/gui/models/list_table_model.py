"""Base of the table models: a Python list of items shown one per row under fixed column titles."""

from __future__ import annotations

from typing import Any

from flowdesk.gui.qt import QAbstractTableModel, QCoreApplication, QModelIndex, Qt


class ListTableModel(QAbstractTableModel):
    """Rows are ``items()``, columns are ``columns``; subclasses only say what a cell shows."""

    columns: tuple[str, ...] = ()

    def items(self) -> list[Any]:
        """The list the rows are drawn from."""
        raise NotImplementedError

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """Number of items shown."""
        return 0 if parent.isValid() else len(self.items())

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """Number of columns."""
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("Columns", self.columns[section])  # marked with QT_TRANSLATE_NOOP
        return None
