"""Which desktop notifications to raise (Qt-free): one per failure, but a workflow failing every second gives a
summary a minute, not sixty; one per credential that needs fixing, not one per run it breaks.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_INTERVAL = 60.0


@dataclass(frozen=True)
class Notice:
    """One notification: what it says and what a click opens: ``("run", id)``, ``("runs", workflow, status)`` (the
    Runs view filtered; status "failed" = error or timeout) or ``("credential", tool, profile)``."""

    key: str
    title: str
    body: str
    target: tuple[str, ...]
    level: str = "error"  # error | warning | info


@dataclass
class _Window:
    """A workflow's quiet period after a notification: failures counted, the latest kept for the summary."""

    until: float
    count: int = 0
    last_run: str = ""
    last_line: str = ""
    first_line_seen: set[str] = field(default_factory=set)


def first_line(text: str | None, limit: int = 160) -> str:
    """The first non-empty line of an error or message, cut to ``limit`` characters."""
    for line in (text or "").splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= limit else line[:limit - 1] + "…"
    return ""


class NotificationPolicy:
    """Decides; the caller shows. ``flush()`` (on a timer) releases the summaries of quiet periods that ended."""

    def __init__(self, interval: float = DEFAULT_INTERVAL, clock: Callable[[], float] = time.monotonic,
                 texts: Callable[[str], str] | None = None) -> None:
        self.interval = interval
        self.clock = clock
        self.tr = texts or (lambda text: text)  # the Qt layer passes its translator
        self._windows: dict[str, _Window] = {}
        self._credentials: set[tuple[str, str]] = set()

    def run_ended(self, workflow: str, run_id: str, status: str, text: str | None) -> Notice | None:
        """A run failed, timed out, or succeeded (when that workflow asked for it): a notice now, or None (counted)."""
        key = f"{status == 'success' and 'ok' or 'fail'}:{workflow}"
        now = self.clock()
        window = self._windows.get(key)
        line = first_line(text)
        if window is not None and now < window.until:
            window.count += 1
            window.last_run, window.last_line = run_id, line
            return None
        if window is not None and window.count:
            # The period ended but its summary is not out yet (the flush timer fires a little later): this run
            # releases it and is the first counted in the next period, so no count is dropped.
            self._windows[key] = _Window(now + self.interval, 1, run_id, line)
            return self._summary(key, window)
        self._windows[key] = _Window(now + self.interval)
        if status == "success":
            return Notice(key, self.tr("%1 succeeded").replace("%1", workflow), line, ("run", run_id), "info")
        title = (self.tr("%1 timed out") if status == "timeout" else self.tr("%1 failed")).replace("%1", workflow)
        return Notice(key, title, line, ("run", run_id))

    def flush(self) -> list[Notice]:
        """Summaries of the quiet periods that ended with runs counted in them (then those periods close)."""
        now = self.clock()
        out = []
        for key, window in list(self._windows.items()):
            if now < window.until:
                continue
            del self._windows[key]
            if window.count:
                out.append(self._summary(key, window))
                # Failures keep coming: the summary opens the next quiet period.
                self._windows[key] = _Window(now + self.interval)
        return out

    def _summary(self, key: str, window: _Window) -> Notice:
        """The notice summing up a quiet period's counted runs."""
        workflow = key.split(":", 1)[1]
        title = (self.tr("%1 succeeded %2 more times") if key.startswith("ok:")
                 else self.tr("%1 failed %2 more times")).replace("%1", workflow).replace("%2", str(window.count))
        body = self.tr("in the last %1 s; the latest: %2").replace("%1", f"{self.interval:.0f}") \
            .replace("%2", window.last_line or window.last_run[:12])
        # The click lists them all (the Runs view filtered), not one of them picked arbitrarily.
        target = ("runs", workflow, "success" if key.startswith("ok:") else "failed")
        return Notice(f"summary:{key}", title, body, target, "info" if key.startswith("ok:") else "error")

    def credential_problem(self, tool: str, profile: str, detail: str) -> Notice | None:
        """A profile that needs reconnecting or expired: one notice until it is fixed (``credentials_fixed``)."""
        if (tool, profile) in self._credentials:
            return None
        self._credentials.add((tool, profile))
        return Notice(f"credential:{tool}:{profile}",
                      self.tr("%1 (%2) needs reconnecting").replace("%1", tool).replace("%2", profile),
                      first_line(detail) or self.tr("Click to fix it in Tools & credentials."),
                      ("credential", tool, profile), "warning")

    def credentials_fixed(self, still_broken: set[tuple[str, str]]) -> None:
        """Forget the profiles that work again, so a later problem notifies again."""
        self._credentials &= still_broken

    @property
    def next_flush(self) -> float | None:
        """Seconds until the earliest quiet period ends (None: none open)."""
        if not self._windows:
            return None
        return max(0.0, min(w.until for w in self._windows.values()) - self.clock())
