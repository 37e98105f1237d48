"""Reading laws: `read(path)` for any supported file, `split(doc, language)` for provisions,
`detect(text)` for the language.

Formats are recognised by their bytes (magic numbers, markup), the extension being only a
hint, so a mislabelled file is read for what it is, and a format we do not read fails with
a clear `ExtractionError`.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from corpus.errors import ExtractionError
from corpus.model import ExtractedDocument
from extractors.language import detect
from extractors.provisions import split

__all__ = ["read", "sniff", "split", "detect"]

_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
# What one document may hold. The longest labour codes we know have under 2 million characters;
# the limits keep a hostile or mistaken file from taking the machine's memory.
MAX_TEXT_CHARS = 5_000_000
MAX_TEXT_BYTES = 20_000_000  # text-like files (HTML, JSON, Markdown, text) on disk
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


def sniff(path: Path, head: bytes) -> str:
    """The format of a file from its first bytes: pdf | docx | html | json | markdown | text.
    Raises `ExtractionError` for empty files and formats we do not read."""
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
    if _HTML_START.match(body[:4096]):
        return "html"
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


def read(path: Path, ocr: bool = False) -> ExtractedDocument:
    """Read a law file of any supported format into an `ExtractedDocument`.

    Whatever goes wrong while reading (a library's own exception on a damaged file included)
    raises `ExtractionError`, one line naming the file, so that a run can go on without it."""
    path = Path(path)
    try:
        document = _read(path, ocr)
    except ExtractionError:
        raise
    except Exception as error:  # the readers' libraries fail in more ways than they document
        raise ExtractionError.unexpected(path, error) from error
    if len(document.text) > MAX_TEXT_CHARS:
        raise ExtractionError(
            path, f"{len(document.text):,} characters of text, over the {MAX_TEXT_CHARS:,} limit"
        )
    return document


def _read(path: Path, ocr: bool) -> ExtractedDocument:
    if not path.is_file():
        raise ExtractionError(path, "no such file")
    with open(path, "rb") as handle:
        head = handle.read(8192)
    kind = sniff(path, head)
    if kind == "pdf":
        from extractors.pdf import read_pdf  # heavy, and another module's concern

        return read_pdf(path, ocr=ocr)
    if kind == "docx":
        from extractors.docx import read_docx

        return read_docx(path)
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:  # refused unread: a text file is held whole, several times over
        raise ExtractionError(path, f"{size:,} bytes of {kind}, over the {MAX_TEXT_BYTES:,} limit")
    data = path.read_bytes()
    if kind == "html":
        from extractors.html import read_html

        return read_html(path, data)
    if kind == "json":
        from extractors.jsonlaw import read_json

        try:
            return read_json(path, data)
        except ExtractionError:
            if path.suffix.lower() == ".json":
                raise
            # "{" opened a text file that is not JSON: read it as text after all.
            try:
                json.loads(data)
            except ValueError:
                kind = "text"
            else:
                raise
    if kind == "markdown":
        from extractors.markdown import read_markdown

        return read_markdown(path, data)
    from extractors.text import read_text

    return read_text(path, data)
