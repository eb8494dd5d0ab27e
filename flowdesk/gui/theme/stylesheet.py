"""The application stylesheet and QPalette, generated from a Palette's tokens (one look for every widget)."""

from __future__ import annotations

from flowdesk.gui.qt import QColor, QPalette
from flowdesk.gui.theme.tokens import (
    FONT_SMALL,
    FONT_TITLE,
    RADIUS_LG,
    RADIUS_MD,
    RADIUS_SM,
    Palette,
    mix,
)


# The rail buttons' keyboard-focus ring (px), in ``accent`` like every focused outline. They take focus by Tab
# only (QToolButton's TabFocus), so a mouse click never shows it; a transparent ring of the same width at rest
# keeps their contents from moving.
FOCUS_RING = 2


def hover_colour(p: Palette) -> str:
    """A faint highlight for hovered rows and buttons."""
    return mix(p.text, p.surface, 0.06)


def qpalette(p: Palette) -> QPalette:
    """The Qt palette for widgets the stylesheet does not reach (dialogs, check boxes, message boxes)."""
    pal = QPalette()
    roles = QPalette.ColorRole
    pairs = {
        roles.Window: p.window, roles.WindowText: p.text, roles.Base: p.surface, roles.AlternateBase: p.surface_alt,
        roles.Text: p.text, roles.Button: p.surface, roles.ButtonText: p.text, roles.ToolTipBase: p.text,
        roles.ToolTipText: p.surface, roles.Highlight: p.accent_fill, roles.HighlightedText: p.on_accent,
        roles.Link: p.accent, roles.LinkVisited: p.accent, roles.PlaceholderText: p.text_muted,
        roles.Light: mix("#ffffff", p.surface, 0.5), roles.Midlight: p.surface_alt, roles.Mid: p.border_strong,
        roles.Dark: p.border_strong, roles.Shadow: "#000000", roles.BrightText: p.on_accent,
    }
    for role, colour in pairs.items():
        pal.setColor(role, QColor(colour))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        pal.setColor(QPalette.ColorGroup.Disabled, role, QColor(p.text_muted))
    pal.setColor(QPalette.ColorGroup.Disabled, roles.Base, QColor(p.window))
    return pal


