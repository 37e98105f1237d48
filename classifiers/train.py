"""Train the status and topic models on labelled rows and save them with skops.

An example is a dict: text, heading, context (list or joined string), title, language,
group (the law it comes from: leave-one-law-out evaluation splits on it), status, topics,
and optionally repealed. `corpus.annotations.join` produces them from annotation files;
`classifiers/seed_examples.jsonl` holds our own invented ones.
"""

from __future__ import annotations

import json
import time
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import skops.io as sio
from sklearn.pipeline import Pipeline
from threadpoolctl import threadpool_limits

from classifiers.features import MARKS_KEY, analyse, as_records, build_features, effective_text
from classifiers.models import status_classifier, topic_classifier
from classifiers.version import DEFAULT_MODEL_DIR, META_FILE, MODEL_FILE, library_versions
from corpus.labels import STATUSES, TOPIC_IDS

SEED_EXAMPLES = Path(__file__).parent / "seed_examples.jsonl"


def load_seed_examples(path: Path = SEED_EXAMPLES) -> list[dict[str, Any]]:
    """Our own invented, labelled provisions (no real law text)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def validate(examples: list[dict[str, Any]]) -> None:
    for i, ex in enumerate(examples):
        if ex.get("status") not in STATUSES:
            raise ValueError(f"example {i}: unknown status {ex.get('status')!r}")
        bad = [t for t in ex.get("topics", []) if t not in TOPIC_IDS]
        if bad:
            raise ValueError(f"example {i}: unknown topics {bad}")


def trainable(examples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Examples the models learn from: repealed or empty ones are decided by rule."""
    return [ex for ex in examples if not ex.get("repealed") and effective_text(ex)[0].strip()]


