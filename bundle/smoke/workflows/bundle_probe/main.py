"""Bundle smoke test: what a workflow can do inside a frozen worker process."""

import importlib
import math
import multiprocessing
import os
import subprocess
import sys

# What workflows commonly import: the stdlib FlowDesk itself may not use, and the built-in tools' packages.
MODULES = [
    "json", "csv", "sqlite3", "email", "email.mime.text", "email.mime.multipart", "smtplib", "imaplib",
    "poplib", "urllib.request", "urllib.parse", "http.client", "http.server", "zipfile", "tarfile", "gzip",
    "bz2", "lzma", "statistics", "decimal", "fractions", "uuid", "random", "secrets", "datetime", "zoneinfo",
    "calendar", "xml.etree.ElementTree", "xml.dom.minidom", "html.parser", "concurrent.futures", "asyncio",
    "ssl", "hashlib", "hmac", "base64", "tomllib", "configparser", "logging.handlers", "difflib", "textwrap",
    "shutil", "tempfile", "glob", "fnmatch", "pathlib", "pickle", "shelve", "dbm", "struct", "array",
    "itertools", "functools", "collections", "dataclasses", "typing", "enum", "heapq", "bisect", "copy",
    "pprint", "string", "re", "unicodedata", "locale", "gettext", "ipaddress", "socket", "mimetypes",
    "ftplib", "mailbox", "webbrowser", "wsgiref.simple_server", "xmlrpc.client", "sched", "queue",
    "threading", "multiprocessing.pool", "ctypes", "platform", "getpass", "timeit", "unittest.mock",
    "requests", "urllib3", "certifi", "slack_sdk", "slack_sdk.web.async_client", "notion_client", "httpx",
    "markdown", "markdown.extensions.tables", "markdown.extensions.fenced_code", "google.auth",
    "google.oauth2.credentials", "google.oauth2.service_account", "google_auth_oauthlib.flow", "aiohttp",
    "pydantic", "dotenv", "dateutil.parser", "croniter", "tzdata", "PySide6.QtCore",
    "tools.date.main", "tools.smoke_helper.main", "app.private.tools.smoke_helper.main", "config.logger",
]


def _mp(method: str) -> list[float] | str:
    try:
        with multiprocessing.get_context(method).Pool(2) as pool:
            return pool.map(math.sqrt, [1, 4, 9])
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return f"{type(exc).__name__}: {exc}"


def execute(data, tools):
    failed = {}
    for name in MODULES:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001
            failed[name] = f"{type(exc).__name__}: {exc}"
    import zoneinfo

    zoneinfo.reset_tzpath(to=[])  # the tzdata package only, not /usr/share/zoneinfo
    zoneinfo.ZoneInfo.clear_cache()
    try:
        paris = str(zoneinfo.ZoneInfo("Europe/Paris"))
    except Exception as exc:  # noqa: BLE001
        paris = f"{type(exc).__name__}: {exc}"
    finally:
        zoneinfo.reset_tzpath()
    import markdown

    from tools.smoke_helper.main import SmokeHelperTool

    sh = subprocess.run(["sh", "-c", 'echo "ld=${LD_LIBRARY_PATH:-unset}"'], capture_output=True, text=True, timeout=30)
    report = {
        "frozen": bool(getattr(sys, "frozen", False)),
        "executable": sys.executable,
        "failed_imports": failed,
        "imported": len(MODULES) - len(failed),
        "tzdata_paris": paris,
        "markdown_table": "<table>" in markdown.markdown("|a|b|\n|-|-|\n|1|2|", extensions=["tables"]),
        "workspace_tool": SmokeHelperTool().execute("ping", {})["data"],
        "mp_spawn": _mp("spawn"),
        "mp_forkserver": _mp("forkserver"),
        "subprocess": sh.stdout.strip(),
        "ld_library_path": os.environ.get("LD_LIBRARY_PATH"),
    }
    ok = (not failed and report["mp_spawn"] == [1.0, 2.0, 3.0] and report["mp_forkserver"] == [1.0, 2.0, 3.0]
          and paris == "Europe/Paris" and report["markdown_table"] and report["workspace_tool"] == "pong")
    return {"status": "success" if ok else "error", "message": "bundle probe " + ("passed" if ok else "failed"),
            "data": report}
