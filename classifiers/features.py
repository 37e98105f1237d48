"""From provision rows to model inputs: the spaCy marks of a row and the feature union.

A row is one provision read in its context: a dict (or a DataFrame row) with `text`,
`heading`, `context` (the headings above it, a list or one joined string), `title` (the
document's title) and `language`. `analyse(rows)` runs the spaCy pipelines over them once
(`nlp.pipe` for the texts, a per-process cache for headings, contexts and titles, which
repeat) and returns `RowMarks`; `MarksFeaturizer` turns marks into numbers and
`build_features()` joins them with TF-IDF word and character n-grams.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from spacy.tokens import Doc

from classifiers.components.marks import RAW_TEXT
from classifiers.nlp import get_nlp, pipeline_language
from classifiers.roles import Reading, Role, read_roles
from corpus.labels import TOPIC_IDS

MARKS_KEY = "_marks"  # rows may carry precomputed RowMarks under this key
CONTEXT_SEP = " / "

# "section 12", "art. 5", "§ 7a", "artículo 3", "статья 310": references to other provisions
_REF = re.compile(
    r"(?i)(?:\b(?:sections?|s\.|ss\.|art(?:icles?|ículos?|iculos?|ikel|igos?|\.)|paragraphs?|"
    r"párrafos?|incisos?|leden|lid|statja|стать[яиюей])\s*|§+\s*)\d"
)


def as_records(X: Any) -> list[dict[str, Any]]:
    """Rows as dicts, from a list of dicts or a pandas DataFrame."""
    if hasattr(X, "to_dict") and not isinstance(X, dict):
        return list(X.to_dict("records"))
    return list(X)


def field_text(row: Mapping[str, Any], name: str) -> str:
    value = row.get(name) or ""
    if isinstance(value, (list, tuple)):
        return CONTEXT_SEP.join(str(v) for v in value if v)
    if isinstance(value, float) and math.isnan(value):  # missing cell of a DataFrame
        return ""
    return str(value)


def effective_text(row: Mapping[str, Any]) -> tuple[str, bool]:
    """The provision's text; its heading when that is its only text (C177_LABELS.md)."""
    text = field_text(row, "text")
    if text.strip():
        return text, False
    return field_text(row, "heading"), True


@dataclass(frozen=True)
class StringMarks:
    """What the lexicons find in one short string (a heading, context or title)."""

    hw: int = 0  # homework terms outside citations
    hw_all: int = 0  # homework terms, cited ones included (titles name themselves)
    weak: int = 0
    telework: int = 0
    domestic: int = 0
    topics: tuple[int, ...] = (0,) * len(TOPIC_IDS)
    topics_lead: tuple[int, ...] = (0,) * len(TOPIC_IDS)  # cues in the opening words
    work: int = 0  # words of a work relation
    terms: tuple[tuple[str, str], ...] = ()  # (label, matched words)


@dataclass
class RowMarks:
    text: StringMarks
    heading: StringMarks
    context: StringMarks
    title: StringMarks
    heading_as_text: bool = False
    cited: int = 0
    excl_cues: int = 0
    excl_hw: bool = False
    xref: int = 0
    xref_hw: bool = False
    refs: int = 0
    citations: int = 0
    n_tokens: int = 0
    readings: list[Reading] = field(default_factory=list)  # the mentions of home work, read
    doc: Doc | None = field(default=None, repr=False)  # kept for evidence offsets


# the opening sentence (at least this many tokens) states what a provision is about;
# later sentences more often mention other subjects in passing
LEAD_TOKENS = 25


