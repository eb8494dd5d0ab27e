"""A workflow's webhook: its URL, how senders authenticate, ready-to-paste snippets, a live test and secret rotation."""

from __future__ import annotations

import asyncio
import html
from typing import TYPE_CHECKING

from flowdesk.core.errors import NotFound
from flowdesk.core.request_refusals import recognise_input_errors, recognise_refusal
from flowdesk.core.input_samples import sample_input
from flowdesk.core.run_preparation import input_fields
from flowdesk.core.webhook_request import (
    WebhookRequest,
    WebhookResponse,
    build_webhook_request,
    send_webhook_request,
    webhook_url,
)
from flowdesk.core.webhook_snippets import snippets
from flowdesk.gui.core_bridge import CoreBridge
from flowdesk.gui.qt import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from flowdesk.gui.theme.icons import icon
from flowdesk.gui.widgets.copy_button import CopyButton
from flowdesk.gui.widgets.input_widgets import monospace_font
from flowdesk.gui.i18n import core_text

if TYPE_CHECKING:
    from flowdesk.core.registry import WorkflowEntry
    from flowdesk.core.runtime import Runtime
    from flowdesk.core.webhook_secrets import Rotation

LANGUAGE_TITLES = (("curl", "curl"), ("python", "Python (requests)"), ("javascript", "JavaScript (fetch)"))


