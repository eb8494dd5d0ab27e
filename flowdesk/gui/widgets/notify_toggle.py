"""A workflow's "Notify me when a run succeeds" checkbox (failures always notify): settings.json ``notify_success``."""

from __future__ import annotations

from flowdesk.core.app_settings import load_app_settings, save_app_settings
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.qt import QCheckBox, QWidget


class NotifySuccessToggle(QCheckBox):
    """Checked when the shown workflow is in ``notify_success``; toggling writes the setting at once."""

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Notify me when a run succeeds"), parent)
        self.setToolTip(self.tr("Failures and timeouts always notify (Settings ▸ notifications)"))
        self.bridge = bridge
        self.slug: str | None = None
        self.toggled.connect(self._save)

    def show_workflow(self, slug: str | None) -> None:
        """Reflect ``slug``'s setting (None: disabled)."""
        self.slug = slug
        self.blockSignals(True)
        self.setChecked(bool(slug) and slug in load_app_settings(self.bridge.data_dir).notify_success)
        self.blockSignals(False)
        self.setEnabled(slug is not None)

    def _save(self, on: bool) -> None:
        if self.slug is None:
            return
        settings = load_app_settings(self.bridge.data_dir)
        chosen = [w for w in settings.notify_success if w != self.slug] + ([self.slug] if on else [])
        settings.notify_success = sorted(chosen)
        save_app_settings(self.bridge.data_dir, settings)
        notifier = getattr(self.window(), "notifier", None)
        if notifier is not None:
            notifier.reload_settings()
