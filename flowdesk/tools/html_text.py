"""Readable text from HTML with the standard library's ``html.parser`` (web pages, HTML e-mails)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

# Never text a reader wants.
_ALWAYS_SKIPPED = {"script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "head"}
# Page furniture: dropped from web pages, kept in e-mails (which rarely use these tags for chrome).
_BOILERPLATE = {"nav", "header", "footer", "aside", "form", "button", "select", "menu", "dialog"}
_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section",
           "article", "main", "blockquote", "pre", "hr", "dd", "dt", "dl", "figure", "figcaption", "address",
           "details", "summary", "body", "html", "nav", "header", "footer", "aside", "form", "menu"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


@dataclass
class HtmlText:
    """The ``<title>`` (if any) and the body text, paragraphs separated by blank lines."""

    title: str | None
    text: str


class _Extractor(HTMLParser):
    def __init__(self, strip_boilerplate: bool, keep_links: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.skipped = _ALWAYS_SKIPPED | (_BOILERPLATE if strip_boilerplate else set())
        self.keep_links = keep_links
        self.skip_depth = 0
        self.pre_depth = 0
        self.in_title = False
        self.title_parts: list[str] = []
        self.lines: list[str] = []
        self.current: list[str] = []
        self.hrefs: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open a block, a skipped element, a list item or a link."""
        if tag == "title":
            self.in_title = True
            return
        if tag in self.skipped and tag not in _VOID:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag in _BLOCKS:
            self._flush(blank=tag not in ("br", "li", "tr", "dd", "dt"))
        if tag == "li":
            self.current.append("- ")
        elif tag == "pre":
            self.pre_depth += 1
        elif tag == "a":
            href = dict(attrs).get("href")
            self.hrefs.append(href if href and href.startswith(("http://", "https://", "mailto:")) else None)
        elif tag in ("td", "th"):
            self.current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A self-closed ``<br/>`` or ``<hr/>`` ends the line."""
        if not self.skip_depth and tag in ("br", "hr"):
            self._flush(blank=tag == "hr")

    def handle_endtag(self, tag: str) -> None:
        """Close a block or skipped element; write a kept link's URL."""
        if tag == "title":
            self.in_title = False
            return
        if tag in self.skipped and tag not in _VOID:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth:
            return
        if tag == "a" and self.hrefs:
            href = self.hrefs.pop()
            shown = "".join(self.current)
            if self.keep_links and href and href.removeprefix("mailto:") not in shown:
                self.current.append(f" ({href})")
        if tag in _BLOCKS:
            self._flush(blank=tag not in ("li", "tr", "dd", "dt"))
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        """Text: kept for the title or the current line unless inside a skipped element."""
        if self.in_title:
            self.title_parts.append(data)
        elif not self.skip_depth:
            self.current.append(data if self.pre_depth else _SPACES.sub(" ", data.replace("\n", " ")))

    def _flush(self, blank: bool) -> None:
        line = "".join(self.current)
        self.current = []
        if self.pre_depth:
            self.lines.extend(line.rstrip().splitlines())
        elif line.strip():
            self.lines.append(_SPACES.sub(" ", line).strip())
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def result(self) -> HtmlText:
        """The collected title and text."""
        self._flush(blank=False)
        text = "\n".join(self.lines).strip()
        title = _SPACES.sub(" ", "".join(self.title_parts)).strip() or None
        return HtmlText(title=title, text=re.sub(r"\n{3,}", "\n\n", text))


def html_to_text(html: str, *, strip_boilerplate: bool = False, keep_links: bool = False) -> HtmlText:
    """Title and text of ``html``: scripts/styles dropped, blocks on their own lines, list items dashed.

    ``strip_boilerplate`` also drops nav/header/footer/aside/forms (web pages);
    ``keep_links`` writes ``text (url)`` for links whose URL is not already shown (e-mail text parts).
    """
    parser = _Extractor(strip_boilerplate, keep_links)
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:  # html.parser gives up on some malformed declarations; keep what was read
        pass
    return parser.result()