def build_stylesheet(p: Palette) -> str:
    """The whole app's QSS for palette ``p``."""
    hover = hover_colour(p)
    return f"""
QMainWindow, QDialog {{ background: {p.window}; }}
QToolTip {{ background: {p.text}; color: {p.surface}; border: none; padding: 4px 6px; border-radius: {RADIUS_SM}px; }}
QMenuBar {{ background: {p.window}; color: {p.text}; }}
QMenuBar::item:selected, QMenu::item:selected {{ background: {p.selection}; color: {p.text}; }}
QMenu {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border}; padding: 4px; }}
QMenu::item {{ padding: 5px 18px; border-radius: {RADIUS_SM}px; }}
QMenu::separator {{ height: 1px; background: {p.border}; margin: 4px 6px; }}

QLabel[role="title"] {{ font-size: {FONT_TITLE}px; font-weight: 600; color: {p.text}; }}
QLabel[role="section"] {{ font-weight: 600; color: {p.text}; }}
QLabel[role="muted"] {{ color: {p.text_muted}; }}
QLabel[role="caption"] {{ color: {p.text_muted}; font-size: {FONT_SMALL}px; }}
QLabel[role="error"] {{ color: {p.danger}; }}
QLabel[role="link"] {{ color: {p.accent}; }}
QLabel[role="kpi"] {{ font-size: 26px; font-weight: 600; color: {p.text}; }}
QLabel[role="banner"] {{ background: {mix(p.accent, p.surface, 0.10)}; border: 1px solid {mix(p.accent, p.surface, 0.35)};
    border-radius: {RADIUS_MD}px; padding: 8px 12px; color: {p.text}; }}
QLabel[role="banner-error"] {{ background: {mix(p.danger, p.surface, 0.10)}; border: 1px solid {mix(p.danger, p.surface, 0.40)};
    border-radius: {RADIUS_MD}px; padding: 8px 12px; color: {p.text}; }}

QFrame[card="true"] {{ background: {p.surface}; border: 1px solid {p.border}; border-radius: {RADIUS_LG}px; }}
QFrame[card="true"] QLabel {{ background: transparent; }}
QFrame[row="true"] {{ border-radius: {RADIUS_MD}px; background: transparent; }}
QFrame[row="true"]:hover {{ background: {hover}; }}
QFrame[divider="true"] {{ background: {p.border}; max-height: 1px; min-height: 1px; border: none; }}

#ViewHeader {{ background: {p.window}; }}
#NavRail {{ background: {p.surface_alt}; border-right: 1px solid {p.border}; }}
#NavRail QToolButton {{ border: {FOCUS_RING}px solid transparent; background-clip: border; border-radius: {RADIUS_LG}px;
    padding: 4px 0px; color: {p.text_muted}; font-size: {FONT_SMALL}px; background: transparent; }}
#NavRail QToolButton:hover {{ background: {mix(p.text, p.surface_alt, 0.07)}; color: {p.text}; }}
#NavRail QToolButton:checked {{ background: {p.selection}; color: {p.accent}; font-weight: 600; }}
#NavRail QToolButton:checked:focus, #NavRail QToolButton#RailSettings:focus {{ border-color: {p.accent}; }}
#NavBrand {{ color: {p.accent}; font-weight: 700; }}

QPushButton, QToolButton[variant] {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border_strong};
    border-radius: {RADIUS_MD}px; padding: 5px 12px; min-height: 18px; }}
QPushButton:hover, QToolButton[variant]:hover {{ background: {hover}; }}
QPushButton:pressed {{ background: {p.surface_alt}; }}
QPushButton:disabled {{ color: {p.text_muted}; border-color: {p.border}; background: {p.window}; }}
QPushButton:focus {{ border-color: {p.accent}; }}
QTableView QPushButton, QTreeView QPushButton {{ padding: 0px 8px; min-height: 0; min-width: 40px; }}
QPushButton[variant="primary"] {{ background: {p.accent_fill}; color: {p.on_accent}; border-color: {p.accent_fill}; font-weight: 600; }}
QPushButton[variant="primary"]:hover {{ background: {mix(p.on_accent, p.accent_fill, 0.12)}; }}
QPushButton[variant="primary"]:disabled {{ background: {mix(p.accent_fill, p.surface, 0.45)}; color: {p.on_accent}; }}
QPushButton[variant="ghost"], QToolButton[variant="ghost"] {{ background: transparent; border-color: transparent; color: {p.accent}; }}
QPushButton[variant="ghost"]:hover, QToolButton[variant="ghost"]:hover {{ background: {hover}; }}

QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QDateEdit, QDateTimeEdit {{ background: {p.surface}; color: {p.text};
    border: 1px solid {p.border_strong}; border-radius: {RADIUS_MD}px; padding: 4px 8px; min-height: 18px;
    selection-background-color: {p.accent_fill}; selection-color: {p.on_accent}; }}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDoubleSpinBox:focus, QDateEdit:focus, QDateTimeEdit:focus
    {{ border-color: {p.accent}; }}
QLineEdit:disabled, QComboBox:disabled {{ color: {p.text_muted}; background: {p.window}; }}
QComboBox QAbstractItemView {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border};
    selection-background-color: {p.selection}; selection-color: {p.text}; }}
QPlainTextEdit, QTextEdit, QTextBrowser {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border};
    border-radius: {RADIUS_MD}px; selection-background-color: {p.accent_fill}; selection-color: {p.on_accent}; }}

QTableView, QTreeView, QListView {{ background: {p.surface}; color: {p.text}; border: 1px solid {p.border};
    border-radius: {RADIUS_LG}px; gridline-color: transparent; outline: 0;
    selection-background-color: {p.selection}; selection-color: {p.text}; alternate-background-color: {p.surface_alt}; }}
/* Focus: the same 1 px accent outline as the inputs; mouse clicks focus views too, so it stays a hairline. */
QTableView:focus, QTreeView:focus, QListView:focus {{ border-color: {p.accent}; }}
QComboBox QAbstractItemView:focus {{ border-color: {p.border}; }}
QTableView::item, QTreeView::item {{ border-bottom: 1px solid {p.border}; padding: 0 6px; }}
QListView::item {{ padding: 6px 8px; border-radius: {RADIUS_MD}px; }}
QTableView::item:hover, QTreeView::item:hover, QListView::item:hover {{ background: {hover}; }}
QTableView::item:selected, QTreeView::item:selected, QListView::item:selected {{ background: {p.selection}; color: {p.text}; }}
QHeaderView {{ background: transparent; border: none; }}
QHeaderView::section {{ background: {p.surface}; color: {p.text_muted}; border: none; border-bottom: 1px solid {p.border};
    padding: 6px 6px; font-weight: 600; }}
QTableCornerButton::section {{ background: {p.surface}; border: none; }}

QScrollBar:vertical {{ background: transparent; width: 10px; margin: 2px; }}
QScrollBar:horizontal {{ background: transparent; height: 10px; margin: 2px; }}
QScrollBar::handle {{ background: {p.border_strong}; border-radius: 3px; min-height: 24px; min-width: 24px; }}
QScrollBar::handle:hover {{ background: {p.text_muted}; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; background: none; }}
QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}

QTabWidget::pane {{ border: 1px solid {p.border}; border-radius: {RADIUS_MD}px; background: {p.surface}; top: -1px; }}
QTabBar::tab {{ background: transparent; color: {p.text_muted}; padding: 6px 12px; border: none;
    border-bottom: 2px solid transparent; }}
QTabBar::tab:selected {{ color: {p.text}; border-bottom: 2px solid {p.accent}; }}
QTabBar::tab:hover {{ color: {p.text}; }}

QGroupBox {{ background: {p.surface}; border: 1px solid {p.border}; border-radius: {RADIUS_LG}px; margin-top: 16px;
    padding: 10px 8px 8px 8px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 12px; padding: 0 4px; color: {p.text_muted}; font-weight: 600; }}
QSplitter::handle {{ background: transparent; }}
QSplitter::handle:horizontal {{ width: 8px; }}
QSplitter::handle:vertical {{ height: 8px; }}
QStatusBar {{ background: {p.surface_alt}; color: {p.text_muted}; border-top: 1px solid {p.border}; }}
QStatusBar::item {{ border: none; }}
QStatusBar QLabel, QStatusBar QToolButton {{ color: {p.text_muted}; background: transparent; border: none; padding: 0 6px; }}
QStatusBar QToolButton:hover {{ color: {p.accent}; }}
QProgressBar {{ border: 1px solid {p.border}; border-radius: {RADIUS_SM}px; background: {p.surface_alt};
    text-align: center; color: {p.text}; min-height: 8px; }}
QProgressBar::chunk {{ background: {p.accent_fill}; border-radius: {RADIUS_SM}px; }}
"""