def _string_marks(doc: Doc) -> StringMarks:
    hw = [s for s in doc._.homework_spans if s.label_ == "homework"]
    near = doc._.near_miss_spans
    cues = doc._.topic_cues
    lead_end = max(next(iter(doc.sents)).end if len(doc) else 0, LEAD_TOKENS)
    terms = [(s.label_, s.text) for s in doc._.homework_spans] + [(s.label_, s.text) for s in near]
    return StringMarks(
        hw=sum(1 for s in hw if not s._.cited),
        hw_all=len(hw),
        weak=sum(1 for s in doc._.homework_spans if s.label_ == "weak" and not s._.cited),
        telework=sum(1 for s in near if s.label_ == "telework"),
        domestic=sum(1 for s in near if s.label_ == "domestic"),
        topics=tuple(len(cues.get(t, ())) for t in TOPIC_IDS),
        topics_lead=tuple(sum(c.start < lead_end for c in cues.get(t, ())) for t in TOPIC_IDS),
        work=len(doc._.work_cues or ()),
        terms=tuple(terms),
    )


_EMPTY = StringMarks()
_STRING_CACHE: dict[tuple[str, str], StringMarks] = {}
_STRING_CACHE_MAX = 50_000


def _strings_marks(lang: str, strings: Iterable[str]) -> None:
    """Fill the cache for short strings, piping the ones not seen yet."""
    todo = sorted({s for s in strings if s.strip() and (lang, s) not in _STRING_CACHE})
    if not todo:
        return
    if len(_STRING_CACHE) + len(todo) > _STRING_CACHE_MAX:
        _STRING_CACHE.clear()
    texts = [_spaced(s) for s in todo]
    for s, doc in zip(todo, get_nlp(lang).pipe(texts, batch_size=1000), strict=True):
        _STRING_CACHE[(lang, s)] = _string_marks(doc)


def _cached(lang: str, s: str) -> StringMarks:
    return _STRING_CACHE.get((lang, s), _EMPTY) if s.strip() else _EMPTY


# line breaks and tabs become spaces (same length, so offsets still point into the text):
# a "\n" is a token of its own and split "private\ndwelling house" for the matcher
_WS = re.compile("[\n\r\t\f\v\xa0]")


def _spaced(text: str) -> str:
    return _WS.sub(" ", text)  # a regex: str.translate looks every character up in a dict


def _doc(nlp: Any, text: str) -> Doc:
    text = _spaced(text)
    doc = nlp.make_doc(text)
    doc.user_data[RAW_TEXT] = text  # spares the components rebuilding doc.text
    return doc


def analyse(
    rows: Sequence[dict[str, Any]], keep_docs: bool = False, batch_size: int = 1000
) -> list[RowMarks]:
    """Run the spaCy pipelines over rows (grouped by language) and summarise their marks."""
    out: list[RowMarks | None] = [None] * len(rows)
    by_lang: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_lang.setdefault(pipeline_language(field_text(row, "language")), []).append(i)
    for lang, idx in by_lang.items():
        nlp = get_nlp(lang)
        texts = [effective_text(rows[i]) for i in idx]
        shorts = [field_text(rows[i], k) for i in idx for k in ("heading", "context", "title")]
        _strings_marks(lang, shorts)
        docs = nlp.pipe((_doc(nlp, t) for t, _ in texts), batch_size=batch_size)
        for i, (text, as_text), doc in zip(idx, texts, docs, strict=True):
            row = rows[i]
            text_marks = _string_marks(doc)
            heading = _EMPTY if as_text else _cached(lang, field_text(row, "heading"))
            context = _cached(lang, field_text(row, "context"))
            title = _cached(lang, field_text(row, "title"))
            readings = []
            if doc._.homework_spans:
                where = {
                    "heading_hw": float(heading.hw),
                    "context_hw": float(context.hw_all + title.hw_all),
                }
                readings = read_roles(
                    doc, text, field_text(row, "citation"), field_text(row, "language"), where
                )
            out[i] = RowMarks(
                text=text_marks,
                heading=heading,
                context=context,
                title=title,
                heading_as_text=as_text,
                cited=text_marks.hw_all - text_marks.hw,
                excl_cues=len(doc._.exclusion_spans),
                excl_hw=any(r.role == Role.EXCLUDES for r in readings),
                xref=len(doc._.crossref_spans),
                xref_hw=bool(doc._.crossref_homework),
                refs=len(_REF.findall(text)),
                citations=len(doc._.citation_spans),
                n_tokens=len(doc),
                readings=readings,
                doc=doc if keep_docs else None,
            )
    return out  # type: ignore[return-value]


