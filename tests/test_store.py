"""The store: unchanged files are not stored twice, writes are all-or-nothing per document,
reviews survive a new version of a law, and two reviewers cannot silently overwrite each other."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.errors import ReviewConflict
from corpus.model import DocumentMeta, Tag
from corpus.store import Store
from flows import steps

LAW = """Small Act 2020

Section 1. Application
This Act applies to every employee, including homeworkers.

Section 2. Wages
An employer shall pay wages at least monthly.

Section 3. Penalties
An employer who fails to pay wages commits an offence.
"""
META = DocumentMeta(jurisdiction="XT", language="en", title="Small Act", year=2020)


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "c177.sqlite") as opened:
        yield opened


@pytest.fixture
def law(tmp_path: Path) -> Path:
    path = tmp_path / "small.txt"
    path.write_text(LAW, "utf-8")
    return path


def count(store: Store, table: str) -> int:
    return store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def tag_all(store: Store, document_id: int, version: str = "m1") -> None:
    ids = store.provision_ids(document_id)
    store.save_tags({i: Tag("general", ["remuneration"], {}, model_version=version) for i in ids})


def test_reingesting_an_unchanged_file_does_nothing(store, law):
    first = steps.ingest(store, law, META)
    assert first.status == "ingested" and first.provisions == 3
    tag_all(store, first.document_id)
    before = store.db.execute("SELECT * FROM documents").fetchall()
    second = steps.ingest(store, law, META)
    assert second.status == "unchanged" and second.document_id == first.document_id
    assert store.db.execute("SELECT * FROM documents").fetchall() == before
    assert (count(store, "documents"), count(store, "provisions"), count(store, "tags")) == (
        1,
        3,
        3,
    )
    assert [p.provision.citation for p in store.provisions()] == ["s. 1", "s. 2", "s. 3"]


def test_unchanged_file_takes_corrected_metadata_without_rereading(store, law):
    first = steps.ingest(store, law, META)
    corrected = DocumentMeta(jurisdiction="XU", title="Small Act (amended title)", year=2021)
    assert steps.ingest(store, law, corrected).status == "unchanged"
    document = store.document_by_id(first.document_id)
    assert (document.jurisdiction, document.title, document.year) == ("XU", corrected.title, 2021)


def test_a_failed_write_leaves_nothing_half_stored(store, law, monkeypatch):
    first = steps.ingest(store, law, META)
    law.write_text(LAW.replace("monthly", "weekly"), "utf-8")

    def crash(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_carry_reviews", crash)
    with pytest.raises(RuntimeError):
        steps.ingest(store, law, META)
    # The new version was rolled back whole; the old one is still the current one.
    assert count(store, "documents") == 1 and count(store, "provisions") == 3
    assert store.documents()[0].id == first.document_id and store.documents()[0].current


def test_tags_are_written_per_document_and_versioned(store, law):
    outcome = steps.ingest(store, law, META)
    assert store.tagged_with(outcome.document_id) == {""}  # stored, not yet tagged
    assert steps.needs_tagging(store, outcome.document_id, "m1")
    tag_all(store, outcome.document_id, "m1")
    assert store.tagged_with(outcome.document_id) == {"m1"}
    assert not steps.needs_tagging(store, outcome.document_id, "m1")
    assert steps.needs_tagging(store, outcome.document_id, "m2")


def test_reviews_are_carried_over_to_a_new_version_of_the_law(store, law):
    first = steps.ingest(store, law, META)
    s1, s2, s3 = store.provisions(document_id=first.document_id)
    kept = store.add_review(s1.id, "ana", "explicit", ["scope", "definition"], note="incl. hw")
    store.add_review(s2.id, "ana", "general", ["remuneration"])
    # The new version changes section 2 only.
    law.write_text(LAW.replace("at least monthly", "at least every two weeks"), "utf-8")
    second = steps.ingest(store, law, META)
    assert second.status == "ingested" and second.document_id != first.document_id
    assert [d.id for d in store.documents()] == [second.document_id]
    n1, n2, n3 = store.provisions(document_id=second.document_id)
    assert n1.review is not None
    assert (n1.review.reviewer, n1.review.status_after, n1.review.note) == (
        "ana",
        kept.status_after,
        "incl. hw",
    )
    assert n1.status == "explicit" and n1.topics == ["definition", "scope"]
    assert n2.review is None  # its text changed: the old review does not apply
    assert n3.review is None
    # The old version keeps its own history.
    assert len(store.review_history(s1.id)) == 1


def test_review_conflict(store, law):
    outcome = steps.ingest(store, law, META)
    provision = store.provisions(document_id=outcome.document_id)[0]
    first = store.add_review(provision.id, "ana", "explicit", ["scope"])
    # Ben loaded the provision before Ana's review landed: his save is refused.
    with pytest.raises(ReviewConflict) as conflict:
        store.add_review(provision.id, "ben", "general", ["scope"], replaces=None)
    assert conflict.value.current.reviewer == "ana"
    assert "ana already reviewed" in str(conflict.value)
    assert len(store.review_history(provision.id)) == 1
    # Having seen Ana's review, he may replace it.
    second = store.add_review(provision.id, "ben", "general", ["scope"], replaces=first.id)
    assert second.status_before == "explicit" and second.replaces == first.id
    assert store.provision(provision.id).status == "general"


def test_runs_record_cells_and_a_label_snapshot(store, law):
    outcome = steps.ingest(store, law, META)
    tag_all(store, outcome.document_id)
    run = store.start_run("x+m1")
    store.finish_run(run, {"documents": 1}, [("XT", "remuneration", "general_only", [])])
    assert store.runs()[-1]["report"] == {"documents": 1} and store.runs()[-1]["finished_at"]
    assert store.run_cells(run) == {("XT", "remuneration"): ("general_only", [])}
    assert store.run_labels(run)[("small.txt", "s. 2", 1)] == ("XT", "general", ["remuneration"])


def test_the_queue_order_is_kept_with_the_provisions_and_filled_in_for_older_stores(tmp_path, law):
    db = tmp_path / "old.sqlite"
    with Store(db) as store:
        document_id = steps.ingest(store, law, DocumentMeta(jurisdiction="XN")).document_id
        first, *others = store.provision_ids(document_id)
        sure = Tag("general", [], {"status:general": 0.9, "topic:remuneration": 0.2})
        unsure = Tag(
            "general", ["remuneration"], {"status:general": 0.9, "topic:remuneration": 0.6}
        )
        store.save_tags({first: sure, **{i: unsure for i in others}})
        assert (sure.uncertainty, unsure.uncertainty) == (0.2, 0.4)
        assert store.queue()[0] == [*others, first]  # most uncertain first
        # the store as it was before schema 3: no order kept
        for statement in (
            "DROP INDEX provisions_queue",
            "DROP INDEX documents_jurisdiction",
            "ALTER TABLE provisions DROP COLUMN uncertainty",
            "PRAGMA user_version = 2",
        ):
            store.db.execute(statement)
    with Store(db) as store:
        kept = dict(store.db.execute("SELECT id, uncertainty FROM provisions").fetchall())
        assert kept == {first: 0.2, **{i: 0.4 for i in others}}
        assert store.queue(limit=1, offset=1) == ([others[1]], len(others) + 1)
