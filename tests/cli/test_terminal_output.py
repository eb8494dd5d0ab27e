"""A workspace cannot drive the user's terminal through what ``flowdesk`` prints (run, runs, list, check, logs)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, copy_workspace

SCRIPT = Path(sys.executable).parent / "flowdesk"  # the installed console script, as a user runs it
# C0 but newline and tab, DEL, C1 (as UTF-8 text): ESC, BEL, CR, 8-bit CSI/OSC...
CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def assert_inert(raw: bytes, what: str) -> str:
    """``raw`` decoded, after checking it holds no byte or character a terminal would act on."""
    for byte in (b"\x1b", b"\x07", b"\x9b", b"\x9d", b"\r"):
        assert byte not in raw, f"{what}: {byte!r} reached the terminal: {raw[:400]!r}"
    text = raw.decode("utf-8")
    found = CONTROLS.findall(text)
    assert not found, f"{what}: control characters {found!r} reached the terminal"
    return text


class Flowdesk:
    """``flowdesk ...`` through the console script, stdout and stderr kept as bytes."""

    def __init__(self, workspace: Path, data_dir: Path) -> None:
        self.workspace, self.data_dir = workspace, data_dir

    def __call__(self, *args: str, code: int | None = 0) -> tuple[str, str]:
        env = {**os.environ, "FLOWDESK_DATA_DIR": str(self.data_dir)}
        env.pop("FLOWDESK_WORKSPACE", None)
        proc = subprocess.run([str(SCRIPT), *args, "--workspace", str(self.workspace)], capture_output=True,
                              timeout=120, env=env)
        what = "flowdesk " + " ".join(args)
        out, err = assert_inert(proc.stdout, what + " (stdout)"), assert_inert(proc.stderr, what + " (stderr)")
        if code is not None:
            assert proc.returncode == code, (what, proc.returncode, out, err)
        return out, err


@pytest.fixture()
def flowdesk(tmp_path: Path, data_dir: Path) -> Flowdesk:
    return Flowdesk(copy_workspace(FIXTURES / "terminal_escapes", tmp_path / "ws"), data_dir)


def test_run_prints_the_hostile_record_as_inert_valid_json(flowdesk: Flowdesk) -> None:
    out, _ = flowdesk("run", "escapes")
    record = json.loads(out)
    # The workflow's own data is kept exactly (JSON escapes carry it), the recorded message is made visible.
    assert record["output"]["data"]["title"] == "\x1b]0;pwned\x07"
    assert record["output"]["data"]["eight_bit"] == "\x9b2J\x85\x7f"
    assert record["message"] == "\\x1b]0;pwned\\x07\\x1b[2J\\x1b[H\\x9b2Jdone\\x0dfaked"
    assert "printed on stdout" in record["log"] and "written on stderr" in record["log"]


def test_a_failing_run_and_its_error_are_inert(flowdesk: Flowdesk) -> None:
    out, _ = flowdesk("run", "escapes", "-p", "status=error", code=1)
    assert json.loads(out)["message"].startswith("\\x1b]0;pwned")
    out, _ = flowdesk("run", "raises", code=1)
    record = json.loads(out)
    assert record["status"] == "error" and "\\x1b]0;pwned\\x07\\x1b[2Jboom\\x9b2J" in record["error"]


def test_runs_table_detail_and_json_are_inert(flowdesk: Flowdesk) -> None:
    out, _ = flowdesk("run", "escapes")
    run_id = json.loads(out)["id"]
    flowdesk("run", "raises", code=1)
    table, _ = flowdesk("runs")
    assert "\\x1b]0;pwned" in table  # shown, visibly, not obeyed
    detail, _ = flowdesk("runs", "--id", run_id)
    assert json.loads(detail)["output"]["data"]["clipboard"] == "\x1b]52;c;cHduZWQ=\x1b\\"
    listed, _ = flowdesk("runs", "--json")
    assert {r["workflow"] for r in json.loads(listed)} == {"escapes", "raises"}


def test_list_and_check_quote_hostile_config_values_inertly(flowdesk: Flowdesk) -> None:
    text, _ = flowdesk("list")
    assert "workflow bad_timezone:" in text and "timezone: unknown time zone '\\x1b]0;pwned\\x07" in text
    assert "interface bad_route:" in text and "route: '/\\x1b]0;pwned\\x07" in text
    data, _ = flowdesk("list", "--json")
    errors = {b["name"]: b["error"] for b in json.loads(data)["broken"]}
    assert "\x1b]0;pwned\x07" in errors["bad_timezone"]  # JSON keeps the exact text, escaped
    checked, _ = flowdesk("check", code=1)
    assert "unknown time zone '\\x1b]0;pwned" in checked
    flowdesk("check", "--json", code=1)


def test_error_lines_on_stderr_are_inert(flowdesk: Flowdesk) -> None:
    _, err = flowdesk("run", "bad_timezone", code=1)  # the broken config's error, quoting its value
    assert err.startswith("flowdesk: ") and "unknown time zone '\\x1b]0;pwned\\x07\\x1b[2J\\x9b2J'" in err
    _, err = flowdesk("run", "no_such_\x1b]0;pwned\x07", code=1)
    assert "no_such_\\x1b]0;pwned\\x07" in err
    _, err = flowdesk("run", "escapes", "--data", "{\"a\x1b[2J\": ", code=1)
    assert err.startswith("flowdesk: --data: invalid JSON")
