"""Plain-text reading and the byte decoding shared by the text-like formats."""

from __future__ import annotations

import codecs
from pathlib import Path

from corpus.errors import ExtractionError
from corpus.model import ExtractedDocument, Line

# Characters that are white space in laws but not to `str.split` users downstream.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\ufeff": "", "\u200b": ""})


def decode(data: bytes, path: Path | str = "") -> str:
    """Bytes to text: BOMs first, then UTF-8, then cp1252 (a superset of Latin-1 in
    practice), then Latin-1, which never fails."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")  # an odd last byte is not the law
    # UTF-16 without BOM: every other byte is NUL in Latin-script text.
    if len(data) >= 4 and data[1:200:2].count(0) > 0.8 * len(data[1:200:2]):
        return data.decode("utf-16-le", errors="replace")
    if len(data) >= 4 and data[0:200:2].count(0) > 0.8 * len(data[0:200:2]):
        return data.decode("utf-16-be", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def clean_spaces(text: str) -> str:
    """NBSP and friends to plain spaces; zero-width characters and BOMs dropped."""
    return text.translate(_SPACES)


def lines_from_text(text: str) -> list[Line]:
    """Text to `Line`s: right-stripped, runs of blank lines folded into one."""
    out: list[Line] = []
    for raw in clean_spaces(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.rstrip()
        if not line.strip() and (not out or not out[-1].text):
            continue
        out.append(Line(line.strip()))
    while out and not out[-1].text:
        out.pop()
    return out


def read_text(path: Path, data: bytes | None = None) -> ExtractedDocument:
    data = path.read_bytes() if data is None else data
    text = decode(data, path)
    lines = lines_from_text(text)
    if not any(line.text.strip() for line in lines):
        raise ExtractionError(path, "no text in file")
    return ExtractedDocument(path=path, format="text", lines=lines)
