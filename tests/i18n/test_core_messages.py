"""The core's messages translated at the boundary, found by the extractor, and checked for completeness."""

from __future__ import annotations

from pathlib import Path

from flowdesk.core.translatable import translatable
from flowdesk.i18n.catalogue_check import lost_placeholders, untranslated
from flowdesk.i18n.core_messages import localized
from flowdesk.i18n.extract import core_messages, read_catalogue
from tests.conftest import REPO

FRENCH = {("InputValidation", "must be at least {count} characters"): "doit contenir au moins {count} caractères",
          ("Scheduler", "{path}: schedule: {reason}"): "{path} : schedule : {reason}",
          ("Cron", "empty cron expression"): "expression cron vide"}


def french(context: str, text: str) -> str:
    return FRENCH.get((context, text), text)


def test_a_core_message_is_translated_then_filled_and_nested_ones_too() -> None:
    assert localized(translatable("InputValidation", "must be at least {count} characters", count=3), french) == \
        "doit contenir au moins 3 caractères"
    nested = translatable("Scheduler", "{path}: schedule: {reason}", path="a/config.json",
                          reason=translatable("Cron", "empty cron expression"))
    assert localized(nested, french) == "a/config.json : schedule : expression cron vide"
    assert localized("plain text from a workflow", french) == "plain text from a workflow"
    assert localized(None, french) is None


def test_a_translation_with_a_broken_placeholder_shows_the_english() -> None:
    def broken(context: str, text: str) -> str:
        return "doit contenir au moins {nombre} caractères"

    message = translatable("InputValidation", "must be at least {count} characters", count=3)
    assert localized(message, broken) == "must be at least 3 characters"


def test_the_extractor_finds_the_core_marked_messages_and_helper_calls() -> None:
    found = {(c, s) for c, s, _ in core_messages(REPO / "flowdesk" / "core" / "input_validation.py")}
    assert ("InputValidation", "must be at least {count} characters") in found  # translatable(...) itself
    assert ("InputValidation", "is required") in found  # through the module's _msg helper
    assert ("InputValidation", "must be on or after {bound}") in found
    assert all(c == "InputValidation" for c, _ in found)


def test_the_completeness_check_fails_on_a_missing_french_or_a_lost_placeholder(tmp_path: Path) -> None:
    ts = tmp_path / "broken_fr.ts"
    ts.write_text("""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="en">
<context>
    <name>InputValidation</name>
    <message>
        <source>must be at least {count} characters</source>
        <translation>doit contenir au moins quelques caractères</translation>
    </message>
    <message>
        <source>is required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>must be a number</source>
        <translation>doit être un nombre</translation>
    </message>
</context>
</TS>
""", encoding="utf-8")
    catalogue = read_catalogue(ts)
    wanted = {("InputValidation", "is required"), ("InputValidation", "must be a number"),
              ("InputValidation", "must be at least {count} characters")}
    assert untranslated(wanted, catalogue) == ["InputValidation: 'is required'"]
    assert lost_placeholders(catalogue) == ["InputValidation: 'must be at least {count} characters' -> "
                                            "'doit contenir au moins quelques caractères'"]
