"""Log lines, traceback links and the editor command used by the run inspector."""

from __future__ import annotations

from pathlib import Path

from flowdesk.core.editor_launch import editor_command
from flowdesk.core.log_lines import PRINT, parse_log, passes_level
from flowdesk.core.traceback_links import source_links

LOG = """2026-01-02 10:00:00,001 INFO workflows.x.main: start
printed by the workflow
2026-01-02 10:00:01,002 ERROR workflows.x.main: failed
Traceback (most recent call last):
  File "/w/x/main.py", line 3, in execute
ValueError: boom
2026-01-02 10:00:02,003 WARNING workflows.x.main: careful"""


def test_log_lines_have_time_level_and_continuations() -> None:
    lines = parse_log(LOG)
    assert [l.level for l in lines] == ["INFO", PRINT, "ERROR", "ERROR", "ERROR", "ERROR", "WARNING"]
    assert lines[0].time == "2026-01-02 10:00:00,001" and lines[3].continuation
    assert lines[0].text[lines[0].body_start:] == "workflows.x.main: start"
    assert [passes_level(l, "WARNING") for l in lines] == [False, False, True, True, True, True, True]
    assert all(passes_level(l, "DEBUG") for l in lines)
    tail = parse_log("  more traceback", previous=lines[2])
    assert tail[0].level == "ERROR" and tail[0].continuation


def test_traceback_links_only_for_workspace_files(tmp_path: Path) -> None:
    main = tmp_path / "private" / "workflows" / "x" / "main.py"
    main.parent.mkdir(parents=True)
    main.write_text("x = 1\n")
    text = (f'Traceback (most recent call last):\n  File "{main}", line 12, in execute\n'
            f'  File "/usr/lib/python3.11/json/__init__.py", line 3, in loads\n'
            f"private/workflows/x/main.py:7: warning\n")
    links = source_links(text, tmp_path)
    assert [(l.path, l.line) for l in links] == [(main, 12), (main, 7)]
    assert text[links[0].start:links[0].end] == f'File "{main}", line 12'


def test_editor_command_prefers_settings_then_environment_then_known_editors(tmp_path: Path) -> None:
    f = tmp_path / "main.py"
    assert editor_command(f, 4, "myedit --goto {file}:{line}") == ["myedit", "--goto", f"{f}:4"]
    assert editor_command(f, 4, "myedit") == ["myedit", str(f)]
    assert editor_command(f, 4, None, {"EDITOR": "code --wait"}) == ["code", "--wait", "-g", f"{f}:4"]
    none = lambda _name: None  # noqa: E731
    assert editor_command(f, 4, None, {"EDITOR": "vim"}, which=none) is None  # needs a terminal
    assert editor_command(f, 4, None, {}, which=lambda n: "/bin/gedit" if n == "gedit" else None) == \
        ["/bin/gedit", "+4", str(f)]
