"""The scikit-learn estimator of the tagger and the decision that turns its probabilities
into a Prediction.

`C177Model` holds two fitted pipelines that share one fitted feature union (fitted once, so
the tagger transforms each batch once):
- status: `Pipeline(features, LogisticRegression)` over the 4 statuses;
- topics: `Pipeline(features, OneVsRestClassifier(LogisticRegression))` over the 19 topics.
Logistic regression gives probabilities fitted by log-loss; evaluation measures how well
calibrated they are (Brier score, expected calibration error).

`predict` applies the rules the labelling contract makes categorical, on top of the models:
- a provision with no text (repealed) is `none` with no topics;
- the roles of its mentions of home work decide where a rule can (`classifiers.roles`): an
  exclusion of homeworkers makes it `excludes` (recall of `excludes` must be 1.0); a mention
  that defines, includes or regulates them makes it `explicit`, with the topics that follow;
- `explicit`/`excludes` need some homework evidence: a homework term outside a citation
  (in the text, heading, context headings or title) or a place-of-work phrase; a mention
  only inside the name of another act ("see the Home Work Act"), or telework alone, is
  not enough (C177 Art. 1(b)).
Everything else is the models' call.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, Pipeline
from threadpoolctl import ThreadpoolController

from classifiers.examples import Example, topic_matrix, trainable, with_marks
from classifiers.features import MARKS_KEY, RowMarks, as_records, build_features, row_marks
from classifiers.roles import Decision, Role, decide, final_roles, fit_role_model, score_roles
from classifiers.thresholds import tuned_thresholds
from corpus.labels import STATUSES, TOPIC_IDS, Status, TopicId

DEFAULT_TOPIC_THRESHOLD = 0.5
EXPLICIT, EXCLUDES = STATUSES.index("explicit"), STATUSES.index("excludes")
# the statuses the categorical rules decide, by rule
RULE_STATUS = {"empty": "none"}


@dataclass
class Prediction:
    status: Status
    topics: list[TopicId]
    scores: dict[str, float]
    rule: str | None = None  # the rule that decided the status, if any
    model_status: dict[str, float] = field(default_factory=dict)  # before rules
    features: list[tuple[str, str, float]] = field(default_factory=list)  # (label, name, weight)
    roles: list[tuple[Role, float | None]] = field(default_factory=list)  # per mention


class C177Model(BaseEstimator):
    """Status and topics of provision rows (dicts with text, heading, context, title,
    language, repealed, and their RowMarks under MARKS_KEY when already computed).

    `fit(examples)` learns from typed `Example`s, which carry their labels (repealed and
    empty ones are left to the rules). With `tune_thresholds`, a threshold per topic is chosen
    by inner cross-validation grouped by law (five fits instead of one, so off by default:
    every threshold is then 0.5)."""

    def __init__(
        self,
        C_status: float = 4.0,
        C_topics: float = 4.0,
        tune_thresholds: bool = False,
        n_explained: int = 5,
    ):
        self.C_status = C_status
        self.C_topics = C_topics
        self.tune_thresholds = tune_thresholds
        self.n_explained = n_explained

    def fit(self, examples: Sequence[Example], y: None = None) -> C177Model:
        examples = with_marks(trainable(examples))
        if len({ex.status for ex in examples}) < 2:
            raise ValueError("training needs at least two statuses")
        rows = [ex.row() for ex in examples]
        features = build_features().fit(rows)
        X = features.transform(rows)
        # one BLAS thread: on a shared 2-core machine threaded BLAS made these fits 100x slower
        with _threadpools().limit(limits=1), warnings.catch_warnings():
            # a topic without positive examples gets a constant predictor: fine for a seed
            warnings.filterwarnings("ignore", message="Label .* is present in all training")
            status_clf = status_classifier(self.C_status).fit(X, [ex.status for ex in examples])
            topic_clf = topic_classifier(self.C_topics).fit(X, topic_matrix(examples))
            roles = fit_role_model(
                [r[MARKS_KEY].readings for r in rows], [ex.status for ex in examples]
            )
        self._set_fitted(
            Pipeline([("features", features), ("clf", status_clf)]),
            Pipeline([("features", features), ("clf", topic_clf)]),
            list(TOPIC_IDS),
            {},
            len(rows),
            roles,
        )
        if self.tune_thresholds:
            self.thresholds_ = tuned_thresholds(examples, self._fit_untuned)
        return self

    def _fit_untuned(self, examples: Sequence[Example]) -> C177Model:
        model: C177Model = clone(self).set_params(tune_thresholds=False)
        return model.fit(examples)

    def _set_fitted(
        self,
        status: Pipeline,
        topics: Pipeline,
        topic_ids: list[TopicId],
        thresholds: dict[str, float],
        n_examples: int,
        roles: Pipeline | None,
    ) -> None:
        self.status_pipeline_ = status
        self.role_model_ = roles
        self.topic_pipeline_ = topics
        self.topic_ids_ = topic_ids
        self.thresholds_ = thresholds
        self.n_examples_ = n_examples
        self.topic_weights_, self.topic_bias_, self.topic_constant_ = _topic_stack(
            topics.steps[-1][1], n_features=status.steps[-1][1].coef_.shape[1]
        )

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> C177Model:
        """The model a saved payload holds (see `payload`)."""
        model = cls()
        model._set_fitted(
            payload["status"],
            payload["topics"],
            list(payload.get("topic_ids", TOPIC_IDS)),
            dict(payload.get("thresholds", {})),
            int(payload.get("n_examples", 0)),
            payload.get("roles"),
        )
        return model

    def payload(self) -> dict[str, Any]:
        """What a model file stores: the two pipelines (sharing their features), the topic
        ids, the thresholds, the number of examples and the role model."""
        return {
            "roles": self.role_model_,
            "status": self.status_pipeline_,
            "topics": self.topic_pipeline_,
            "topic_ids": self.topic_ids_,
            "thresholds": self.thresholds_,
            "n_examples": self.n_examples_,
        }

    @functools.cached_property
    def feature_names(self) -> np.ndarray:
        """Names of the shared features, computed once (they serve the explanations)."""
        union = self.status_pipeline_.steps[0][1]
        return np.asarray(union.get_feature_names_out(), dtype=object)

    def predict(self, X: Any, explain: bool = False) -> list[Prediction]:
        """A Prediction per row; with `explain`, the features that weighed most."""
        rows = _with_marks(as_records(X))
        if not rows:
            return []
        # threaded BLAS only oversubscribes the cores for matrices this size
        with _threadpools().limit(limits=1):
            features = self.status_pipeline_.steps[0][1]
            Xs = _union_transform(features, rows)
            # the topic model shares the fitted union (one object after skops round-trip too)
            topic_features = self.topic_pipeline_.steps[0][1]
            Xt = Xs if topic_features is features else _union_transform(topic_features, rows)
            p_status = self._status_proba(Xs)
            p_topics = self._topic_proba(Xt)
            p_roles = score_roles(self.role_model_, [row[MARKS_KEY].readings for row in rows])
            return [
                self._prediction(
                    row, p_status[i], p_topics[i], p_roles[i], _row(Xs, i) if explain else None
                )
                for i, row in enumerate(rows)
            ]

    def _status_proba(self, X: sp.csr_matrix) -> np.ndarray:
        """Status probabilities in STATUSES order (a status never trained on gets 0)."""
        clf: LogisticRegression = self.status_pipeline_.steps[-1][1]
        out = np.zeros((X.shape[0], len(STATUSES)))
        out[:, [STATUSES.index(c) for c in clf.classes_]] = clf.predict_proba(X)
        return out

    def _topic_proba(self, X: sp.csr_matrix) -> np.ndarray:
        """OneVsRest probabilities from the stacked binary logistic regressions, in one
        product (the same numbers as clf.predict_proba, without 19 validations per call)."""
        P = expit(X @ self.topic_weights_ + self.topic_bias_)
        fixed = ~np.isnan(self.topic_constant_)
        P[:, fixed] = self.topic_constant_[fixed]
        return P

    def _prediction(
        self,
        row: dict[str, Any],
        p_status: np.ndarray,
        p_topics: np.ndarray,
        p_roles: list[float],
        x: tuple[np.ndarray, np.ndarray] | None,
    ) -> Prediction:
        m: RowMarks = row[MARKS_KEY]
        model_status = {f"status:{s}": float(p_status[j]) for j, s in enumerate(STATUSES)}
        roles = final_roles(m.readings, p_roles)
        decision = decide(m.readings, roles)
        probs, rule = decide_status(row, m, p_status, decision)
        status = STATUSES[int(np.argmax(probs))]
        scores = {f"status:{s}": round(float(probs[j]), 4) for j, s in enumerate(STATUSES)}
        topic_scores = np.zeros(len(self.topic_ids_)) if rule == "empty" else p_topics
        topics = self._topics_over_threshold(topic_scores)
        if rule != "empty":
            topics += [t for t in decision.topics if t not in topics]
        scores.update(
            (f"topic:{t}", round(float(p), 4))
            for t, p in zip(self.topic_ids_, topic_scores, strict=True)
        )
        explained = [] if x is None or rule == "empty" else self._explain(x, status, topics)
        weights = [None if np.isnan(p) else round(p, 4) for p in p_roles]
        roles_weighted = list(zip(roles, weights, strict=True))
        return Prediction(status, topics, scores, rule, model_status, explained, roles_weighted)

    def _topics_over_threshold(self, p_topics: np.ndarray) -> list[TopicId]:
        return [
            t
            for t, p in zip(self.topic_ids_, p_topics, strict=True)
            if float(p) >= self.thresholds_.get(t, DEFAULT_TOPIC_THRESHOLD)
        ]

    def _explain(
        self, x: tuple[np.ndarray, np.ndarray], status: str, topics: list[TopicId]
    ) -> list[tuple[str, str, float]]:
        """The features that pushed most towards the status and each topic found, from the
        (indices, values) of the row's features."""
        (idx, val), names = x, self.feature_names
        status_clf: LogisticRegression = self.status_pipeline_.steps[-1][1]
        topic_clf: OneVsRestClassifier = self.topic_pipeline_.steps[-1][1]
        feats: list[tuple[str, str, float]] = []
        classes = list(status_clf.classes_)
        if status in classes:
            k, coef = classes.index(status), status_clf.coef_
            row_coef = coef[k] if coef.shape[0] > 1 else (coef[0] if k == 1 else -coef[0])
            feats += [(status, n, w) for n, w in _top(idx, val, row_coef, names, self.n_explained)]
        for t in topics:
            est = topic_clf.estimators_[self.topic_ids_.index(t)]
            if hasattr(est, "coef_"):
                feats += [(t, n, w) for n, w in _top(idx, val, est.coef_[0], names, 3)]
        return feats


