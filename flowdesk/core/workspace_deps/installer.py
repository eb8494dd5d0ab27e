"""Installing what the workspace's requirement files ask for into its own environment, with progress events."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import sysconfig
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from flowdesk.core.atomic_files import write_json_atomic, write_text_atomic
from flowdesk.core.workspace import Workspace
from flowdesk.core.workspace_deps.requirement_status import DepsReport, dependency_report, own_distributions
from flowdesk.core.workspace_deps.environments import INPUT_NAME, EnvLocation, envs_dir, python_tag
from flowdesk.core.workspace_deps.install_commands import (
    DepsInstallError,
    Installer,
    choose_installer,
    install_argv,
    installer_env,
    resolve_argv,
)
from flowdesk.core.workspace_deps.lock_file import lock_text, parse_pins, read_lock_hash, workspace_lock_path, write_lock
from flowdesk.core.translatable import translatable

OUTPUT_TAIL = 40  # lines of the installer's output quoted when it fails
# Progress is reported as a fraction: resolving takes the first part, installing most of the rest.
RESOLVE_SPAN, INSTALL_SPAN = (0.05, 0.35), (0.35, 0.95)


@dataclass(frozen=True)
class InstallProgress:
    """One step of an install: how far along (0..1) and what is happening, in words."""

    fraction: float
    message: str


@dataclass
class InstallResult:
    """What an install did."""

    env: EnvLocation | None
    installed: list[str] = field(default_factory=list)  # "name==version" put into the environment
    locked: list[str] = field(default_factory=list)  # every pin of the lock
    left_out: list[str] = field(default_factory=list)  # requirements not installable (conflicts), with why
    nothing_to_do: bool = False


ProgressCallback = Callable[[InstallProgress], None]


async def _run(argv: list[str], step: str, span: tuple[float, float], expected: int,
               progress: ProgressCallback) -> None:
    """Run one installer command, turning each output line into a progress event; raise with its tail on failure."""
    proc = await asyncio.create_subprocess_exec(*argv, stdin=asyncio.subprocess.DEVNULL,
                                                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
                                                env=installer_env())
    tail: deque[str] = deque(maxlen=OUTPUT_TAIL)
    done = 0
    assert proc.stdout is not None
    try:
        async for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip()
            if not line.strip():
                continue
            tail.append(line)
            # uv prints " + name==version" per installed package, pip "Collecting name": count them.
            if line.startswith((" + ", "Collecting ", "Downloading ", "Installing ")):
                done += 1
            share = min(1.0, done / expected) if expected else 0.5
            progress(InstallProgress(span[0] + (span[1] - span[0]) * share, line.strip()))
        code = await proc.wait()
    except BaseException:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        raise
    if code != 0:
        output = "\n".join(tail) or "(no output)"
        raise DepsInstallError(f"{step} failed (exit code {code}):\n{output}")


def _input_text(report: DepsReport) -> tuple[str, list[str]]:
    """requirements.in: every applicable requirement but the conflicting ones, grouped by file."""
    lines: list[str] = []
    left_out = [s.message() for s in report.conflicts]
    conflicting = {(s.declared.file, s.declared.line) for s in report.conflicts}
    for f in report.files:
        chosen = [r for r in f.requirements if r.applies() and (r.file, r.line) not in conflicting]
        if chosen:
            lines.append(f"# {f.path}")
            lines.extend(r.text for r in chosen)
    return "\n".join(lines) + "\n", left_out


def _own_pins(data_dir: Path) -> tuple[str, set[str]]:
    """constraints.txt pinning FlowDesk's own packages: workers import those first, so the resolution must agree."""
    pins, names = [], set()
    for name, dist in sorted(own_distributions(data_dir).items()):
        try:
            Version(dist.version)
        except InvalidVersion:
            continue
        pins.append(f"{name}=={dist.version}")
        names.add(name)
    return "\n".join(pins) + "\n", names


