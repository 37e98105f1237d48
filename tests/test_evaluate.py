"""Evaluation figures and the join of annotation records to provisions."""

import json
from pathlib import Path

import numpy as np
import pytest

from classifiers.evaluate import (
    evaluate,
    expected_calibration_error,
    format_markdown,
    format_report,
)
from classifiers.train import load_seed_examples
from corpus.annotations import join, load_annotations, topic_agreement
from corpus.errors import AnnotationError
from corpus.model import Provision

SMALL_LAWS = (
    "seed-en-employment-act",
    "seed-en-outworkers-act",
    "seed-es-codigo",
    "seed-de-arbeitszeit",
)


@pytest.fixture(scope="module")
def small_report():
    examples = [e for e in load_seed_examples() if e["group"] in SMALL_LAWS]
    return evaluate(examples, seen={"seed-es-codigo", "not-annotated"})


def test_leave_one_law_out_report(small_report):
    r = small_report
    assert r["scheme"] == "LeaveOneGroupOut" and r["n_laws"] == len(SMALL_LAWS)
    assert set(r["by_law"]) == set(SMALL_LAWS)
    st = r["overall"]["status"]
    assert np.array(st["confusion"]["matrix"]).shape == (4, 4)
    assert np.array(st["confusion"]["matrix"]).sum() == r["n_evaluated"]
    assert 0.0 <= st["ece"] <= 1.0 and "brier" in r["overall"]["topics"]
    assert set(r["by_language"]) == {"en", "es", "de"}
    assert set(r["targets"]) == {"status_macro_f1", "topic_micro_f1", "excludes_recall"}
    # the exclusion rule is categorical: every excludes provision is found
    assert r["targets"]["excludes_recall"]["value"] == 1.0
    json.dumps(r)  # JSON-ready


def test_laws_once_first_sight_are_reported_apart_as_seen(small_report):
    seen = small_report["seen"]
    assert seen["laws"] == ["seed-es-codigo"]
    assert seen["status"]["n"] == small_report["by_law"]["seed-es-codigo"]["n"]
    assert "now seen (not first sight)" in format_markdown(small_report)


def test_format_report_prints_tables(small_report):
    text = format_report(small_report)
    for heading in ("Targets", "Status", "Confusion", "Topics", "By language", "By law"):
        assert heading in text


@pytest.mark.slow
def test_seed_set_meets_targets_leave_one_law_out():
    r = evaluate(load_seed_examples())
    assert all(t["met"] for t in r["targets"].values()), format_report(r)


def test_expected_calibration_error():
    assert expected_calibration_error(np.array([1.0, 1.0]), np.array([1.0, 1.0])) == 0.0
    assert expected_calibration_error(np.array([0.9, 0.9]), np.array([0.0, 0.0])) == pytest.approx(
        0.9
    )


def _provisions():
    return [
        Provision(
            citation="art. 1",
            number="1",
            kind="article",
            heading="Objeto",
            context=["Capítulo I"],
            text="Esta ley regula el trabajo a domicilio.",
        ),
        Provision(
            citation="art. 2",
            number="2",
            kind="article",
            heading="",
            context=["Capítulo I"],
            text="Quedan excluidos los talleres familiares.",
        ),
        Provision(
            citation="art. 2",
            number="2",
            kind="article",
            heading="",
            context=[],
            text="Texto repetido de una ley modificada.",
            occurrence=2,
        ),
    ]


