"""Splitting an `ExtractedDocument` into `Provision`s, in three passes:

- `lines`: one linear pass classifies every line against the tables of precompiled patterns
  of `languages` (provision headings by family, division headings by rank, editorial notes,
  closing formulas); a second keeps the document's main families and drops its tables of
  contents;
- `tree`: a small state machine walks the classified lines, keeping the stack of divisions
  above the current provision (its `context`) and collecting the provision's text and notes.

Guards against the usual traps, all generic rather than per file:
- a cross-reference at the start of a line ("artículo 245 de esta ley") is not a heading:
  after the number must come a delimiter, a capitalised title or nothing;
- a table of contents is a run of headings without bodies whose citations come back later;
- articles quoted by an amending article (after "… quedará así:") stay in its text;
- numbering that starts again (bilingual texts, gazettes with several instruments) counts
  `occurrence` per citation and opens a new context root.
"""

from __future__ import annotations

from corpus.model import ExtractedDocument, Provision
from extractors.provisions.languages import grammar_for, ordinal_value
from extractors.provisions.lines import choose_families, classify_lines, drop_tables_of_contents
from extractors.provisions.tree import TreeBuilder

__all__ = ["ordinal_value", "split"]


def split(doc: ExtractedDocument, language: str) -> list[Provision]:
    """Split a document into its provisions (articles, sections, §§), in document order."""
    if not language:
        from extractors.language import detect

        language = detect(doc.text)
    grammar = grammar_for(language)
    lines = classify_lines(doc, grammar)
    choose_families(lines)
    drop_tables_of_contents(lines)
    return TreeBuilder(doc, grammar, lines).run()
