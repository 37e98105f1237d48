"""The benchmark script keeps working: a tiny run on 5 pages (python -m benchmarks.run)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import corpus

REPO = Path(__file__).resolve().parent.parent


def test_corpus_fills_the_page_count_with_distinct_readable_copies(tmp_path):
    sources = corpus.sources(laws=None)  # the shipped samples only: fast and always there
    copies = corpus.select(sources, 40)
    assert sum(c.source.pages for c in copies) == 40
    manifest = corpus.materialise(copies, tmp_path / "c", tmp_path / "m.tsv")
    files = corpus.manifest_files(manifest)
    assert len(files) == len(copies)
    digests = {hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    assert len(digests) == len(files)  # the pipeline would skip "same bytes" otherwise
    assert sum(corpus.page_count(f) for f in files) == 40

    from benchmarks.bare import extract_all

    for library in ("pdfplumber", "pypdfium2"):  # the trailing comment keeps them readable
        assert extract_all(files[:2], library)["chars"] > 0


def test_the_flows_cheap_model_version_is_the_taggers():
    """The flow skips unchanged documents by the tagger's version read without loading the
    models; it must be the string the loaded tagger stamps, and it must stay cheap."""
    from classifiers.tagger import Tagger

    probe = (
        "import sys; from flows.steps import load_tagger; print(load_tagger().version);"
        "print('spacy' in sys.modules, 'sklearn' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    version, heavy = done.stdout.split("\n")[:2]
    assert version == Tagger.load().version
    assert heavy == "False False"


@pytest.mark.slow
def test_a_tiny_benchmark_run(tmp_path):
    out, table = tmp_path / "results.json", tmp_path / "RESULTS.md"
    command = [
        sys.executable, "-m", "benchmarks.run", "--pages", "5", "--memory-sizes", "3",
        "--only", "overhead,rerun,memory,tagging,review", "--review-provisions", "300",
        "--no-shared-laws", "--no-warm-up",
        "--out", str(out), "--results-md", str(table),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, timeout=600, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    data = json.loads(out.read_text())
    results = data["results"]
    assert set(results) == {"overhead", "floor", "rerun", "memory", "tagging", "review"}
    assert results["review"]["provisions"] >= 300
    assert results["review"]["pages"]["provision page"]["requests"] > 0
    assert results["overhead"]["ratio"] > 0 and results["rerun"]["ratio"] > 0
    assert results["floor"]["ratio"] > results["overhead"]["ratio"]  # pdfium is the faster
    assert set(results["memory"]["by_pages"]) == {"3", "5"}
    assert results["tagging"]["explain"]["provisions"] > 0
    assert data["machine"]["cores"] and data["command"].startswith("python -m benchmarks.run")
    assert "| Measure | Result | Goal | Met |" in table.read_text()
