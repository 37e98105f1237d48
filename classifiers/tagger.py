"""Tag provisions with a homeworker status and C177 topics.

    tagger = Tagger.load()                      # the shipped classifiers/models/
    tags = tagger.tag(provisions, "es", "Ley 99 de trabajo a domicilio")

One call per document (its provisions share the title and language); spaCy runs over the
batch with `nlp.pipe`, then the scikit-learn models score the whole batch at once.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import skops.io as sio
from spacy.tokens import Span

from classifiers.cache import cached
from classifiers.features import MARKS_KEY, RowMarks, analyse
from classifiers.models import C177Model, Prediction
from classifiers.roles import role_evidence
from classifiers.version import (
    DEFAULT_MODEL_DIR,
    MODEL_FILE,
    model_version,
    warn_on_version_mismatch,
)
from corpus.errors import C177Error
from corpus.labels import EvidenceKind
from corpus.model import Evidence, Provision, Tag

# Types a model file may contain beyond skops' own defaults. Anything else is refused:
# skops files can execute code on load, so we never pass trusted=get_untrusted_types(...).
TRUSTED_TYPES = frozenset(
    {
        "builtins.slice",
        "classifiers.features.MarksFeaturizer",
        "classifiers.features.TopicCuesFeaturizer",
        "classifiers.features.TextField",
        "numpy.dtype",
        "numpy.float32",
        "numpy.float64",
        "numpy.int64",
        "sklearn.feature_extraction._dict_vectorizer.DictVectorizer",
        "sklearn.feature_extraction.text.TfidfTransformer",
        "sklearn.feature_extraction.text.TfidfVectorizer",
        "sklearn.linear_model._logistic.LogisticRegression",
        "sklearn.multiclass.OneVsRestClassifier",
        "sklearn.multiclass._ConstantPredictor",
        "sklearn.pipeline.FeatureUnion",
        "sklearn.pipeline.Pipeline",
        "sklearn.preprocessing._label.LabelBinarizer",
    }
)


class UntrustedModelError(C177Error, RuntimeError):
    """A model file holding types we do not trust to unpickle."""


def load_models(model_dir: Path) -> C177Model:
    """The models of a skops file, checked against TRUSTED_TYPES.

    skops parses the file twice (types, then objects): seconds per process. The checked models
    are cached (`classifiers.cache`) under the SHA-256 of the file and of TRUSTED_TYPES, and
    unpickle in a few hundredths of a second."""
    path = Path(model_dir) / MODEL_FILE
    digest = hashlib.sha256(path.read_bytes())
    digest.update(repr(sorted(TRUSTED_TYPES)).encode())  # checked against these types
    digest.update(version("scikit-learn").encode())  # the pickle holds its classes
    warn_on_version_mismatch(model_dir)
    return cached(f"models/{digest.hexdigest()}", C177Model, lambda: _load_checked(path))


def _load_checked(path: Path) -> C177Model:
    untrusted = set(sio.get_untrusted_types(file=path))
    refused = sorted(untrusted - TRUSTED_TYPES)
    if refused:
        raise UntrustedModelError(f"{path}: refusing to load types {refused}")
    return C177Model.from_payload(sio.load(path, trusted=sorted(untrusted)))


class Tagger:
    def __init__(self, models: C177Model, version: str, explain: bool = True):
        self.models = models
        self._version = version
        self.explain = explain

    @classmethod
    def load(cls, model_dir: Path | None = None, explain: bool = True) -> Tagger:
        """Load the models of model_dir (default: the shipped classifiers/models/)."""
        model_dir = Path(model_dir) if model_dir else DEFAULT_MODEL_DIR
        return cls(load_models(model_dir), model_version(model_dir), explain=explain)

    @property
    def version(self) -> str:
        """Short hash of the model file and the lexicons: re-tag when it changes."""
        return self._version

    def rows(
        self, provisions: list[Provision], language: str, document_title: str
    ) -> list[dict[str, Any]]:
        return [
            {
                "text": p.text,
                "citation": p.citation,
                "heading": p.heading,
                "context": list(p.context),
                "title": document_title,
                "language": language,
                "repealed": p.repealed,
            }
            for p in provisions
        ]

    def tag(self, provisions: list[Provision], language: str, document_title: str) -> list[Tag]:
        """One Tag per provision of one document, in order."""
        rows = self.rows(provisions, language, document_title)
        for row, marks in zip(rows, analyse(rows, keep_docs=self.explain), strict=True):
            row[MARKS_KEY] = marks
        predictions = self.models.predict(rows, explain=self.explain)
        return [
            Tag(
                status=pr.status,
                topics=pr.topics,
                scores=pr.scores,
                evidence=self._evidence(row[MARKS_KEY], pr) if self.explain else [],
                model_version=self.version,
            )
            for row, pr in zip(rows, predictions, strict=True)
        ]

    def _evidence(self, m: RowMarks, pr: Prediction) -> list[Evidence]:
        if pr.rule == "empty":
            return [Evidence("none", "feature", "rule: repealed or no text")]
        return [
            *role_evidence(m.readings, pr.roles, not m.heading_as_text),
            *_span_evidence(m, pr),
            *_context_evidence(m),
            *_rule_evidence(pr),
            *(Evidence(label, "feature", name, weight=round(weight, 4))
              for label, name, weight in pr.features),
        ]  # fmt: skip


def _span_evidence(m: RowMarks, pr: Prediction) -> list[Evidence]:
    """The matched spans: homework terms, near misses, cues of the topics given (exclusions
    are the roles' evidence)."""
    doc = m.doc
    if doc is None:
        return []
    in_text = not m.heading_as_text  # offsets point into the text

    def found(label: str, kind: EvidenceKind, what: str, first: Span, last: Span) -> Evidence:
        """Evidence from first to last span, with offsets when they point into the text."""
        if not in_text:
            return Evidence(label, kind, what)
        return Evidence(label, kind, what, first.start_char, last.end_char)

    ev = []
    for span in doc._.homework_spans:
        label = "explicit" if not span._.cited else "none"
        what = span.text if not span._.cited else f"{span.text} (inside a citation)"
        if span.label_ == "weak":
            what = f"{span.text} (place of work)"
        ev.append(found(label, "term", what, span, span))
    for span in doc._.near_miss_spans:
        ev.append(found("general", "term", f"{span.text} (near miss: {span.label_})", span, span))
    for topic in pr.topics:
        ev += [
            found(topic, "term", span.text, span, span)
            for span in doc._.topic_cues.get(topic, [])[:3]
        ]
    return ev


def _context_evidence(m: RowMarks) -> list[Evidence]:
    """Homework words (or near misses) in the heading, the context headings or the title."""
    ev = []
    for where, marks in (("heading", m.heading), ("context", m.context), ("title", m.title)):
        for label, words in marks.terms:
            if label in ("homework", "weak"):
                ev.append(Evidence("explicit", "context", f"{where}: {words}"))
            else:
                ev.append(Evidence("general", "context", f"{where}: {words} (near miss)"))
    return ev


def _rule_evidence(pr: Prediction) -> list[Evidence]:
    """The business rule that decided the status, and what the model said before it."""
    if not pr.rule:
        return []
    ev = [Evidence(pr.status, "feature", f"rule: {pr.rule}", weight=1.0)]
    for key, p in pr.model_status.items():
        if p >= 0.05:
            label = key.split(":", 1)[1]
            ev.append(Evidence(label, "feature", f"model before rule: {key}", weight=round(p, 4)))
    return ev
