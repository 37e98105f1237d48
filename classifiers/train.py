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
from corpus.labels import STATUSES, TOPIC_IDS

SEED_EXAMPLES = Path(__file__).parent / "seed_examples.jsonl"
DEFAULT_MODEL_DIR = Path(__file__).parent / "models"
MODEL_FILE = "c177.skops"
META_FILE = "meta.json"


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
    return [ex for ex in examples
            if not ex.get("repealed") and effective_text(ex)[0].strip()]


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


def train(examples: list[dict[str, Any]], C_status: float = 4.0,
          C_topics: float = 4.0) -> dict[str, Any]:
    """Fit the shared features once, then the status and topic classifiers on them."""
    examples = as_records(examples)  # a DataFrame works too
    validate(examples)
    rows = with_marks(trainable(examples))
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


def save(models: dict[str, Any], model_dir: Path, meta: dict[str, Any] | None = None) -> Path:
    """One skops file (so the two pipelines keep sharing their features) + meta.json."""
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    payload = {k: v for k, v in models.items() if not k.startswith("_")}
    path = model_dir / MODEL_FILE
    # the vocabularies make a verbose JSON schema (40 MB raw): deflate it
    sio.dump(payload, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    with open(model_dir / META_FILE, "w", encoding="utf-8") as handle:
        json.dump(meta or {}, handle, indent=2, sort_keys=True)
        handle.write("\n")
    return path


def train_and_save(examples: list[dict[str, Any]], model_dir: Path | str = DEFAULT_MODEL_DIR,
                   **params: Any) -> dict[str, Any]:
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
    }
    path = save(models, Path(model_dir), meta)
    meta["model_file"] = str(path)
    meta["seconds"] = round(time.perf_counter() - start, 2)
    return meta


if __name__ == "__main__":  # python -m classifiers.train: retrain the shipped seed model
    print(json.dumps(train_and_save(load_seed_examples()), indent=2))
