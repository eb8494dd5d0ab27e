"""``flowdesk run`` refuses a workflow switched off in its config.json unless ``--force`` (issue 12 #15)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import FIXTURES, CliResult, copy_workspace


def test_an_inactive_seed_workflow_needs_force(tmp_path: Path, flowdesk_cli: Callable[..., CliResult]) -> None:
    ws = copy_workspace(FIXTURES / "seed_routes_workspace", tmp_path / "ws")
    config = ws / "private/workflows/relance_clients/config.json"
    before = config.read_bytes()

    refused = flowdesk_cli("run", "relance_clients", workspace=ws)
    assert refused.code == 1 and refused.out == ""
    assert "workflow 'relance_clients' is inactive" in refused.err
    assert "flowdesk run relance_clients --force" in refused.err
    assert flowdesk_cli("runs", "relance_clients", "--json", workspace=ws).json() == []  # nothing was recorded

    forced = flowdesk_cli("run", "relance_clients", "--force", "-p", "jours_retard=45", workspace=ws)
    assert forced.code == 0, forced.err
    record = forced.json()
    assert record["status"] == "success" and record["output"]["message"] == "3 relances envoyées (retard > 45 jours)"
    assert config.read_bytes() == before  # --force runs it once; it stays switched off

    active = flowdesk_cli("run", "rapport_quotidien", workspace=ws)  # no "active" key: on by default
    assert active.code == 0 and active.json()["status"] == "success"
