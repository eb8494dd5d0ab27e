"""What the command palette offers: commands, workflows, tools, interfaces and recent runs, built from the window.

The host is the main window (duck-typed: ``bridge``, ``views``, ``show_view``, ``open_run``,
``open_interface``, ``open_workspace_folder``, ``open_settings``, ``show_shortcuts``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flowdesk.core.run_preparation import input_fields
from flowdesk.core.run_reading import recent_runs
from flowdesk.core.run_service import RunRequest
from flowdesk.core.webhook_request import webhook_url
from flowdesk.gui.qt import QCoreApplication
from flowdesk.gui.theme.status_look import status_look
from flowdesk.gui.time_text import relative
from flowdesk.gui.widgets.copy_button import copy_text
from flowdesk.gui.i18n import core_text

GROUPS = ("commands", "workflows", "runs", "tools", "interfaces")


def _tr(text: str) -> str:
    return QCoreApplication.translate("CommandPalette", text)


def group_title(group: str) -> str:
    """The heading of a group of results."""
    return {"commands": _tr("Commands"), "workflows": _tr("Workflows"), "runs": _tr("Recent runs"),
            "tools": _tr("Tools"), "interfaces": _tr("Interfaces")}[group]


@dataclass
class PaletteItem:
    """One result: Enter calls ``action`` (or lists ``children``), Shift+Enter calls ``alternate``."""

    group: str
    title: str
    icon: str
    action: Callable[[], Any] | None = None
    subtitle: str = ""
    hint: str = ""  # right-aligned: what Enter does
    keywords: str = ""  # matched too, not shown
    alternate: Callable[[], Any] | None = None
    children: Callable[[], list[PaletteItem]] | None = None  # a second step ("Run workflow…" -> which one)
    prompt: str = ""  # the search box's placeholder in that second step

    @property
    def search_text(self) -> str:
        """What the query is matched against."""
        return f"{self.title} {self.keywords}".strip()


def run_workflow(host: Any, slug: str) -> None:
    """Run now and show the run; a workflow that needs inputs opens its form instead."""
    bridge = host.bridge
    entry = bridge.runtime.registry.workflow(slug)
    if entry.config is None or any(f.required and f.default is None for f in input_fields(entry)):
        host.show_view("workflows")
        view = host.views.get("workflows")
        if view is not None:
            view.open_run_form(slug)
        return
    request = RunRequest(slug, {}, trigger="manual")
    bridge.submit(lambda rt: rt.runs.submit(rt.runs.prepare(request))[0], host.open_run,
                  lambda exc: host.statusBar().showMessage(str(exc), 8000))


def _open_workflow(host: Any, slug: str) -> None:
    view = host.show_view("workflows")
    if view is not None:
        view.select(slug)


def _open_tool(host: Any, slug: str) -> None:
    view = host.show_view("tools")
    if view is not None:
        view.select_tool(slug)


def workflow_items(host: Any, only: Callable[[Any], bool] | None = None, *, run: bool = True) -> list[PaletteItem]:
    """Every workflow: Enter runs it (Shift+Enter opens it), or with ``run`` False Enter opens it."""
    registry = host.bridge.runtime.registry
    items = []
    for slug, entry in sorted(dict(registry.workflows).items()):
        if only is not None and not only(entry):
            continue
        description = (entry.config.description or "") if entry.config else (core_text(entry.error) or "")
        items.append(PaletteItem(
            "workflows", entry.display_name, "flow-arrow",
            (lambda s=slug: run_workflow(host, s)) if run else (lambda s=slug: _open_workflow(host, s)),
            subtitle=slug if slug != entry.display_name else description[:80], keywords=slug,
            hint=_tr("Run") if run else _tr("Open"),
            alternate=(lambda s=slug: _open_workflow(host, s)) if run else None))
    return items


def _webhook_items(host: Any) -> list[PaletteItem]:
    base = host.bridge.url or ""

    def copy(slug: str) -> None:
        copy_text(webhook_url(base, slug))
        host.statusBar().showMessage(_tr("Webhook URL copied"), 3000)

    return [PaletteItem("workflows", entry.display_name, "lightning", lambda s=slug: copy(s),
                        subtitle=webhook_url(base, slug), keywords=slug, hint=_tr("Copy"))
            for slug, entry in sorted(dict(host.bridge.runtime.registry.workflows).items())
            if entry.config is not None and entry.config.allows("webhook")]


def command_items(host: Any) -> list[PaletteItem]:
    """Run workflow…, open each view, reload, open the workspace folder, copy a webhook URL, settings, shortcuts."""
    from flowdesk.gui.main_window import VIEWS

    bridge = host.bridge
    runnable = (lambda e: e.config is not None and not e.broken and e.config.allows("manual"))
    items = [
        PaletteItem("commands", _tr("Run workflow…"), "play", children=lambda: workflow_items(host, runnable),
                    prompt=_tr("Run which workflow?"), keywords="start execute"),
        PaletteItem("commands", _tr("Copy webhook URL of…"), "link", children=lambda: _webhook_items(host),
                    prompt=_tr("Copy the webhook URL of which workflow?"), keywords="webhook url"),
        PaletteItem("commands", _tr("Reload workspace"), "arrows-clockwise",
                    lambda: bridge.running and bridge.submit(lambda rt: rt.reload()), hint="F5"),
        PaletteItem("commands", _tr("Open workspace folder"), "folder-open", host.open_workspace_folder, hint="Ctrl+O"),
        PaletteItem("commands", _tr("Settings…"), "gear-six", host.open_settings, keywords="preferences options"),
        PaletteItem("commands", _tr("Keyboard shortcuts"), "keyboard", host.show_shortcuts, keywords="keys help"),
    ]
    for n, (key, title, icon_name, *_rest) in enumerate(VIEWS, start=1):
        view_title = QCoreApplication.translate("MainWindow", title)
        items.append(PaletteItem("commands", _tr("Open view: %1").replace("%1", view_title), icon_name,
                                 lambda k=key: host.show_view(k), hint=f"Ctrl+{n}", keywords=key))
    return items


def all_items(host: Any) -> list[PaletteItem]:
    """The palette's first step without the recent runs (they come from the store: see ``run_items``):
    commands, workflows, tools and interfaces, all read from memory."""
    items = command_items(host)
    runtime = host.bridge.runtime
    items += workflow_items(host)
    for slug, tool in sorted(dict(runtime.registry.tools).items()):
        title = (tool.config.display_name if tool.config and tool.config.display_name else None) or slug
        items.append(PaletteItem("tools", title, "key", lambda s=slug: _open_tool(host, s), subtitle=slug,
                                 keywords=slug, hint=_tr("Open")))
    for slug, interface in sorted(dict(runtime.registry.interfaces).items()):
        title = getattr(interface, "display_name", None) or slug
        items.append(PaletteItem("interfaces", title, "app-window", lambda s=slug: host.open_interface(s),
                                 subtitle=slug, keywords=slug, hint=_tr("Open")))
    return items


def read_recent_runs(runtime: Any, limit: int = 10) -> list[Any]:
    """The latest runs for the palette (on the core thread: it reads the store)."""
    return recent_runs(runtime.store, limit)


def run_items(host: Any, runs: list[Any]) -> list[PaletteItem]:
    """Palette items for runs read by ``read_recent_runs`` (on the GUI thread, no store access)."""
    items = []
    for run in runs:
        look = status_look(run.status)
        items.append(PaletteItem("runs", f"{run.workflow} · {look.word}", look.icon,
                                 lambda r=run.id: host.open_run(r), subtitle=f"{relative(run.queued_at)} · {run.id[:12]}",
                                 keywords=f"{run.id} {run.trigger} run", hint=_tr("Inspect")))
    return items
