"""Prune PySide6 / Qt from the PyInstaller Analysis down to what FlowDesk really loads.

PyInstaller's Qt hooks collect, for every PySide6 module reached, all of its plugins and
translations, and QtWebEngineCore drags in the hooks of QtQuick, QtQml, QtPositioning... whose
plugins drag in QML trees, Quick controls, multimedia and more. This module keeps:

* roots: the PySide6 binding modules FlowDesk imports (``pyside6_modules_used``: every
  ``PySide6.QtX`` named in the ``flowdesk`` sources, plus what importing those imports --
  QtCore, QtGui, QtWidgets, QtNetwork, QtWebEngineCore, QtWebEngineWidgets, QtWebChannel,
  QtPrintSupport), the QtWebEngineProcess helper, and the plugins Qt dlopens at run time that
  FlowDesk needs (``KEEP_PLUGINS``: platforms xcb / offscreen / wayland, their GL, shell and
  decoration integrations, the xdg-desktop-portal theme, input methods, image formats gif /
  ico / jpeg / svg, the svg icon engine, TLS backends);
* the ``ldd`` closure of the roots: every Qt library they link, directly or not (so
  libQt6Quick, Qml, QuickWidgets, Positioning stay: WebEngine links them);
* QtWebEngine's data: resources (``icudtl.dat``, ``*.pak``, the V8 snapshot) and the Chromium
  locales in ``KEEP_WEBENGINE_LOCALES``.

Everything else under ``PySide6/`` goes (other Qt libraries, plugins, QML, Qt translations:
FlowDesk installs no QTranslator), as do non-Qt libraries that were collected only because a
dropped Qt file linked them (ffmpeg stubs, gstreamer, ...). ``prune_toc`` is a pure function of
the TOC lists and an ``ldd`` callable, so it is unit-tested without building anything.
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

PYSIDE = "PySide6"
QT_DIR = f"{PYSIDE}/Qt"

# plugin folder -> file name patterns kept (folders not listed are dropped whole).
KEEP_PLUGINS: dict[str, tuple[str, ...]] = {
    "platforms": ("libqxcb.so", "libqoffscreen.so", "libqwayland*.so", "libqminimal.so",
                  "qwindows.dll", "qoffscreen.dll", "qminimal.dll", "libqcocoa.dylib", "libqoffscreen.dylib"),
    # xdg-desktop-portal only: native file dialogs and the colour scheme through the portal. The gtk3
    # theme would load the system's GTK over the build machine's cairo / pango that PyInstaller
    # bundles (a classic crash), for little gain.
    "platformthemes": ("libqxdgdesktopportal.so",),
    "platforminputcontexts": ("libcomposeplatforminputcontextplugin.so", "libibusplatforminputcontextplugin.so"),
    "xcbglintegrations": ("*",),
    "wayland-shell-integration": ("libxdg-shell.so",),
    "wayland-decoration-client": ("*",),
    "wayland-graphics-integration-client": ("libqt-plugin-wayland-egl.so", "libdmabuf-server.so",
                                            "libdrm-egl-server.so", "libshm-emulation-server.so"),
    "imageformats": ("*qgif*", "*qico*", "*qjpeg*", "*qsvg*"),
    "iconengines": ("*qsvgicon*",),
    "tls": ("*",),
    "styles": ("*qmodernwindowsstyle*", "*qwindowsvistastyle*", "*qmacstyle*"),
}

# Chromium UI strings (context menus, form validation bubbles): English plus the main European
# languages. A missing locale falls back to en-US. Each file is ~0.6 MB.
KEEP_WEBENGINE_LOCALES = frozenset({"en-US", "en-GB", "fr", "de", "es", "it", "pt-BR", "nl"})

# WebEngine resources FlowDesk never uses: the developer tools' front end (12 MB; FlowDesk opens
# no inspector, and QtWebEngine only reads this file when one is opened).
DROP_WEBENGINE_RESOURCES = frozenset({"qtwebengine_devtools_resources.pak"})

# Binding modules FlowDesk's GUI imports at the least (the static scan adds any new one).
BASE_MODULES = ("QtCore", "QtGui", "QtWidgets", "QtNetwork", "QtWebEngineCore", "QtWebEngineWidgets")

LIB_SUFFIX = re.compile(r"\.(so(\.\d+)*|dylib|dll|pyd)$")
PYSIDE_IMPORT = re.compile(r"PySide6\.(Qt\w+)")

Ldd = Callable[[str], list[str]]  # source path -> absolute paths of the libraries it links (transitively)


# -- which PySide6 modules FlowDesk uses ---------------------------------------------------------

def scan_sources(package_dir: Path) -> set[str]:
    """``PySide6.QtX`` module names written anywhere in the package sources (lazy imports included)."""
    found: set[str] = set()
    for path in sorted(package_dir.rglob("*.py")):
        found.update(f"{PYSIDE}.{m}" for m in PYSIDE_IMPORT.findall(path.read_text(encoding="utf-8", errors="replace")))
    return found


def pyside6_modules_used(repo: Path, python: str | None = None) -> set[str]:
    """The PySide6 binding modules loaded once FlowDesk imported every Qt module it names.

    Imports them in a child interpreter (offscreen, nothing is shown) and lists the ``PySide6.Qt*``
    extension modules that ended up in ``sys.modules``: their own imports are included.
    """
    wanted = sorted({f"{PYSIDE}.{m}" for m in BASE_MODULES} | scan_sources(repo / "flowdesk"))
    code = ("import importlib, sys\n"
            f"for m in {wanted!r}:\n"
            "    importlib.import_module(m)\n"
            "print(' '.join(sorted(n for n in sys.modules if n.startswith('PySide6.Qt'))))\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([python or sys.executable, "-c", code], check=True, capture_output=True, text=True,
                         env=env, cwd=str(repo), timeout=120)
    return set(out.stdout.split()) | set(wanted)


def unused_pyside6_modules(used: Iterable[str], package_dir: Path | None = None) -> list[str]:
    """``PySide6.QtX`` binding modules installed but not in ``used`` (to exclude from the Analysis)."""
    if package_dir is None:
        import importlib.util

        spec = importlib.util.find_spec(PYSIDE)
        if spec is None or not spec.submodule_search_locations:
            return []
        package_dir = Path(next(iter(spec.submodule_search_locations)))
    used = set(used)
    names = {f"{PYSIDE}.{p.name.split('.')[0]}" for p in package_dir.iterdir()
             if p.name.startswith("Qt") and LIB_SUFFIX.search(p.name)}
    return sorted(names - used)


# -- ldd -------------------------------------------------------------------------------------------

_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(\S+)\s+\(0x[0-9a-f]+\)")


def system_ldd(path: str) -> list[str]:
    """Resolved library paths ``ldd`` prints for ``path`` (``not found`` entries skipped)."""
    try:
        out = subprocess.run(["ldd", path], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [m.group(2) for line in out.splitlines() if (m := _LDD_LINE.match(line))]


def cached_ldd(paths: Iterable[str], ldd: Ldd, workers: int = 4) -> dict[str, list[str]]:
    """``ldd`` of each path, run in parallel (WebEngineCore alone takes a while)."""
    unique = sorted(set(paths))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(unique, pool.map(ldd, unique)))


# -- classification of TOC entries ------------------------------------------------------------------

def _real(path: str) -> str:
    return os.path.realpath(path)


def is_shared_lib(dest: str) -> bool:
    return bool(LIB_SUFFIX.search(dest)) or dest.endswith("QtWebEngineProcess") or dest.endswith("QtWebEngineProcess.exe")


def plugin_kept(dest: str) -> bool | None:
    """For ``PySide6/Qt/plugins/<kind>/<file>``: kept or not; ``None`` when ``dest`` is no plugin."""
    parts = PurePosixPath(dest).parts
    try:
        i = parts.index("plugins")
    except ValueError:
        return None
    if parts[:i] not in ((PYSIDE, "Qt"), (PYSIDE,)) or len(parts) < i + 3:
        return None
    kind, name = parts[i + 1], parts[-1]
    return any(fnmatch.fnmatch(name, pat) for pat in KEEP_PLUGINS.get(kind, ()))


def binding_module(dest: str) -> str | None:
    """``PySide6/QtCore.abi3.so`` -> ``PySide6.QtCore``; ``None`` for anything else."""
    parts = PurePosixPath(dest).parts
    if len(parts) == 2 and parts[0] == PYSIDE and parts[1].startswith("Qt") and LIB_SUFFIX.search(parts[1]):
        return f"{PYSIDE}.{parts[1].split('.')[0]}"
    return None


def data_kept(dest: str) -> bool:
    """Qt data files: WebEngine resources and chosen locales stay; QML, translations, the rest go."""
    p = PurePosixPath(dest)
    if not dest.startswith(QT_DIR + "/") and not dest.startswith(f"{PYSIDE}/resources/") \
            and not dest.startswith(f"{PYSIDE}/translations/"):
        return True  # not Qt's: bindings' .pyi files, support package data... untouched
    parts = p.parts
    if "qtwebengine_locales" in parts or (parts[-2:-1] == ("locales",) and "resources" in parts):
        return p.stem in KEEP_WEBENGINE_LOCALES
    if "resources" in parts:  # icudtl.dat, qtwebengine_*.pak, v8_context_snapshot.bin
        return p.name not in DROP_WEBENGINE_RESOURCES
    if "qml" in parts or "translations" in parts:
        return False
    plugin = plugin_kept(dest)
    if plugin is not None:
        return plugin
    return True


# -- the pruning itself ----------------------------------------------------------------------------------

@dataclass
class PruneResult:
    binaries: list[tuple[str, str, str]]
    datas: list[tuple[str, str, str]]
    dropped: list[tuple[str, str, str]] = field(default_factory=list)
    kept_qt: list[str] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)
    dropped_bytes: int = 0

    def report(self) -> str:
        lines = ["# Qt pruning of the FlowDesk bundle (bundle/qt_prune.py)", "",
                 f"roots ({len(self.roots)}):", *(f"  {r}" for r in self.roots), "",
                 f"kept under PySide6/ ({len(self.kept_qt)}):", *(f"  {k}" for k in self.kept_qt), "",
                 f"dropped ({len(self.dropped)} files, {self.dropped_bytes / 1e6:.1f} MB):"]
        lines += [f"  {dest}" for dest, _, _ in sorted(self.dropped)]
        return "\n".join(lines) + "\n"


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def prune_toc(binaries: list[tuple[str, str, str]], datas: list[tuple[str, str, str]],
              used_modules: Iterable[str], ldd: Ldd = system_ldd) -> PruneResult:
    """Drop the Qt files FlowDesk does not load from the Analysis' ``binaries`` and ``datas``.

    Roots: binaries outside ``PySide6/`` that are not plain libraries (extension modules,
    ``libpython``, anything a hook added), the binding modules in ``used_modules``, the
    QtWebEngineProcess helper and the ``KEEP_PLUGINS``. Kept: the roots and their ``ldd`` closure.
    Dropped: binaries under ``PySide6/`` outside the closure, and other libraries that only
    dropped Qt files linked.
    """
    used = set(used_modules)
    by_src: dict[str, tuple[str, str, str]] = {}
    for entry in binaries:
        dest, src, typecode = entry
        if typecode != "SYMLINK" and src:
            by_src.setdefault(_real(src), entry)

    links = cached_ldd([src for _, src, typecode in binaries if typecode != "SYMLINK" and src], ldd)
    toc_links: dict[str, set[str]] = {
        dest: {by_src[_real(lib)][0] for lib in links.get(src, []) if _real(lib) in by_src}
        for dest, src, typecode in binaries if typecode != "SYMLINK" and src
    }
    linked_by_someone = set().union(*toc_links.values()) if toc_links else set()

    roots: set[str] = set()
    for dest, src, typecode in binaries:
        if typecode == "SYMLINK":
            continue
        module = binding_module(dest)
        plugin = plugin_kept(dest)
        if dest.startswith(f"{PYSIDE}/"):
            if module is not None:
                if module in used:
                    roots.add(dest)
            elif plugin:
                roots.add(dest)
            elif "QtWebEngineProcess" in PurePosixPath(dest).name:
                roots.add(dest)
            elif plugin is None and not is_shared_lib(dest):
                roots.add(dest)  # an odd non-library file collected as binary: keep
        elif typecode == "EXTENSION" or dest not in linked_by_someone:
            roots.add(dest)  # Python extension modules, libpython, libraries hooks asked for

    keep = set(roots)
    for root in roots:
        keep |= toc_links.get(root, set())  # ldd output is already transitive

    dropped_qt = {dest for dest, _, typecode in binaries
                  if typecode != "SYMLINK" and dest.startswith(f"{PYSIDE}/") and dest not in keep}
    # Non-Qt libraries that only dropped Qt files linked (ffmpeg, gstreamer, libxkbcommon-x11...).
    referrers: dict[str, set[str]] = {}
    for dest, deps in toc_links.items():
        for dep in deps:
            referrers.setdefault(dep, set()).add(dest)
    drop: set[str] = set(dropped_qt)
    changed = True
    while changed:  # until no more orphans: a dropped library may orphan another
        changed = False
        for dest, _src, typecode in binaries:
            if typecode == "SYMLINK" or dest in keep or dest in drop or dest.startswith(f"{PYSIDE}/"):
                continue
            refs = referrers.get(dest, set())
            if refs and refs <= drop:
                drop.add(dest)
                changed = True

    def symlink_target_dropped(dest: str, src: str) -> bool:
        target = str(PurePosixPath(dest).parent / src) if src else ""
        return os.path.normpath(target) in drop

    new_binaries, dropped = [], []
    for entry in binaries:
        dest, src, typecode = entry
        gone = dest in drop or (typecode == "SYMLINK" and (symlink_target_dropped(dest, src) or
                                                            (dest.startswith(f"{PYSIDE}/") and plugin_kept(dest) is False)))
        (dropped if gone else new_binaries).append(entry)
    new_datas = []
    for entry in datas:  # PyInstaller 6 lists the top-level symlinks to Qt libraries among the datas
        dest, src, typecode = entry
        gone = symlink_target_dropped(dest, src) if typecode == "SYMLINK" else not data_kept(dest)
        (dropped if gone else new_datas).append(entry)

    kept_qt = sorted(d for d, _, t in new_binaries + new_datas if d.startswith(f"{PYSIDE}/"))
    return PruneResult(
        binaries=new_binaries, datas=new_datas, dropped=dropped, kept_qt=kept_qt, roots=sorted(roots),
        dropped_bytes=sum(_size(src) for _, src, typecode in dropped if typecode != "SYMLINK"),
    )


def main(argv: list[str] | None = None) -> int:
    """``python bundle/qt_prune.py``: print the PySide6 modules FlowDesk uses (what the spec keeps)."""
    repo = Path(__file__).resolve().parents[1]
    used = pyside6_modules_used(repo)
    print("used:", " ".join(sorted(used)))
    print("excluded:", " ".join(unused_pyside6_modules(used)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
