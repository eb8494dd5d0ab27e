"""Interface files: dot-files are never served and a src leading out of its folder serves nothing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowdesk.core.listener.interface_files import safe_file
from flowdesk.core.service_settings import RuntimeSettings
from tests.conftest import FIXTURES, copy_workspace
from tests.core.listener.conftest import TOKEN, Api, ServiceThread
from tests.core.listener.test_access_and_attacks import raw_get

HIDDEN = {".env": "SECRET_DOTENV", ".htpasswd": "admin:SECRET_HTPASSWD", ".git/config": "[remote] SECRET_GIT",
          "sub/.secret": "SECRET_SUB", ".well/page.html": "SECRET_DOTDIR"}


def plant_hidden_files(src: Path) -> None:
    """The dot-files a web folder typically ends up holding, plus an innocent-looking link to one."""
    for rel, text in HIDDEN.items():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text(text, encoding="utf-8")
    os.symlink(src / ".env", src / "env.txt")


@pytest.fixture()
def ws(tmp_path: Path) -> Path:
    root = copy_workspace(FIXTURES / "interface_src_workspace", tmp_path / "ws")
    plant_hidden_files(root / "private/interfaces/plain/src")
    linked = root / "private/interfaces/linked"
    linked.mkdir()
    (linked / "config.json").write_text('{"route": "/linked"}', encoding="utf-8")
    os.symlink(root / "config", linked / "src")
    return root


@pytest.fixture()
def service(ws: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ServiceThread]:
    monkeypatch.setenv("FLOWDESK_API_TOKEN", TOKEN)
    svc = ServiceThread(ws, data_dir, RuntimeSettings(max_workers=1, warm_workers=0), watch=False, grace=2).start()
    yield svc
    svc.stop()


def not_found_body(service: ServiceThread, path: str) -> bytes:
    status, body = raw_get(service, path, "127.0.0.1")
    assert status == 404, (path, status, body)
    return body


def test_dot_files_and_dot_folders_are_never_served(service: ServiceThread) -> None:
    assert b"plain index" in raw_get(service, "/plain/", "127.0.0.1")[1]
    for path in ["/plain/" + rel for rel in HIDDEN] + [
            "/plain/%2eenv", "/plain/%252eenv", "/plain/sub/%2Esecret", "/plain/./.env", "/plain/sub/../.env",
            "/plain/.git/", "/plain/.git", "/plain/env.txt"]:
        body = not_found_body(service, path)
        assert b"SECRET" not in body, path
        # The same answer as for a file that does not exist: nothing tells a hidden file is there.
        missing = not_found_body(service, path.replace(".", "_"))
        assert body.replace(b".", b"_") == missing.replace(b".", b"_"), path


def test_refused_src_serves_nothing_and_the_other_interfaces_work(service: ServiceThread, api: Api) -> None:
    for path in ("/up_and_out/", "/up_and_out/secret.txt", "/absolute/passwd", "/linked/", "/linked/secret.txt"):
        status, body = raw_get(service, path, "127.0.0.1")
        assert status == 404 and b"SECRET_OUTSIDE" not in body, path
    assert "custom index" in api("GET", "/custom/", auth=False).text
    assert "custom sub page" in api("GET", "/custom/sub/page.html", auth=False).text
    assert "plain sub page" in api("GET", "/plain/sub/page.html", auth=False).text
    broken = {i["name"]: i["broken"] for i in api("GET", "/api/interfaces").json()}
    assert broken == {"absolute": True, "custom_src": False, "linked": True, "plain": False, "up_and_out": True,
                      "dashboard": False}  # the built-in dashboard (issue 12 #12)


@pytest.fixture()
def api(service: ServiceThread) -> Api:
    return Api(service.url)


def test_safe_file_refuses_a_src_relinked_out_after_discovery(tmp_path: Path) -> None:
    folder = tmp_path / "interfaces" / "page"
    (folder / "src").mkdir(parents=True)
    (folder / "src" / "index.html").write_text("ok", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "index.html").write_text("SECRET", encoding="utf-8")
    assert safe_file(folder / "src", "index.html", within=folder) == (folder / "src" / "index.html").resolve()
    (folder / "src" / "index.html").unlink()
    (folder / "src").rmdir()
    os.symlink(outside, folder / "src")
    assert safe_file(folder / "src", "index.html", within=folder) is None
    assert safe_file(folder / "src", "", within=folder) is None
