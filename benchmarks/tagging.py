"""Tagging throughput on one core, split into spaCy and scikit-learn, with
`benchmarks.tagger_stages.measure` (the classifier engineer's own split of the timing).

    python -m benchmarks.tagging DB [--copies 1] [--model-dir DIR]   # prints JSON

The provisions come from a database that a benchmark run filled; only the first copy of each
source law is used (copies are the same text, and the point is varied provisions).
"""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from threadpoolctl import threadpool_limits

_COPY = re.compile(r"__copy(\d+)\.pdf$")


def documents(db: str, copies: int = 1) -> list[tuple[str, str, list]]:
    from corpus.store import Store

    docs = []
    with Store(db) as store:
        for document in store.documents():
            match = _COPY.search(document.name)
            if match and int(match[1]) > copies:
                continue
            provisions = [p.provision for p in store.provisions(document_id=document.id)]
            if provisions:
                docs.append((document.title or document.name, document.language, provisions))
    return docs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("db")
    parser.add_argument("--copies", type=int, default=1)
    parser.add_argument("--model-dir", default=None)
    args = parser.parse_args()
    from benchmarks.tagger_stages import measure
    from classifiers.tagger import Tagger

    docs = documents(args.db, args.copies)
    tagger = Tagger.load(args.model_dir)
    results: dict[str, Any] = {}
    with threadpool_limits(1):  # per core: no BLAS threads on the other core
        for explain in (True, False):
            tagger.explain = explain
            m: dict[str, Any] = measure(docs, tagger)
            n = m["provisions"]
            m["spacy_provisions_per_s"] = round(n / m["spacy_s"], 1) if m["spacy_s"] else None
            m["sklearn_provisions_per_s"] = round(n / m["sklearn_s"], 1) if m["sklearn_s"] else None
            results["explain" if explain else "no_explain"] = m
    results["documents"] = len(docs)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
