"""Hostile and broken law files, made by the tests (never copied from a real law): each writes
one file into a folder and returns its path."""

from __future__ import annotations

import codecs
import zipfile
from pathlib import Path

GOOD_LAW = """EMPLOYMENT STANDARDS ACT

Section 1. Hours of work
No employee shall be required to work more than forty hours in a week, and every employee
shall have a weekly rest of at least twenty-four consecutive hours.

Section 2. Homeworkers
A homeworker who works in his or her own home for an employer shall be paid for every piece
of work delivered, at a rate not lower than the minimum wage for comparable work.
"""


def good_text(folder: Path, name: str = "good.txt") -> Path:
    path = folder / name
    path.write_text(GOOD_LAW, encoding="utf-8")
    return path


def odd_utf16(folder: Path) -> Path:
    """UTF-16 with its BOM and one byte too many at the end."""
    path = folder / "odd-utf16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + GOOD_LAW.encode("utf-16-le") + b"A")
    return path


def docx(folder: Path, name: str = "law.docx") -> Path:
    import docx as python_docx

    document = python_docx.Document()
    for line in GOOD_LAW.splitlines():
        document.add_paragraph(line)
    path = folder / name
    document.save(str(path))
    return path


def _rewrite_part(path: Path, part: str, content: bytes) -> None:
    """Replace one part of a ZIP archive, keeping the others."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[part] = content
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def corrupt_deflate_docx(folder: Path) -> Path:
    """A DOCX whose document.xml has damaged compressed data (the archive's index intact)."""
    path = docx(folder, "corrupt-deflate.docx")
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/document.xml")
    data = bytearray(path.read_bytes())
    header = info.header_offset
    start = header + 30 + int.from_bytes(data[header + 26 : header + 28], "little")
    start += int.from_bytes(data[header + 28 : header + 30], "little")
    middle = start + info.compress_size // 2
    data[middle : middle + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))
    return path


def truncated_xml_docx(folder: Path) -> Path:
    """A DOCX whose document.xml stops halfway (a valid archive of broken XML)."""
    path = docx(folder, "truncated-xml.docx")
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml")
    _rewrite_part(path, "word/document.xml", xml[: len(xml) // 2])
    return path


def zip_bomb_docx(folder: Path, megabytes: int = 30) -> Path:
    """A DOCX whose document.xml expands a thousand times (a small bomb; real ones go to GBs)."""
    path = docx(folder, "bomb.docx")
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("word/document.xml").decode()
    filler = "<w:p><w:r><w:t>" + "a" * (megabytes << 20) + "</w:t></w:r></w:p>"
    _rewrite_part(path, "word/document.xml", xml.replace("<w:body>", "<w:body>" + filler).encode())
    return path


def deep_json(folder: Path, depth: int = 200_000) -> Path:
    path = folder / "deep.json"
    path.write_bytes(b"[" * depth + b"]" * depth)
    return path


def one_line_text(folder: Path, megabytes: int = 50) -> Path:
    """A text file of one enormous line."""
    path = folder / "one-line.txt"
    path.write_bytes(b"homework " * ((megabytes << 20) // 9))
    return path
