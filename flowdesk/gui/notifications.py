"""Desktop notifications that lead somewhere: a failed run (click: the inspector on it), a summary of a workflow's
repeated failures (click: the Runs view filtered to them), a credential to fix (click: Tools & credentials on that
profile), optionally a success; rate-limited by NotificationPolicy. Which message a click is about: tray_messages.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flowdesk.core.app_settings import load_app_settings
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.i18n import run_text
from flowdesk.gui.notification_policy import Notice, NotificationPolicy
from flowdesk.gui.qt import QCoreApplication, QObject, QSystemTrayIcon, QTimer, Signal
from flowdesk.gui.tray_messages import ALL_RUNS, DISPLAY_MS, FAILURES, Target, TrayMessages

if TYPE_CHECKING:
    from flowdesk.core.run_reading import RunEnding

# run_reading (the store) and reconnect_offer (OAuth, the listener's routes) load on the first run event,
# not at import: the app imports this module before its first paint, and they cost ~0.9 s there.

FAILED = ("error", "timeout")
CREDENTIAL_KINDS = ("reconnect", "expired")  # CredentialIssue kinds worth interrupting the user for
_ICONS = {"error": QSystemTrayIcon.MessageIcon.Critical, "warning": QSystemTrayIcon.MessageIcon.Warning,
          "info": QSystemTrayIcon.MessageIcon.Information}


def _policy_tr(text: str) -> str:
    # The policy is Qt-free and writes self.tr("..."): lupdate files those under its class name.
    return QCoreApplication.translate("NotificationPolicy", text)


class Notifier(QObject):
    """Turns run endings and credential problems into tray messages; a click opens what the message shown is about."""

    shown = Signal(object)  # Notice, each time one is raised
    run_requested = Signal(str)  # open the inspector on this run
    runs_requested = Signal(str, str)  # the Runs view filtered: workflow ("" all), status ("failed", "success", "")
    credential_requested = Signal(str, str)  # open Tools & credentials on this tool (and profile)

    def __init__(self, bridge: CoreBridge, icon: QSystemTrayIcon | None = None, parent: QObject | None = None, *,
                 interval: float = 60.0, window_active: Callable[[], bool] | None = None,
                 display_ms: int = DISPLAY_MS) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.icon = icon
        self.display_ms = display_ms
        # Shared with the tray's own messages (a tray run's result): the last one shown is the one clicked.
        self.messages = TrayMessages.of(icon) if icon is not None else TrayMessages(None, self)
        self.messages.clicked.connect(self.open_target)
        self.policy = NotificationPolicy(interval, texts=_policy_tr)
        self.window_active = window_active or (lambda: False)
        self.last: Notice | None = None
        settings = load_app_settings(bridge.data_dir)
        self.enabled = settings.notifications
        self.notify_success = set(settings.notify_success)
        self._flush = QTimer(self)
        self._flush.setSingleShot(True)
        self._flush.timeout.connect(self._on_flush)
        bridge.run_event.connect(self._on_run_event)

    def reload_settings(self) -> None:
        """Settings changed: on/off and the workflows notifying on success."""
        settings = load_app_settings(self.bridge.data_dir)
        self.enabled, self.notify_success = settings.notifications, set(settings.notify_success)

    # -- inputs ------------------------------------------------------------------------------

    def _on_run_event(self, event: Any) -> None:
        if getattr(event, "kind", "") != "finished" or not self.bridge.running:
            return
        status = getattr(event.payload, "status", "")
        if status not in FAILED and status != "success":
            return
        run_id = event.run_id
        # Read on the core loop, after the run service has recorded the end (it runs there first).
        def read(rt: Any) -> RunEnding | None:
            from flowdesk.core.run_reading import run_ending

            return run_ending(rt.store, run_id)

        self.bridge.submit(read, self.run_ended, lambda _exc: None)

    def run_ended(self, ending: RunEnding | None) -> None:
        """A recorded run ended: maybe notify (failures, successes asked for, credential problems once)."""
        if ending is None or not self.enabled:
            return
        if ending.status == "success" and ending.workflow not in self.notify_success:
            return
        if ending.trigger == "manual" and self.window_active():
            return  # started from the window the user is looking at: its result is on screen
        shown = (ending.error or ending.message) if ending.status in FAILED else ending.message
        text = run_text(shown) if shown else shown  # FlowDesk's own words (timed out, worker died…) translated
        from flowdesk.gui.widgets.reconnect_offer import reconnect_target

        target = reconnect_target(" ".join(t for t in (ending.message, ending.error) if t))
        if ending.status in FAILED and target is not None:
            self._raise(self.policy.credential_problem(target[0], target[1], text or ""))
            return
        self._raise(self.policy.run_ended(ending.workflow, ending.id, ending.status, text))

    def credentials_changed(self, issues: list[Any]) -> None:
        """LiveStats' list of CredentialIssue: one notice per profile that needs reconnecting or expired."""
        broken = {(i.tool, i.profile) for i in issues if i.kind in CREDENTIAL_KINDS}
        self.policy.credentials_fixed(broken)
        if not self.enabled:
            return
        for issue in issues:
            if issue.kind in CREDENTIAL_KINDS:
                self._raise(self.policy.credential_problem(issue.tool, issue.profile, issue.detail))

    # -- output ------------------------------------------------------------------------------

    def _raise(self, notice: Notice | None) -> None:
        if notice is not None:
            self.last = notice
            # Once off screen, a click may be on an older entry of the system's list: the failures, not this run.
            fallback = ALL_RUNS if notice.level == "info" else FAILURES
            self.messages.show(notice.title, notice.body, _ICONS[notice.level], notice.target, fallback,
                               self.display_ms)
            self.shown.emit(notice)
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        wait = self.policy.next_flush
        if wait is not None and not self._flush.isActive():
            self._flush.start(int(wait * 1000) + 50)

    def _on_flush(self) -> None:
        for notice in self.policy.flush():
            if self.enabled:
                self._raise(notice)
        self._schedule_flush()

    def activate(self, notice: Notice) -> None:
        """Open what ``notice`` is about."""
        self.open_target(notice.target)

    def open_target(self, target: Target) -> None:
        """Open a click's target: a run, the Runs view filtered, or a credential's fix."""
        kind, *rest = target or ("",)
        if kind == "run":
            self.run_requested.emit(rest[0])
        elif kind == "runs":
            self.runs_requested.emit(rest[0], rest[1])
        elif kind == "credential":
            self.credential_requested.emit(rest[0], rest[1])


def install_notifier(bridge: CoreBridge, icon: QSystemTrayIcon | None, window: Any) -> Notifier:
    """The app's notifier: clicks open the inspector, the Runs view filtered, or the credential's fix in ``window``."""
    notifier = Notifier(bridge, icon, window, window_active=lambda: window.isVisible() and window.isActiveWindow())
    notifier.run_requested.connect(window.open_run)
    notifier.runs_requested.connect(window.open_runs)
    notifier.credential_requested.connect(window.fix_credential)
    live = getattr(window, "live", None)
    if live is not None:
        live.credentials_changed.connect(notifier.credentials_changed)
    window.notifier = notifier
    return notifier
