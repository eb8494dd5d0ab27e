"""A collapsible JSON tree over stored JSON text: values decoded only when shown, big containers in buckets.

A container with more than BUCKET children shows ranges ("[0 … 99]", "[100 … 199]"…, nested for
bigger ones: at most BUCKET rows under any node), like browsers' JSON viewers: expanding a
100,000-item array never puts 100,000 rows under one parent, so the view never lays them all out.
"""

from __future__ import annotations

from typing import Any

from flowdesk.core.json_spans import ChildTable, JsonSpans, Span, kind_at, reindent
from flowdesk.gui.qt import QAbstractItemModel, QColor, QCoreApplication, QModelIndex, QObject, Qt
from flowdesk.gui.theme import theme_state

BUCKET = 100  # at most this many rows under one node
KIND_TOKENS = {"string": "success", "number": "running", "true": "queued", "false": "queued", "null": "queued"}
NODE_ROLE = Qt.ItemDataRole.UserRole + 1


def _size_text(chars: int) -> str:
    if chars < 10_000:
        return ""
    return f"{chars / 1_000_000:.1f} MB" if chars >= 1_000_000 else f"{chars / 1000:.0f} kB"


def bucket_size(count: int) -> int:
    """The range each child bucket covers so that at most BUCKET buckets hold ``count`` items (1: no buckets)."""
    size = 1
    while count > size * BUCKET:
        size *= BUCKET
    return size


class JsonNode:
    """A value in the tree, or a bucket (``lo``..``hi`` of the container ``table``) standing for a range of its children."""

    __slots__ = ("parent", "row", "key", "span", "children", "table", "lo", "hi")

    def __init__(self, parent: JsonNode | None, row: int, key: str | int | None, span: Span | None,
                 table: ChildTable | None = None, lo: int = 0, hi: int = 0) -> None:
        self.parent = parent
        self.row = row
        self.key = key
        self.span = span  # None for a bucket
        self.children: list[JsonNode] | None = None  # None: not read yet
        self.table = table  # the container's children (key, start, end), shared by its buckets
        self.lo, self.hi = lo, hi

    @property
    def is_bucket(self) -> bool:
        """A range of a container's children, not a value."""
        return self.span is None

    @property
    def expandable(self) -> bool:
        """Buckets and non-empty containers."""
        return self.is_bucket or (self.span is not None and self.span.is_container and self.span.end - self.span.start > 2)

    def path(self) -> str:
        """``items[3].name``-style path from the root (buckets are not part of it)."""
        parts: list[str] = []
        node: JsonNode | None = self
        while node is not None and node.parent is not None:
            if not node.is_bucket:
                parts.append(f"[{node.key}]" if isinstance(node.key, int) else f".{node.key}")
            node = node.parent
        return "".join(reversed(parts)).lstrip(".") or "$"


