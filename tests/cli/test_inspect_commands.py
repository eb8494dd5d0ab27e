"""``flowdesk list`` / ``check`` on hostile workspaces: refused interfaces shown broken, nothing else hidden."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, copy_workspace


def test_interfaces_whose_src_leads_out_are_broken_in_list_and_check(flowdesk_cli, tmp_path: Path) -> None:
    ws = copy_workspace(FIXTURES / "interface_src_workspace", tmp_path / "ws")
    interfaces = ws / "private" / "interfaces"
    listed = flowdesk_cli("list", "--json", workspace=ws)
    assert listed.code == 0, listed.err
    errors = {i["name"]: i["error"] for i in listed.json()["interfaces"]}
    assert errors["plain"] is None and errors["custom_src"] is None
    assert errors["up_and_out"].startswith(f"{interfaces / 'up_and_out' / 'config.json'}: src: '../../../config'")
    assert errors["absolute"].startswith(f"{interfaces / 'absolute' / 'config.json'}: src: '/etc'")
    text = flowdesk_cli("list", workspace=ws).out
    assert f"interface up_and_out: {interfaces / 'up_and_out' / 'config.json'}: src: " in text
    check = flowdesk_cli("check", "--no-import", workspace=ws)
    assert check.code == 1
    assert sum(": src: " in line for line in check.out.splitlines()) == 2, check.out
    assert "2 error(s)" in check.out
