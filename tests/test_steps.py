"""The plain ingest step: what a researcher sees for a file too short to tell its language."""

from pathlib import Path

from corpus.model import DocumentMeta
from corpus.store import Store
from flows.steps import ingest


def test_too_short_to_detect_fails_by_name_unless_the_manifest_says(tmp_path: Path) -> None:
    law = tmp_path / "tiny_act.txt"
    law.write_text("Article 1\nShort.\n", encoding="utf-8")
    with Store(tmp_path / "c177.sqlite") as store:
        failed = ingest(store, law, DocumentMeta(jurisdiction="XN"))
        assert failed.status == "failed"
        assert "tiny_act.txt" in failed.message and "language" in failed.message
        assert store.documents() == []

        done = ingest(store, law, DocumentMeta(jurisdiction="XN", language="en"))
        assert done.status == "ingested"
        assert any("using the given language en" in w for w in done.warnings)
        assert [d.language for d in store.documents()] == ["en"]
