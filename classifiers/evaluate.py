"""Leave-one-law-out evaluation of the tagger (models + rules) on labelled examples.

`evaluate(examples)` trains on all laws but one and predicts the held-out law, for every
law (scikit-learn's `LeaveOneGroupOut`, or `GroupKFold` when there are many laws), then
scores the pooled predictions: per-label precision/recall/F1, the status confusion matrix,
calibration (Brier score, expected calibration error), the same figures by language and a
line per law. `format_report` prints it as tables; the dict is JSON-ready.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import (
    brier_score_loss,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.model_selection import GroupKFold, LeaveOneGroupOut

from classifiers.examples import Example, as_examples, topic_matrix, with_marks
from classifiers.models import Prediction
from classifiers.train import train
from corpus.labels import STATUSES, TOPIC_IDS

TARGETS = {"status_macro_f1": 0.85, "topic_micro_f1": 0.80, "excludes_recall": 1.0}
MAX_FOLDS = 60  # beyond this many laws, GroupKFold with 60 folds


def expected_calibration_error(
    confidence: np.ndarray, correct: np.ndarray, bins: int = 10
) -> float:
    """Weighted gap between confidence and accuracy over equal-width confidence bins."""
    if confidence.size == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            ece += mask.mean() * abs(confidence[mask].mean() - correct[mask].mean())
    return float(ece)


def _status_block(
    y_true: Sequence[str], y_pred: Sequence[str], proba: np.ndarray | None
) -> dict[str, Any]:
    labels = list(STATUSES)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    present = [i for i, n in enumerate(s) if n > 0]
    block: dict[str, Any] = {
        "n": len(y_true),
        "accuracy": float(np.mean(np.array(y_true) == np.array(y_pred))) if y_true else 0.0,
        # macro over the statuses present in the gold labels (absent ones have no recall)
        "macro_f1": float(np.mean(f[present])) if present else 0.0,
        "per_label": {
            lab: {
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1": float(f[i]),
                "support": int(s[i]),
            }
            for i, lab in enumerate(labels)
        },
        "confusion": {
            "labels": labels,
            "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
        },
    }
    if proba is not None and len(y_true):
        onehot = np.array([[t == lab for lab in labels] for t in y_true], dtype=float)
        block["brier"] = float(np.mean(np.sum((proba - onehot) ** 2, axis=1)))
        block["ece"] = expected_calibration_error(
            proba.max(axis=1), np.array(y_true) == np.array(y_pred)
        )
    return block


def _topic_block(
    Y_true: np.ndarray, Y_pred: np.ndarray, proba: np.ndarray | None
) -> dict[str, Any]:
    p, r, f, s = precision_recall_fscore_support(Y_true, Y_pred, zero_division=0)
    present = [i for i, n in enumerate(s) if n > 0]
    block: dict[str, Any] = {
        "n": int(Y_true.shape[0]),
        "micro_f1": float(f1_score(Y_true, Y_pred, average="micro", zero_division=0)),
        "macro_f1": float(np.mean(f[present])) if present else 0.0,
        "per_label": {
            t: {
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1": float(f[i]),
                "support": int(s[i]),
            }
            for i, t in enumerate(TOPIC_IDS)
        },
    }
    if proba is not None and Y_true.size:
        block["brier"] = float(
            np.mean([brier_score_loss(Y_true[:, j], proba[:, j]) for j in range(Y_true.shape[1])])
        )
        block["ece"] = expected_calibration_error(proba.ravel(), Y_true.ravel().astype(float))
    return block


@dataclass
class HeldOut:
    """The pooled predictions of every example by a model trained without its law."""

    status: list[str]  # "" where the example's fold was skipped
    p_status: np.ndarray
    p_topics: np.ndarray
    topics: np.ndarray  # the tagger's topics (thresholds applied), as an indicator matrix
    rules: list[str | None]
    skipped: list[str]

    @classmethod
    def empty(cls, n: int) -> HeldOut:
        return cls(
            [""] * n,
            np.zeros((n, len(STATUSES))),
            np.zeros((n, len(TOPIC_IDS))),
            np.zeros((n, len(TOPIC_IDS)), dtype=int),
            [None] * n,
            [],
        )

    def record(self, i: int, pr: Prediction) -> None:
        self.status[i] = pr.status
        self.p_status[i] = [pr.scores[f"status:{s}"] for s in STATUSES]
        self.p_topics[i] = [pr.scores[f"topic:{t}"] for t in TOPIC_IDS]
        self.topics[i] = [t in pr.topics for t in TOPIC_IDS]
        self.rules[i] = pr.rule


def evaluate(
    examples: Any,
    extra_train: Any = None,
    folds: int | None = None,
    seen: Collection[str] = (),
    **train_params: Any,
) -> dict[str, Any]:
    """Leave-one-law-out figures for the tagger on labelled examples (see module doc).

    `extra_train` (the seed examples) joins every training fold and is never evaluated.
    `seen`: laws (file names) that were measured first sight and have been learnt from since;
    their held-out figures are reported apart as well."""
    rows = with_marks(as_examples(examples))  # spaCy once; every fold reuses the marks
    extra = [replace(ex, seed=True) for ex in with_marks(as_examples(extra_train or []))]
    groups = np.array([ex.group for ex in rows])
    n_groups = len(set(groups))
    if n_groups < 2:
        raise ValueError("leave-one-law-out needs examples from at least two laws")
    # Leave-one-law-out, or `folds` groups of whole laws (quicker; a law is never split).
    n_folds = min(folds or MAX_FOLDS, n_groups)
    splitter = LeaveOneGroupOut() if n_groups <= n_folds else GroupKFold(n_splits=n_folds)
    held_out = _predict_held_out(rows, extra, groups, splitter, train_params)
    done = [i for i in range(len(rows)) if held_out.status[i]]
    scores = _Scorer(rows, held_out)
    report: dict[str, Any] = {
        "scheme": type(splitter).__name__,
        "n_extra_train": len(extra),
        "train_params": dict(train_params),
        "n_examples": len(rows),
        "n_evaluated": len(done),
        "n_laws": n_groups,
        "skipped_folds": held_out.skipped,
        "overall": scores.block(done),
        "by_language": scores.by_language(done),
        "by_law": scores.by_law(done),
        "rules_fired": dict(Counter(r for i in done if (r := held_out.rules[i]))),
        "seen": _seen_block(scores, rows, done, seen),
        "errors": _errors(rows, held_out, done),
    }
    report["targets"] = _targets(report["overall"])
    return report


def _predict_held_out(
    rows: list[Example],
    extra: list[Example],
    groups: np.ndarray,
    splitter: LeaveOneGroupOut | GroupKFold,
    train_params: dict[str, Any],
) -> HeldOut:
    held_out = HeldOut.empty(len(rows))
    for train_idx, test_idx in splitter.split(np.zeros(len(rows)), groups=groups):
        try:
            model = train([rows[i] for i in train_idx] + extra, **train_params)
        except ValueError as err:  # e.g. a fold whose training laws hold one status only
            held_out.skipped.append(f"{groups[test_idx[0]]}: {err}")
            continue
        predictions = model.predict([rows[i].row() for i in test_idx])
        for i, pr in zip(test_idx, predictions, strict=True):
            held_out.record(i, pr)
    return held_out


class _Scorer:
    """The status and topic figures of any subset of the held-out predictions."""

    def __init__(self, rows: list[Example], held_out: HeldOut):
        self.rows = rows
        self.held_out = held_out
        self.gold_topics = topic_matrix(rows)

    def block(self, idx: list[int]) -> dict[str, Any]:
        h = self.held_out
        return {
            "status": _status_block(
                [self.rows[i].status for i in idx], [h.status[i] for i in idx], h.p_status[idx]
            ),
            "topics": _topic_block(self.gold_topics[idx], h.topics[idx], h.p_topics[idx]),
        }

    def by_language(self, done: list[int]) -> dict[str, Any]:
        languages = sorted({self.rows[i].language for i in done})
        return {
            lang: self.block([i for i in done if self.rows[i].language == lang])
            for lang in languages
        }

    def by_law(self, done: list[int]) -> dict[str, Any]:
        out = {}
        for law in sorted({self.rows[i].group for i in done}):
            idx = [i for i in done if self.rows[i].group == law]
            b = self.block(idx)
            out[law] = {
                "n": len(idx),
                "status_accuracy": b["status"]["accuracy"],
                "status_macro_f1": b["status"]["macro_f1"],
                "topic_micro_f1": b["topics"]["micro_f1"],
            }
        return out


def _seen_block(
    scores: _Scorer, rows: list[Example], done: list[int], seen: Collection[str]
) -> dict[str, Any] | None:
    """The held-out figures of the laws once measured first sight, now seen (None if none)."""
    idx = [i for i in done if rows[i].group in seen]
    if not idx:
        return None
    block = scores.block(idx)
    block["laws"] = sorted({rows[i].group for i in idx})
    return block


def _errors(rows: list[Example], held_out: HeldOut, done: list[int]) -> list[dict[str, Any]]:
    """The examples whose status the held-out model got wrong."""
    return [
        {
            "id": rows[i].name,
            "gold": rows[i].status,
            "predicted": held_out.status[i],
            "rule": held_out.rules[i],
        }
        for i in done
        if rows[i].status != held_out.status[i]
    ]


def _targets(overall: dict[str, Any]) -> dict[str, dict[str, Any]]:
    values = {
        "status_macro_f1": overall["status"]["macro_f1"],
        "topic_micro_f1": overall["topics"]["micro_f1"],
        "excludes_recall": overall["status"]["per_label"]["excludes"]["recall"],
    }
    return {
        name: {"target": TARGETS[name], "value": value, "met": value >= TARGETS[name]}
        for name, value in values.items()
    }


def write_report(report: dict[str, Any], path: Path | str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=2, ensure_ascii=False)
        handle.write("\n")


def _table(header: list[str], rows: list[list[Any]]) -> str:
    cells = [header] + [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _per_label_rows(per_label: dict[str, Any], present_only: bool = False) -> list[list[Any]]:
    """Table rows: label, precision, recall, F1, support (labels with support only, if asked)."""
    return [
        [k, v["precision"], v["recall"], v["f1"], v["support"]]
        for k, v in per_label.items()
        if v["support"] or not present_only
    ]


def _agreement_line(report: dict[str, Any]) -> str:
    agreement = report.get("annotator_agreement")
    if not agreement:
        return ""
    return (
        f"Two independent annotators agreed on topics at micro-F1 {agreement['micro_f1']:.3f} "
        f"(same set for {agreement['same_set']:.0%} of {agreement['n']} provisions) before "
        "adjudication: the human reference for the topic figures."
    )


def _target_rows(report: dict[str, Any], missed: str) -> list[list[Any]]:
    return [
        [k, v["value"], v["target"], "yes" if v["met"] else missed]
        for k, v in report["targets"].items()
    ]


def _confusion_rows(status: dict[str, Any]) -> list[list[Any]]:
    labels = status["confusion"]["labels"]
    return [[lab, *row] for lab, row in zip(labels, status["confusion"]["matrix"], strict=True)]


def _law_rows(report: dict[str, Any]) -> list[list[Any]]:
    return [
        [g, b["n"], b["status_accuracy"], b["status_macro_f1"], b["topic_micro_f1"]]
        for g, b in report["by_law"].items()
    ]


def format_report(report: dict[str, Any]) -> str:
    """The report as plain-text tables."""
    st, tp = report["overall"]["status"], report["overall"]["topics"]
    out = [
        f"{report['scheme']}: {report['n_evaluated']}/{report['n_examples']} provisions, "
        f"{report['n_laws']} laws",
        "\nTargets",
        _table(["target", "value", "goal", "met"], _target_rows(report, "NO")),
    ]
    if agreement := _agreement_line(report):
        out.append(agreement)
    out += [
        f"\nStatus (accuracy {st['accuracy']:.3f}, macro-F1 {st['macro_f1']:.3f}, "
        f"Brier {st.get('brier', 0):.3f}, ECE {st.get('ece', 0):.3f})",
        _table(
            ["status", "precision", "recall", "f1", "support"], _per_label_rows(st["per_label"])
        ),
        "\nConfusion (rows gold, columns predicted)",
        _table(["gold \\ pred", *st["confusion"]["labels"]], _confusion_rows(st)),
        f"\nTopics (micro-F1 {tp['micro_f1']:.3f}, macro-F1 {tp['macro_f1']:.3f}, "
        f"Brier {tp.get('brier', 0):.3f}, ECE {tp.get('ece', 0):.3f})",
        _table(
            ["topic", "precision", "recall", "f1", "support"],
            _per_label_rows(tp["per_label"], present_only=True),
        ),
        "\nBy language",
        _table(
            ["language", "n", "status macro-F1", "topic micro-F1"],
            [
                [lang, b["status"]["n"], b["status"]["macro_f1"], b["topics"]["micro_f1"]]
                for lang, b in report["by_language"].items()
            ],
        ),
        "\nBy law (held out)",
        _table(["law", "n", "status acc", "status macro-F1", "topic micro-F1"], _law_rows(report)),
    ]
    if report["skipped_folds"]:
        out.append("\nSkipped folds: " + "; ".join(report["skipped_folds"]))
    return "\n".join(out)


def _markdown_table(header: list[str], rows: list[list[Any]]) -> list[str]:
    fmt = [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(r) + " |" for r in fmt),
    ]


def _markdown_intro(report: dict[str, Any], command: str) -> list[str]:
    out = ["# Tagger evaluation: held-out laws", ""]
    if command:
        out += ["Produced by:", "", "```", command, "```", ""]
    thresholds = (
        "chosen by inner cross-validation on the training folds only."
        if report["train_params"].get("thresholds")
        else "0.5 for every topic."
    )
    out += [
        f"{report['scheme']}: {report['n_evaluated']} annotated provisions of "
        f"{report['n_laws']} documents; each held-out law is predicted by models trained "
        f"on the others (+ {report.get('n_extra_train', 0)} invented seed examples, never "
        "evaluated). Topic thresholds: " + thresholds,
        "",
    ]
    out += _markdown_table(["target", "value", "goal", "met"], _target_rows(report, "no"))
    if agreement := _agreement_line(report):
        out += ["", agreement]
    return out


def _excludes_recall(status: dict[str, Any]) -> float | str:
    excludes = status["per_label"]["excludes"]
    return excludes["recall"] if excludes["support"] else "-"


def format_markdown(report: dict[str, Any], command: str = "") -> str:
    """The leave-one-law-out figures as Markdown tables (models/EVALUATION.md)."""
    st, tp = report["overall"]["status"], report["overall"]["topics"]
    out = _markdown_intro(report, command)
    out += ["", f"## Status (accuracy {st['accuracy']:.3f}, macro-F1 {st['macro_f1']:.3f})", ""]
    out += _markdown_table(
        ["status", "precision", "recall", "F1", "support"], _per_label_rows(st["per_label"])
    )
    out += ["", "Confusion (rows gold, columns predicted)", ""]
    out += _markdown_table(["gold \\ predicted", *st["confusion"]["labels"]], _confusion_rows(st))
    out += ["", f"## Topics (micro-F1 {tp['micro_f1']:.3f}, macro-F1 {tp['macro_f1']:.3f})", ""]
    out += _markdown_table(
        ["topic", "precision", "recall", "F1", "support"], _per_label_rows(tp["per_label"])
    )
    out += ["", "## By language", ""]
    out += _markdown_table(
        ["language", "provisions", "status macro-F1", "topic micro-F1", "excludes recall"],
        [
            [
                lang,
                b["status"]["n"],
                b["status"]["macro_f1"],
                b["topics"]["micro_f1"],
                _excludes_recall(b["status"]),
            ]
            for lang, b in report["by_language"].items()
        ],
    )
    out += ["", "## By law (held out)", ""]
    out += _markdown_table(
        ["law", "provisions", "status accuracy", "status macro-F1", "topic micro-F1"],
        _law_rows(report),
    )
    return "\n".join(out + _seen_markdown(report.get("seen"))) + "\n"


def _seen_markdown(seen: dict[str, Any] | None) -> list[str]:
    """The laws measured first sight, held out here but seen by lexicons, rules and the
    other folds' models since: not a first-sight figure."""
    if not seen:
        return []
    st, confusion = seen["status"], seen["status"]["confusion"]
    k = confusion["labels"].index("excludes")
    excludes = st["per_label"]["excludes"]
    false_exclusions = sum(row[k] for j, row in enumerate(confusion["matrix"]) if j != k)
    return [
        "",
        f"## The {len(seen['laws'])} laws measured first sight, now seen (not first sight)",
        "",
        "Held out here like every law, but annotated and learnt from since their first-sight "
        "measure (lexicons, rules, the other folds' training): " + ", ".join(seen["laws"]) + ".",
        "",
        *_markdown_table(
            [
                "provisions",
                "status macro-F1",
                "exclusions found",
                "false exclusions",
                "topic micro-F1",
            ],
            [
                [
                    st["n"],
                    st["macro_f1"],
                    f"{round(excludes['recall'] * excludes['support'])} of {excludes['support']}",
                    false_exclusions,
                    seen["topics"]["micro_f1"],
                ]
            ],
        ),  # fmt: skip
    ]


if __name__ == "__main__":  # python -m classifiers.evaluate: the seed set, for a smoke check
    from classifiers.train import load_seed_examples

    print(format_report(evaluate(load_seed_examples())))
