"""Mentions of home work in a provision: the words `c177_marks` found, typed.

A mention is a noun ("homeworker", "trabajadores a domicilio", "Heimarbeiter", "надомники"),
a verb phrase ("who work in their own home", "trabajan en su domicilio", "travaillent à
domicile", "in der eigenen Wohnung arbeiten") or a place phrase ("at home", "en su domicilio")
that counts only when a rule governs it. The term lists are the `[homework]` sections of
`classifiers/lexicons/<lang>.toml`; telework and domestic work are never mentions of home work.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from spacy.tokens import Doc


class MentionKind(StrEnum):
    NOUN = "noun"
    VERB = "verb"
    PLACE = "place"


@dataclass(frozen=True)
class Mention:
    text: str
    kind: MentionKind
    start: int  # character offsets into the provision text
    end: int
    token_start: int
    token_end: int
    cited: bool  # only inside the name of another instrument ("the Home Work Act")


def find_mentions(doc: Doc) -> list[Mention]:
    """Every mention of home work in a Doc that went through `c177_marks`, in text order."""
    out = []
    for span in doc._.homework_spans or ():
        if span.label_ == "weak":
            kind = MentionKind.PLACE
        else:
            kind = MentionKind.VERB if span._.verb else MentionKind.NOUN
        out.append(
            Mention(
                span.text, kind, span.start_char, span.end_char, span.start, span.end, span._.cited
            )
        )
    return out
