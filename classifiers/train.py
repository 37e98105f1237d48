"""Train the tagger's model on labelled examples and save it with skops.

Examples come as records (dicts: text, heading, context, title, language, group, status,
topics, optionally repealed) or typed `Example`s; `corpus.annotations.join` produces records
from annotation files, `classifiers/seed_examples.jsonl` holds our own invented ones.
"""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import skops.io as sio

from classifiers.examples import as_examples, trainable
from classifiers.models import C177Model
from classifiers.version import DEFAULT_MODEL_DIR, META_FILE, MODEL_FILE, library_versions
from corpus.labels import STATUSES, TOPIC_IDS

SEED_EXAMPLES = Path(__file__).parent / "seed_examples.jsonl"


def load_seed_examples(path: Path = SEED_EXAMPLES) -> list[dict[str, Any]]:
    """Our own invented, labelled provisions (no real law text), as records."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def train(
    examples: Any,
    C_status: float = 4.0,
    C_topics: float = 4.0,
    thresholds: bool = False,
) -> C177Model:
    """The model fitted on examples (records, a DataFrame or `Example`s); with `thresholds`,
    per-topic thresholds by inner CV (five fits instead of one, so off by default;
    otherwise every topic's threshold is 0.5)."""
    model = C177Model(C_status=C_status, C_topics=C_topics, tune_thresholds=thresholds)
    return model.fit(as_examples(examples))


def save(model: C177Model, model_dir: Path, meta: dict[str, Any] | None = None) -> Path:
    """One skops file (so the two pipelines keep sharing their features) + meta.json."""
    model_dir = Path(model_dir)
    model_dir.mkdir(parents=True, exist_ok=True)
    payload = model.payload()
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
    examples: Any, model_dir: Path | str = DEFAULT_MODEL_DIR, **params: Any
) -> dict[str, Any]:
    """Train on examples and save to model_dir. Returns what was trained (for the CLI)."""
    start = time.perf_counter()
    examples = as_examples(examples)
    model = train(examples, **params)
    rows = trainable(examples)
    meta = {
        "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "n_examples": len(rows),
        "n_documents": len({ex.group for ex in rows}),
        "status_counts": {s: sum(ex.status == s for ex in rows) for s in STATUSES},
        "topic_counts": {t: sum(t in ex.topics for ex in rows) for t in TOPIC_IDS},
        "languages": sorted({ex.language for ex in rows}),
        "params": params,
        "trained_with": library_versions(),
    }
    path = save(model, Path(model_dir), meta)
    meta["model_file"] = str(path)
    meta["seconds"] = round(time.perf_counter() - start, 2)
    return meta