class WebhookTab(QWidget):
    """Everything needed to wire another service to one workflow's webhook."""

    run_requested = Signal(str)  # run id of an accepted test request: show it in the inspector
    sent = Signal(object)  # WebhookResponse of the last test request

    def __init__(self, bridge: CoreBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.entry: WorkflowEntry | None = None
        self.request: WebhookRequest | None = None
        self.url = QLineEdit()
        self.url.setReadOnly(True)
        self.url.setAccessibleName(self.tr("Webhook URL"))
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setObjectName("warningText")
        self.auth = QLabel()
        self.auth.setWordWrap(True)
        self.auth.setTextFormat(Qt.TextFormat.RichText)
        self.secret = QLineEdit()
        self.secret.setReadOnly(True)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setAccessibleName(self.tr("Webhook secret"))
        self.reveal = QPushButton(icon("eye"), "")
        self.reveal.setCheckable(True)
        self.reveal.setToolTip(self.tr("Show the secret"))
        self.reveal.setAccessibleName(self.tr("Show the secret"))
        self.reveal.toggled.connect(self._reveal)
        self.rotate_button = QPushButton(icon("arrows-clockwise"), self.tr("Rotate…"))
        self.rotate_button.setToolTip(self.tr("Replace the secret with a new random one; the old one stops working at once"))
        self.rotate_button.clicked.connect(self.ask_rotate)
        self.with_secret = QCheckBox(self.tr("Put the secret in the snippets"))
        self.with_secret.setToolTip(self.tr("Off: the snippets read it from an environment variable"))
        self.with_secret.toggled.connect(self._render)
        self.snippet_tabs = QTabWidget()
        self.snippet_views: dict[str, QPlainTextEdit] = {}
        for key, title in LANGUAGE_TITLES:
            view = QPlainTextEdit()
            view.setReadOnly(True)
            view.setFont(monospace_font())
            view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            view.setAccessibleName(self.tr("%1 snippet").replace("%1", title))
            page = QWidget()
            box = QVBoxLayout(page)
            box.setContentsMargins(0, 0, 0, 0)
            row = QHBoxLayout()
            row.addStretch(1)
            row.addWidget(CopyButton(lambda v=view: v.toPlainText(), self.tr("Copy the %1 snippet").replace("%1", title)))
            box.addLayout(row)
            box.addWidget(view, 1)
            self.snippet_tabs.addTab(page, title)
            self.snippet_views[key] = view
        self.send_button = QPushButton(icon("paper-plane-tilt"), self.tr("Send test request"))
        self.send_button.clicked.connect(self.send_test)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.TextFormat.PlainText)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._build_layout()
        self.show_workflow(None)

    def _build_layout(self) -> None:
        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(CopyButton(self.url.text, self.tr("Copy webhook URL")))
        secret_row = QHBoxLayout()
        secret_row.addWidget(self.secret, 1)
        secret_row.addWidget(self.reveal)
        secret_row.addWidget(CopyButton(self._secret_text, self.tr("Copy the secret")))
        secret_row.addWidget(self.rotate_button)
        self.secret_row = QWidget()
        self.secret_row.setLayout(secret_row)
        secret_row.setContentsMargins(0, 0, 0, 0)
        send_row = QHBoxLayout()
        send_row.addWidget(self.send_button)
        send_row.addWidget(self.result, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self._section(self.tr("Webhook URL")))
        layout.addLayout(url_row)
        layout.addWidget(self.notice)
        layout.addWidget(self._section(self.tr("Authentication")))
        layout.addWidget(self.auth)
        layout.addWidget(self.secret_row)
        snippets_title = QHBoxLayout()
        snippets_title.addWidget(self._section(self.tr("Snippets")))
        snippets_title.addStretch(1)
        snippets_title.addWidget(self.with_secret)
        layout.addLayout(snippets_title)
        layout.addWidget(self.snippet_tabs, 1)
        layout.addLayout(send_row)

    @staticmethod
    def _section(text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("sectionTitle")
        return label

    # -- showing ------------------------------------------------------------------------------

    def show_workflow(self, slug: str | None) -> None:
        """Show the webhook of ``slug`` (None: nothing)."""
        entry = None
        if slug and self.bridge.running:
            try:
                entry = self.bridge.runtime.registry.refresh_workflow(slug)
            except NotFound:
                entry = None
        self.entry = entry
        self.result.clear()
        self.reveal.setChecked(False)
        self._render()

    def _current_secret(self) -> str | None:
        config = self.entry.config if self.entry is not None else None
        if config is None:
            return None
        hook = config.webhook
        if hook.auth == "api":
            return self.bridge.api_token or None
        if hook.auth == "public":
            return None
        return hook.resolve_secret(env_file=self.bridge.runtime.workspace.env_file)

    def _secret_text(self) -> str:
        return self._current_secret() or ""

    def _render(self) -> None:
        config = self.entry.config if self.entry is not None else None
        enabled = config is not None and self.bridge.url is not None
        for widget in (self.send_button, self.with_secret, self.snippet_tabs):
            widget.setEnabled(enabled)
        if config is None or self.entry is None:
            self.url.clear()
            self.auth.setText(self.tr("<i>Select a workflow.</i>") if self.entry is None
                              else html.escape(self.entry.error or ""))
            self.notice.hide()
            self.secret_row.hide()
            for view in self.snippet_views.values():
                view.clear()
            return
        base = self.bridge.url or "http://127.0.0.1:8000"
        self.url.setText(webhook_url(base, self.entry.slug))
        self.notice.setVisible(not config.allows("webhook") or not config.active)
        self.notice.setText(self.tr("This workflow does not accept webhooks yet: add \"webhook\" to its triggers "
                                    "(Edit ▸ Triggers).") if not config.allows("webhook")
                            else self.tr("This workflow is switched off: webhooks are refused until it is on again."))
        hook = config.webhook
        self.auth.setText(self._auth_html())
        self.secret_row.setVisible(hook.auth != "public")
        self.rotate_button.setVisible(hook.auth in ("token", "hmac"))
        secret = self._current_secret()
        self.secret.setText(secret or "")
        self.secret.setPlaceholderText(self.tr("not set: Rotate creates one") if hook.auth != "api" else "")
        body = sample_input(input_fields(self.entry))
        credential = secret if self.with_secret.isChecked() else None
        self.request = build_webhook_request(base, self.entry.slug, hook, body, credential)
        for key, text in snippets(self.request).items():
            self.snippet_views[key].setPlainText(text)

    def _auth_html(self) -> str:
        assert self.entry is not None and self.entry.config is not None
        hook = self.entry.config.webhook
        header = f"<code>{html.escape(hook.effective_header or '')}</code>"
        if hook.auth == "api":
            text = self.tr("The FlowDesk API token, as <code>Authorization: Bearer &lt;token&gt;</code>.")
        elif hook.auth == "public":
            text = self.tr("None: anyone who can reach this address can start the workflow.")
        elif hook.auth == "token":
            text = self.tr("This workflow's own token, sent as is in the %1 header.").replace("%1", header)
        else:
            text = self.tr("An HMAC-SHA256 signature of the body with this workflow's secret, in the %1 header "
                           "as <code>sha256=&lt;hex&gt;</code>.").replace("%1", header)
            if hook.timestamp:
                text += " " + self.tr("Signed with a timestamp in %1: \"&lt;timestamp&gt;.&lt;body&gt;\"; older than "
                                      "5 minutes or replayed is refused.").replace(
                    "%1", f"<code>{html.escape(hook.effective_timestamp_header or '')}</code>")
        if hook.secret_env:
            where = self.tr("The secret is the variable %1 (environment, then config/.env).").replace(
                "%1", f"<code>{html.escape(hook.secret_env)}</code>")
        elif hook.secret is not None:
            where = self.tr("The secret is written in the workflow's config.json.")
        else:
            where = ""
        return text + (f"<br>{where}" if where else "")

    def _reveal(self, shown: bool) -> None:
        self.secret.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.reveal.setIcon(icon("eye-slash" if shown else "eye"))

    def snippet(self, language: str) -> str:
        """The snippet shown for ``language`` (curl, python, javascript)."""
        return self.snippet_views[language].toPlainText()

    # -- acting -------------------------------------------------------------------------------

    def send_test(self) -> None:
        """POST the sample body to the running listener, signed with the real secret; 202 opens the run."""
        if self.entry is None or self.entry.config is None or not self.bridge.url:
            return
        credential = self._current_secret()
        request = build_webhook_request(self.bridge.url, self.entry.slug, self.entry.config.webhook,
                                        sample_input(input_fields(self.entry)), credential)
        if credential is None and request.hook.auth != "public":
            self.result.setText(self.tr("The secret is not set: rotate it first."))
            return
        self.send_button.setEnabled(False)
        self.result.setText(self.tr("Sending…"))
        self.bridge.submit(lambda _rt: asyncio.to_thread(send_webhook_request, request), self._on_sent,
                           self._on_send_failed)

    def _on_sent(self, response: WebhookResponse) -> None:
        self.send_button.setEnabled(True)
        if response.run_id:
            self.result.setText(self.tr("Accepted (%1): run %2").replace("%1", str(response.status))
                                .replace("%2", response.run_id[:12]))
            self.run_requested.emit(response.run_id)
        else:
            error, fields = response.body.get("error"), response.body.get("fields")
            # the listener answers in English (the HTTP API's contract): its own refusals are shown translated
            if isinstance(fields, dict) and fields:
                message = "; ".join(self.tr("%1: %2").replace("%2", str(core_text(text))).replace("%1", str(name))
                                    for name, text in recognise_input_errors(fields).items())
            else:
                message = core_text(recognise_refusal(error)) if isinstance(error, str) else str(error or response.body)
            self.result.setText(self.tr("Refused (%1): %2").replace("%1", str(response.status)).replace("%2", message))
        self.sent.emit(response)

    def _on_send_failed(self, exc: BaseException) -> None:
        self.send_button.setEnabled(True)
        self.result.setText(self.tr("Could not reach the listener: %1").replace("%1", str(exc)))

    def ask_rotate(self) -> None:
        """Confirm, then rotate."""
        answer = QMessageBox.question(self, self.tr("Rotate the webhook secret?"), self.tr(
            "Senders still using the current secret will be refused until they get the new one."))
        if answer == QMessageBox.StandardButton.Yes:
            self.rotate()

    def rotate(self) -> None:
        """Write a new secret where the config keeps it (on the core thread); the old one fails from now on."""
        entry = self.entry
        if entry is None or entry.config is None:
            return

        def go(runtime: Runtime) -> Rotation:
            from flowdesk.core.webhook_secrets import rotate_webhook_secret

            rotation = rotate_webhook_secret(entry.config_path, entry.config.webhook, runtime.workspace.env_file)
            runtime.registry.refresh_workflow(entry.slug)
            return rotation

        self.rotate_button.setEnabled(False)
        self.bridge.submit(go, self._on_rotated, self._on_rotate_failed)

    def _on_rotated(self, rotation: Rotation) -> None:
        self.rotate_button.setEnabled(True)
        self.show_workflow(self.entry.slug if self.entry else None)
        self.result.setText(self.tr("New secret written to %1.").replace("%1", str(rotation.where)))

    def _on_rotate_failed(self, exc: BaseException) -> None:
        self.rotate_button.setEnabled(True)
        self.result.setText(self.tr("Could not rotate: %1").replace("%1", str(exc)))
