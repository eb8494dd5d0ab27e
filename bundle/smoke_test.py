"""Smoke test of the FROZEN FlowDesk bundle (``make bundle-test``): every entry point, for real.

    .venv/bin/python bundle/smoke_test.py [--dist dist/flowdesk] [--out build/bundle-smoke] [--keep]

Runs ``dist/flowdesk/flowdesk`` (never the source tree) with a temporary HOME, data dirs and
free ports:

1. ``--version`` (timed: median of 5 cold-ish starts);
2. first start: ``check`` from a folder that is no workspace creates ``~/FlowDesk`` from the
   bundled examples (every example workflow, interface and ``config/.env.example``);
   ``list --json`` shows every built-in tool (read from the bundle's ``flowdesk/tools/``) unbroken;
3. ``run`` of the examples (next_dates, input_showcase, workspace_report) and of
   ``bundle/smoke/workflows/bundle_probe`` (imports of stdlib / tool packages / a workspace tool,
   multiprocessing spawn + forkserver, a system subprocess) -- each in a frozen worker
   process (``flowdesk --flowdesk-worker``); the Tools view's tool test, which runs
   ``flowdesk --flowdesk-tool-check`` as a child process;
4. ``serve``: time to ``/health``; a webhook run with ``?wait=true`` and an asynchronous one
   (202, then ``/api/runs/{id}``), both executed by frozen worker processes, checked by
   ``/proc`` to be ``flowdesk --flowdesk-worker`` children; an interface's files; the OAuth
   status route; SIGTERM stops it with exit code 0 and leaves no worker behind;
5. the desktop app, ``QT_QPA_PLATFORM=offscreen``: time to ``/health`` on the port of its
   settings (the window is built and shown before the listener answers); it stays up; then the
   ``webengine_probe`` workflow, run through the app's own listener by a worker of the app,
   opens the ``dashboard`` interface in a QWebEngineView from the bundle and waits for its
   JavaScript to fill the table (screenshot saved); SIGTERM ends the app and its workers.
   When the app has the ``--interface SLUG`` option (asked of the product, see README "Bundle"),
   it is started with ``--interface smoke_page``: the page, in the APP's own QWebEngineView,
   calls a webhook on load, and the run it makes is looked up in the run history. Without the
   option the check is reported SKIP;
6. workspace dependencies, frozen: ``deps install`` of a local wheel (offline) with the bundle's
   own ``uv`` (``_internal/bin/uv``), then a worker imports it in ``run bulletin_meteo``
   (``tests/fixtures/seed_deps_workspace``);
7. when ``Xvfb`` and ``xwininfo`` are installed: the app on a private X server (the bundle's
   xcb platform plugin, the one X11 desktops use), timed until its main window is viewable.

Exit code 0 when every check passed. Results (and timings) go to ``<out>/smoke.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SMOKE_ADDITIONS = REPO / "bundle" / "smoke"
TOKEN = "bundle-smoke-token-0123456789"  # the API token needs >= 24 characters


class Smoke:
    """Collects check results; a failed check is reported, the run goes on where it can."""

    def __init__(self, exe: Path, out: Path) -> None:
        self.exe = exe
        self.out = out
        self.results: list[dict[str, Any]] = []
        self.timings: dict[str, float] = {}
        self.tmp = Path(tempfile.mkdtemp(prefix="flowdesk-bundle-smoke-"))
        self.home = self.tmp / "home"
        self.home.mkdir()
        self.workspace = self.home / "FlowDesk"

    # -- plumbing ----------------------------------------------------------------------

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.results.append({"check": name, "ok": bool(ok), "detail": detail})
        print(f"[{'PASS' if ok else 'FAIL'}] {name}" + (f" -- {detail}" if detail else ""), flush=True)
        return bool(ok)

    def skip(self, name: str, detail: str) -> None:
        self.results.append({"check": name, "ok": True, "skipped": True, "detail": detail})
        print(f"[SKIP] {name} -- {detail}", flush=True)

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("FLOWDESK_", "QT_", "PYTHON", "VIRTUAL_ENV")) and k not in ("LD_LIBRARY_PATH",)}
        env.update(HOME=str(self.home), XDG_CONFIG_HOME=str(self.home / ".config"),
                   XDG_DATA_HOME=str(self.home / ".local/share"), FLOWDESK_API_TOKEN=TOKEN)
        env.update(extra)
        return env

    def run(self, *args: str, cwd: Path | None = None, timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.exe), *args], capture_output=True, text=True, timeout=timeout,
                              cwd=str(cwd or self.tmp), env=self.env(**env))

    def data_dir(self, name: str) -> Path:
        path = self.tmp / "data" / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    @staticmethod
    def free_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    @staticmethod
    def http(method: str, url: str, body: Any = None, token: str | None = TOKEN, timeout: float = 60) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw, status = resp.read(), resp.status
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(), exc.code
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode("utf-8", "replace")

    def wait_health(self, port: int, proc: subprocess.Popen[str], timeout: float = 60) -> float | None:
        """Seconds from now until ``/health`` answers 200 (None: the process died or timed out)."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if proc.poll() is not None:
                return None
            with contextlib.suppress(OSError):
                status, _ = self.http("GET", f"http://127.0.0.1:{port}/health", token=None, timeout=2)
                if status == 200:
                    return time.monotonic() - start
            time.sleep(0.02)
        return None

    def workers(self) -> list[int]:
        """PIDs of frozen worker processes serving this smoke test's workspace."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
                cwd = os.readlink(entry / "cwd")
            except OSError:
                continue
            if len(cmd) >= 2 and cmd[0] == str(self.exe).encode() and cmd[1] == b"--flowdesk-worker" \
                    and Path(cwd) == self.workspace:
                pids.append(int(entry.name))
        return pids

    def stop(self, proc: subprocess.Popen[str], name: str, timeout: float = 20) -> int | None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            self.check(f"{name}: stops on SIGTERM within {timeout:.0f}s", False, "had to be killed")
            return None
        deadline = time.monotonic() + 10
        while self.workers() and time.monotonic() < deadline:
            time.sleep(0.1)
        left = self.workers()
        self.check(f"{name}: no worker process left after it stopped", not left, f"left: {left}" if left else "")
        for pid in left:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        return proc.returncode

    # -- the checks --------------------------------------------------------------------

    def layout(self) -> None:
        """What the pruning must have left, and no link pointing at a pruned file."""
        internal = self.exe.parent / "_internal"
        qt = internal / "PySide6" / "Qt"
        dangling = [str(p.relative_to(self.exe.parent)) for p in self.exe.parent.rglob("*")
                    if p.is_symlink() and not p.exists()]
        self.check("bundle: no dangling symlink", not dangling, ", ".join(dangling[:5]))
        needed = [qt / "lib" / f"libQt6{m}.so.6" for m in ("WebEngineCore", "Quick", "Qml", "QuickWidgets", "Positioning")]
        needed += [qt / "libexec" / "QtWebEngineProcess", qt / "resources" / "icudtl.dat",
                   qt / "plugins" / "platforms" / "libqxcb.so", qt / "plugins" / "platforms" / "libqoffscreen.so",
                   internal / "examples" / "private", internal / "resources" / "schemas",
                   internal / "flowdesk" / "tools" / "date" / "config.json",
                   internal / "flowdesk" / "tools" / "date" / "main.py"]
        missing = [str(p.relative_to(internal)) for p in needed if not p.exists()]
        self.check("bundle: WebEngine's Qt libraries, helper, data, examples and built-in tool folders are there",
                   not missing, f"missing {missing}" if missing else "")
        pruned = [p for p in (qt / "qml", qt / "lib" / "libQt6Quick3D.so.6", qt / "lib" / "libQt6Multimedia.so.6",
                              qt / "lib" / "libQt6Pdf.so.6") if p.exists()]
        pruned += list((qt / "translations").glob("*.qm")) if (qt / "translations").is_dir() else []
        self.check("bundle: QML, Quick 3D, Multimedia, Pdf and Qt translations pruned", not pruned,
                   f"still there: {[str(p.relative_to(internal)) for p in pruned[:5]]}" if pruned else "")

    def version(self) -> None:
        from importlib.metadata import version

        times, out = [], None
        for _ in range(5):
            start = time.monotonic()
            out = self.run("--version")
            times.append(time.monotonic() - start)
        expected = f"FlowDesk {version('flowdesk')}"
        self.timings["version_s"] = round(statistics.median(times), 3)
        self.check("--version", out is not None and out.returncode == 0 and out.stdout.strip() == expected,
                   f"{out.stdout.strip() if out else ''!r} in {self.timings['version_s']}s (median of 5)")

    def first_start(self) -> None:
        data = self.data_dir("cli")
        start = time.monotonic()
        r = self.run("check", FLOWDESK_DATA_DIR=str(data))
        self.timings["first_check_s"] = round(time.monotonic() - start, 3)
        last = (r.stdout + r.stderr).strip().splitlines()[-1:]
        self.check("check (first start) exits 0", r.returncode == 0, last[0] if last else "")
        expected = sorted(p.name for p in (REPO / "private" / "workflows").iterdir() if (p / "config.json").is_file())
        created = sorted(p.name for p in (self.workspace / "private" / "workflows").glob("*") if p.is_dir())
        self.check("first start created ~/FlowDesk from the bundled examples", created == expected,
                   f"workflows {created}")
        self.check("  ... with the interfaces and config/.env.example",
                   (self.workspace / "config" / ".env.example").is_file()
                   and sorted(p.name for p in (self.workspace / "private" / "interfaces").iterdir())
                   == sorted(p.name for p in (REPO / "private" / "interfaces").iterdir()))
        r = self.run("list", "--json", FLOWDESK_DATA_DIR=str(data))
        try:
            listing = json.loads(r.stdout)
        except ValueError:
            listing = {}
        tools = {t.get("name"): t for t in listing.get("tools", [])} if isinstance(listing, dict) else {}
        builtin = sorted(p.parent.name for p in (REPO / "flowdesk" / "tools").glob("*/config.json"))
        broken = [n for n in builtin if n not in tools or tools[n].get("broken") or tools[n].get("error")]
        self.check("list: every built-in tool is found in the bundle, none broken", r.returncode == 0 and not broken,
                   f"{len(builtin)} built-in tools" + (f"; broken or missing: {broken}" if broken else ""))

    def workspace_deps(self) -> None:
        """``deps install`` with the bundle's uv from a local wheel, then a frozen worker imports the package."""
        sys.path.insert(0, str(REPO))
        from tests.local_wheels import meteo_wheel, offline_index_env  # the repo's own test helpers

        workspace = self.tmp / "deps-workspace"
        shutil.copytree(REPO / "tests" / "fixtures" / "seed_deps_workspace" / "private", workspace / "private")
        shutil.rmtree(workspace / "private" / "tools" / "annonces_slack")  # its import error is tested from source
        meteo_wheel(self.tmp / "wheels", "1.0.0")
        env = {**offline_index_env(self.tmp / "wheels", self.tmp / "uv-cache"),
               "FLOWDESK_DATA_DIR": str(self.data_dir("deps")), "FLOWDESK_WORKSPACE": str(workspace)}
        start = time.monotonic()
        r = self.run("deps", "install", **env)
        self.timings["deps_install_s"] = round(time.monotonic() - start, 3)
        used_bundled_uv = f"{self.exe.parent / '_internal' / 'bin' / 'uv'}" in r.stdout
        self.check("deps install: the bundle's own uv installs a local wheel", r.returncode == 0 and used_bundled_uv
                   and "Installed meteo-locale==1.0.0" in r.stdout,
                   f"in {self.timings['deps_install_s']}s" if r.returncode == 0 else (r.stdout + r.stderr)[-400:])
        r = self.run("run", "bulletin_meteo", "-p", "ville=Nice", **env)
        try:
            data = (json.loads(r.stdout).get("output") or {}).get("data") or {}
        except ValueError:
            data = {}
        self.check("deps: a frozen worker imports the installed package", data.get("meteo_locale") == "1.0.0",
                   str(data) if data else (r.stdout + r.stderr)[-400:])

    def add_smoke_workflows(self) -> None:
        for kind in ("workflows", "tools", "interfaces"):
            for src in (SMOKE_ADDITIONS / kind).iterdir():
                shutil.copytree(src, self.workspace / "private" / kind / src.name, dirs_exist_ok=True)
        r = self.run("check", FLOWDESK_DATA_DIR=str(self.data_dir("cli")))
        self.check("check with the smoke-test workflows exits 0", r.returncode == 0, r.stderr.strip()[-300:])

    def cli_runs(self) -> None:
        data = str(self.data_dir("cli"))
        cases = [("next_dates", ["-p", "days=30"]), ("input_showcase", ["--data", '{"title": "Kick-off", "room": "a"}']),
                 ("workspace_report", []), ("bundle_probe", [])]
        for name, extra in cases:
            start = time.monotonic()
            r = self.run("run", name, *extra, FLOWDESK_DATA_DIR=data, cwd=self.workspace)
            elapsed = round(time.monotonic() - start, 3)
            try:
                record = json.loads(r.stdout)
            except ValueError:
                record = {}
            detail = f"{record.get('status')} in {elapsed}s"
            if name == "bundle_probe":
                out = (record.get("output") or {}).get("data") or {}
                detail += (f"; {out.get('imported')} modules imported, failed {out.get('failed_imports')}, "
                           f"spawn {out.get('mp_spawn')}, forkserver {out.get('mp_forkserver')}, "
                           f"tzdata {out.get('tzdata_paris')}, child env {out.get('subprocess')}")
                self.check("run bundle_probe: a frozen worker's child sees no bundle LD_LIBRARY_PATH",
                           out.get("subprocess") == "ld=unset" or not str(out.get("subprocess", "")).startswith(
                               f"ld={self.exe.parent}"), str(out.get("subprocess")))
            if record.get("status") != "success":
                detail += f"; error: {str(record.get('error') or r.stderr)[-400:]}"
            self.timings[f"run_{name}_s"] = elapsed
            self.check(f"run {name}", r.returncode == 0 and record.get("status") == "success", detail)

    def tool_check(self) -> None:
        """``flowdesk --flowdesk-tool-check ROOT TOOL PROFILE``: the Tools view's Test button, frozen."""
        probe = subprocess.run([str(self.exe), "--flowdesk-tool-check", str(self.workspace), "date", "DEFAULT"],
                               capture_output=True, text=True, timeout=120, cwd=str(self.tmp), env=self.env())
        line = next((x for x in reversed(probe.stdout.splitlines()) if x.startswith("FLOWDESK-TOOL-CHECK ")), "")
        try:
            answer = json.loads(line.split(" ", 1)[1]) if line else {}
        except ValueError:
            answer = {}
        self.check("tool test in a child process (flowdesk --flowdesk-tool-check ... date DEFAULT)",
                   probe.returncode == 0 and answer.get("ok") is True, str(answer or probe.stderr[-300:]))

    def serve(self) -> None:
        port = self.free_port()
        data = self.data_dir("serve")
        base = f"http://127.0.0.1:{port}"
        log = (self.out / "serve.log").open("w")
        proc = subprocess.Popen([str(self.exe), "serve", "--port", str(port), "--workspace", str(self.workspace),
                                 "--data-dir", str(data)], stdout=log, stderr=subprocess.STDOUT, text=True,
                                cwd=str(self.tmp), env=self.env())
        try:
            up = self.wait_health(port, proc)
            self.timings["serve_health_s"] = round(up, 3) if up is not None else -1
            if not self.check("serve answers /health", up is not None, f"after {up:.2f}s" if up else "no answer"):
                return
            status, body = self.http("POST", f"{base}/api/webhooks/next_dates?wait=true&days=3", {"format": "%d/%m/%Y"})
            self.check("serve: webhook ?wait=true runs next_dates", status == 200 and body.get("status") == "success",
                       f"{status} {str(body)[:160]}")
            seen_workers = self.workers()
            self.check("serve: runs execute in frozen worker processes (flowdesk --flowdesk-worker)",
                       bool(seen_workers), f"worker pids {seen_workers}")
            status, body = self.http("POST", f"{base}/api/webhooks/bundle_probe", {})
            run_id = body.get("run_id") if isinstance(body, dict) else None
            record: dict[str, Any] = {}
            deadline = time.monotonic() + 90
            while run_id and time.monotonic() < deadline:
                _, record = self.http("GET", f"{base}/api/runs/{run_id}")
                if isinstance(record, dict) and record.get("status") not in ("queued", "running"):
                    break
                time.sleep(0.2)
            self.check("serve: asynchronous webhook (202) -> bundle_probe succeeds in a worker",
                       status == 202 and record.get("status") == "success" and record.get("trigger") == "webhook",
                       f"{status}, run {run_id}: {record.get('status')} ({record.get('trigger')})")
            status, page = self.http("GET", f"{base}/dashboard/", token=None)
            self.check("serve: interface files are served", status == 200 and "<html" in str(page).lower(), f"{status}")
            status, body = self.http("GET", f"{base}/api/oauth/status")
            self.check("serve: OAuth status route (google auth libraries bundled)", status == 200, str(body)[:160])
        finally:
            code = self.stop(proc, "serve")
            log.close()
        self.check("serve: exit code 0 after SIGTERM", code == 0, f"exit code {code}")

    def app_opens_interfaces(self) -> bool:
        """True when the app takes ``--interface SLUG`` (open that interface in its window)."""
        r = self.run("--help")
        return "--interface" in r.stdout

    def gui(self) -> None:
        open_interface = self.app_opens_interfaces()
        port = self.free_port()
        data = self.data_dir("gui")
        (data / "settings.json").write_text(json.dumps({"port": port}), encoding="utf-8")
        base = f"http://127.0.0.1:{port}"
        env = self.env(QT_QPA_PLATFORM="offscreen", FLOWDESK_DATA_DIR=str(data),
                       QTWEBENGINE_CHROMIUM_FLAGS=os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox"))
        log = (self.out / "gui.log").open("w")
        extra = ["--interface", "smoke_page"] if open_interface else []
        proc = subprocess.Popen([str(self.exe), "--workspace", str(self.workspace), *extra], stdout=log,
                                stderr=subprocess.STDOUT, text=True, cwd=str(self.tmp), env=env)
        try:
            up = self.wait_health(port, proc)
            self.timings["gui_health_s"] = round(up, 3) if up is not None else -1
            if not self.check("GUI (offscreen) starts and answers /health on its settings' port", up is not None,
                              f"after {up:.2f}s" if up else f"exit code {proc.poll()}"):
                return
            time.sleep(2)
            self.check("GUI stays up", proc.poll() is None, f"exit code {proc.poll()}" if proc.poll() is not None else "")
            shot = self.out / "webengine_dashboard.png"
            start = time.monotonic()
            status, body = self.http("POST", f"{base}/api/workflows/execute/webengine_probe",
                                     {"base_url": base, "token": TOKEN, "route": "/dashboard", "screenshot": str(shot)},
                                     timeout=150)
            elapsed = time.monotonic() - start
            self.timings["webengine_probe_s"] = round(elapsed, 3)
            page = (body.get("data") or {}).get("page") or {} if isinstance(body, dict) else {}
            self.check("GUI: an interface opens in the bundle's QWebEngineView and its JavaScript fills it",
                       status == 200 and body.get("status") == "success" and shot.is_file(),
                       f"{body.get('message') if isinstance(body, dict) else body} (total {elapsed:.1f}s); "
                       f"title {page.get('title')!r}; screenshot {shot if shot.is_file() else 'missing'}")
            self.check("GUI still up after the interface probe", proc.poll() is None)
            name = "GUI: --interface smoke_page opens in the app's own QWebEngineView (its JavaScript ran a webhook)"
            if open_interface:
                runs = self.page_runs(data, timeout=60)
                self.check(name, bool(runs), f"runs {runs}" if runs else "no webhook run with days=1234 recorded")
            else:
                self.skip(name, "the app has no --interface option yet (product hook; see README Bundle)")
        finally:
            code = self.stop(proc, "GUI")
            log.close()
        self.check("GUI ends on SIGTERM", code is not None, f"exit code {code}")

    def page_runs(self, data: Path, timeout: float) -> list[str]:
        """Ids of next_dates runs the smoke page started (webhook, days=1234), waiting up to ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            r = self.run("runs", "next_dates", "--trigger", "webhook", "--json", "--data-dir", str(data),
                         "--workspace", str(self.workspace))
            with contextlib.suppress(ValueError):
                runs = json.loads(r.stdout)
                runs = runs.get("runs", runs) if isinstance(runs, dict) else runs
                found = [x.get("id") for x in runs if (x.get("input") or {}).get("days") == 1234]
                if found:
                    return found
            time.sleep(0.5)
        return []

    def gui_x11(self) -> None:
        """The app on a private Xvfb display: the xcb plugin loads and the main window maps (timed)."""
        name = "GUI on X11 (Xvfb, xcb plugin): main window is viewable"
        if not (shutil.which("Xvfb") and shutil.which("xwininfo")):
            self.skip(name, "Xvfb / xwininfo not installed")
            return
        read_fd, write_fd = os.pipe()
        xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                                pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_fd)
        try:
            with os.fdopen(read_fd) as f:
                display = ":" + f.readline().strip()
            port = self.free_port()
            self._x11_runs = getattr(self, "_x11_runs", 0) + 1
            data = self.data_dir(f"gui-x11-{self._x11_runs}")
            (data / "settings.json").write_text(json.dumps({"port": port}), encoding="utf-8")
            env = self.env(DISPLAY=display, FLOWDESK_DATA_DIR=str(data),
                           QTWEBENGINE_CHROMIUM_FLAGS=os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox"))
            log = (self.out / "gui-x11.log").open("w")
            start = time.monotonic()
            proc = subprocess.Popen([str(self.exe), "--workspace", str(self.workspace)], stdout=log,
                                    stderr=subprocess.STDOUT, text=True, cwd=str(self.tmp), env=env)
            shown = None
            try:
                while time.monotonic() - start < 60 and proc.poll() is None:
                    if self._main_window_viewable(display):
                        shown = time.monotonic() - start
                        break
                    time.sleep(0.02)
                self.timings["gui_x11_window_s"] = round(shown, 3) if shown is not None else -1
                self.check(name, shown is not None,
                           f"after {shown:.2f}s on {display}" if shown is not None else f"exit code {proc.poll()}")
                up = self.wait_health(port, proc) if shown is not None else None
                if up is not None:
                    self.timings["gui_x11_health_s"] = round(time.monotonic() - start, 3)
                self.check("GUI on X11 answers /health", up is not None)
            finally:
                self.stop(proc, "GUI on X11")
                log.close()
        finally:
            xvfb.terminate()
            xvfb.wait(timeout=10)

    @staticmethod
    def _main_window_viewable(display: str) -> bool:
        env = dict(os.environ, DISPLAY=display)
        tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True, env=env).stdout
        for line in tree.splitlines():
            if '"FlowDesk \u2014 ' in line:  # the main window's title: FlowDesk — <workspace>
                wid = line.split()[0]
                info = subprocess.run(["xwininfo", "-id", wid], capture_output=True, text=True, env=env).stdout
                if "IsViewable" in info:
                    return True
        return False

    def write(self) -> Path:
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / "smoke.json"
        path.write_text(json.dumps({"exe": str(self.exe), "timings": self.timings, "results": self.results},
                                   indent=2), encoding="utf-8")
        return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=REPO / "dist" / "flowdesk")
    parser.add_argument("--out", type=Path, default=REPO / "build" / "bundle-smoke")
    parser.add_argument("--keep", action="store_true", help="keep the temporary HOME / workspace / data dirs")
    parser.add_argument("--skip-gui", action="store_true", help="no desktop-app checks (no QtWebEngine)")
    args = parser.parse_args(argv)
    exe = (args.dist / ("flowdesk.exe" if os.name == "nt" else "flowdesk")).resolve()
    if not exe.is_file():
        print(f"{exe}: no bundle; run make bundle first", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    smoke = Smoke(exe, args.out.resolve())
    started = time.monotonic()
    try:
        smoke.layout()
        smoke.version()
        smoke.first_start()
        smoke.add_smoke_workflows()
        smoke.cli_runs()
        smoke.workspace_deps()
        smoke.tool_check()
        smoke.serve()
        if not args.skip_gui:
            smoke.gui()
            smoke.gui_x11()
    finally:
        smoke.timings["smoke_total_s"] = round(time.monotonic() - started, 1)
        path = smoke.write()
        if args.keep:
            print(f"temporary files kept in {smoke.tmp}")
        else:
            shutil.rmtree(smoke.tmp, ignore_errors=True)
    failed = [r["check"] for r in smoke.results if not r["ok"]]
    skipped = sum(1 for r in smoke.results if r.get("skipped"))
    print(f"\n{len(smoke.results) - len(failed) - skipped}/{len(smoke.results)} checks passed, {skipped} skipped, in "
          f"{smoke.timings['smoke_total_s']}s; timings: {smoke.timings}; details in {path}")
    # The plain closing line CI reads in any language.
    print(f"bundle: {len(smoke.results) - len(failed) - skipped} passed, {len(failed)} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
