"""A decision threshold per topic, chosen by inner cross-validation grouped by law."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
from sklearn.model_selection import GroupKFold

from classifiers.examples import Example, topic_matrix
from corpus.labels import TOPIC_IDS

if TYPE_CHECKING:
    from classifiers.models import C177Model

THRESHOLD_GRID = tuple(round(x, 2) for x in np.arange(0.15, 0.90, 0.05))
MIN_POSITIVES = 5  # fewer positives than this in the inner folds: keep the default 0.5


def tuned_thresholds(
    examples: Sequence[Example], fit: Callable[[list[Example]], C177Model], n_splits: int = 4
) -> dict[str, float]:
    """A threshold per topic from the out-of-fold probabilities of the examples (`fit`
    trains a model on a fold; seed examples are in every inner training fold and never
    scored)."""
    real = [ex for ex in examples if not ex.seed]
    seed = [ex for ex in examples if ex.seed]
    P = _out_of_fold_topic_scores(real, seed, fit, n_splits)
    if P is None:
        return {}
    ok = ~np.isnan(P[:, 0])
    Y = topic_matrix(real)[ok]
    P = P[ok]
    return {
        t: best_threshold(P[:, j], Y[:, j])
        for j, t in enumerate(TOPIC_IDS)
        if Y[:, j].sum() >= MIN_POSITIVES
    }


def _out_of_fold_topic_scores(
    real: list[Example],
    seed: list[Example],
    fit: Callable[[list[Example]], C177Model],
    n_splits: int,
) -> np.ndarray | None:
    """Topic scores of each real example by a model trained without its law (NaN rows for
    folds that could not be trained); None with fewer than two laws."""
    groups = np.array([ex.group for ex in real])
    k = min(n_splits, len(set(groups)))
    if k < 2:
        return None
    P = np.full((len(real), len(TOPIC_IDS)), np.nan)
    for tr, te in GroupKFold(n_splits=k).split(np.zeros(len(real)), groups=groups):
        try:
            model = fit([real[i] for i in tr] + seed)
        except ValueError:
            continue
        predictions = model.predict([real[i].row() for i in te])
        for i, pr in zip(te, predictions, strict=True):
            P[i] = [pr.scores[f"topic:{t}"] for t in TOPIC_IDS]
    return P


def best_threshold(scores: np.ndarray, gold: np.ndarray) -> float:
    """The threshold of the grid with the best F1; ties go to the one nearest 0.5."""
    best, best_f = 0.5, -1.0
    for th in THRESHOLD_GRID:
        pred = scores >= th
        tp = float(np.sum(pred & (gold == 1)))
        f = 2 * tp / (pred.sum() + gold.sum()) if pred.sum() + gold.sum() else 0.0
        if f > best_f + 1e-9 or (abs(f - best_f) <= 1e-9 and abs(th - 0.5) < abs(best - 0.5)):
            best, best_f = th, f
    return float(best)
