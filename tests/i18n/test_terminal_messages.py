"""What the app prints on the terminal (no display, already open) speaks the CLI's language; English unchanged."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flowdesk.gui.app import already_open_message
from flowdesk.gui.display_check import no_display_message
from flowdesk.i18n.cli_text import set_language


@pytest.fixture()
def language() -> Iterator[object]:
    yield set_language
    set_language(None)


def test_already_open_in_french_and_english(language) -> None:  # noqa: ANN001
    language("fr")
    assert already_open_message() == ("FlowDesk est déjà ouvert sur ce dossier de données ; "
                                      "sa fenêtre a été mise au premier plan.")
    language("en")
    assert already_open_message() == "FlowDesk is already open on this data dir; its window was brought forward."


def test_no_display_in_french_and_english(language) -> None:  # noqa: ANN001
    language("fr")
    assert no_display_message().splitlines() == [
        "FlowDesk ne peut pas ouvrir sa fenêtre : aucun écran trouvé (DISPLAY et WAYLAND_DISPLAY ne sont pas définies).",
        "Sur un serveur, lancez le même planificateur et la même API sans fenêtre : flowdesk serve"]
    language("en")
    assert no_display_message() == ("FlowDesk cannot open its window: no display found (DISPLAY and WAYLAND_DISPLAY "
                                    "are unset).\nOn a server, run the same scheduler and API without a window: "
                                    "flowdesk serve")