# --------------------------------------------------------------------------- numbers


def _log(n: float) -> float:
    return math.log1p(n)


def _own(m: RowMarks) -> float:
    """1.0 when the provision's own text or heading names home work."""
    return float(m.text.hw > 0 or m.heading.hw > 0)


def _in_context(m: RowMarks) -> float:
    """1.0 when the headings above the provision or the law's title name home work."""
    return float(m.context.hw_all > 0 or m.title.hw_all > 0)


def _near_misses(m: RowMarks) -> int:
    return m.text.telework + m.text.domestic + m.heading.telework + m.heading.domestic


def _topic_cues(m: RowMarks, j: int) -> int:
    return m.text.topics[j] + m.heading.topics[j]


def _cue_total(m: RowMarks) -> float:
    return _log(sum(_topic_cues(m, j) for j in range(len(TOPIC_IDS))))


def _work(m: RowMarks) -> float:
    return _log(m.text.work + m.heading.work)


Feature = Callable[[RowMarks], float]

# name -> number of a row (counts are log1p'd); the order is the order of the columns
MARK_FEATURES: dict[str, Feature] = {
    "hw_text": lambda m: _log(m.text.hw),
    "hw_heading": lambda m: _log(m.heading.hw),
    "hw_cited": lambda m: _log(m.cited),
    "hw_only_cited": lambda m: float(m.cited > 0 and not _own(m)),
    "weak_text": lambda m: _log(m.text.weak),
    "telework": lambda m: _log(m.text.telework + m.heading.telework),
    "domestic": lambda m: _log(m.text.domestic + m.heading.domestic),
    "near_only": lambda m: float(_near_misses(m) > 0 and not _own(m)),
    "hw_context": lambda m: _log(m.context.hw_all),
    "near_context": lambda m: _log(m.context.telework + m.context.domestic),
    "hw_title": lambda m: _log(m.title.hw_all),
    "near_title": lambda m: _log(m.title.telework + m.title.domestic),
    "hw_any": lambda m: float(_own(m) or _in_context(m)),
    "excl_cues": lambda m: _log(m.excl_cues),
    "excl_hw": lambda m: float(m.excl_hw),
    "xref": lambda m: _log(m.xref),
    "xref_hw": lambda m: float(m.xref_hw),
    "refs": lambda m: _log(m.refs),
    "citations": lambda m: _log(m.citations),
    "n_tokens": lambda m: _log(m.n_tokens) / 3.0,
    "empty": lambda m: float(m.n_tokens == 0),
    **{
        f"cue_{t}": (lambda m, j=j: _log(_topic_cues(m, j)))  # type: ignore[misc]
        for j, t in enumerate(TOPIC_IDS)
    },
    "cue_total": _cue_total,
    "work": _work,
    "hwctx_x_cues": lambda m: _in_context(m) * _cue_total(m),
    "hwctx_x_work": lambda m: _in_context(m) * _work(m),
    "hw_x_cues": lambda m: _own(m) * _cue_total(m),
    "hwctx_x_len": lambda m: _in_context(m) * _log(m.n_tokens) / 3.0,
}


def _topic_cue_features(j: int) -> dict[str, Feature]:
    """Where topic j's cues sit: in the provision's heading, in its opening sentence, how
    dense they are, their share of all cues, and in the context headings. A provision
    regulates the subjects it opens with and dwells on; one it names in passing has a few
    cues late in a long text."""
    return {
        "heading": lambda m: float(m.heading.topics[j] > 0),
        "lead": lambda m: _log(m.text.topics_lead[j]),
        "density": lambda m: m.text.topics[j] / math.sqrt(max(m.n_tokens, 1)),
        "share": lambda m: m.text.topics[j] / sum(m.text.topics) if sum(m.text.topics) else 0.0,
        "context": lambda m: float(m.context.topics[j] > 0),
    }


