"""The plain ingest step: a file too short to tell its language, and the PDF engine."""

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app
from corpus.config import SAMPLES_MANIFEST
from corpus.model import DocumentMeta, sha256_file
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


def test_a_pdf_remembers_its_engine_and_another_engine_reads_it_again(tmp_path: Path) -> None:
    law = tmp_path / "home_work_act.pdf"
    shutil.copy(SAMPLES_MANIFEST.parent / "XN_Home_Work_Act_2021.pdf", law)
    notes = tmp_path / "notes.md"
    notes.write_text("# Home Work Act\n\nArticle 1\nHomeworkers are workers.\n", encoding="utf-8")
    meta = DocumentMeta(jurisdiction="XN", language="en")
    with Store(tmp_path / "c177.sqlite") as store:
        for path in (law, notes):
            assert ingest(store, path, meta, engine="pdfplumber").status == "ingested"
            assert ingest(store, path, meta, engine="pdfplumber").status == "unchanged"
        assert store.document(sha256_file(law)).extractor_version.endswith("+pdfplumber")

        assert ingest(store, law, meta, engine="pdfium").status == "ingested"
        assert store.document(sha256_file(law)).extractor_version.endswith("+pdfium")
        # the engine reads PDFs only: other formats are not read again
        assert ingest(store, notes, meta, engine="pdfium").status == "unchanged"
        assert "+" not in store.document(sha256_file(notes)).extractor_version


def test_the_engine_comes_from_the_flag_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    law = SAMPLES_MANIFEST.parent / "XS_Ley_de_Teletrabajo_2021.pdf"
    db = str(tmp_path / "c177.sqlite")
    monkeypatch.chdir(tmp_path)  # no c177.toml here: defaults, then the environment
    monkeypatch.setenv("C177_ENGINE", "pdfplumber")
    done = CliRunner().invoke(app, ["ingest", str(law), "--db", db, "--jurisdiction", "XS"])
    assert done.exit_code == 0, done.output
    with Store(db) as store:
        assert store.documents()[0].extractor_version.endswith("+pdfplumber")
    refused = CliRunner().invoke(
        app, ["ingest", str(law), "--db", db, "-j", "XS", "--engine", "pdfminer"]
    )
    assert refused.exit_code == 2
    assert "unknown PDF engine 'pdfminer': use pdfium or pdfplumber" in refused.output