def predict(model: C177Model, rows: list[dict[str, Any]], explain: bool = True) -> list[Prediction]:
    """Status and topics for rows that carry their RowMarks under MARKS_KEY."""
    return model.predict(rows, explain=explain)


def status_classifier(C: float = 4.0) -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", max_iter=3000)


def topic_classifier(C: float = 4.0) -> OneVsRestClassifier:
    return OneVsRestClassifier(LogisticRegression(C=C, class_weight="balanced", max_iter=3000))


# --------------------------------------------------------------------------- the rules


def decide_status(
    row: dict[str, Any], m: RowMarks, p_status: np.ndarray, decision: Decision
) -> tuple[np.ndarray, str | None]:
    """The status probabilities after the categorical rules (and the roles of the mentions),
    and the rule that decided."""
    rule = _categorical_rule(row, m)
    if rule is not None:
        return np.eye(len(STATUSES))[STATUSES.index(RULE_STATUS[rule])], rule
    if decision.status is not None:
        return np.eye(len(STATUSES))[STATUSES.index(decision.status)], decision.rule
    probs = p_status.copy()
    # `excludes` is the exclusion rule's call alone: four real examples cannot teach
    # a model, and a model's false `excludes` would empty a coverage cell
    probs[EXPLICIT] += probs[EXCLUDES]
    probs[EXCLUDES] = 0.0
    if _has_homework_evidence(m):
        return probs, None
    return _without_homework_statuses(probs)


