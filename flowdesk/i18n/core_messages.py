"""The core's messages in the user's language, at the window's or the CLI's boundary.

The core hands over ``Translatable`` strings (English text plus context, template and named
arguments; see flowdesk.core.translatable). Here the template is looked up through the caller's
translate function (``QCoreApplication.translate`` in the window, ``cli_text.translate`` in the
CLI) and filled again; arguments that are messages themselves are translated first. Anything else
is shown as it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flowdesk.core.translatable import Translatable

TranslateFunction = Callable[[str, str], str]


def localized(text: Any, translate: TranslateFunction) -> Any:
    """``text`` in the language of ``translate`` when it is a core message; otherwise ``text`` unchanged."""
    if not isinstance(text, Translatable):
        return text
    template = translate(text.context, text.template)
    if not text.arguments:
        return template
    arguments = {name: localized(value, translate) for name, value in text.arguments.items()}
    try:
        return template.format(**arguments)
    except (KeyError, IndexError, ValueError):  # a translation with a broken placeholder: the English beats nothing
        return str(text)


def localized_values(messages: Mapping[str, Any], translate: TranslateFunction) -> dict[str, Any]:
    """A copy of ``messages`` (field -> message) with every value localized."""
    return {key: localized(value, translate) for key, value in messages.items()}
