"""First-sight figures: how the tagger did on a law before anyone annotated it or changed a
lexicon, rule or feature because of it.

`record` tags new laws with the current tagger and freezes its labels in
data/first_sight/<model version>/<law>.jsonl. It refuses a law that already has annotations: the
tagger's figures on a law it has learnt from are not first sight. The frozen files are the record
and are never rewritten. `score` joins them with the annotations made afterwards and gives, per
tagger and law, status macro-F1, the exclusions found, topic micro-F1 and the coverage-matrix
cells that equal the cells the annotations give (the matrix of the recorded laws only, one row
per jurisdiction).

Like the annotations, the frozen files hold no law's words: a provision is named by the
document's SHA-256, its citation and occurrence, and checked by `text_sha`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from corpus.config import DATA_DIR
from corpus.errors import C177Error
from corpus.labels import STATUSES, TOPIC_IDS
from corpus.model import DocumentMeta, Evidence, Provision, Tag, text_hash
from corpus.store import StoredDocument, StoredProvision
from flows.steps import TaggerLike, extract
from reports.matrix import build_matrix

FIRST_SIGHT_DIR = DATA_DIR / "first_sight"
KEY = ("sha256", "citation", "occurrence")


class FirstSightError(C177Error):
    """A law cannot be recorded first-sight (it has been annotated already)."""


def _key(record: dict[str, Any]) -> tuple[str, str, int]:
    return (record["sha256"], record["citation"], int(record.get("occurrence") or 1))


def record(
    path: Path,
    meta: DocumentMeta,
    tagger: TaggerLike,
    annotated: set[str],
    directory: Path = FIRST_SIGHT_DIR,
) -> Path:
    """Tag one new law with the current tagger and freeze its labels; returns the file.
    `annotated` holds the SHA-256s that have annotations already."""
    item = extract(path, meta)
    if item.sha256 in annotated:
        raise FirstSightError(f"{path.name}: already annotated, so no longer first sight")
    target = directory / tagger.version / f"{path.stem}.jsonl"
    if target.exists():
        raise FirstSightError(f"{path.name}: first sight already recorded in {target}")
    tags = tagger.tag(item.provisions, item.language, meta.title or path.stem)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as out:
        for provision, tag in zip(item.provisions, tags, strict=True):
            out.write(json.dumps(_frozen(path.name, item.sha256, meta, provision, tag)) + "\n")
    return target


def _frozen(
    name: str, sha256: str, meta: DocumentMeta, provision: Provision, tag: Tag
) -> dict[str, Any]:
    # Only the located exclusion spans are kept: the matrix reads them to tell an exclusion
    # of homeworkers as such from a partial one; the model's feature weights are not needed.
    spans = [
        {"label": e.label, "kind": e.kind, "text": e.text, "start": e.start, "end": e.end}
        for e in tag.evidence
        if e.label == "excludes" and e.start is not None
    ]
    return {
        "document": name,
        "sha256": sha256,
        "citation": provision.citation,
        "occurrence": provision.occurrence,
        "text_sha": text_hash(provision.text),
        "jurisdiction": meta.jurisdiction,
        "status": tag.status,
        "topics": tag.topics,
        "evidence": spans,
        "model_version": tag.model_version,
    }


def load_recorded(directory: Path = FIRST_SIGHT_DIR) -> dict[str, dict[str, list[dict]]]:
    """tagger version -> law file name -> its frozen labels."""
    recorded: dict[str, dict[str, list[dict]]] = {}
    for path in sorted(directory.glob("*/*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        if rows:
            recorded.setdefault(path.parent.name, {})[rows[0]["document"]] = rows
    return recorded


@dataclass
class LawFigures:
    """One tagger's first-sight figures on one law or a set of laws."""

    law: str
    provisions: int
    status_macro_f1: float
    exclusions: int  # provisions annotated `excludes`
    exclusions_found: int  # ... that the tagger tagged `excludes`
    false_exclusions: int  # provisions tagged `excludes` that are not
    topic_micro_f1: float
    cells: int
    cells_equal: int
    misses: list[str] = field(default_factory=list)  # decisive disagreements, for the report


def _status_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    present = [s for s in STATUSES if s in gold]
    return float(f1_score(gold, predicted, labels=present, average="macro", zero_division=0))


def _topic_f1(gold: Sequence[list[str]], predicted: Sequence[list[str]]) -> float:
    def matrix(rows: Sequence[list[str]]) -> np.ndarray:
        return np.array([[t in row for t in TOPIC_IDS] for row in rows], dtype=int)

    return float(f1_score(matrix(gold), matrix(predicted), average="micro", zero_division=0))


