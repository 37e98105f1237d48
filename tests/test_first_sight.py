"""First sight: labels frozen before a law is annotated, scored once it is."""

import json
from pathlib import Path

import pytest

from corpus.model import DocumentMeta
from flows.first_sight import FirstSightError, load_recorded, record, score
from flows.steps import extract, load_tagger

pytestmark = pytest.mark.slow  # loads the shipped model

# An invented statute: one section brings homeworkers in, one leaves some out, the rest general.
NEW_LAW = """HOME INDUSTRY ACT 2030

Section 1. Scope
This Act applies to every worker, including homeworkers who work in their own home for an employer.

Section 2. Wages
Every worker shall be paid at least the minimum wage fixed under this Act.

Section 3. Hours of work
No worker shall be required to work more than forty-eight hours in any week.

Section 4. Offences
An employer who contravenes section 2 commits an offence and is liable to a fine.
"""


@pytest.fixture(scope="module")
def tagger():
    return load_tagger()


def _new_law(tmp_path: Path) -> tuple[Path, DocumentMeta]:
    path = tmp_path / "XQ_Home_Industry_Act_2030.txt"
    path.write_text(NEW_LAW, encoding="utf-8")
    return path, DocumentMeta(jurisdiction="XQ", language="en", title="Home Industry Act")


def _annotate(path: Path, target: Path, statuses: dict[str, str]) -> list[dict]:
    """Annotations of every provision, as an annotator writes them after the recording."""
    item = extract(path, DocumentMeta(language="en"))
    records = [
        {
            "document": path.name,
            "sha256": item.sha256,
            "citation": p.citation,
            "occurrence": p.occurrence,
            "status": statuses[p.citation],
            "topics": ["scope"] if p.citation == "s. 1" else ["remuneration"],
        }
        for p in item.provisions
    ]
    target.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return records


def test_recorded_labels_are_scored_against_later_annotations(tmp_path, tagger):
    path, meta = _new_law(tmp_path)
    frozen_dir = tmp_path / "first_sight"
    written = record(path, meta, tagger, annotated=set(), directory=frozen_dir)
    assert written.parent.name == tagger.version
    frozen = [json.loads(line) for line in written.read_text().splitlines()]
    assert [r["citation"] for r in frozen] == ["s. 1", "s. 2", "s. 3", "s. 4"]
    assert "Section" not in written.read_text()  # no law text is kept, only keys and labels

    gold = _annotate(
        path, tmp_path / "ann.jsonl", {"s. 1": "explicit", "s. 2": "general", "s. 3": "general",
                                       "s. 4": "general"}
    )  # fmt: skip
    item = extract(path, meta)
    documents = {item.sha256: {"provisions": item.provisions}}
    (result,) = score(load_recorded(frozen_dir), gold, documents)
    law, everything = result.laws
    assert law.provisions == 4 and everything.law == "all laws"
    assert law.cells == 19 and 0 <= law.cells_equal <= 19
    # the figures are the tagger's own: a status it got wrong lowers them
    agree = sum(r["status"] == g["status"] for r, g in zip(frozen, gold, strict=True))
    assert (law.status_macro_f1 == 1.0) == (agree == 4)


def test_a_law_is_recorded_once_and_never_after_it_was_annotated(tmp_path, tagger):
    path, meta = _new_law(tmp_path)
    frozen_dir = tmp_path / "first_sight"
    record(path, meta, tagger, annotated=set(), directory=frozen_dir)
    with pytest.raises(FirstSightError, match="already recorded"):
        record(path, meta, tagger, annotated=set(), directory=frozen_dir)
    sha256 = extract(path, meta).sha256
    with pytest.raises(FirstSightError, match="already annotated"):
        record(path, meta, tagger, annotated={sha256}, directory=tmp_path / "other")


def test_a_changed_provision_is_not_scored(tmp_path, tagger):
    path, meta = _new_law(tmp_path)
    frozen_dir = tmp_path / "first_sight"
    record(path, meta, tagger, annotated=set(), directory=frozen_dir)
    gold = _annotate(
        path, tmp_path / "ann.jsonl", dict.fromkeys(("s. 1", "s. 2", "s. 3", "s. 4"), "general")
    )
    path.write_text(NEW_LAW.replace("forty-eight", "forty"), encoding="utf-8")
    item = extract(path, meta)
    for r in gold:
        r["sha256"] = item.sha256
    recorded = load_recorded(frozen_dir)
    for rows in recorded.values():
        for rows_of_law in rows.values():
            for r in rows_of_law:
                r["sha256"] = item.sha256
    (result,) = score(recorded, gold, {item.sha256: {"provisions": item.provisions}})
    assert result.unmatched == 1 and result.laws[0].provisions == 3
