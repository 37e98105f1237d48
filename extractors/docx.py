"""DOCX (python-docx) to `Line`s, in body order, paragraphs and tables alike."""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from lxml import etree

from corpus.errors import ExtractionError
from corpus.model import ExtractedDocument, Line
from extractors.text import clean_spaces

if TYPE_CHECKING:  # python-docx is imported when a DOCX file is read
    from docx.table import Table
    from docx.text.paragraph import Paragraph

# A DOCX is a ZIP archive. Real laws expand 15-25 times to a few MB of XML; a ZIP bomb expands
# thousands of times, into gigabytes.
MAX_EXPANDED_BYTES = 100_000_000
MAX_RATIO = 100
# Styles that mark headings: Word's own and ConsultantPlus's title style.
_HEADING_STYLE = re.compile(r"^(?:heading\b|title\b|conspl?us ?title$)", re.IGNORECASE)
# One-cell boxes that ConsultantPlus inserts (editor's notes, lists of amending acts): not law.
_NOTE_BOX = re.compile(r"КонсультантПлюс|Список изменяющих документов|ConsultantPlus")


def _is_heading(paragraph: Paragraph) -> bool:
    try:
        name = paragraph.style.name if paragraph.style is not None else ""
    except (KeyError, ValueError):
        name = ""
    return bool(_HEADING_STYLE.match(name or ""))


def check_expansion(path: Path) -> None:
    """Refuse a ZIP bomb before opening it: a DOCX expanding past MAX_EXPANDED_BYTES in all, or
    a large part expanding more than MAX_RATIO times. The sizes are the archive's own claims,
    and `zipfile` never inflates a part past its claimed size."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
    total = sum(part.file_size for part in parts)
    if total > MAX_EXPANDED_BYTES:
        raise ExtractionError(
            path, f"expands to {total:,} bytes, over the {MAX_EXPANDED_BYTES:,} a DOCX may hold"
        )
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > 1_000_000 and ratio > MAX_RATIO:
            raise ExtractionError(
                path, f"{part.filename} expands {ratio:,.0f} times, over the {MAX_RATIO}x limit"
            )


def docx_lines(path: Path) -> list[Line]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    check_expansion(path)
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, zlib.error, etree.XMLSyntaxError) as exc:
        reason = " ".join(str(exc).split())
        raise ExtractionError(path, f"not a readable DOCX file ({reason})") from exc

    out: list[Line] = []

    def add(text: str, heading: bool) -> None:
        for part in clean_spaces(text).split("\n"):
            part = re.sub(r"[ \t]+", " ", part).strip()
            if part:
                out.append(Line(part, None, heading))
            elif out and out[-1].text:
                out.append(Line(""))

    # Walk the body in order: `document.paragraphs` alone would skip every table.
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            # p.text, not runs: hyperlink text lives outside the paragraph's direct runs.
            add(paragraph.text, _is_heading(paragraph))
        elif tag == "tbl":
            for cell_text in _table_text(Table(child, document)):
                add(cell_text, False)
    while out and not out[-1].text:
        out.pop()
    return out


def _table_text(table: Table) -> list[str]:
    """The texts of a table's cells, merged cells once; none for an editorial note box."""
    cells: list[str] = []
    for row in table.rows:
        for cell in row.cells:
            if cell.text.strip() and (not cells or cells[-1] != cell.text):
                cells.append(cell.text)
    return [] if any(_NOTE_BOX.search(c) for c in cells) else cells


def read_docx(path: Path) -> ExtractedDocument:
    lines = docx_lines(path)
    if not any(line.text for line in lines):
        raise ExtractionError(path, "no text in DOCX file")
    return ExtractedDocument(path=path, format="docx", lines=lines)
