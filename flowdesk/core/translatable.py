"""Messages the core shows to people: English text that also carries what the window and the CLI need to translate it.

The core never imports Qt. ``translatable("Context", "must be at least {count} characters", count=3)``
*is* the English string (a ``str`` subclass: logs, the HTTP API, JSON and tests see exactly the text
they saw before), and it keeps its context, template and named arguments so the window
(``QCoreApplication.translate``) and the CLI (``cli_text.translate``) can show it in the user's
language at their boundary (``flowdesk.i18n.core_messages.localized``). ``flowdesk.i18n.extract``
collects every call whose context and template are literals, the way lupdate reads Qt's
``QT_TRANSLATE_NOOP``.

Text that was stored or sent as plain English (a run's error read back from the database) is
recognised again by a ``message_template`` declared at module level: ``TEMPLATE.recognise(text)``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_FIELD = re.compile(r"\{(\w+)\}")


class Translatable(str):
    """An English message (the string itself) with its context, template and arguments."""

    context: str
    template: str
    arguments: Mapping[str, Any]

    def __new__(cls, context: str, template: str, arguments: Mapping[str, Any] | None = None) -> Translatable:
        """The English text of ``template`` filled with ``arguments``."""
        arguments = dict(arguments or {})
        made = super().__new__(cls, template.format(**arguments) if arguments else template)
        made.context, made.template, made.arguments = context, template, arguments
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled across processes (multiprocessing, Celery): keep what makes it translatable
        return (Translatable, (self.context, self.template, dict(self.arguments)))


def translatable(context: str, template: str, **arguments: Any) -> Translatable:
    """The marker the extractor finds: ``template`` (``{name}`` placeholders) filled with ``arguments``."""
    return Translatable(context, template, arguments)


class MessageTemplate:
    """A template declared once, used to make messages and to recognise its English text later."""

    def __init__(self, context: str, template: str) -> None:
        self.context, self.template = context, template
        self._pattern: re.Pattern[str] | None = None  # compiled on first use: most processes never recognise text

    def _compiled(self) -> re.Pattern[str]:
        if self._pattern is None:
            pattern, last = [], 0
            for found in _FIELD.finditer(self.template):
                pattern.append(re.escape(self.template[last:found.start()]))
                pattern.append(f"(?P<{found.group(1)}>.+?)")
                last = found.end()
            pattern.append(re.escape(self.template[last:]))
            self._pattern = re.compile("".join(pattern), re.DOTALL)
        return self._pattern

    def __call__(self, **arguments: Any) -> Translatable:
        """This template filled with ``arguments``."""
        return Translatable(self.context, self.template, arguments)

    def recognise(self, text: str) -> Translatable | None:
        """``text`` as this template's message when it is exactly its English form, else None."""
        found = self._compiled().fullmatch(text)
        return None if found is None else Translatable(self.context, self.template, found.groupdict())


def message_template(context: str, template: str) -> MessageTemplate:
    """The marker the extractor finds for module-level templates."""
    return MessageTemplate(context, template)


def recognise(text: str | None, templates: tuple[MessageTemplate, ...]) -> str | None:
    """``text`` as the first of ``templates`` it matches (translatable), else unchanged."""
    if not text or isinstance(text, Translatable):
        return text
    for template in templates:
        found = template.recognise(text)
        if found is not None:
            return found
    return text
