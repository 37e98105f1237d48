"""Throughput of the tagger, split into spaCy, scikit-learn and evidence time.

    python -m benchmarks.tagger_stages [LAWS_DIR]   # default: the seed examples, repeated

Reads and splits every law of LAWS_DIR with `extractors` (files listed in a HOLDOUT.txt
there are skipped), then tags each document once to warm up and once timed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from classifiers.features import MARKS_KEY, analyse
from classifiers.models import predict
from classifiers.nlp import get_nlp
from classifiers.tagger import Tagger
from corpus.model import Provision


def _documents(laws: Path) -> list[tuple[str, str, list[Provision]]]:
    from extractors import read
    from extractors.language import detect
    from extractors.provisions import split

    holdout_file = laws / "HOLDOUT.txt"
    holdout = set()
    if holdout_file.exists():
        holdout = {
            ln.strip()
            for ln in holdout_file.read_text().splitlines()
            if ln.strip() and not ln.startswith("#")
        }
    docs = []
    for path in sorted(laws.iterdir()):
        if (
            path.name in holdout
            or path.suffix not in {".md", ".json", ".pdf", ".docx"}
            or path.stem.isupper()
        ):  # README.md, QUIRKS.md are notes, not laws
            continue
        try:
            extracted = read(path)
            lang = detect(extracted.text)
            docs.append((path.stem, lang, split(extracted, lang)))
        except Exception as err:  # noqa: BLE001 - a benchmark skips what it cannot read
            print(f"skip {path.name}: {err}", file=sys.stderr)
    return docs


def _seed_documents(copies: int = 25) -> list[tuple[str, str, list[Provision]]]:
    from classifiers.train import load_seed_examples

    by_group: dict[str, list[dict[str, Any]]] = {}
    for ex in load_seed_examples():
        by_group.setdefault(ex["group"], []).append(ex)
    docs = []
    for k in range(copies):
        for exs in by_group.values():
            provs = [
                Provision(
                    citation=f"s. {i}",
                    number=str(i),
                    kind="section",
                    heading=e["heading"],
                    context=e["context"],
                    text=f"{e['text']} ({k})",
                )
                for i, e in enumerate(exs, 1)
            ]
            docs.append((exs[0]["title"], exs[0]["language"], provs))
    return docs


def measure(docs: list[tuple[str, str, list[Provision]]], tagger: Tagger) -> dict[str, float]:
    for title, lang, provs in docs:  # warm-up: pipelines, caches
        tagger.tag(provs[:50], lang, title)
    n = sum(len(p) for _, _, p in docs)
    spacy_s = sklearn_s = total_s = 0.0
    for title, lang, provs in docs:
        t0 = time.perf_counter()
        rows = tagger.rows(provs, lang, title)
        for row, m in zip(rows, analyse(rows, keep_docs=tagger.explain), strict=True):
            row[MARKS_KEY] = m
        t1 = time.perf_counter()
        predict(tagger.models, rows, explain=tagger.explain)
        t2 = time.perf_counter()
        tagger.tag(provs, lang, title)
        t3 = time.perf_counter()
        spacy_s += t1 - t0
        sklearn_s += t2 - t1
        total_s += t3 - t2
    return {
        "provisions": n,
        "spacy_s": round(spacy_s, 3),
        "sklearn_s": round(sklearn_s, 3),
        "tag_total_s": round(total_s, 3),
        "provisions_per_s": round(n / total_s, 1) if total_s else 0.0,
        **_floors(docs, tagger),
    }


def _floors(docs: list[tuple[str, str, list[Provision]]], tagger: Tagger) -> dict[str, float]:
    """Two costs inside the tagger that no change of ours can take away while the tags stay
    the same: spaCy's tokenizer over every text, and the scikit-learn TF-IDF vectorizers (word
    and character n-grams) over every row. Their own rates bound the tagger's."""
    union = tagger.models.status_pipeline_.steps[0][1]
    tfidf = [step for name, step in union.transformer_list if name in ("words", "chars")]
    tokenizer_s = vectorizers_s = 0.0
    for title, lang, provs in docs:
        nlp = get_nlp(lang)
        t0 = time.perf_counter()
        for p in provs:
            nlp.make_doc(p.text)
        t1 = time.perf_counter()
        rows = tagger.rows(provs, lang, title)
        for block in tfidf:
            block.transform(rows)
        t2 = time.perf_counter()
        tokenizer_s += t1 - t0
        vectorizers_s += t2 - t1
    n = sum(len(p) for _, _, p in docs)
    return {
        "tokenizer_per_s": round(n / tokenizer_s, 1) if tokenizer_s else 0.0,
        "vectorizers_per_s": round(n / vectorizers_s, 1) if vectorizers_s else 0.0,
    }


if __name__ == "__main__":
    tagger = Tagger.load()
    documents = _documents(Path(sys.argv[1])) if len(sys.argv) > 1 else _seed_documents()
    chars = sum(len(p.text) for _, _, ps in documents for p in ps)
    print(f"{len(documents)} documents, {chars} characters")
    for explain in (True, False):
        tagger.explain = explain
        print(f"explain={explain}", measure(documents, tagger))
