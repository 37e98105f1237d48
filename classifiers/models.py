"""The scikit-learn models and the decision that turns their probabilities into a Tag.

- status: `Pipeline(features, LogisticRegression)` over the 4 statuses;
- topics: `Pipeline(features, OneVsRestClassifier(LogisticRegression))` over the 19 topics.

Both share one fitted feature union (`train.train` fits it once), so the tagger transforms
each batch once. Logistic regression gives probabilities fitted by log-loss; evaluation
measures how well calibrated they are (Brier score, expected calibration error).

`predict` applies the rules the labelling contract makes categorical, on top of the models:
- a provision with no text (repealed) is `none` with no topics;
- an exclusion cue governing a homework term in the same sentence makes it `excludes`
  (recall of `excludes` must be 1.0);
- `explicit`/`excludes` need some homework evidence: a homework term outside a citation
  (in the text, heading, context headings or title) or a place-of-work phrase; a mention
  only inside the name of another act ("see the Home Work Act"), or telework alone, is
  not enough (C177 Art. 1(b)).
Everything else is the models' call.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import ThreadpoolController

from classifiers.features import MARKS_KEY, RowMarks, build_features
from corpus.labels import STATUSES, TOPIC_IDS

DEFAULT_TOPIC_THRESHOLD = 0.5


def status_classifier(C: float = 4.0) -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", max_iter=3000)


def topic_classifier(C: float = 4.0) -> OneVsRestClassifier:
    return OneVsRestClassifier(LogisticRegression(C=C, class_weight="balanced", max_iter=3000))


def build_status_model(C: float = 4.0) -> Pipeline:
    """An unfitted status model: `fit(rows, statuses)` like any estimator."""
    return Pipeline([("features", build_features()), ("clf", status_classifier(C))])


def build_topic_model(C: float = 4.0) -> Pipeline:
    """An unfitted topic model: `fit(rows, Y)` with Y an (n, 19) indicator matrix."""
    return Pipeline([("features", build_features()), ("clf", topic_classifier(C))])


@dataclass
class Prediction:
    status: str
    topics: list[str]
    scores: dict[str, float]
    rule: str | None = None  # the rule that decided the status, if any
    model_status: dict[str, float] = field(default_factory=dict)  # before rules
    features: list[tuple[str, str, float]] = field(default_factory=list)  # (label, name, weight)


def _has_homework_evidence(m: RowMarks) -> bool:
    near = m.text.telework + m.text.domestic
    return bool(
        m.text.hw
        or m.heading.hw
        or m.context.hw_all
        or m.title.hw_all
        or (m.text.weak and not near)
    )


def _is_empty(row: dict[str, Any], m: RowMarks) -> bool:
    return bool(row.get("repealed")) or m.n_tokens == 0


class FeatureNames:
    """Feature names of a fitted union, computed once (they serve the evidence)."""

    def __init__(self, union: FeatureUnion):
        self.names = np.asarray(union.get_feature_names_out(), dtype=object)


def _top(
    row_idx: np.ndarray, row_val: np.ndarray, coef: np.ndarray, names: np.ndarray, k: int
) -> list[tuple[str, float]]:
    if row_idx.size == 0:
        return []
    contrib = row_val * coef[row_idx]
    k = min(k, contrib.size)
    best = np.argpartition(-contrib, k - 1)[:k]
    best = best[np.argsort(-contrib[best])]
    return [(str(names[row_idx[b]]), float(contrib[b])) for b in best if contrib[b] > 0]


def predict(
    models: dict[str, Any], rows: list[dict[str, Any]], explain: bool = True, n_features: int = 5
) -> list[Prediction]:
    """Status and topics for rows that carry their RowMarks under MARKS_KEY."""
    if not rows:
        return []
    # threaded BLAS only oversubscribes the cores for matrices this size
    with _threadpools().limit(limits=1):
        return _predict(models, rows, explain, n_features)


@functools.cache
def _threadpools() -> ThreadpoolController:
    # built once: finding the loaded BLAS libraries took 4 ms, per call of threadpool_limits
    return ThreadpoolController()


def _union_transform(union: FeatureUnion, rows: list[dict[str, Any]]) -> sp.csr_matrix:
    """FeatureUnion.transform without its joblib dispatch (2 ms a call, per document)."""
    weights = union.transformer_weights or {}
    blocks = []
    for name, transformer in union.transformer_list:
        block = transformer.transform(rows)
        block = sp.csr_matrix(block) if not sp.issparse(block) else block
        blocks.append(block * weights[name] if name in weights else block)
    return sp.hstack(blocks, format="csr")


def _topic_proba(models: dict[str, Any], clf: OneVsRestClassifier, X: sp.csr_matrix) -> np.ndarray:
    """OneVsRest probabilities from the stacked binary logistic regressions, in one product
    (the same numbers as clf.predict_proba, without 19 validations per call)."""
    stack = models.get("_topic_stack")
    if stack is None or stack[0] is not clf:
        coefs, intercepts, constant = [], [], []
        n_features = X.shape[1]
        for est in clf.estimators_:
            if hasattr(est, "coef_"):
                coefs.append(est.coef_[0])
                intercepts.append(float(est.intercept_[0]))
                constant.append(np.nan)
            else:  # a topic with no positive (or no negative) training example
                coefs.append(np.zeros(n_features))
                intercepts.append(0.0)
                constant.append(float(est.predict_proba(X[:1])[0, 1]))
        stack = (clf, np.vstack(coefs).T, np.array(intercepts), np.array(constant))
        models["_topic_stack"] = stack
    _, W, b, constant = stack
    P = expit(X @ W + b)
    fixed = ~np.isnan(constant)
    P[:, fixed] = constant[fixed]
    return P


def _predict(
    models: dict[str, Any], rows: list[dict[str, Any]], explain: bool, n_features: int
) -> list[Prediction]:
    status_pipe: Pipeline = models["status"]
    topic_pipe: Pipeline = models["topics"]
    features = status_pipe.steps[0][1]
    X = _union_transform(features, rows)
    # the topic model shares the fitted union (one object after skops round-trip too)
    topic_features = topic_pipe.steps[0][1]
    Xt = X if topic_features is features else _union_transform(topic_features, rows)
    status_clf: LogisticRegression = status_pipe.steps[-1][1]
    topic_clf: OneVsRestClassifier = topic_pipe.steps[-1][1]
    p_status = status_clf.predict_proba(X)
    p_topics = _topic_proba(models, topic_clf, Xt)
    status_cols = [STATUSES.index(c) for c in status_clf.classes_]
    topic_ids: list[str] = list(models.get("topic_ids", TOPIC_IDS))
    thresholds: dict[str, float] = models.get("thresholds", {})
    names = models.get("_feature_names")
    if explain and names is None:
        names = models["_feature_names"] = FeatureNames(features).names

    out = []
    for i, row in enumerate(rows):
        m: RowMarks = row[MARKS_KEY]
        probs = np.zeros(len(STATUSES))
        probs[status_cols] = p_status[i]
        model_status = {f"status:{s}": float(probs[j]) for j, s in enumerate(STATUSES)}
        rule = None
        if _is_empty(row, m):
            probs = np.eye(len(STATUSES))[STATUSES.index("none")]
            rule = "empty"
        elif m.excl_hw:
            probs = np.eye(len(STATUSES))[STATUSES.index("excludes")]
            rule = "exclusion-governs-homework"
        else:
            # `excludes` is the exclusion rule's call alone: four real examples cannot teach
            # a model, and a model's false `excludes` would empty a coverage cell
            probs[STATUSES.index("explicit")] += probs[STATUSES.index("excludes")]
            probs[STATUSES.index("excludes")] = 0.0
        if rule is None and not _has_homework_evidence(m):
            best = STATUSES[int(np.argmax(probs))]
            if best in ("explicit", "excludes"):
                rule = "no-homework-evidence"
            for s in ("explicit", "excludes"):
                probs[STATUSES.index(s)] = 0.0
            total = probs.sum()
            probs = probs / total if total > 0 else np.eye(len(STATUSES))[STATUSES.index("general")]
        status = STATUSES[int(np.argmax(probs))]
        scores = {f"status:{s}": round(float(probs[j]), 4) for j, s in enumerate(STATUSES)}
        topics: list[str] = []
        for j, t in enumerate(topic_ids):
            p = 0.0 if rule == "empty" else float(p_topics[i, j])
            scores[f"topic:{t}"] = round(p, 4)
            if p >= thresholds.get(t, DEFAULT_TOPIC_THRESHOLD):
                topics.append(t)
        feats: list[tuple[str, str, float]] = []
        if explain and rule != "empty":
            lo, hi = X.indptr[i], X.indptr[i + 1]
            idx, val = X.indices[lo:hi], X.data[lo:hi]
            coef = status_clf.coef_
            k = list(status_clf.classes_).index(status) if status in status_clf.classes_ else None
            if k is not None:
                row_coef = coef[k] if coef.shape[0] > 1 else (coef[0] if k == 1 else -coef[0])
                feats += [(status, n, w) for n, w in _top(idx, val, row_coef, names, n_features)]
            for t in topics:
                est = topic_clf.estimators_[topic_ids.index(t)]
                if hasattr(est, "coef_"):
                    feats += [(t, n, w) for n, w in _top(idx, val, est.coef_[0], names, 3)]
        out.append(Prediction(status, topics, scores, rule, model_status, feats))
    return out
