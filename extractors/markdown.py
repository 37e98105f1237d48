"""Markdown laws (the dialects of the shared collections) to `Line`s.

Kept: the words, line by line, with `heading=True` on `#` lines. Dropped: YAML front
matter, `<meta>` lines, emphasis markers, link targets, HTML tags, footnote references and
definitions. One exception: a footnote that says a provision was repealed ("Aufgehoben
durch …") is put back, in brackets, on the line after the heading that cites it, because it
is the only place the document says so.
"""

from __future__ import annotations

import re
from pathlib import Path

from corpus.errors import ExtractionError
from corpus.model import ExtractedDocument, Line
from extractors.text import clean_spaces, decode

_FRONT_MATTER = re.compile(r"\A\ufeff?---\s*\n.*?\n---\s*\n", re.DOTALL)
_META = re.compile(r"^\s*<meta\b[^>]*>\s*$", re.IGNORECASE)
_HEADING = re.compile(r"^\s{0,3}(#{1,6})(?!#)\s*(.*?)\s*#*\s*$")
_FOOTNOTE_DEF = re.compile(r"^\s*\[\^([^\]]+)\]:\s*(.*)$")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]]+)\]")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
# [text](url) -> text; the text may itself hold brackets from emphasis ("[*Ley*](…)").
_LINK = re.compile(r"\[([^\[\]]*)\]\((?:[^()\s]|\([^()]*\))*(?:\s+\"[^\"]*\")?\)")
# the same over line breaks: infoleg wraps link texts, with blank lines in between
_WRAPPED_LINK = re.compile(r"\[([^\[\]]{0,300}?)\]\((?:[^()\s]|\([^()]*\))*\)")
_ANCHOR_LINK = re.compile(r"\[([^\[\]]*)\]\(#[^)]*\)")
_LEADING_SUP = re.compile(r"^\s*<sup>\s*([0-9]+[a-z]?)\s*</sup>\s*")
_SUPSUB = re.compile(r"</?(?:sup|sub)>", re.IGNORECASE)
_TAG = re.compile(
    r"</?(?:b|i|u|em|strong|span|font|br|p|div|a|small|big|center|mark|ins|del|s)\b[^>]*>",
    re.IGNORECASE,
)
_EMPHASIS = re.compile(r"\*+|(?<![\w\\])_{1,3}(?=\S)|(?<=\S)_{1,3}(?!\w)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|])")
_DEFINITION = re.compile(r"^:\s{2,}")  # pandoc definition list ("Ausfertigungsdatum / :   1951")
_BULLET = re.compile(r"^\s*[*+]\s+")
_REPEAL_FOOTNOTE = re.compile(
    r"^\s*(?:aufgehoben|abrogée?s?|abrogato|abrogata|repealed|derogad[oa])\b", re.IGNORECASE
)
# Finnish consolidations put reference links on deeply indented lines of their own: they
# continue the line before, they are not code blocks.
_CONTINUATION_INDENT = 16


def _inline(text: str) -> str:
    text = _IMAGE.sub("", text)
    for _ in range(3):  # nested emphasis inside link text needs more than one pass
        new = _ANCHOR_LINK.sub(r"\1", _LINK.sub(r"\1", text))
        if new == text:
            break
        text = new
    text = _FOOTNOTE_REF.sub("", text)
    text = _SUPSUB.sub("", _TAG.sub("", text))
    text = _EMPHASIS.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def markdown_lines(text: str) -> list[Line]:
    """Markdown source to cleaned `Line`s (no pages)."""
    text = clean_spaces(text).replace("\r\n", "\n").replace("\r", "\n")
    text = _FRONT_MATTER.sub("", text, count=1)
    text = _WRAPPED_LINK.sub(lambda m: m.group(1) if "\n" in m.group(1) else m.group(0), text)
    raw_lines = text.split("\n")

    footnotes: dict[str, str] = {}
    kept: list[str] = []
    for raw in raw_lines:
        m = _FOOTNOTE_DEF.match(raw)
        if m:
            footnotes[m.group(1)] = _inline(m.group(2))
            continue
        if _META.match(raw):
            continue
        kept.append(raw)

    out: list[Line] = []
    for raw in kept:
        stripped = raw.strip()
        if raw.startswith(" " * _CONTINUATION_INDENT) and stripped and out and out[-1].text:
            prev = out.pop()
            out.append(Line(f"{prev.text} {_inline(stripped)}".strip(), None, prev.heading))
            continue
        heading = _HEADING.match(raw)
        is_heading = heading is not None
        body = heading.group(2) if heading else raw
        refs = _FOOTNOTE_REF.findall(body) if is_heading else []
        body = _DEFINITION.sub("", body.strip())
        body = _BULLET.sub("- ", body)
        # Swiss Absatz numbers are superscripts at the start of the line: keep the number.
        body = _LEADING_SUP.sub(r"\1 ", body)
        cleaned = _inline(body)
        if not cleaned:
            if out and out[-1].text:
                out.append(Line(""))
            continue
        out.append(Line(cleaned, None, is_heading))
        for ref in refs:
            note = footnotes.get(ref, "")
            if _REPEAL_FOOTNOTE.match(note):
                out.append(Line(f"[{note}]"))
    while out and not out[-1].text:
        out.pop()
    return out


def read_markdown(path: Path, data: bytes | None = None) -> ExtractedDocument:
    data = path.read_bytes() if data is None else data
    lines = markdown_lines(decode(data, path))
    if not any(line.text for line in lines):
        raise ExtractionError(path, "no text in markdown file")
    return ExtractedDocument(path=path, format="markdown", lines=lines)
