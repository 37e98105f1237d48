"""The format of a law file from its bytes (magic numbers, markup), the extension being
only a hint: a mislabelled file is read for what it is, and a format we do not read fails
with a clear `ExtractionError`."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from corpus.errors import ExtractionError
from extractors.finlex import is_finlex

_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_XML_START = re.compile(rb"^\s*<\?xml\b")
_MARKDOWN_HINT = re.compile(r"^(?:---\s*$|#{1,6}|<meta\b)", re.MULTILINE)
_TEXT_SUFFIXES = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".text": "text"}
# Binary formats we recognise only to say so clearly.
_KNOWN_BINARY = {
    b"\xd0\xcf\x11\xe0": "legacy Office (.doc/.xls) file",
    b"{\\rtf": "RTF",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"II*\x00": "TIFF image",
    b"MM\x00*": "TIFF image",
    b"\x1f\x8b": "gzip archive",
}


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as exc:
        raise ExtractionError(path, f"damaged ZIP container ({exc})") from exc
    if "word/document.xml" in names:
        return "docx"
    if any(n.startswith("xl/") for n in names):
        raise ExtractionError(path, "unsupported format: spreadsheet (XLSX)")
    if "content.xml" in names:
        raise ExtractionError(path, "unsupported format: OpenDocument file")
    raise ExtractionError(path, "unsupported format: ZIP archive without word/document.xml")


def _looks_textual(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls <= len(head) // 100


def _markup_kind(path: Path, body: bytes) -> str | None:
    """html or finlex for a file that opens with their markup; other XML is refused."""
    if _HTML_START.match(body[:4096]):
        return "html"
    if body.lstrip()[:1] == b"<" and is_finlex(body):
        return "finlex"
    if _XML_START.match(body) and not re.search(rb"<html\b", body[:4096], re.I):
        raise ExtractionError(path, "unsupported format: XML that is not a Finlex statute")
    return None


def sniff(path: Path, head: bytes) -> str:
    """The format of a file from its first bytes: pdf | docx | html | finlex | json | markdown |
    text. Raises `ExtractionError` for empty files and formats we do not read."""
    if not head.strip():
        raise ExtractionError(path, "empty file")
    body = head.lstrip(b"\xef\xbb\xbf")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    for magic, name in _KNOWN_BINARY.items():
        if head.startswith(magic):
            raise ExtractionError(path, f"unsupported format: {name}")
    if not _looks_textual(head[:4096]):
        raise ExtractionError(path, "unsupported format: binary data")
    markup = _markup_kind(path, body)
    if markup:
        return markup
    stripped = body.lstrip()
    if stripped[:1] in (b"{", b"["):
        return "json"
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm", ".xhtml") and b"<" in body[:4096]:
        return "html"
    if suffix in _TEXT_SUFFIXES:
        return _TEXT_SUFFIXES[suffix]
    try:
        sample = body[:8192].decode("utf-8", errors="ignore")
    except UnicodeDecodeError:  # pragma: no cover - errors="ignore" never raises
        sample = ""
    return "markdown" if _MARKDOWN_HINT.search(sample) else "text"
