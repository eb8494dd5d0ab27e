"""argparse's own words (``usage:``, ``options:``, ``error: the following arguments are required``…) in the CLI's language.

argparse looks its module-level ``_`` and ``ngettext`` up each time it words something, so pointing
them at ``cli_text.translate`` (context ``argparse``) translates help pages and errors without
copying argparse. Installed only when the language is not English: English keeps gettext's
functions and costs nothing. ARGPARSE_WORDS is what ``flowdesk.i18n.extract`` adds to the catalogue
(Python 3.11's wording; a word argparse changes in a later Python simply shows in English).
"""

from __future__ import annotations

import argparse

from flowdesk.i18n.cli_text import cli_language, translate
from flowdesk.i18n.language import SOURCE_LANGUAGE

ARGPARSE_CONTEXT = "argparse"
ARGPARSE_WORDS = (
    "usage: ",
    "positional arguments",
    "options",
    "subcommands",
    "show this help message and exit",
    "argument %(argument_name)s: %(message)s",
    "%(prog)s: error: %(message)s\n",
    "the following arguments are required: %s",
    "one of the arguments %s is required",
    "unrecognized arguments: %s",
    "not allowed with argument %s",
    "ignored explicit argument %r",
    "expected one argument",
    "expected at most one argument",
    "expected at least one argument",
    "expected %s argument",
    "expected %s arguments",
    "ambiguous option: %(option)s could match %(matches)s",
    "unexpected option string: %s",
    "invalid %(type)s value: %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)",
    "unknown parser %(parser_name)r (choices: %(choices)s)",
    "can't open '%(filename)s': %(error)s",
)


def _gettext(text: str | None) -> str | None:
    return translate(ARGPARSE_CONTEXT, text) if text else text


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translate(ARGPARSE_CONTEXT, singular if n == 1 else plural)


def install_argparse_words() -> bool:
    """Route argparse's wording through the CLI's catalogue when the CLI does not speak English; True if done."""
    if cli_language() == SOURCE_LANGUAGE:
        return False
    argparse._ = _gettext  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
    return True
