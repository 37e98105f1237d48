"""What each mention of home work does in its clause, and what follows for the provision.

Every mention (`classifiers.mentions`) is read in its clause (`corpus.clauses`) and given
one role, by the first of these rules that applies:

- `names`: it only sits in the name of another instrument ("the Home Work Act").
- `excludes`: an exclusion cue governs it, in its own clause ("shall not apply with respect
  to ... any homeworker") or in the lead-in of the list its item belongs to ("does not include
  any such person - ... (iii) who works as an out-worker"). What a cue before the mention
  governs must begin with the mention or with persons or their work ("persons who work in
  their own home", "the employment of outworkers"); when it begins with something else
  ("materials supplied to homeworkers"), the exclusion is about that, not homeworkers. A cue
  after the mention ("homeworkers are excluded") governs its subject, unless ", and" opens
  another clause in between.
- `defines`: a boundary cue stands right before it ("is excluded from home work", "no está
  comprendido en el trabajo a domicilio el que realizan ..."): something else is taken out of
  the notion, nothing is taken from homeworkers. This rule comes before the exclusion rule.
- `excludes`, carried over: the mention is the subject of its sentence ("Homeworkers are covered
  by the pension scheme.") and the next sentence, whose subject is left out or a pronoun, leaves
  it out of something ("They are not covered by the injury scheme", "No está comprendido en el
  régimen de accidentes de trabajo"): an exclusion from what that sentence names.
- `defines`: a definition cue stands right after it ("homeworker means", "Heimarbeiter im
  Sinne dieses Gesetzes ist") or opens its sentence right before it ("Se entiende por ...").
- `includes`: an inclusion cue precedes it in its clause or in the lead-in of its list
  ("including those who work in their home", "This Act applies to: ... (c) homeworkers"), not
  negated, and what it governs begins with the mention or with persons, as for exclusions.
- `names`: a place phrase alone ("at home") that no rule above governs.
- otherwise the role model (below) decides: `regulates` (the provision acts on homeworkers)
  or `names`.

An `excludes` or `includes` mention reaches the parts of the law its sentence names ("sections
12, 13 and 17", "el capítulo II", "dieser Abschnitt"), or the whole law when it names none; a
carried-over exclusion that names neither reaches the regime it names in words ("the employment
injury scheme"), which `corpus.decisive` reads as a partial exclusion.

From roles to the provision's status (`decide`), as a lawyer would read it:
1. any `excludes` -> `excludes` (an exclusion of homeworkers as such, or from named parts);
2. any `defines`, `includes` or `regulates` -> `explicit`; `defines` adds the topic
   `definition`, an inclusion reaching the whole law adds `scope` (and `definition` inside a
   definition), so the law's scope opens to homeworkers in the coverage matrix;
3. only `names` (or no mention) -> the status model decides, as before.

The role model is a scikit-learn estimator (`build_role_model`: DictVectorizer + logistic
regression over the words around the mention in its clause and where it stands) trained on weak
labels: mentions of provisions annotated `explicit` or `excludes` act on homeworkers
(`regulates`), those of `general` and `none` provisions only name them.

Cue lists live in the `[roles]` section of `classifiers/lexicons/<lang>.toml`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from spacy.tokens import Doc, Span, Token

from classifiers.lexicon import load_lexicon
from classifiers.mentions import Mention, MentionKind, find_mentions
from classifiers.nlp import pipeline_language
from corpus.clauses import Clause, ancestors, clause_of, split_clauses
from corpus.decisive import REGIME
from corpus.labels import TopicId
from corpus.model import Evidence


class Role(StrEnum):
    DEFINES = "defines"
    INCLUDES = "includes"
    REGULATES = "regulates"
    EXCLUDES = "excludes"
    NAMES = "names"


# what each role makes of the provision's status (rule 2 above)
ROLE_STATUS = {
    Role.EXCLUDES: "excludes",
    Role.DEFINES: "explicit",
    Role.INCLUDES: "explicit",
    Role.REGULATES: "explicit",
}
# the role model's two classes: acting on homeworkers, or only naming them
MODEL_ROLES = (Role.NAMES, Role.REGULATES)
WINDOW = 6  # words either side of a mention that the role model sees
INCLUDE_REACH = 120  # characters before a mention an inclusion cue may stand


@dataclass
class Reading:
    """One mention read in its clause."""

    mention: Mention
    clause: Clause
    role: Role | None  # None: the role model decides between regulates and names
    cue: str = ""  # the words of the rule that decided it
    cue_start: int | None = None
    cue_end: int | None = None
    parts: tuple[str, ...] = ()  # the parts an inclusion or exclusion reaches; () = whole law
    in_definition: bool = False  # the clause defines a term
    features: dict[str, float] = field(default_factory=dict, repr=False)


# --------------------------------------------------------------------------- cues


def _alternation(terms: Sequence[str]) -> str:
    """Terms as a regex alternation, longest first; `*` is any letters."""
    ordered = sorted({t.lower() for t in terms}, key=len, reverse=True)
    return "|".join(re.escape(t).replace(r"\*", r"\w*").replace(r"\ ", r"\s+") for t in ordered)


_REF_KEYWORDS = {
    "s.": r"sections?|ss?\.|secs?\.",
    "art.": r"articles?|arts?\.|art[íi]culos?|artigos?|artikel(?:en|s)?|статьи|статей|статья",
    "§": r"§§?|paragraphen",
    "chapter": r"chapters?|cap[íi]tulos?|chapitres?|kapitels?|hoofdstuk(?:ken)?|глав[аы]",
    "part": r"parts?|partes?|teils?|parties?|afdeling(?:en)?|abschnitts?|разделы?|раздела",
    "title": r"titles?|t[íi]tulos?|titres?|titels?",
}
_NUMBER = r"(?:\d+[A-Za-z]?(?:\s?(?:bis|ter))?(?:\(\d+\))?|[IVXLC]+\b)"
_JOIN = r"(?:,|\band\b|\bor\b|\by\b|\be\b|\bet\b|\bund\b|\boder\b|\ben\b|\bof\b|\bи\b|\bja\b)"
_RANGE = r"(?:\bto\b|\ba\b|\bal\b|\bbis\b|\bà\b|\bau\b|\btot\b|-|–)"
_REFS = re.compile(
    r"(?<!\w)(?P<kw>" + "|".join(_REF_KEYWORDS.values()) + r")\s*"
    rf"(?P<nums>{_NUMBER}(?:\s*(?:{_JOIN}|{_RANGE})\s*{_NUMBER})*)",
    re.IGNORECASE,
)
_THIS_PART = re.compile(
    r"\b(?:this|these|este|esta|estos|el\s+presente|la\s+presente|ce|cette|le\s+présent|"
    r"la\s+présente|dieses?|dieser|deze|dit|tämä|tämän|настоящ\w+)\s+"
    r"(?P<kw>part|chapter|title|section|capítulo|título|sección|chapitre|titre|abschnitts?|"
    r"kapitels?|teils?|hoofdstuk|afdeling|luku|luvun|глав\w+|раздел\w*)\b",
    re.IGNORECASE,
)
_THIS_KIND = {
    "cap": "chapter", "chap": "chapter", "kap": "chapter", "hoo": "chapter", "luk": "chapter",
    "luv": "chapter", "гла": "chapter", "tít": "title", "tit": "title", "sec": "section",
    "abs": "part", "tei": "part", "afd": "part", "par": "part", "раз": "part",
}  # fmt: skip


@dataclass(frozen=True)
class RoleCues:
    defines_after: re.Pattern[str]
    defines_before: re.Pattern[str]
    definition: re.Pattern[str]
    includes: re.Pattern[str]
    negated: re.Pattern[str]
    persons: re.Pattern[str]
    skip: frozenset[str]
    coordinators: frozenset[str]
    whole: re.Pattern[str]
    next_clause: re.Pattern[str]  # ", and" / ", y": another clause begins
    bounds: re.Pattern[str]  # a boundary cue ends right before the mention
    left_out: re.Pattern[str]
    carried: frozenset[str]


@functools.cache
def role_cues(lang: str) -> RoleCues:
    """The `[roles]` cues of a pipeline language, compiled once."""
    roles: dict[str, list[str]] = load_lexicon(lang).get("roles", {})

    def alt(key: str) -> str:
        return _alternation(roles.get(key, [])) or "(?!)"

    return RoleCues(
        defines_after=re.compile(rf"^[\s\"”’'»)]*,?\s*(?:{alt('defines')})\b", re.IGNORECASE),
        # at the start of a sentence or item: "Se entiende por (el) ..."
        defines_before=re.compile(
            rf"(?:^|[.:;]\s+|\n)\s*(?:(?:{alt('defines_before')})\s+)"
            r"(?:\w{1,3}\s+)?[\"“«„']?\s*$",
            re.IGNORECASE,
        ),
        definition=re.compile(rf"\b(?:{alt('defines')})\b", re.IGNORECASE),
        includes=re.compile(rf"(?<!\w)(?:{alt('includes')})(?!\w)", re.IGNORECASE),
        negated=re.compile(rf"(?<!\w)(?:{alt('negation')})(?:\s+\S+){{0,2}}\s*$", re.IGNORECASE),
        persons=re.compile(rf"(?:{alt('persons')})", re.IGNORECASE),
        skip=frozenset(w.lower() for w in roles.get("skip", [])),
        coordinators=frozenset(w.lower() for w in roles.get("coordinators", [])),
        whole=re.compile(rf"\b(?:{alt('whole')})\b", re.IGNORECASE),
        next_clause=re.compile(rf"[,;]\s*(?:{alt('coordinators')})\s", re.IGNORECASE),
        bounds=re.compile(rf"(?<!\w)(?:{alt('bounds')})\s+(?:\w{{1,3}}\s+)?$", re.IGNORECASE),
        left_out=re.compile(rf"(?<!\w)(?:{alt('left_out')})(?!\w)", re.IGNORECASE),
        carried=frozenset(w.lower() for w in roles.get("carried", [])),
    )


def parts_named(sentence: str) -> tuple[str, ...]:
    """The parts of a law a sentence names: ("s. 12", "s. 13"), ("chapter II",),
    ("this chapter",); () when it names none (the rule reaches the whole law)."""
    parts: list[str] = []
    for m in _REFS.finditer(sentence):
        kw = m.group("kw").lower()
        prefix = next(p for p, alt in _REF_KEYWORDS.items() if re.fullmatch(alt, kw, re.IGNORECASE))
        tokens = re.findall(rf"{_NUMBER}|{_RANGE}", m.group("nums"))
        k = 0
        while k < len(tokens):
            number = tokens[k].replace(" ", "")
            if k + 2 < len(tokens) and re.fullmatch(_RANGE, tokens[k + 1]):
                number = f"{number}-{tokens[k + 2].replace(' ', '')}"
                k += 2
            parts.append(f"{prefix} {number}" if prefix != "chapter" else f"chapter {number}")
            k += 1
    for m in _THIS_PART.finditer(sentence):
        kw = m.group("kw").lower()
        parts.append("this " + next((v for k, v in _THIS_KIND.items() if kw.startswith(k)), kw))
    return tuple(dict.fromkeys(parts))


# --------------------------------------------------------------------------- rules


def _sentence_start(text: str, lo: int, at: int) -> int:
    """Where the sentence (or ";"-clause) holding `at` starts, not before `lo`."""
    cut = lo
    for m in re.finditer(r"[;:]\s|\.\s+(?=[A-ZÁÉÍÓÚÄÖÜА-Я(])", text[lo:at]):
        cut = lo + m.end()
    return cut


_CLAUSE_END = re.compile(r";|\.\s+[A-ZÁÉÍÓÚÄÖÜА-Я]")


def _runs_on(text: str, start: int, end: int) -> bool:
    """No clause ends between start and end (a cue there still governs what follows)."""
    return not _CLAUSE_END.search(text, start, end)


# list markers inside running text ("- f. auf Heimarbeitnehmer", "(c) outworkers")
_ITEM_MARK = re.compile(r"\(?(?:\d{1,3}|[a-z]{1,2}|[ivx]{1,5})[.)°º]|\((?:\d{1,3}|[a-z]{1,2})\)")


def _begins_with_persons(doc: Doc, cues: RoleCues, start: int, end: int) -> bool:
    """Do the words doc[start:end] that a cue governs begin with persons or their work (or
    with nothing, when what it governs follows)? Only the last coordinate counts."""
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):  # ":" opens a list
        end -= 1
    tokens = doc[start:end]
    first = 0
    for k, token in enumerate(tokens):
        if token.is_punct or token.lower_ in cues.coordinators:
            first = k + 1
    for token in tokens[first:]:
        if not _passed_over(token, cues):
            return bool(cues.persons.fullmatch(token.lower_))
    return True


def _passed_over(token: Token, cues: RoleCues) -> bool:
    """Punctuation, articles and the like, numbers and item marks: not what a rule governs."""
    word = token.lower_
    return (
        token.is_punct
        or token.is_space
        or word in cues.skip
        or token.like_num
        or len(word) == 1
        or bool(_ITEM_MARK.fullmatch(word))
    )


def _token_at(doc: Doc, char: int) -> int:
    span = doc.char_span(char, char, alignment_mode="expand")
    if span is not None:
        return span.start
    return next((t.i for t in doc if t.idx >= char), len(doc))


@dataclass
class _ProvisionText:
    """One provision's Doc and text with what every mention's rules look up in it."""

    doc: Doc
    text: str
    cues: RoleCues
    clauses: list[Clause]
    governed: dict[int, Span]  # token start of a homework term -> the exclusion cue over it
    list_cues: list[Span]  # exclusion cues that may open a list of excluded persons

    def exclusion(self, mention: Mention, clause: Clause, outer: list[Clause]) -> Span | None:
        """The exclusion cue that governs the mention, if it reaches homeworkers."""
        doc, cue = self.doc, self.governed.get(mention.token_start)
        if cue is not None and any(c.start <= cue.start_char < c.end for c in (clause, *outer)):
            if cue.label_ == "excl_before" or cue.start > mention.token_start:
                # "homeworkers are excluded": the subject is what is excluded, unless ", and"
                # opens another clause with a subject of its own in between
                between = self.text[mention.end : cue.start_char]
                return None if self.cues.next_clause.search(between) else cue
            start = cue.start if cue.label_ == "excl_pattern" else cue.end
            return cue if self.begins_with_persons(start, mention.token_start) else None
        item_start = _token_at(doc, clause.body_start)
        for holder in outer:
            for cue in self.list_cues:
                if (
                    holder.body_start <= cue.start_char < holder.lead_end
                    and _runs_on(self.text, cue.end_char, holder.lead_end)
                    and self.begins_with_persons(cue.end, _token_at(doc, holder.lead_end))
                    and self.begins_with_persons(item_start, mention.token_start)
                ):
                    return cue
        return None

    def inclusion(self, mention: Mention, clause: Clause, outer: list[Clause]) -> re.Match | None:
        """The inclusion cue before the mention in its clause or a lead-in above it, if any,
        that governs persons ("including materials given out to homeworkers" does not)."""
        text, cues = self.text, self.cues
        lo = _sentence_start(text, clause.body_start, mention.start)
        windows = [(max(lo, mention.start - INCLUDE_REACH), mention.start)] + [
            (h.body_start, h.lead_end)
            for h in reversed(outer)
            if _runs_on(text, h.body_start, h.lead_end)
        ]
        for start, end in windows:
            found = [
                m for m in cues.includes.finditer(text, start, end) if _runs_on(text, m.end(), end)
            ]
            for m in reversed(found):
                if not cues.negated.search(text, max(0, m.start() - 40), m.start()):
                    governs = _token_at(self.doc, m.end())
                    return m if self.begins_with_persons(governs, mention.token_start) else None
        return None

    def defines(self, mention: Mention, clause: Clause) -> bool:
        lo = _sentence_start(self.text, clause.body_start, mention.start)
        return bool(
            self.cues.defines_after.search(self.text[mention.end : mention.end + 60])
            or self.cues.defines_before.search(self.text[lo : mention.start])
        )

    def bounds(self, mention: Mention, clause: Clause) -> re.Match | None:
        """The boundary cue right before the mention ("no está comprendido en el"), if any."""
        lo = _sentence_start(self.text, clause.body_start, mention.start)
        return self.cues.bounds.search(self.text, lo, mention.start)

    def carried_exclusion(self, mention: Mention, others: Sequence[Mention]) -> re.Match | None:
        """A cue that leaves the mention out of something, in a sentence after the one the
        mention is the subject of, whose own subject is left out or a pronoun ("They are not
        covered by ...", "No está comprendido en ..."); None if another mention comes first."""
        doc, text = self.doc, self.text
        sentence = doc[mention.token_start].sent
        line_start = text.rfind("\n", sentence.start_char, mention.start) + 1  # the Doc has spaces
        opens = doc[sentence.start : mention.token_start]
        if not all(_passed_over(t, self.cues) for t in opens if t.idx >= line_start):
            return None  # the mention is not the subject of its sentence (a heading may precede)
        end = sentence.end_char
        if sentence.end < len(doc):  # the sentence after it, too
            end = doc[sentence.end].sent.end_char
        end = min([end, *(m.start for m in others if m.start > mention.end)])
        for m in self.cues.left_out.finditer(text, mention.end, end):
            opening = re.split(r"[.;:,]\s", text[mention.end : m.start()])[-1].split()
            if len(opening) < len(text[mention.end : m.start()].split()) and all(
                w.lower() in self.cues.carried for w in opening
            ):
                return m
        return None

    def begins_with_persons(self, start: int, end: int) -> bool:
        return _begins_with_persons(self.doc, self.cues, start, end)

    def regime(self, cue: re.Match) -> tuple[str, ...]:
        """What a carried-over exclusion reaches: the parts of the law its clause names, the
        whole law when it names the law, else the regime it names in words."""
        found = re.search(r"[.;:](?:\s|$)", self.text[cue.end() :])
        words = self.text[cue.end() : cue.end() + found.start() if found else len(self.text)]
        parts = parts_named(words)
        if parts or self.cues.whole.search(words):
            return parts
        return (REGIME + " ".join(words.split()),)

    def parts(self, cue_start: int, end: int) -> tuple[str, ...]:
        """The parts of the law named in the sentence from before the cue to `end`."""
        sentence = self.text[_sentence_start(self.text, 0, cue_start) : end]
        parts = parts_named(sentence)
        return () if not parts and self.cues.whole.search(sentence) else parts


def read_roles(
    doc: Doc, text: str, citation: str, language: str, context: dict[str, float] | None = None
) -> list[Reading]:
    """Each mention of home work in a provision's Doc, read in its clause (rules only; the
    role model fills in `regulates` / `names` for the mentions no rule decides)."""
    mentions = find_mentions(doc)
    if not mentions:
        return []
    provision = _ProvisionText(
        doc,
        text,
        role_cues(pipeline_language(language)),
        split_clauses(text, citation, language),
        {span.start: cue for cue, span in doc._.excluded_homework or ()},
        [c for c in doc._.exclusion_spans or () if c.label_ in _LIST_CUES],
    )
    readings = [_read(provision, mention, mentions) for mention in mentions]
    for reading in readings:
        if reading.role is None:
            reading.features = _features(provision, reading, len(mentions), context)
    return readings


_LIST_CUES = ("excl_after", "excl_both", "excl_near", "excl_pattern")


def _read(p: _ProvisionText, mention: Mention, mentions: Sequence[Mention]) -> Reading:
    """A mention's role by the rules of the module doc (None: the role model decides)."""
    text = p.text
    clause = clause_of(p.clauses, mention.start, mention.end)
    outer = ancestors(p.clauses, clause)
    in_definition = bool(p.cues.definition.search(text, clause.body_start, clause.end))
    reading = Reading(mention, clause, None, in_definition=in_definition)
    if mention.cited:
        reading.role = Role.NAMES
    elif (bound := p.bounds(mention, clause)) is not None:
        reading.role, reading.cue = Role.DEFINES, bound.group().strip()
        reading.cue_start, reading.cue_end = bound.start(), bound.end()
    elif (cue := p.exclusion(mention, clause, outer)) is not None:
        end = mention.start
        if cue.label_ in ("excl_before", "excl_both", "excl_pattern"):
            found = _CLAUSE_END.search(text, mention.end, clause.end)
            end = found.start() if found else clause.end
        reading.role, reading.cue = Role.EXCLUDES, cue.text
        reading.cue_start, reading.cue_end = cue.start_char, cue.end_char
        reading.parts = p.parts(cue.start_char, end)
    elif (left_out := p.carried_exclusion(mention, mentions)) is not None:
        reading.role, reading.cue = Role.EXCLUDES, left_out.group()
        reading.cue_start, reading.cue_end = left_out.start(), left_out.end()
        reading.parts = p.regime(left_out)
    elif p.defines(mention, clause):
        reading.role = Role.DEFINES
    elif (included := p.inclusion(mention, clause, outer)) is not None:
        reading.role, reading.cue = Role.INCLUDES, included.group()
        reading.cue_start = included.start()
        reading.parts = p.parts(included.start(), included.start())
    elif mention.kind == MentionKind.PLACE:
        reading.role = Role.NAMES
    return reading


# --------------------------------------------------------------------------- the role model


def _features(
    p: _ProvisionText, reading: Reading, n_mentions: int, context: dict[str, float] | None
) -> dict[str, float]:
    """What the role model sees of a mention: the words around it in its sentence, where it
    stands, and how much of its sentence is about work and C177 topics."""
    doc, mention = p.doc, reading.mention
    sent = doc[mention.token_start].sent
    lo = max(sent.start, mention.token_start - WINDOW)
    hi = min(sent.end, mention.token_end + WINDOW)
    features: dict[str, float] = {f"kind={mention.kind}": 1.0}
    for token in doc[lo : mention.token_start]:
        if not token.is_punct:
            features[f"L:{token.lower_}"] = 1.0
    for token in doc[mention.token_end : hi]:
        if not token.is_punct:
            features[f"R:{token.lower_}"] = 1.0
    cues = doc._.topic_cues or {}
    features |= {
        "opens_sentence": float(mention.token_start - sent.start < 4),
        "sentence_len": math.log1p(len(sent)) / 3,
        "clause_depth": float(reading.clause.depth),
        "mentions": math.log1p(n_mentions),
        "topic_cues": math.log1p(
            sum(sent.start <= c.start < sent.end for spans in cues.values() for c in spans)
        ),
        "work_cues": math.log1p(
            sum(sent.start <= c.start < sent.end for c in doc._.work_cues or ())
        ),
        "position": mention.start / max(len(p.text), 1),
    }
    return features | (context or {})


def build_role_model(C: float = 1.0) -> Pipeline:
    """An unfitted role model: `fit(feature dicts, roles)` like any estimator."""
    return Pipeline(
        [
            ("features", DictVectorizer()),
            ("clf", LogisticRegression(C=C, class_weight="balanced", max_iter=2000)),
        ]
    )


def weak_role(status: str) -> Role:
    """The weak label a provision's gold status gives its undecided mentions."""
    return Role.REGULATES if status in ("explicit", "excludes") else Role.NAMES


def fit_role_model(readings_by_row: Sequence[Sequence[Reading]], statuses: Sequence[str]):
    """The role model fitted on the undecided mentions of labelled rows (None if the rows
    hold fewer than two kinds of weak label)."""
    X, y = [], []
    for readings, status in zip(readings_by_row, statuses, strict=True):
        for reading in readings:
            if reading.role is None:
                X.append(reading.features)
                y.append(str(weak_role(status)))
    if len(set(y)) < 2:
        return None
    return build_role_model().fit(X, y)


def score_roles(model: Any, readings_by_row: Sequence[Sequence[Reading]]) -> list[list[float]]:
    """P(regulates) for each reading the rules left open (NaN for decided ones, and for all
    when there is no role model: the status model then decides alone)."""
    open_ = [r.features for rs in readings_by_row for r in rs if r.role is None]
    probs = iter(())
    if model is not None and open_:
        classes = list(model.classes_)
        probs = iter(model.predict_proba(open_)[:, classes.index(str(Role.REGULATES))].tolist())
    return [
        [next(probs, math.nan) if r.role is None else math.nan for r in rs]
        for rs in readings_by_row
    ]


def final_roles(readings: Sequence[Reading], p_regulates: Sequence[float]) -> list[Role]:
    """Each reading's role: the rule's, else the model's (`names` when there is no model)."""
    return [
        r.role
        if r.role is not None
        else (Role.REGULATES if not math.isnan(p) and p >= 0.5 else Role.NAMES)
        for r, p in zip(readings, p_regulates, strict=True)
    ]


@dataclass(frozen=True)
class Decision:
    status: str | None  # None: no role decides, the status model does
    rule: str | None
    topics: tuple[TopicId, ...] = ()  # topics the roles add


def decide(readings: Sequence[Reading], roles: Sequence[Role]) -> Decision:
    """The provision's status from its mentions' roles (rules 1-3 of the module doc)."""
    present = set(roles)
    if Role.EXCLUDES in present:
        return Decision("excludes", "role: excludes")
    deciding = [r for r in (Role.DEFINES, Role.INCLUDES, Role.REGULATES) if r in present]
    if not deciding:
        return Decision(None, None)
    topics: list[TopicId] = []
    if Role.DEFINES in present:
        topics.append("definition")
    for reading, role in zip(readings, roles, strict=True):
        if role == Role.INCLUDES and not reading.parts:
            topics.append("scope")
            if reading.in_definition:
                topics.append("definition")
    return Decision("explicit", f"role: {deciding[0]}", tuple(dict.fromkeys(topics)))


def role_evidence(
    readings: Sequence[Reading], roles: Sequence[tuple[Role, float | None]], offsets: bool
) -> list[Evidence]:
    """Evidence per mention: its role, its clause (citation and span) and, for an inclusion
    or exclusion, its cue and the parts it reaches. `weight` is the role model's probability
    of `regulates` (None where a rule decided). Without `offsets` no spans are given (the
    text read was the heading)."""
    out = []
    for reading, (role, weight) in zip(readings, roles, strict=True):
        mention, clause = reading.mention, reading.clause
        if role == Role.EXCLUDES and offsets and reading.cue_start is not None:
            start = min(reading.cue_start, mention.start)
            end = max(reading.cue_end or 0, mention.end)
            what = f"{reading.cue} … {mention.text}"
            if reading.cue_start > mention.start:
                what = f"{mention.text} … {reading.cue}"
            out.append(Evidence("excludes", "exclusion", what, start, end))
        cue = f" ({reading.cue})" if reading.cue else ""
        out.append(
            Evidence(
                ROLE_STATUS.get(role, "none"),
                "role",
                f"{role} in {clause.citation}: {mention.text}{cue}",
                clause.start if offsets else None,
                clause.end if offsets else None,
                weight,
                role=str(role),
                clause=clause.citation,
                parts=list(reading.parts) if role in (Role.INCLUDES, Role.EXCLUDES) else None,
            )
        )
    return out