def test_load_and_join_annotations(tmp_path):
    provs = _provisions()
    records = [
        {
            "document": "X.md",
            "sha256": "abc",
            "citation": "art. 1",
            "occurrence": 1,
            "text_sha": provs[0].text_sha,
            "status": "explicit",
            "topics": ["scope"],
        },
        {
            "document": "X.md",
            "sha256": "abc",
            "citation": "art. 2",
            "occurrence": 2,
            "text_sha": provs[2].text_sha,
            "status": "none",
            "topics": [],
        },
        {
            "document": "X.md",
            "sha256": "abc",
            "citation": "art. 2",
            "occurrence": 1,
            "text_sha": "0000000000000000",
            "status": "excludes",
            "topics": ["scope"],
        },
        {"document": "X.md", "sha256": "abc", "citation": "art. 9", "status": "general"},
        {"document": "Y.md", "sha256": "zzz", "citation": "art. 1", "status": "general"},
    ]
    (tmp_path / "X.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    loaded = load_annotations(tmp_path)
    assert [r["_source"] for r in loaded][:2] == ["X.jsonl:1", "X.jsonl:2"]
    issues: list = []
    docs = {
        "abc": {"provisions": provs, "title": "Ley de prueba", "language": "es", "name": "X.md"}
    }
    examples = join(loaded, docs, issues=issues)
    assert [(e["citation"], e["occurrence"], e["status"]) for e in examples] == [
        ("art. 1", 1, "explicit"),
        ("art. 2", 2, "none"),
    ]
    first = examples[0]
    assert first["text"] == provs[0].text and first["language"] == "es"
    assert first["title"] == "Ley de prueba" and first["group"] == "X.md"
    assert sorted(i.kind for i in issues) == [
        "text_mismatch",
        "unknown_document",
        "unknown_provision",
    ]
    kept = join(loaded, {"abc": provs}, keep_mismatched=True)
    assert len(kept) == 3


def test_bad_annotation_is_refused(tmp_path):
    (tmp_path / "bad.jsonl").write_text(
        json.dumps({"sha256": "a", "citation": "s. 1", "status": "maybe"}) + "\n"
    )
    with pytest.raises(AnnotationError, match="bad.jsonl:1"):
        load_annotations(tmp_path)


def test_topic_agreement_of_two_annotators(tmp_path):
    base = {"sha256": "a", "status": "general"}
    records = [
        dict(base, citation="s. 1", topics_first=["remuneration"], topics_second=["remuneration"]),
        dict(base, citation="s. 2", topics_first=["remedies", "records"], topics_second=[]),
        dict(base, citation="s. 3", topics_first=[], topics_second=["scope"]),
    ]
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    agreement = topic_agreement(load_annotations(tmp_path))
    # 1 shared topic of 3 + 2 given: micro-F1 2/5; one provision of three has the same set
    assert agreement == {"n": 3, "micro_f1": 0.4, "same_set": 0.3333}
    assert topic_agreement([dict(base, citation="s. 1", topics=["scope"])]) is None


def test_unknown_topic_in_a_second_annotation_is_refused(tmp_path):
    record = {"sha256": "a", "citation": "s. 1", "status": "general", "topics_second": ["wages"]}
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n")
    with pytest.raises(AnnotationError, match="wages"):
        load_annotations(tmp_path)


# ---- c177 train on a tiny annotation folder (our own invented statutes) -----------------

_ACT_A = """# Outwork Protection Act 2030

## Section 1. Short title
This Act may be cited as the Outwork Protection Act 2030.

## Section 2. Definitions
In this Act, "outworker" means a person who carries out work at home for an employer
in return for remuneration.

## Section 3. Wages of outworkers
Every outworker shall be paid a piece rate not lower than the minimum wage of a comparable worker.

## Section 4. Penalties
An employer who fails to pay an outworker commits an offence punishable by a fine.
"""

_ACT_B = """# General Employment Act 2031

## Section 1. Commencement
This Act comes into force on a date fixed by the Minister.

## Section 2. Hours of work
No employer shall require an employee to work more than eight hours in any day.

## Section 3. Exclusions
This Act shall not apply to outworkers or to persons working in their own homes.

## Section 4. Annual leave
Every employee is entitled to paid annual leave of three weeks.
"""


def _tiny_annotations(tmp_path: Path) -> tuple[Path, Path]:
    from corpus.model import DocumentMeta
    from flows.steps import extract

    laws = tmp_path / "laws"
    notes = tmp_path / "annotations"
    laws.mkdir()
    notes.mkdir()
    (laws / "MANIFEST.tsv").write_text(
        "file\tjurisdiction\tlanguage\ttitle\tyear\n"
        "ZZ_Outwork_Act.md\tZZ\ten\tOutwork Protection Act 2030\t2030\n"
        "ZZ_Employment_Act.md\tZZ\ten\tGeneral Employment Act 2031\t2031\n"
    )
    labels = {
        "ZZ_Outwork_Act.md": (
            _ACT_A,
            [
                ("none", []),
                ("explicit", ["definition", "scope"]),
                ("explicit", ["remuneration"]),
                ("explicit", ["remedies"]),
            ],
        ),
        "ZZ_Employment_Act.md": (
            _ACT_B,
            [
                ("none", []),
                ("general", ["working_time"]),
                ("excludes", ["scope"]),
                ("general", ["working_time"]),
            ],
        ),
    }
    for name, (text, gold) in labels.items():
        (laws / name).write_text(text)
        item = extract(laws / name, DocumentMeta(language="en"))
        assert len(item.provisions) == len(gold)
        with open(notes / f"{Path(name).stem}.jsonl", "w") as handle:
            for p, (status, topics) in zip(item.provisions, gold, strict=True):
                handle.write(
                    json.dumps(
                        {
                            "document": name,
                            "sha256": item.sha256,
                            "citation": p.citation,
                            "occurrence": p.occurrence,
                            "text_sha": p.text_sha,
                            "status": status,
                            "topics": topics,
                            "annotator": "test",
                        }
                    )
                    + "\n"
                )
    (notes / "ZZ_Missing.jsonl").write_text(
        json.dumps(
            {"document": "ZZ_Missing.md", "sha256": "f" * 64, "citation": "s. 1", "status": "none"}
        )
        + "\n"
    )
    return laws, notes


def test_c177_train_on_a_tiny_annotation_folder(tmp_path, c177):
    from classifiers.tagger import Tagger

    laws, notes = _tiny_annotations(tmp_path)
    out = tmp_path / "model"
    result = c177(
        "train", "--laws", str(laws), "--annotations", str(notes), "--model-dir", str(out),
        "--no-seed",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "ZZ_Missing.md" in result.output  # a missing document is skipped by name
    assert "8 of 9 annotations joined" in result.output
    tagger = Tagger.load(out)
    tags = tagger.tag(
        [
            Provision(
                citation="s. 9",
                number="9",
                kind="section",
                heading="",
                context=[],
                text="This Act does not apply to outworkers.",
            )
        ],
        "en",
        "Another Act",
    )
    assert tags[0].status == "excludes"
