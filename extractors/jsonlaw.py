"""JSON lists of provisions (the India Code scraper's shape) to `Line`s.

Each provision becomes a heading line `Section N. Title` followed by its content, broken
at sub-section markers `(1)`, `(2)` … so it goes through the same splitter as every other
format. Footnotes (`[Footnote] …`) stay on lines of their own, where the splitter files
them as notes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from corpus.errors import ExtractionError
from corpus.model import ExtractedDocument, Line
from extractors.text import clean_spaces, decode

# A sub-section marker in flat text: "(1) ", "(2A) " after a sentence end or a dash.
_SUBSECTION = re.compile(r"(?:(?<=[.;:—])|(?<=--)|(?<=-))\s+(?=\(\d+[A-Z]?\)\s)")
_FOOTNOTE = re.compile(r"\s*\[Footnote\]\s*")


def _content_lines(content: str) -> list[str]:
    out: list[str] = []
    for block in re.split(r"\n\s*\n", clean_spaces(content)):
        block = block.strip()
        if not block:
            continue
        if block.startswith("[Footnote]"):
            out.append("[Footnote] " + _FOOTNOTE.sub("", block, count=1).strip())
            continue
        for part in _SUBSECTION.split(block):
            part = re.sub(r"\s+", " ", part).strip()
            if part:
                out.append(part)
    return out


def json_lines(payload: object, path: Path) -> list[Line]:
    if not isinstance(payload, dict) or not isinstance(payload.get("provisions"), list):
        raise ExtractionError(path, "unsupported format: JSON without a 'provisions' list")
    lines: list[Line] = []
    title = payload.get("title")
    if isinstance(title, str) and title.strip():
        lines += [Line(title.strip(), None, True), Line("")]
    for item in payload["provisions"]:
        if not isinstance(item, dict):
            continue
        number = str(item.get("section") or item.get("provision_ref") or "").strip()
        number = re.sub(r"^s(?=\d)", "", number)
        heading = re.sub(r"\s+", " ", str(item.get("title") or "")).strip()
        if number:
            lines.append(Line(f"Section {number}. {heading}".rstrip(), None, True))
        elif heading:
            lines.append(Line(heading, None, True))
        lines += [Line(text) for text in _content_lines(str(item.get("content") or ""))]
        lines.append(Line(""))
    while lines and not lines[-1].text:
        lines.pop()
    return lines


def read_json(path: Path, data: bytes | None = None) -> ExtractedDocument:
    data = path.read_bytes() if data is None else data
    try:
        payload = json.loads(decode(data, path))
    except json.JSONDecodeError as exc:
        raise ExtractionError(path, f"invalid JSON ({exc.msg} at line {exc.lineno})") from exc
    except RecursionError as exc:
        raise ExtractionError(path, "JSON nested too deeply to be a list of provisions") from exc
    lines = json_lines(payload, path)
    if not any(line.text for line in lines):
        raise ExtractionError(path, "no provisions in JSON file")
    return ExtractedDocument(path=path, format="json", lines=lines)
