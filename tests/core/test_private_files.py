"""Owner-only data: loose modes are tightened (one log line), new files are 0600 even with a lax umask."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from flowdesk.core.private_files import create_private_file, tighten_data_dir
from flowdesk.core.service_log import PrivateRotatingFileHandler
from flowdesk.core.store import RunStore
from flowdesk.core.workspace import resolve_data_dir
from flowdesk.tools.whatsapp import inbox

pytestmark = pytest.mark.skipif(os.name != "posix", reason="mode bits are POSIX-only (Windows uses ACLs)")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture()
def lax_umask() -> Iterator[None]:
    """A typical default umask: files 0644, folders 0755 unless the code asks for less."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def loose(path: Path, text: str = "x", perms: int = 0o644) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.chmod(path, perms)
    return path


def test_a_loose_data_dir_is_tightened_with_one_log_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data = tmp_path / "data"
    data.mkdir()
    os.chmod(data, 0o755)
    for name in ("flowdesk.sqlite3", "flowdesk.sqlite3-wal", "flowdesk.sqlite3-shm", "whatsapp_inbox.sqlite3",
                 "api_token", "logs/flowdesk.log", "logs/flowdesk.log.1"):
        loose(data / name)
    os.chmod(data / "logs", 0o755)
    loose(data / "flowdesk.sqlite3-journal", perms=0o664)
    unrelated = loose(data / "notes.txt")  # not ours: a data dir may be a folder that holds other things
    outside = loose(tmp_path / "outside.txt")
    os.symlink(outside, data / "linked.sqlite3")  # a link is never followed to chmod its target
    with caplog.at_level(logging.INFO, logger="flowdesk.core.private_files"):
        changes = tighten_data_dir(data)
    assert mode(data) == 0o700 and mode(data / "logs") == 0o700
    for name in ("flowdesk.sqlite3", "flowdesk.sqlite3-wal", "flowdesk.sqlite3-shm", "flowdesk.sqlite3-journal",
                 "whatsapp_inbox.sqlite3", "api_token", "logs/flowdesk.log", "logs/flowdesk.log.1"):
        assert mode(data / name) == 0o600, name
    assert mode(unrelated) == 0o644 and mode(outside) == 0o644
    assert "data dir 0755->0700" in changes and "flowdesk.sqlite3 0644->0600" in changes
    assert "flowdesk.sqlite3-journal 0664->0600" in changes and "logs/flowdesk.log 0644->0600" in changes
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 1 and str(data) in lines[0] and "flowdesk.sqlite3 0644->0600" in lines[0], lines
    caplog.clear()
    assert tighten_data_dir(data) == [] and caplog.records == []  # already private: nothing said


def test_an_owner_exec_bit_is_not_a_leak(tmp_path: Path) -> None:
    loose(tmp_path / "api_token", perms=0o700)
    os.chmod(tmp_path, 0o700)
    assert tighten_data_dir(tmp_path) == []


def test_new_store_database_and_its_wal_are_owner_only(tmp_path: Path, lax_umask: None) -> None:
    data = resolve_data_dir(tmp_path / "fresh" / "data")
    assert mode(data) == 0o700
    store = RunStore(data / "flowdesk.sqlite3")
    try:
        assert (data / "flowdesk.sqlite3-wal").exists()
        for name in ("flowdesk.sqlite3", "flowdesk.sqlite3-wal", "flowdesk.sqlite3-shm"):
            assert mode(data / name) == 0o600, name
    finally:
        store.close()


def test_create_private_file_keeps_an_existing_file(tmp_path: Path) -> None:
    path = loose(tmp_path / "db.sqlite3", "content", perms=0o444)
    create_private_file(path)  # read-only file: not even opened for writing
    assert path.read_text(encoding="utf-8") == "content" and mode(path) == 0o444


def test_new_whatsapp_inbox_is_owner_only(tmp_path: Path, lax_umask: None) -> None:
    payload = {"object": "whatsapp_business_account", "entry": [{"id": "W", "changes": [{"field": "messages", "value": {
        "metadata": {"display_phone_number": "15550100000", "phone_number_id": "1"},
        "contacts": [{"profile": {"name": "Marie"}, "wa_id": "33612345678"}],
        "messages": [{"from": "33612345678", "id": "wamid.1", "timestamp": str(int(time.time())), "type": "text",
                      "text": {"body": "private words"}}]}}]}]}
    assert inbox.record_delivery(tmp_path / "data", payload) == 1
    assert mode(tmp_path / "data") == 0o700
    path = tmp_path / "data" / inbox.INBOX_FILE
    assert mode(path) == 0o600
    with sqlite3.connect(path) as reader:  # keeps the WAL alive while we look at it
        reader.execute("SELECT count(*) FROM messages").fetchone()
        inbox.record_delivery(tmp_path / "data", payload)
        for suffix in ("-wal", "-shm"):
            extra = path.with_name(path.name + suffix)
            assert not extra.exists() or mode(extra) == 0o600, suffix


def test_log_files_are_owner_only_also_after_rollover(tmp_path: Path, lax_umask: None) -> None:
    path = tmp_path / "flowdesk.log"
    handler = PrivateRotatingFileHandler(path, maxBytes=200, backupCount=2, encoding="utf-8")
    logger = logging.getLogger("test.private_log")
    logger.addHandler(handler)
    try:
        for i in range(20):
            logger.warning("line %d %s", i, "x" * 40)
    finally:
        logger.removeHandler(handler)
        handler.close()
    assert (tmp_path / "flowdesk.log.1").exists()
    for p in (path, tmp_path / "flowdesk.log.1", tmp_path / "flowdesk.log.2"):
        assert mode(p) == 0o600, p