def _stored(pairs: Iterable[tuple[dict, dict, Provision]], use: str) -> list[StoredProvision]:
    """Provisions labelled by the annotation (`use="gold"`) or the frozen tag, for the matrix."""
    stored = []
    for number, (gold, frozen, provision) in enumerate(pairs):
        labels = gold if use == "gold" else frozen
        evidence = [] if use == "gold" else [Evidence(**e) for e in frozen.get("evidence", [])]
        document = StoredDocument(
            id=int(frozen["sha256"][:15], 16), sha256=frozen["sha256"], name=frozen["document"],
            source="", format="", jurisdiction=frozen.get("jurisdiction", ""), language="",
            title=frozen["document"], year=None, page_count=None, warnings=[],
            extractor_version="", ingested_at="", current=True,
        )  # fmt: skip
        tag = Tag(labels["status"], list(labels["topics"]), {}, evidence)
        stored.append(StoredProvision(number, document, provision, tag, None))
    return stored


def figures(law: str, pairs: list[tuple[dict, dict, Provision]]) -> LawFigures:
    """Status, exclusion, topic and matrix figures of frozen labels against annotations."""
    gold = [g["status"] for g, _, _ in pairs]
    predicted = [f["status"] for _, f, _ in pairs]
    gold_matrix = build_matrix(_stored(pairs, "gold"))
    tagged_matrix = build_matrix(_stored(pairs, "frozen"))
    cells = list(gold_matrix.cells)
    equal = sum(gold_matrix.cells[c].coverage == tagged_matrix.cell(*c).coverage for c in cells)
    misses = [
        f"{g['document']} {g['citation']}: annotated {g['status']}, tagged {f['status']}"
        for g, f, _ in pairs
        if "excludes" in (g["status"], f["status"]) and g["status"] != f["status"]
    ]
    return LawFigures(
        law=law,
        provisions=len(pairs),
        status_macro_f1=_status_f1(gold, predicted),
        exclusions=gold.count("excludes"),
        exclusions_found=sum(g == p == "excludes" for g, p in zip(gold, predicted, strict=True)),
        false_exclusions=sum(p == "excludes" != g for g, p in zip(gold, predicted, strict=True)),
        topic_micro_f1=_topic_f1(
            [g["topics"] for g, _, _ in pairs], [f["topics"] for _, f, _ in pairs]
        ),
        cells=len(cells),
        cells_equal=int(equal),
        misses=misses,
    )


@dataclass
class TaggerFigures:
    version: str
    laws: list[LawFigures]  # one per law, then "all laws"
    unmatched: int  # frozen labels with no annotation or a provision whose text changed since


def score(
    recorded: dict[str, dict[str, list[dict]]],
    annotations: list[dict[str, Any]],
    documents: dict[str, dict[str, Any]],
) -> list[TaggerFigures]:
    """Each recorded tagger's figures on the recorded laws that have annotations now.
    `documents` is `flows.training_examples.load_documents` of those laws (sha256 -> provisions)."""
    gold = {_key(r): r for r in annotations}
    provisions = {
        (sha256, p.citation, p.occurrence): p
        for sha256, document in documents.items()
        for p in document["provisions"]
    }
    results = []
    for version, laws in sorted(recorded.items()):
        per_law, everything, unmatched = [], [], 0
        for name, frozen_rows in sorted(laws.items()):
            pairs = []
            for frozen in frozen_rows:
                annotation, provision = gold.get(_key(frozen)), provisions.get(_key(frozen))
                if (
                    annotation is None
                    or provision is None
                    or (text_hash(provision.text) != frozen["text_sha"])
                ):
                    unmatched += 1
                    continue
                pairs.append((annotation, frozen, provision))
            if pairs:
                per_law.append(figures(name, pairs))
                everything += pairs
        if everything:
            results.append(
                TaggerFigures(version, [*per_law, figures("all laws", everything)], unmatched)
            )
    return results


def format_markdown(results: list[TaggerFigures]) -> str:
    """The first-sight tables of EVALUATION.md and `c177 first-sight score`."""
    lines = []
    for result in results:
        lines += [
            f"Tagger `{result.version}` (labels frozen before each law was annotated):",
            "",
            "| law | provisions | status macro-F1 | exclusions found | false exclusions "
            "| topic micro-F1 | matrix cells equal |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for f in result.laws:
            lines.append(
                f"| {f.law} | {f.provisions} | {f.status_macro_f1:.3f} "
                f"| {f.exclusions_found} of {f.exclusions} | {f.false_exclusions} "
                f"| {f.topic_micro_f1:.3f} | {f.cells_equal} of {f.cells} "
                f"({f.cells_equal / f.cells:.0%}) |"
            )
        misses = result.laws[-1].misses
        if misses:
            lines += ["", "Exclusions missed or wrongly given:", ""]
            lines += [f"- {m}" for m in misses]
        if result.unmatched:
            lines += ["", f"{result.unmatched} frozen labels not scored (no annotation, or the "
                      "provision's text changed since)."]  # fmt: skip
        lines.append("")
    return "\n".join(lines)