def _categorical_rule(row: dict[str, Any], m: RowMarks) -> str | None:
    if row.get("repealed") or m.n_tokens == 0:
        return "empty"
    return None


def _has_homework_evidence(m: RowMarks) -> bool:
    near = m.text.telework + m.text.domestic
    return bool(
        m.text.hw
        or m.heading.hw
        or m.context.hw_all
        or m.title.hw_all
        or (m.text.weak and not near)
    )


def _without_homework_statuses(probs: np.ndarray) -> tuple[np.ndarray, str | None]:
    """No homework evidence: neither `explicit` nor `excludes`, the rest renormalised."""
    best = STATUSES[int(np.argmax(probs))]
    rule = "no-homework-evidence" if best in ("explicit", "excludes") else None
    probs[[EXPLICIT, EXCLUDES]] = 0.0
    total = probs.sum()
    if total > 0:
        return probs / total, rule
    return np.eye(len(STATUSES))[STATUSES.index("general")], rule


# --------------------------------------------------------------------------- helpers


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


def _with_marks(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows carrying their RowMarks, computed once here for those that lack them."""
    return [
        row if row.get(MARKS_KEY) is marks else {**row, MARKS_KEY: marks}
        for row, marks in zip(rows, row_marks(rows), strict=True)
    ]


def _row(X: sp.csr_matrix, i: int) -> tuple[np.ndarray, np.ndarray]:
    """The indices and values of row i's non-zero features."""
    lo, hi = X.indptr[i], X.indptr[i + 1]
    return X.indices[lo:hi], X.data[lo:hi]


def _topic_stack(
    clf: OneVsRestClassifier, n_features: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The binary regressions of a OneVsRest classifier as one weight matrix and bias, and
    the constant probability of the topics that had no positive (or no negative) example
    (NaN for the others)."""
    coefs, intercepts, constant = [], [], []
    for est in clf.estimators_:
        if hasattr(est, "coef_"):
            coefs.append(est.coef_[0])
            intercepts.append(float(est.intercept_[0]))
            constant.append(np.nan)
        else:
            coefs.append(np.zeros(n_features))
            intercepts.append(0.0)
            constant.append(float(est.predict_proba(sp.csr_matrix((1, n_features)))[0, 1]))
    # C order: a sparse matrix times a Fortran-ordered one copies the weights on every call
    weights = np.ascontiguousarray(np.vstack(coefs).T)
    return weights, np.array(intercepts), np.array(constant)


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
