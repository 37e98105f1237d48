"""`c177_marks`: what the C177 labelling contract turns on, marked on every Doc.

Configured by the name of a lexicon (`classifiers/lexicons/<lang>.toml`, loaded in
`initialize`), it sets:

- `doc._.homework_spans`: homework terms (label "homework") and place-of-work phrases
  (label "weak"); verb phrases ("who work in their own home") are homework terms with
  `span._.verb` True; `span._.cited` is True when the term only sits inside the name of another
  instrument ("the Home Work Act"), which by itself does not make a provision explicit.
- `doc._.near_miss_spans`: telework / remote work ("telework") and domestic work ("domestic"):
  not home work in the sense of C177 Art. 1(b).
- `doc._.exclusion_spans`: exclusion cues; `doc._.excluded_homework`: (cue, homework span)
  pairs where the cue governs the homework term in the same sentence.
- `doc._.crossref_spans`, `doc._.crossref_homework`: "section 12 applies to outworkers".
- `doc._.citation_spans`: names of other instruments.
- `doc._.topic_cues`: topic id -> cue spans; `doc._.work_cues`: words of a work relation
  (employer, Arbeitnehmer, contrato de trabajo), which provisions that regulate none lack.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from spacy.attrs import LOWER
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.strings import StringStore
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from classifiers.lexicon import load_lexicon
from corpus.labels import TOPIC_IDS

RAW_TEXT = "c177_text"  # Doc.user_data key for the text a Doc was made from

# How far a "near" exclusion cue ("except", "other than") reaches, in tokens.
NEAR_WINDOW = 12
# A colon this close after an exclusion cue opens a list the cue governs...
COLON_REACH = 15
# ...and no exclusion governs more than this many tokens after its cue.
LIST_REACH = 400
# an enumeration starting right after a cue: "to (a)", "auf: a.", "to (iv)"
_LIST_START = re.compile(
    r"\s*(?:\w+\s+){0,3}?(?:\((?:[a-z]|\d{1,2}|[ivx]{1,4})\)|(?:[a-z]|\d{1,2})[.)])\s"
)

# Categories of the lexicon files and the match keys they become.
_HW, _VERB, _WEAK, _TELE, _DOM = "homework", "verb", "weak", "telework", "domestic"
_EXCL = ("after", "before", "both", "near")
_XREF = "crossref"
_WORK = "work"

for _name, _default in (
    ("homework_spans", None),
    ("near_miss_spans", None),
    ("exclusion_spans", None),
    ("excluded_homework", None),
    ("crossref_spans", None),
    ("crossref_homework", False),
    ("citation_spans", None),
    ("topic_cues", None),
    ("work_cues", None),
):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)
for _name in ("cited", "verb"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=False)


def lexicon_categories(lexicon: dict[str, Any]) -> dict[str, list[str]]:
    """Flatten a lexicon into match keys -> terms."""
    cats: dict[str, list[str]] = {
        _HW: lexicon.get("homework", {}).get("terms", []),
        _VERB: lexicon.get("homework", {}).get("verbs", []),
        _WEAK: lexicon.get("homework", {}).get("weak", []),
        _TELE: lexicon.get("near_miss", {}).get("telework", []),
        _DOM: lexicon.get("near_miss", {}).get("domestic", []),
        _XREF: lexicon.get("crossref", {}).get("terms", []),
        _WORK: lexicon.get("work", {}).get("terms", []),
    }
    for direction in _EXCL:
        cats[f"excl_{direction}"] = lexicon.get("exclusion", {}).get(direction, [])
    for topic in TOPIC_IDS:
        cats[f"topic:{topic}"] = lexicon.get("topics", {}).get(topic, [])
    return cats


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _inside(span: Span, containers: list[Span]) -> bool:
    return any(c.start <= span.start and span.end <= c.end for c in containers)


def _wildcard_word(word: str) -> re.Pattern[str]:
    return re.compile(re.escape(word.lower()).replace(r"\*", r"\w*"))


class C177Marks:
    """Marks homework terms, near misses, exclusions and their scope, cross-references,
    citations of other instruments and topic cues (see the module docstring)."""

    def __init__(self, nlp: Language, name: str, lexicon: str):
        self.name = name
        self.lexicon_name = lexicon
        self.nlp = nlp
        self.matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._wild_terms: list[tuple[str, list[re.Pattern[str]]]] = []
        self._wild_memo: dict[int, tuple[tuple[int, int], ...]] = {}
        self._wild_any: re.Pattern[str] = re.compile("(?!)")
        self._citation_res: list[re.Pattern[str]] = []
        self._exclusion_res: list[re.Pattern[str]] = []
        self._conditional: tuple[str, ...] = ()
        self._relative: frozenset[str] = frozenset()
        self._near_stop: frozenset[str] = frozenset()
        self._key_names: dict[int, str] = {}

    def initialize(self, get_examples: Any = None, *, nlp: Language | None = None) -> None:
        nlp = nlp or self.nlp
        lexicon = load_lexicon(self.lexicon_name)
        lemmatizer = nlp.get_pipe("c177_lemmatizer")
        self.matcher = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._wild_terms = []
        self._wild_memo = {}
        self._key_names = {}
        for key, terms in lexicon_categories(lexicon).items():
            plain = sorted({t.lower() for t in terms if "*" not in t})
            for term in sorted({t.lower() for t in terms if "*" in t}):
                self._wild_terms.append((key, [_wildcard_word(w) for w in term.split()]))
            if plain:
                # patterns go through the same tokenizer and lemmatizer as the texts
                patterns = [lemmatizer(nlp.make_doc(t)) for t in plain]
                self.matcher.add(key, patterns)
            self._key_names[nlp.vocab.strings.add(key)] = key
        words = {w.pattern for _, ws in self._wild_terms for w in ws}
        self._wild_any = re.compile("|".join(sorted(words)) or "(?!)")
        self._citation_res = [
            re.compile(p) for p in lexicon.get("citation", {}).get("patterns", [])
        ]
        exclusion = lexicon.get("exclusion", {})
        self._exclusion_res = [re.compile(p) for p in exclusion.get("patterns", [])]
        self._conditional = tuple(c.lower() for c in exclusion.get("conditional", []))
        self._relative = frozenset(r.lower() for r in exclusion.get("relative", []))
        self._near_stop = frozenset(r.lower() for r in exclusion.get("near_stop", []))

    # which (wildcard term, word position) pairs a lowercased word matches, memoised
    def _wild_hits(self, key: int, strings: StringStore) -> tuple[tuple[int, int], ...]:
        hits = self._wild_memo.get(key)
        if hits is None:
            low = strings[key]
            # one C-level test first: most words match no wildcard at all
            hits = (
                ()
                if not self._wild_any.fullmatch(low)
                else tuple(
                    (i, j)
                    for i, (_, words) in enumerate(self._wild_terms)
                    for j, pattern in enumerate(words)
                    if pattern.fullmatch(low)
                )
            )
            if len(self._wild_memo) < 500_000:
                self._wild_memo[key] = hits
        return hits

    def _matches(self, doc: Doc) -> dict[str, list[Span]]:
        found: dict[str, list[Span]] = {}
        for match_id, start, end in self.matcher(doc):
            key = self._key_names.get(match_id) or doc.vocab.strings[match_id]
            found.setdefault(key, []).append(Span(doc, start, end, label=key))
        if self._wild_terms:
            strings = doc.vocab.strings
            hits = [self._wild_hits(key, strings) for key in doc.to_array([LOWER]).tolist()]
            for i, token_hits in enumerate(hits):
                for term_index, position in token_hits:
                    if position != 0:
                        continue
                    key, words = self._wild_terms[term_index]
                    end = i + len(words)
                    if end <= len(doc) and all(
                        (term_index, k) in hits[i + k] for k in range(1, len(words))
                    ):
                        found.setdefault(key, []).append(Span(doc, i, end, label=key))
        return {key: filter_spans(spans) for key, spans in found.items()}

    @staticmethod
    def _char_spans(
        doc: Doc, text: str, patterns: Iterable[re.Pattern[str]], label: str
    ) -> list[Span]:
        spans = []
        for pattern in patterns:
            for m in pattern.finditer(text):
                span = doc.char_span(m.start(), m.end(), label=label, alignment_mode="expand")
                if span is not None and len(span):
                    spans.append(span)
        return filter_spans(spans)

    @staticmethod
    def _sentence_of(doc: Doc, token_index: int) -> tuple[int, int]:
        sent = doc[token_index].sent
        return sent.start, sent.end

    @staticmethod
    def _after_end(doc: Doc, text: str, cue: Span, s_end: int) -> int:
        """Where the scope of an exclusion cue that governs what follows it ends."""
        reach = min(len(doc), cue.end + LIST_REACH)
        # "does not apply to: (a) ...; (f) homeworkers": a list introduced right after the
        # cue runs on, across the sentence splits its item letters cause
        if any(t.text == ":" for t in doc[cue.end : min(cue.end + COLON_REACH, s_end)]):
            return reach
        end = min(s_end, reach)
        if _LIST_START.match(text, cue.end_char):
            return end  # "shall not apply to (a) ...; (b) outworkers"
        # otherwise a ";" closes it: long definition sections chain clauses with ";"
        semi = next((t.i for t in doc[cue.end : end] if t.text == ";"), None)
        return semi if semi is not None else end

    def _scope(self, doc: Doc, text: str, cue: Span, direction: str) -> list[tuple[int, int]]:
        """Token ranges an exclusion cue governs."""
        sent = doc[cue.start].sent
        s_start, s_end = sent.start, sent.end
        clause_start = s_start
        for t in doc[s_start : cue.start]:
            if t.text in {";", ":"}:
                clause_start = t.i + 1
        if direction == "near":
            # "except where ...", "außer wenn ...": a condition, not persons taken out
            following = text[cue.end_char : cue.end_char + 40].lower().lstrip(" ,")
            if any(
                following.startswith(c) and following[len(c) : len(c) + 1] in {" ", ",", ""}
                for c in self._conditional
            ):
                return []
            end = min(cue.end + NEAR_WINDOW, s_end)
            for t in doc[cue.end : end]:
                # "mit Ausnahme jener Geräte, die ... des Heimarbeitnehmers": a relative
                # clause describes the thing excepted; a ";" or ":" ends the phrase
                if (
                    t.text in {";", ":"}
                    or t.lower_ in self._near_stop
                    or (t.i > 0 and doc[t.i - 1].text == "," and t.lower_ in self._relative)
                ):
                    end = t.i
                    break
            return [(cue.end, end)]
        if direction == "before":
            return [(clause_start, cue.start)]
        after = (cue.end, self._after_end(doc, text, cue, s_end))
        if direction == "after":
            return [after]
        if direction == "both":
            return [(clause_start, cue.start), after]
        return [(cue.start, after[1])]  # regex pattern: the match and what follows

    def __call__(self, doc: Doc) -> Doc:
        found = self._matches(doc)
        # doc.text is rebuilt from the tokens on each access: analyse() passes the raw text
        text = doc.user_data.get(RAW_TEXT) or doc.text
        live = self._mark_homework(doc, text, found)
        self._mark_exclusions(doc, text, found, live)
        self._mark_crossrefs(doc, found, live)
        # "the Minimum Wages Act" names an act; it does not regulate wages
        cues_by_topic = {
            t: [c for c in found.get(f"topic:{t}", []) if not _inside(c, doc._.citation_spans)]
            for t in TOPIC_IDS
        }
        doc._.topic_cues = {t: spans for t, spans in cues_by_topic.items() if spans}
        doc._.work_cues = found.get(_WORK, [])
        return doc

    def _mark_homework(self, doc: Doc, text: str, found: dict[str, list[Span]]) -> list[Span]:
        """Homework terms, citations and near misses; returns the terms outside citations."""
        # "who work in their own home" is home work as much as "homeworker" is
        verbs = [Span(doc, s.start, s.end, label=_HW) for s in found.get(_VERB, [])]
        for span in verbs:
            span._.verb = True
        strong = filter_spans(found.get(_HW, []) + verbs) if verbs else found.get(_HW, [])
        # "à domicile" inside "travailleurs à domicile" is the strong term, not a weak one
        weak = [w for w in found.get(_WEAK, []) if not any(_overlaps(w, s) for s in strong)]
        homework = strong + weak
        citations = self._char_spans(doc, text, self._citation_res, "citation")
        for span in homework:
            span._.cited = _inside(span, citations)
        doc._.homework_spans = sorted(homework, key=lambda s: s.start)
        doc._.citation_spans = citations
        doc._.near_miss_spans = sorted(
            found.get(_TELE, []) + found.get(_DOM, []), key=lambda s: s.start
        )
        return [s for s in homework if not s._.cited]

    def _mark_exclusions(
        self, doc: Doc, text: str, found: dict[str, list[Span]], live: list[Span]
    ) -> None:
        cues = [(span, d) for d in _EXCL for span in found.get(f"excl_{d}", [])]
        if self._exclusion_res and doc._.homework_spans:
            cues += [
                (span, "pattern")
                for span in self._char_spans(doc, text, self._exclusion_res, "excl_pattern")
            ]
        doc._.exclusion_spans = sorted({c for c, _ in cues}, key=lambda s: s.start)
        governed: list[tuple[Span, Span]] = []
        if cues and live:
            for cue, direction in cues:
                for lo, hi in self._scope(doc, text, cue, direction):
                    for span in live:
                        if lo <= span.start and span.end <= hi:
                            governed.append((cue, span))
        doc._.excluded_homework = governed

    def _mark_crossrefs(self, doc: Doc, found: dict[str, list[Span]], live: list[Span]) -> None:
        # "apply to" inside "does not apply to" is the exclusion, not a cross-reference
        xrefs = [
            x
            for x in found.get(_XREF, [])
            if not any(_overlaps(x, c) for c in doc._.exclusion_spans)
        ]
        doc._.crossref_spans = xrefs
        hw_starts = [s.start for s in live if s.label_ == _HW]
        doc._.crossref_homework = bool(hw_starts) and any(
            any(lo <= h < hi for h in hw_starts)
            for lo, hi in (self._sentence_of(doc, x.start) for x in xrefs)
        )


@Language.factory("c177_marks", default_config={"lexicon": "en"})
def make_marks(nlp: Language, name: str, lexicon: str) -> C177Marks:
    return C177Marks(nlp, name, lexicon)
