"""The words FlowDesk stores when it ends a run itself are recognised again from their English text, for translation."""

from __future__ import annotations

import signal

from flowdesk.core.engine.outcomes import timeout_message
from flowdesk.core.engine.worker_launch import exit_description
from flowdesk.core.run_messages import RUN_TEMPLATES, recognise_run_text
from flowdesk.core.translatable import Translatable
from tests.conftest import REPO


def test_every_template_recognises_its_own_english() -> None:
    for template in RUN_TEMPLATES:
        names = ("seconds", "reason", "during", "signal", "code", "workflow", "worker", "revision", "theirs", "tool",
                 "profile", "missing", "path", "scopes", "names")
        filled = template(**{name: f"<{name}>" for name in names if "{" + name + "}" in template.template})
        found = recognise_run_text(str(filled))
        assert isinstance(found, Translatable) and found.template == template.template, template.template


def test_what_the_engine_writes_is_recognised_with_its_arguments() -> None:
    timed_out = recognise_run_text(str(timeout_message(2.5)))
    assert timed_out.template == "timed out after {seconds} s" and timed_out.arguments == {"seconds": "2.5"}
    lost = recognise_run_text(str(exit_description(None)))
    assert lost == "worker process was lost during the run"
    assert lost.arguments["during"].template == "the run"  # the words inside are translated too
    crashed = recognise_run_text(str(exit_description(-signal.SIGSEGV)))
    assert crashed.template == "worker process crashed (signal {signal})" and crashed.arguments == {"signal": "SIGSEGV"}
    exited = recognise_run_text(str(exit_description(3, "the import check")))
    assert exited.arguments["code"] == "3" and exited.arguments["during"].template == "the import check"


def test_texts_written_outside_the_templates_use_the_same_words() -> None:
    # The worker subprocess words this one itself (it imports as little as it can): the template must stay in step.
    runner = (REPO / "flowdesk" / "core" / "engine" / "workflow_runner.py").read_text(encoding="utf-8")
    assert '"main.py defines no execute(data, tools) function"' in runner


def test_a_workflow_own_text_is_left_alone() -> None:
    assert not isinstance(recognise_run_text("Traceback (most recent call last):\n  boom"), Translatable)
    assert recognise_run_text(None) is None and recognise_run_text("") == ""
    long = "timed out after " + "9" * 5000 + " s"
    assert not isinstance(recognise_run_text(long), Translatable)  # past the size worth matching
