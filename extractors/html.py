"""HTML to `Line`s with the standard library's parser: block elements end lines,
h1-h6 are headings, script/style/nav/head are dropped."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from corpus.errors import ExtractionError
from corpus.model import ExtractedDocument, Line
from extractors.text import clean_spaces, decode

_BLOCK = frozenset(
    "p div br li ul ol tr td th table h1 h2 h3 h4 h5 h6 section article header footer "
    "blockquote pre dt dd dl hr title body main aside figure figcaption caption".split()
)
_DROP = frozenset("script style nav head noscript template svg button form select".split())
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[Line] = []
        self._buffer: list[str] = []
        self._drop = 0
        self._heading = 0

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", clean_spaces("".join(self._buffer))).strip()
        self._buffer = []
        if text:
            self.lines.append(Line(text, None, self._heading > 0))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            self._drop += 1
        elif tag in _BLOCK:
            self._flush()
            if tag in _HEADINGS:
                self._heading += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self._drop = max(0, self._drop - 1)
        elif tag in _BLOCK:
            self._flush()
            if tag in _HEADINGS:
                self._heading = max(0, self._heading - 1)

    def handle_data(self, data: str) -> None:
        if not self._drop:
            self._buffer.append(data)


def html_lines(text: str) -> list[Line]:
    collector = _Collector()
    collector.feed(text)
    collector.close()
    collector._flush()
    return collector.lines


def read_html(path: Path, data: bytes | None = None) -> ExtractedDocument:
    data = path.read_bytes() if data is None else data
    lines = html_lines(decode(data, path))
    if not lines:
        raise ExtractionError(path, "no text in HTML file")
    return ExtractedDocument(path=path, format="html", lines=lines)