def _pins_from_pip_report(path: Path) -> str:
    """pip's --report JSON turned into ``name==version`` lines (uv writes them directly)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items = sorted((i["metadata"]["name"], i["metadata"]["version"]) for i in data.get("install", []))
    return "".join(f"{canonicalize_name(n)}=={v}\n" for n, v in items)


def _place(staging: Path, final: Path) -> None:
    """Move the finished environment into place, replacing an older one of the same key."""
    old = None
    if final.exists():
        old = final.with_name(f"{final.name}.old-{secrets.token_hex(4)}")
        os.replace(final, old)
    os.replace(staging, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


async def install_dependencies(workspace: Workspace, data_dir: Path,
                               on_progress: ProgressCallback | None = None) -> InstallResult:
    """Install every missing requirement into the workspace environment and lock the versions.

    Resolves all requirements together (FlowDesk's own packages pinned as constraints, the
    workspace's ``config/requirements.lock`` too when it answers the same requirements), installs
    what FlowDesk does not already ship into a staging folder, then renames it into place.
    """
    progress = on_progress or (lambda _p: None)
    progress(InstallProgress(0.0, translatable("Dependencies", "Reading the requirement files")))
    report = await asyncio.to_thread(dependency_report, workspace, data_dir)
    if report.key is None or report.requirements_hash is None or not report.missing:
        progress(InstallProgress(1.0, translatable("Dependencies", "Nothing to install")))
        return InstallResult(report.env, left_out=[s.message() for s in report.conflicts], nothing_to_do=True)
    installer = choose_installer()
    root = envs_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f"{report.key}.partial-{secrets.token_hex(4)}"
    staging.mkdir()
    try:
        return await _install(report, installer, staging, root / report.key, progress)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


async def _install(report: DepsReport, installer: Installer, staging: Path, final: Path,
                   progress: ProgressCallback) -> InstallResult:
    env = EnvLocation(staging)
    input_text, left_out = _input_text(report)
    write_text_atomic(staging / INPUT_NAME, input_text)
    own_text, own_names = _own_pins(report.data_dir)
    write_text_atomic(staging / "constraints.txt", own_text)
    constraints = [staging / "constraints.txt"]
    shared_lock = workspace_lock_path(report.workspace)
    if read_lock_hash(shared_lock) == report.requirements_hash:
        constraints.append(shared_lock)  # same requirements as where the lock was made: same versions
    progress(InstallProgress(RESOLVE_SPAN[0], translatable("Dependencies", "Resolving with {installer}",
                                                             installer=installer.describe())))
    resolved = staging / ("resolved.txt" if installer.kind == "uv" else "resolved.json")
    await _run(resolve_argv(installer, staging / INPUT_NAME, constraints, resolved), "resolving the requirements",
               RESOLVE_SPAN, 0, progress)
    pins_text = resolved.read_text(encoding="utf-8") if installer.kind == "uv" else _pins_from_pip_report(resolved)
    pins = parse_pins(pins_text)
    wanted = [(n, v) for n, v in pins if n not in own_names]
    write_text_atomic(staging / "install.txt", "".join(f"{n}=={v}\n" for n, v in wanted))
    env.site_packages.mkdir()
    if wanted:
        progress(InstallProgress(INSTALL_SPAN[0], translatable("Dependencies", "Installing {count} package(s)",
                                                                 count=len(wanted))))
        await _run(install_argv(installer, staging / "install.txt", env.site_packages), "installing",
                   INSTALL_SPAN, len(wanted), progress)
    # Paths relative to the workspace: the lock travels with it to other machines.
    sources = [f.path.relative_to(report.workspace.root).as_posix() for f in report.files if f.requirements]
    text = lock_text(pins_text, req_hash=report.requirements_hash or "", python=python_tag(),
                     platform=sysconfig.get_platform(), installer=installer.kind, sources=sources)
    write_lock(env.lock_path, text)
    installed = [f"{n}=={v}" for n, v in wanted]
    write_json_atomic(env.info_path, {
        "key": final.name, "requirements_hash": report.requirements_hash, "workspace": str(report.workspace.root),
        "python": python_tag(), "platform": sysconfig.get_platform(), "installer": installer.describe(),
        "installed_at": datetime.now(timezone.utc).isoformat(), "installed": installed,
    })
    _place(staging, final)
    try:
        write_lock(workspace_lock_path(report.workspace), text)
    except OSError as exc:  # a read-only workspace still gets its environment
        progress(InstallProgress(0.99, translatable("Dependencies", "Could not copy the lock into the workspace: {reason}",
                                                     reason=str(exc))))
    progress(InstallProgress(1.0, translatable("Dependencies", "Installed {count} package(s) into {folder}", count=len(wanted),
                                               folder=str(final))))
    return InstallResult(EnvLocation(final), installed, [f"{n}=={v}" for n, v in pins], left_out)
