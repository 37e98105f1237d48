"""Finlex statute XML (the `vn.fi/skeemat` schemas of Finlex and Semantic Finlex) to `Line`s.

Only the statute itself (`Saados`) is read, in document order; the identification block,
references and signatures around it are metadata. A chapter (`Luku`) becomes the heading
line "1 luku. Title", a section (`Pykala`) the heading line "1 § Title", and each moment,
lead-in, item and sub-item a line of its own with its number ("1) …") as written, so the
splitter cites, titles and files the sections under their chapters as it does the Finnish
Markdown laws. Intermediate headings between sections (`SaadosValiotsikkoKooste`) are left
out: the splitter has no place for them and would add them to the section before.

The file is parsed by expat with no DTD: a document type declaration (the way to entity
expansion and external entities) is refused, and so is a file over `MAX_BYTES`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from corpus.errors import ExtractionError
from corpus.model import ExtractedDocument, Line
from extractors.text import clean_spaces

MAX_BYTES = 20 * 1024 * 1024  # the largest Finnish acts are a few MB
_NAMESPACE = re.compile(rb'xmlns(?::[\w.-]+)?\s*=\s*["\']http://www\.(?:vn|finlex)\.fi/skeemat/')
_DOCTYPE = re.compile(rb"<!(?:DOCTYPE|ENTITY)\b")
# Elements whose text is one line of the law (as is the text of any element without
# children); inline markup inside them (italics) is kept as words, nested ones of these
# (sub-items inside an item) get lines of their own.
_BLOCKS = frozenset(
    "MomenttiKooste MomenttiJohdantoKooste MomenttiKohtaKooste MomenttiAlakohtaKooste".split()
)
_SKIPPED = frozenset({"SaadosValiotsikkoKooste"})


def is_finlex(head: bytes) -> bool:
    """Whether the first bytes of a file declare a Finlex statute namespace."""
    return _NAMESPACE.search(head) is not None


def _name(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def _words(text: str) -> str:
    return " ".join(clean_spaces(text).split())


class _Walk:
    def __init__(self) -> None:
        self.lines: list[Line] = []

    def add(self, text: str, heading: bool = False) -> None:
        text = _words(text)
        if text:
            self.lines += [Line(text, None, heading), Line("")]

    def element(self, element: ET.Element) -> None:
        name = _name(element)
        if name in _SKIPPED:
            return
        if name in _BLOCKS or not len(element):
            self.block(element)
            return
        children = list(element)
        number = next((c for c in children if _name(c).endswith("TunnusKooste")), None)
        if number is not None:
            # "1 luku" + title -> "1 luku. Title"; "1 §" + title -> "1 § Title"
            title = next((c for c in children if _name(c) == "SaadosOtsikkoKooste"), None)
            label = _words("".join(number.itertext()))
            if title is not None:
                separator = " " if label.endswith("§") else ". "
                label += separator + _words("".join(title.itertext()))
            self.add(label, heading=True)
            children = [c for c in children if c is not number and c is not title]
        for child in children:
            self.element(child)

    def block(self, element: ET.Element) -> None:
        parts = [element.text or ""]
        for child in element:
            if _name(child) in _BLOCKS:
                self.add("".join(parts))
                parts = []
                self.block(child)
            else:
                parts.append("".join(child.itertext()))
            parts.append(child.tail or "")
        self.add("".join(parts))


def finlex_lines(root: ET.Element) -> list[Line]:
    """The lines of every statute (`Saados`) under a parsed Finlex document's root."""
    walk = _Walk()
    for statute in root.iter():
        if _name(statute) == "Saados":
            walk.element(statute)
    while walk.lines and not walk.lines[-1].text:
        walk.lines.pop()
    return walk.lines


def read_finlex(path: Path, data: bytes | None = None) -> ExtractedDocument:
    data = path.read_bytes() if data is None else data
    if len(data) > MAX_BYTES:
        raise ExtractionError(
            path, f"XML file of {len(data) // 2**20} MB is over the {MAX_BYTES // 2**20} MB limit"
        )
    if _DOCTYPE.search(data):
        raise ExtractionError(path, "XML with a document type declaration is not read")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ExtractionError(path, f"malformed or truncated XML ({exc})") from exc
    lines = finlex_lines(root)
    if not any(line.text for line in lines):
        raise ExtractionError(path, "no statute text (Saados) in Finlex XML")
    return ExtractedDocument(path=path, format="finlex", lines=lines)