def with_marks(examples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Copies of the rows carrying their spaCy marks, computed once."""
    rows = [dict(ex) for ex in examples]
    need = [r for r in rows if r.get(MARKS_KEY) is None]
    for row, marks in zip(need, analyse(need), strict=True):
        row[MARKS_KEY] = marks
    return rows


def topic_matrix(examples: list[dict[str, Any]]) -> np.ndarray:
    Y = np.zeros((len(examples), len(TOPIC_IDS)), dtype=np.int64)
    for i, ex in enumerate(examples):
        for t in ex.get("topics", []):
            Y[i, TOPIC_IDS.index(t)] = 1
    return Y


def fit_models(
    rows: list[dict[str, Any]], C_status: float = 4.0, C_topics: float = 4.0
) -> dict[str, Any]:
    """Fit the shared features once, then the status and topic classifiers on them
    (rows already carry their marks)."""
    if len({r["status"] for r in rows}) < 2:
        raise ValueError("training needs at least two statuses")
    features = build_features().fit(rows)
    X = features.transform(rows)
    y = np.array([r["status"] for r in rows])
    Y = topic_matrix(rows)
    # one BLAS thread: on a shared 2-core machine threaded BLAS made these fits 100x slower
    with threadpool_limits(limits=1), warnings.catch_warnings():
        # a topic without positive examples gets a constant predictor: fine for a seed
        warnings.filterwarnings("ignore", message="Label .* is present in all training")
        status_clf = status_classifier(C_status).fit(X, y)
        topic_clf = topic_classifier(C_topics).fit(X, Y)
    return {
        "status": Pipeline([("features", features), ("clf", status_clf)]),
        "topics": Pipeline([("features", features), ("clf", topic_clf)]),
        "topic_ids": list(TOPIC_IDS),
        "thresholds": {},
        "n_examples": len(rows),
    }


THRESHOLD_GRID = tuple(round(x, 2) for x in np.arange(0.15, 0.90, 0.05))
MIN_POSITIVES = 5  # fewer positives than this in the inner folds: keep the default 0.5


def _group_of(row: dict[str, Any]) -> str:
    return str(row.get("group") or row.get("document") or row.get("sha256") or "")


def tune_thresholds(
    rows: list[dict[str, Any]], n_splits: int = 4, C_status: float = 4.0, C_topics: float = 4.0
) -> dict[str, float]:
    """A threshold per topic, chosen by inner cross-validation grouped by law: the
    out-of-fold probabilities of the training rows only (rows marked `seed` are in every
    inner training fold and never scored)."""
    from sklearn.model_selection import GroupKFold

    from classifiers.models import predict

    real = [r for r in rows if not r.get("seed")]
    seed = [r for r in rows if r.get("seed")]
    groups = np.array([_group_of(r) for r in real])
    k = min(n_splits, len(set(groups)))
    if k < 2:
        return {}
    P = np.full((len(real), len(TOPIC_IDS)), np.nan)
    for tr, te in GroupKFold(n_splits=k).split(np.zeros(len(real)), groups=groups):
        try:
            models = fit_models([real[i] for i in tr] + seed, C_status, C_topics)
        except ValueError:
            continue
        for i, pr in zip(te, predict(models, [real[i] for i in te], explain=False), strict=True):
            P[i] = [pr.scores[f"topic:{t}"] for t in TOPIC_IDS]
    ok = ~np.isnan(P[:, 0])
    Y = topic_matrix(real)[ok]
    P = P[ok]
    out: dict[str, float] = {}
    for j, t in enumerate(TOPIC_IDS):
        if Y[:, j].sum() < MIN_POSITIVES:
            continue
        best, best_f = 0.5, -1.0
        for th in THRESHOLD_GRID:
            pred = P[:, j] >= th
            tp = float(np.sum(pred & (Y[:, j] == 1)))
            f = 2 * tp / (pred.sum() + Y[:, j].sum()) if pred.sum() + Y[:, j].sum() else 0.0
            # ties go to the threshold nearest 0.5
            if f > best_f + 1e-9 or (abs(f - best_f) <= 1e-9 and abs(th - 0.5) < abs(best - 0.5)):
                best, best_f = th, f
        out[t] = float(best)
    return out


def train(
    examples: list[dict[str, Any]],
    C_status: float = 4.0,
    C_topics: float = 4.0,
    thresholds: bool = False,
) -> dict[str, Any]:
    """Models on the examples; with `thresholds`, per-topic thresholds by inner CV (five
    fits instead of one, so off by default; otherwise every topic's threshold is 0.5)."""
    examples = as_records(examples)  # a DataFrame works too
    validate(examples)
    rows = with_marks(trainable(examples))
    models = fit_models(rows, C_status, C_topics)
    if thresholds:
        models["thresholds"] = tune_thresholds(rows, C_status=C_status, C_topics=C_topics)
    return models


def save(models: dict[str, Any], model_dir: Path, meta: dict[str, Any] | None = None) -> Path:
    """One skops file (so the two pipelines keep sharing their features) + meta.json."""
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    payload = {k: v for k, v in models.items() if not k.startswith("_")}
    _plain_vocabularies(payload)
    path = model_dir / MODEL_FILE
    # the vocabularies make a verbose JSON schema (40 MB raw): deflate it
    sio.dump(payload, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    with open(model_dir / META_FILE, "w", encoding="utf-8") as handle:
        json.dump(meta or {}, handle, indent=2, sort_keys=True)
        handle.write("\n")
    return path


def _plain_vocabularies(obj: Any, seen: set[int] | None = None) -> None:
    """Make fitted vocabularies map to Python ints: skops stores each NumPy scalar as a file
    of its own, and saving 100k of them takes quadratic time."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(getattr(obj, "vocabulary_", None), dict):
        obj.vocabulary_ = {term: int(index) for term, index in obj.vocabulary_.items()}
    children = (
        obj.values()
        if isinstance(obj, dict)
        else (
            obj
            if isinstance(obj, list | tuple)
            else vars(obj).values()
            if hasattr(obj, "__dict__")
            else ()
        )
    )
    for child in children:
        if not isinstance(child, str | bytes | int | float | np.ndarray):
            _plain_vocabularies(child, seen)


def train_and_save(
    examples: list[dict[str, Any]], model_dir: Path | str = DEFAULT_MODEL_DIR, **params: Any
) -> dict[str, Any]:
    """Train on examples and save to model_dir. Returns what was trained (for the CLI)."""
    start = time.perf_counter()
    examples = as_records(examples)
    models = train(examples, **params)
    rows = trainable(examples)
    meta = {
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "n_examples": len(rows),
        "n_documents": len({str(r.get("group", "")) for r in rows}),
        "status_counts": {s: sum(r["status"] == s for r in rows) for s in STATUSES},
        "topic_counts": {t: sum(t in r.get("topics", []) for r in rows) for t in TOPIC_IDS},
        "languages": sorted({str(r.get("language", "")) for r in rows}),
        "params": params,
        "trained_with": library_versions(),
    }
    path = save(models, Path(model_dir), meta)
    meta["model_file"] = str(path)
    meta["seconds"] = round(time.perf_counter() - start, 2)
    return meta