TOPIC_CUE_FEATURES: dict[str, Feature] = {
    f"cue_{t}_{kind}": feature
    for j, t in enumerate(TOPIC_IDS)
    for kind, feature in _topic_cue_features(j).items()
}


def row_marks(rows: list[dict[str, Any]]) -> list[RowMarks]:
    """The RowMarks a caller put under row["_marks"] (the tagger computes them once and
    also needs them for evidence); computed here for rows without them."""
    marks = [r.get(MARKS_KEY) for r in rows]
    missing = [i for i, m in enumerate(marks) if m is None]
    if missing:
        for i, m in zip(missing, analyse([rows[i] for i in missing]), strict=True):
            marks[i] = m
    return marks  # type: ignore[return-value]


class _MarksBlock(TransformerMixin, BaseEstimator):
    """A dense block of numbers per row, one column per feature of a table computed from the
    row's RowMarks."""

    features: dict[str, Feature] = {}  # a table of the module, in each subclass

    def fit(self, X: Any, y: Any = None) -> _MarksBlock:
        self.n_features_out_ = len(self.features)
        return self

    def transform(self, X: Any) -> np.ndarray:
        rows = as_records(X)
        features = list(self.features.values())
        return np.array(
            [[feature(m) for feature in features] for m in row_marks(rows)], dtype=np.float64
        ).reshape(len(rows), len(features))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array(list(self.features), dtype=object)


class MarksFeaturizer(_MarksBlock):
    """The spaCy marks of each row (homework terms, exclusions, references, cue counts)."""

    features = MARK_FEATURES


class TopicCuesFeaturizer(_MarksBlock):
    """The topic cues of each row, placed (see `_topic_cue_features`)."""

    features = TOPIC_CUE_FEATURES


class TextField(TransformerMixin, BaseEstimator):
    """Selects and joins row fields into one string per row (for a vectorizer).

    `max_chars` bounds the cost of character n-grams on very long provisions.
    """

    def __init__(self, fields: tuple[str, ...] = ("heading", "text"), max_chars: int | None = None):
        self.fields = fields
        self.max_chars = max_chars

    def fit(self, X: Any, y: Any = None) -> TextField:
        return self

    def transform(self, X: Any) -> list[str]:
        out = []
        for row in as_records(X):
            s = "\n".join(field_text(row, f) for f in self.fields)
            out.append(s[: self.max_chars] if self.max_chars else s)
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        return np.array(["+".join(self.fields)], dtype=object)


def _tfidf(fields: tuple[str, ...], max_chars: int | None = None, **vectorizer: Any) -> Pipeline:
    """TF-IDF of some row fields joined (sublinear counts, float32 to halve the memory)."""
    return Pipeline(
        [
            ("field", TextField(fields, max_chars=max_chars)),
            ("tfidf", TfidfVectorizer(min_df=1, sublinear_tf=True, dtype=np.float32, **vectorizer)),
        ]
    )


# character 3-4 grams of the first 300 characters scored as well as 3-5 grams of 600
# (8 folds of whole laws: topic micro-F1 0.639 vs 0.638) at a third of the counting cost
def build_features(char_max_chars: int = 300) -> FeatureUnion:
    """TF-IDF words (1-2 grams) + char_wb n-grams of heading and text, words of the context
    headings and title, and the spaCy marks and where the topic cues sit."""
    text = ("heading", "text")
    return FeatureUnion(
        [
            ("words", _tfidf(text, ngram_range=(1, 2), max_features=60_000)),
            (
                "chars",
                _tfidf(
                    text,
                    char_max_chars,
                    analyzer="char_wb",
                    ngram_range=(3, 4),
                    max_features=80_000,
                ),
            ),
            ("context", _tfidf(("context", "title"), max_features=10_000)),
            ("marks", MarksFeaturizer()),
            ("topic_cues", TopicCuesFeaturizer()),
        ],
        transformer_weights={
            "words": 1.0,
            "chars": 0.7,
            "context": 0.5,
            "marks": 1.0,
            "topic_cues": 0.5,
        },
    )
