"""Leave-one-law-out evaluation of the tagger (models + rules) on labelled examples.

`evaluate(examples)` trains on all laws but one and predicts the held-out law, for every
law (scikit-learn's `LeaveOneGroupOut`, or `GroupKFold` when there are many laws), then
scores the pooled predictions: per-label precision/recall/F1, the status confusion matrix,
calibration (Brier score, expected calibration error), the same figures by language and a
line per law. `format_report` prints it as tables; the dict is JSON-ready.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
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

from classifiers.features import as_records
from classifiers.models import predict
from classifiers.train import topic_matrix, train, with_marks
from corpus.labels import STATUSES, TOPIC_IDS

TARGETS = {"status_macro_f1": 0.85, "topic_micro_f1": 0.80, "excludes_recall": 1.0}
MAX_FOLDS = 60  # beyond this many laws, GroupKFold with 60 folds


def _group(ex: dict[str, Any]) -> str:
    return str(ex.get("group") or ex.get("document") or ex.get("sha256") or "")


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


def _scores(
    y_true: list[str],
    y_pred: list[str],
    p_status: np.ndarray,
    Y_true: np.ndarray,
    Y_pred: np.ndarray,
    p_topics: np.ndarray,
) -> dict[str, Any]:
    return {
        "status": _status_block(y_true, y_pred, p_status),
        "topics": _topic_block(Y_true, Y_pred, p_topics),
    }


def evaluate(
    examples: list[dict[str, Any]],
    extra_train: list[dict[str, Any]] | None = None,
    folds: int | None = None,
    **train_params: Any,
) -> dict[str, Any]:
    """Leave-one-law-out figures for the tagger on labelled examples (see module doc).

    `extra_train` (the seed examples) joins every training fold and is never evaluated."""
    rows = with_marks(as_records(examples))  # spaCy once; every fold reuses the marks
    extra = [dict(r, seed=True) for r in with_marks(as_records(extra_train or []))]
    groups = np.array([_group(r) for r in rows])
    n_groups = len(set(groups))
    if n_groups < 2:
        raise ValueError("leave-one-law-out needs examples from at least two laws")
    # Leave-one-law-out, or `folds` groups of whole laws (quicker; a law is never split).
    n_folds = min(folds or MAX_FOLDS, n_groups)
    splitter = LeaveOneGroupOut() if n_groups <= n_folds else GroupKFold(n_splits=n_folds)
    n = len(rows)
    pred_status: list[str] = [""] * n
    p_status = np.zeros((n, len(STATUSES)))
    p_topics = np.zeros((n, len(TOPIC_IDS)))
    Y_pred_all = np.zeros((n, len(TOPIC_IDS)), dtype=int)  # the tagger's topics (thresholds)
    rules: list[str | None] = [None] * n
    skipped: list[str] = []
    for train_idx, test_idx in splitter.split(np.zeros(n), groups=groups):
        train_rows = [rows[i] for i in train_idx] + extra
        try:
            models = train(train_rows, **train_params)
        except ValueError as err:  # e.g. a fold whose training laws hold one status only
            skipped.append(f"{groups[test_idx[0]]}: {err}")
            continue
        for i, pr in zip(
            test_idx, predict(models, [rows[i] for i in test_idx], explain=False), strict=True
        ):
            pred_status[i] = pr.status
            p_status[i] = [pr.scores[f"status:{s}"] for s in STATUSES]
            p_topics[i] = [pr.scores[f"topic:{t}"] for t in TOPIC_IDS]
            Y_pred_all[i] = [t in pr.topics for t in TOPIC_IDS]
            rules[i] = pr.rule
    done = [i for i in range(n) if pred_status[i]]
    Y_true_all = topic_matrix(rows)

    def block(idx: list[int]) -> dict[str, Any]:
        return _scores(
            [rows[i]["status"] for i in idx],
            [pred_status[i] for i in idx],
            p_status[idx],
            Y_true_all[idx],
            Y_pred_all[idx],
            p_topics[idx],
        )

    report: dict[str, Any] = {
        "scheme": type(splitter).__name__,
        "n_extra_train": len(extra),
        "train_params": {k: v for k, v in train_params.items()},
        "n_examples": n,
        "n_evaluated": len(done),
        "n_laws": n_groups,
        "skipped_folds": skipped,
        "overall": block(done),
        "by_language": {},
        "by_law": {},
        "rules_fired": {},
        "errors": [],
    }
    for lang in sorted({str(rows[i].get("language", "")) for i in done}):
        report["by_language"][lang] = block(
            [i for i in done if str(rows[i].get("language", "")) == lang]
        )
    for g in sorted({groups[i] for i in done}):
        idx = [i for i in done if groups[i] == g]
        b = block(idx)
        report["by_law"][g] = {
            "n": len(idx),
            "status_accuracy": b["status"]["accuracy"],
            "status_macro_f1": b["status"]["macro_f1"],
            "topic_micro_f1": b["topics"]["micro_f1"],
        }
    for i in done:
        if rules[i]:
            report["rules_fired"][rules[i]] = report["rules_fired"].get(rules[i], 0) + 1
        if rows[i]["status"] != pred_status[i]:
            report["errors"].append(
                {
                    "id": rows[i].get("id") or f"{groups[i]} {rows[i].get('citation', '')}".strip(),
                    "gold": rows[i]["status"],
                    "predicted": pred_status[i],
                    "rule": rules[i],
                }
            )
    overall = report["overall"]
    report["targets"] = {
        "status_macro_f1": {
            "target": TARGETS["status_macro_f1"],
            "value": overall["status"]["macro_f1"],
        },
        "topic_micro_f1": {
            "target": TARGETS["topic_micro_f1"],
            "value": overall["topics"]["micro_f1"],
        },
        "excludes_recall": {
            "target": TARGETS["excludes_recall"],
            "value": overall["status"]["per_label"]["excludes"]["recall"],
        },
    }
    for t in report["targets"].values():
        t["met"] = t["value"] >= t["target"]
    return report


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


def format_report(report: dict[str, Any]) -> str:
    """The report as plain-text tables."""
    out = [
        f"{report['scheme']}: {report['n_evaluated']}/{report['n_examples']} provisions, "
        f"{report['n_laws']} laws"
    ]
    st, tp = report["overall"]["status"], report["overall"]["topics"]
    out.append("\nTargets")
    out.append(
        _table(
            ["target", "value", "goal", "met"],
            [
                [k, v["value"], v["target"], "yes" if v["met"] else "NO"]
                for k, v in report["targets"].items()
            ],
        )
    )
    if agreement := _agreement_line(report):
        out.append(agreement)
    out.append(
        f"\nStatus (accuracy {st['accuracy']:.3f}, macro-F1 {st['macro_f1']:.3f}, "
        f"Brier {st.get('brier', 0):.3f}, ECE {st.get('ece', 0):.3f})"
    )
    out.append(
        _table(["status", "precision", "recall", "f1", "support"], _per_label_rows(st["per_label"]))
    )
    out.append("\nConfusion (rows gold, columns predicted)")
    labels = st["confusion"]["labels"]
    out.append(
        _table(
            ["gold \\ pred", *labels],
            [[lab, *row] for lab, row in zip(labels, st["confusion"]["matrix"], strict=True)],
        )
    )
    out.append(
        f"\nTopics (micro-F1 {tp['micro_f1']:.3f}, macro-F1 {tp['macro_f1']:.3f}, "
        f"Brier {tp.get('brier', 0):.3f}, ECE {tp.get('ece', 0):.3f})"
    )
    out.append(
        _table(
            ["topic", "precision", "recall", "f1", "support"],
            _per_label_rows(tp["per_label"], present_only=True),
        )
    )
    out.append("\nBy language")
    out.append(
        _table(
            ["language", "n", "status macro-F1", "topic micro-F1"],
            [
                [lang, b["status"]["n"], b["status"]["macro_f1"], b["topics"]["micro_f1"]]
                for lang, b in report["by_language"].items()
            ],
        )
    )
    out.append("\nBy law (held out)")
    out.append(
        _table(
            ["law", "n", "status acc", "status macro-F1", "topic micro-F1"],
            [
                [g, b["n"], b["status_accuracy"], b["status_macro_f1"], b["topic_micro_f1"]]
                for g, b in report["by_law"].items()
            ],
        )
    )
    if report["skipped_folds"]:
        out.append("\nSkipped folds: " + "; ".join(report["skipped_folds"]))
    return "\n".join(out)


if __name__ == "__main__":  # python -m classifiers.evaluate: the seed set, for a smoke check
    from classifiers.train import load_seed_examples

    print(format_report(evaluate(load_seed_examples())))


def format_markdown(report: dict[str, Any], command: str = "") -> str:
    """The leave-one-law-out figures as Markdown tables (models/EVALUATION.md)."""
    st, tp = report["overall"]["status"], report["overall"]["topics"]

    def table(header: list[str], rows: list[list[Any]]) -> list[str]:
        fmt = [[f"{c:.3f}" if isinstance(c, float) else str(c) for c in r] for r in rows]
        return [
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
            *("| " + " | ".join(r) + " |" for r in fmt),
        ]

    out = ["# Tagger evaluation: held-out laws", ""]
    if command:
        out += ["Produced by:", "", "```", command, "```", ""]
    out += [
        f"{report['scheme']}: {report['n_evaluated']} annotated provisions of "
        f"{report['n_laws']} documents; each held-out law is predicted by models trained "
        f"on the others (+ {report.get('n_extra_train', 0)} invented seed examples, never "
        "evaluated). Topic thresholds: "
        + (
            "chosen by inner cross-validation on the training folds only."
            if report["train_params"].get("thresholds")
            else "0.5 for every topic."
        ),
        "",
    ]
    out += table(
        ["target", "value", "goal", "met"],
        [
            [k, v["value"], v["target"], "yes" if v["met"] else "no"]
            for k, v in report["targets"].items()
        ],
    )
    if agreement := _agreement_line(report):
        out += ["", agreement]
    out += ["", f"## Status (accuracy {st['accuracy']:.3f}, macro-F1 {st['macro_f1']:.3f})", ""]
    out += table(
        ["status", "precision", "recall", "F1", "support"], _per_label_rows(st["per_label"])
    )
    labels = st["confusion"]["labels"]
    out += ["", "Confusion (rows gold, columns predicted)", ""]
    out += table(
        ["gold \\ predicted", *labels],
        [[lab, *row] for lab, row in zip(labels, st["confusion"]["matrix"], strict=True)],
    )
    out += ["", f"## Topics (micro-F1 {tp['micro_f1']:.3f}, macro-F1 {tp['macro_f1']:.3f})", ""]
    out += table(
        ["topic", "precision", "recall", "F1", "support"], _per_label_rows(tp["per_label"])
    )
    out += ["", "## By language", ""]
    out += table(
        ["language", "provisions", "status macro-F1", "topic micro-F1", "excludes recall"],
        [
            [
                lang,
                b["status"]["n"],
                b["status"]["macro_f1"],
                b["topics"]["micro_f1"],
                (
                    b["status"]["per_label"]["excludes"]["recall"]
                    if b["status"]["per_label"]["excludes"]["support"]
                    else "-"
                ),
            ]
            for lang, b in report["by_language"].items()
        ],
    )
    out += ["", "## By law (held out)", ""]
    out += table(
        ["law", "provisions", "status accuracy", "status macro-F1", "topic micro-F1"],
        [
            [g, b["n"], b["status_accuracy"], b["status_macro_f1"], b["topic_micro_f1"]]
            for g, b in report["by_law"].items()
        ],
    )
    return "\n".join(out) + "\n"