class JsonTreeModel(QAbstractItemModel):
    """Key | Value columns over a JsonSpans document (index it first, off the GUI thread)."""

    def __init__(self, spans: JsonSpans | None = None, root_label: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.spans = spans
        self.root: JsonNode | None = None
        if spans is not None:
            self.root = JsonNode(None, 0, root_label, spans.root())

    # -- reading children --------------------------------------------------------------------

    def _value_nodes(self, parent: JsonNode, table: ChildTable, lo: int, hi: int) -> list[JsonNode]:
        assert self.spans is not None
        text = self.spans.text
        return [JsonNode(parent, row, table.key(n), Span(table.starts[n], table.ends[n], kind_at(text, table.starts[n])))
                for row, n in enumerate(range(lo, hi))]

    def _ranges(self, parent: JsonNode, table: ChildTable, lo: int, hi: int) -> list[JsonNode]:
        """The children of a node covering ``table[lo:hi]``: the values, or buckets when there are too many."""
        size = bucket_size(hi - lo)
        if size == 1:
            return self._value_nodes(parent, table, lo, hi)
        return [JsonNode(parent, row, None, None, table, start, min(start + size, hi))
                for row, start in enumerate(range(lo, hi, size))]

    def _ensure_children(self, node: JsonNode) -> list[JsonNode]:
        if node.children is None:
            node.children = []
            if node.is_bucket:
                assert node.table is not None
                node.children = self._ranges(node, node.table, node.lo, node.hi)
            elif node.expandable and self.spans is not None and node.span is not None:
                table = self.spans.table(node.span)  # large ones were read by index(), off the GUI thread
                node.children = self._ranges(node, table, 0, len(table))
                node.table, node.hi = table, len(table)
        return node.children

    # -- Qt model ------------------------------------------------------------------------------

    def node(self, index: QModelIndex) -> JsonNode | None:
        """The node of an index (None for the invisible root)."""
        return index.internalPointer() if index.isValid() else None

    def _index_of(self, node: JsonNode) -> QModelIndex:
        return self.createIndex(node.row, 0, node)

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        """Child ``row`` of ``parent``."""
        if self.root is None:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, self.root) if row == 0 else QModelIndex()
        children = self._ensure_children(parent.internalPointer())
        return self.createIndex(row, column, children[row]) if 0 <= row < len(children) else QModelIndex()

    def parent(self, index: QModelIndex) -> QModelIndex:  # type: ignore[override]
        """The parent index."""
        if not index.isValid():
            return QModelIndex()
        node: JsonNode = index.internalPointer()
        if node.parent is None:
            return QModelIndex()
        return self._index_of(node.parent)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        """Children (read on first ask)."""
        if self.root is None:
            return 0
        if not parent.isValid():
            return 1
        if parent.column() != 0:
            return 0
        node: JsonNode = parent.internalPointer()
        return len(self._ensure_children(node)) if node.expandable else 0

    def hasChildren(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        """Containers have children (without reading them: the expand arrow is enough)."""
        if not parent.isValid():
            return self.root is not None
        node: JsonNode = parent.internalPointer()
        return parent.column() == 0 and node.expandable

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        """Key and value."""
        return 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (QCoreApplication.translate("JsonTreeModel", "Key"),
                    QCoreApplication.translate("JsonTreeModel", "Value"))[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Key, value preview, colours by kind, the node itself under NODE_ROLE."""
        if not index.isValid() or self.spans is None:
            return None
        node: JsonNode = index.internalPointer()
        if role == NODE_ROLE:
            return node
        if node.is_bucket:
            if role == Qt.ItemDataRole.DisplayRole and index.column() == 0:
                return f"[{node.lo} … {node.hi - 1}]"
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor(theme_state.palette().text_muted)
            return None
        span = node.span
        assert span is not None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if index.column() == 0:
                return f"[{node.key}]" if isinstance(node.key, int) else str(node.key)
            return self._value_text(node)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 1:
            token = KIND_TOKENS.get(span.kind, "text_muted")
            return QColor(getattr(theme_state.palette(), token))
        return None

    def _value_text(self, node: JsonNode) -> str:
        assert self.spans is not None and node.span is not None
        span = node.span
        if not span.is_container:
            return self.spans.preview(span)
        size = _size_text(span.end - span.start)
        if node.table is not None:
            count = len(node.table)
            word = QCoreApplication.translate("JsonTreeModel", "%n key(s)", "", count) if span.kind == "object" \
                else QCoreApplication.translate("JsonTreeModel", "%n item(s)", "", count)
            return f"{self.spans.preview(span)}  {word}" + (f" · {size}" if size else "")
        return self.spans.preview(span) + (f"  {size}" if size else "")

    # -- copying -------------------------------------------------------------------------------

    def value_text(self, index: QModelIndex, pretty: bool = True) -> str:
        """The JSON text of a node's whole value (pretty-printed); use ``copy_size`` to decide where to run it."""
        node = self.node(index)
        if node is None or node.span is None or self.spans is None:
            return ""  # buckets have no value of their own
        raw = self.spans.text_of(node.span)
        return "".join(reindent(raw)) if pretty else raw

    def copy_size(self, index: QModelIndex) -> int:
        """Characters of a node's stored text."""
        node = self.node(index)
        return node.span.end - node.span.start if node is not None and node.span is not None else 0
