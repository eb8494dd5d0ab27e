"""Switching a workflow on or off rewrites only the ``active`` value of its config.json (issue 12 #15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowdesk.core.config.active_flag import rewrite_active, with_active
from flowdesk.core.errors import ConfigErrors
from flowdesk.core.runtime import Runtime
from flowdesk.core.workspace import Workspace
from tests.conftest import FIXTURES, copy_workspace

SEED = FIXTURES / "seed_routes_workspace"


@pytest.fixture()
def seed_ws(tmp_path: Path) -> Path:
    return copy_workspace(SEED, tmp_path / "ws")


def test_only_the_value_changes_in_an_oddly_indented_seed_config(seed_ws: Path) -> None:
    path = seed_ws / "private/workflows/relance_clients/config.json"
    before = path.read_bytes()
    assert b'"active" :false,' in before  # tabs, 3 and 6 spaces, a space before the colon: the seed author's style
    rewrite_active(path, True)
    after = path.read_bytes()
    assert after == before.replace(b'"active" :false,', b'"active" :true,')
    rewrite_active(path, False)
    assert path.read_bytes() == before


def test_a_missing_active_is_added_as_the_last_member_in_the_files_own_layout(seed_ws: Path) -> None:
    path = seed_ws / "private/workflows/rapport_quotidien/config.json"
    before = path.read_text(encoding="utf-8")
    rewrite_active(path, False)
    after = path.read_text(encoding="utf-8")
    assert after == before.replace('"tools_required": []\n}', '"tools_required": [],\n   "active": false\n}')
    assert list(json.loads(after))[-1] == "active"


@pytest.mark.parametrize(("text", "expected"), [
    ('{}', '{"active": false}'),
    ('{"name":"A"}', '{"name":"A","active":false}'),
    ('{\r\n\t"name" : "A",\r\n\t"x": [1, {"active": true}]\r\n}\r\n',
     '{\r\n\t"name" : "A",\r\n\t"x": [1, {"active": true}],\r\n\t"active": false\r\n}\r\n'),
    ('{"active": true, "name": "A", "active": "yes"}', '{"active": false, "name": "A", "active": false}'),
    ('  {"active":1}  ', '  {"active":false}  '),
])
def test_layouts(text: str, expected: str) -> None:
    assert with_active(text, False) == expected


def test_a_byte_order_mark_and_crlf_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_bytes('\ufeff{\r\n  "name": "Été",\r\n  "active": true\r\n}\r\n'.encode("utf-8"))
    rewrite_active(path, False)
    assert path.read_bytes() == '\ufeff{\r\n  "name": "Été",\r\n  "active": false\r\n}\r\n'.encode("utf-8")


def test_a_file_that_is_not_an_object_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    for text in ('["active"]', '{"active": tru}', '{"name": "A",}'):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigErrors):
            rewrite_active(path, True)
        assert path.read_text(encoding="utf-8") == text


def test_runtime_toggle_keeps_every_other_byte(seed_ws: Path, data_dir: Path) -> None:
    runtime = Runtime(Workspace(seed_ws), data_dir)
    try:
        runtime.registry.reload()
        path = seed_ws / "private/workflows/relance_clients/config.json"
        before = path.read_bytes()
        assert runtime.set_workflow_active("relance_clients", None) is True
        assert path.read_bytes() == before.replace(b":false", b":true")
        assert runtime.registry.workflow("relance_clients").config.active is True
        assert runtime.set_workflow_active("relance_clients", None) is False
        assert path.read_bytes() == before
    finally:
        runtime.store.close()
