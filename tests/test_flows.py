"""The pipeline flow end to end on the shipped sample corpus: matrix rows, skipping what has not
changed, re-doing only what has, parallel runners giving the same answer, and kill-safety."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest  # noqa: E402
from prefect.settings import PREFECT_API_URL  # noqa: E402
from prefect.testing.utilities import prefect_test_harness  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from cli import app  # noqa: E402
from corpus.config import SAMPLES_MANIFEST  # noqa: E402
from corpus.manifest import read_manifest  # noqa: E402
from corpus.store import Store  # noqa: E402
from flows import steps  # noqa: E402
from flows.pipeline import run_pipeline  # noqa: E402
from reports.diff import diff_runs  # noqa: E402
from reports.provisions_export import provision_record  # noqa: E402

C177 = str(Path(sys.executable).parent / "c177")  # the installed command
SAMPLE_JURISDICTIONS = sorted({e.meta.jurisdiction for e in read_manifest(SAMPLES_MANIFEST)[0]})


@pytest.fixture(scope="session", autouse=True)
def prefect_server():
    with prefect_test_harness(server_startup_timeout=120):  # CI shares a busy machine
        yield PREFECT_API_URL.value()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the sample corpus that a test may change."""
    folder = tmp_path / "samples"
    folder.mkdir()
    shutil.copy(SAMPLES_MANIFEST, folder / "MANIFEST.tsv")
    for entry in read_manifest(SAMPLES_MANIFEST)[0]:
        shutil.copy(entry.location, folder)
    return folder / "MANIFEST.tsv"


def run(manifest: Path, db: Path, out: Path, **options) -> dict:
    return run_pipeline(manifest=str(manifest), db=str(db), out=str(out), **options)


def matrix_summary(path: Path) -> dict:
    """The matrix JSON without database ids: what two runs into two databases share."""
    data = json.loads(path.read_text("utf-8"))
    return {
        (c["jurisdiction"], c["topic"]): (
            c["coverage"],
            sorted((e["document"], e["citation"], e["role"]) for e in c["evidence"]),
        )
        for c in data["cells"]
    }


def stored_records(db: Path) -> list[str]:
    with Store(db) as store:
        return sorted(
            json.dumps(provision_record(p), sort_keys=True, ensure_ascii=False)
            for p in store.provisions()
        )


def test_sample_corpus_run_rerun_touch_and_new_model(corpus, tmp_path, monkeypatch):
    db, out = tmp_path / "c177.sqlite", tmp_path / "exports"
    listed = len(read_manifest(corpus)[0])

    first = run(corpus, db, out)
    first_matrix = matrix_summary(out / "matrix.json")
    assert (first["extracted"], first["failed"], first["skipped"]) == (listed, 0, 0)
    assert first["provisions_written"] > 0 and first["tags_written"] == first["provisions_written"]
    assert first["seconds"] < 60
    data = json.loads((out / "matrix.json").read_text("utf-8"))
    assert data["jurisdictions"] == SAMPLE_JURISDICTIONS
    assert {Path(p).name for p in first["exports"]} == {
        "matrix.csv", "matrix_evidence.csv", "matrix.xlsx", "matrix.json", "matrix.html",
    }  # fmt: skip

    # Nothing changed: nothing is read or tagged again.
    second = run(corpus, db, out)
    assert (second["extracted"], second["retagged"], second["skipped"]) == (0, 0, listed)
    assert (second["provisions_written"], second["tags_written"]) == (0, 0)
    assert matrix_summary(out / "matrix.json") == first_matrix

    # One file's bytes change: only that file is read again.
    touched = corpus.parent / read_manifest(corpus)[0][0].location.rsplit("/", 1)[1]
    touched.write_bytes(touched.read_bytes() + b"\n% touched\n")
    third = run(corpus, db, out)
    assert (third["extracted"], third["retagged"], third["skipped"]) == (1, 0, listed - 1)
    with Store(db) as store:
        assert len(store.documents()) == listed  # the old version is no longer current

    # A new model re-tags the stored provisions without reading any file.
    real = steps.load_tagger()

    class NewModel:
        version = real.version + "-new"

        def tag(self, provisions, language, document_title):
            return real.tag(provisions, language, document_title)

    monkeypatch.setattr(steps, "_load_tagger", lambda model_dir: NewModel())
    fourth = run(corpus, db, out)
    assert fourth["extracted"] == 0 and fourth["retagged"] >= 1
    assert fourth["tags_written"] == sum(1 for _ in stored_records(db))
    assert fourth["pipeline_version"].endswith("-new")

    with Store(db) as store:
        runs = [r["id"] for r in store.runs()]
        assert len(runs) == 4
        assert diff_runs(store, runs[0], runs[1]).empty  # same labels, same matrix


def test_bad_files_fail_by_name_and_the_run_carries_on(corpus, tmp_path):
    (corpus.parent / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    with open(corpus, "a", encoding="utf-8") as handle:
        handle.write("broken.pdf\tXB\ten\tBroken\t2020\n")
        handle.write("missing.pdf\tXB\ten\tMissing\t2020\n")
    report = run(corpus, tmp_path / "c.sqlite", tmp_path / "out", formats=["json"])
    failed = {f["document"]: f["reason"] for f in report["failures"]}
    assert set(failed) == {"broken.pdf", "missing.pdf"}
    assert all(reason.startswith(name) for name, reason in failed.items())
    assert report["extracted"] == len(read_manifest(corpus)[0]) - 2


def test_cli_run_matrix_diff(corpus, tmp_path):
    db, out = tmp_path / "c.sqlite", tmp_path / "out"
    cli = CliRunner()
    result = cli.invoke(app, ["run", "--manifest", str(corpus), "--db", str(db), "--out",
                              str(out), "--formats", "json,html"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "documents:" in result.output and "skipped" in result.output and "failed" in result.output
    )
    assert sorted(p.name for p in out.iterdir()) == ["matrix.html", "matrix.json"]
    # Review one provision: the matrix built now follows the reviewer, and diff shows it.
    with Store(db) as store:
        provision = store.provisions()[0]
        store.add_review(provision.id, "ana", "explicit", ["maternity"])
    target = tmp_path / "now.json"
    result = cli.invoke(app, ["matrix", "--db", str(db), "--format", "json", "--out", str(target)])
    assert result.exit_code == 0, result.output
    jurisdiction = provision.document.jurisdiction
    cells = json.loads(target.read_text("utf-8"))["cells"]
    cell = next(c for c in cells if (c["jurisdiction"], c["topic"]) == (jurisdiction, "maternity"))
    assert cell["coverage"] == "explicit"
    assert provision.id in [e["provision_id"] for e in cell["evidence"]]
    result = cli.invoke(app, ["run", "--manifest", str(corpus), "--db", str(db), "--out",
                              str(out), "--formats", "json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    result = cli.invoke(app, ["diff", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"{provision.provision.citation}: " in result.output and "[maternity]" in result.output
    assert f"cell  {jurisdiction} maternity:" in result.output


def test_an_unchanged_rerun_starts_neither_prefect_nor_the_tagger(corpus, tmp_path):
    db, out = tmp_path / "c.sqlite", tmp_path / "out"
    run(corpus, db, out, formats=["json"])
    arguments = ["run", "--manifest", str(corpus), "--db", str(db), "--out", str(out),
                 "--formats", "json"]  # fmt: skip
    probe = (
        f"import sys; from cli import app; app({arguments!r}, standalone_mode=False);"
        "print(sorted(m for m in ('prefect', 'spacy', 'sklearn') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    listed = len(read_manifest(corpus)[0])
    assert f"nothing changed: {listed} document(s) skipped" in done.stdout
    assert done.stdout.splitlines()[-1] == "[]"
    assert done.stderr.count("unchanged  ") == listed

    # A review since the last run changes the matrix: the run is a real one again.
    with Store(db) as store:
        store.add_review(store.provisions()[0].id, "ana", "explicit", ["maternity"])
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    assert "nothing changed" not in result.output and f"{listed} skipped" in result.output
    # So does asking for an export the last run did not write.
    result = CliRunner().invoke(app, [*arguments[:-1], "json,csv"])
    assert "nothing changed" not in result.output and (out / "matrix.csv").exists()


def test_cli_tag_retags_only_when_asked(corpus, tmp_path):
    db = tmp_path / "c.sqlite"
    run(corpus, db, tmp_path / "out", formats=["json"])
    cli = CliRunner()
    result = cli.invoke(app, ["tag", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "tag-unchanged" in result.output and "tagged " not in result.output
    result = cli.invoke(app, ["tag", "--db", str(db), "--force"])
    assert result.exit_code == 0, result.output
    assert "tagged " in result.output


def test_schedule_says_it_needs_a_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")  # no profile with an API URL
    result = subprocess.run(
        [C177, "schedule", "--cron", "0 3 * * 1"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert "prefect server start" in result.stderr and "PREFECT_API_URL" in result.stderr


@pytest.mark.slow
def test_parallel_runners_give_the_same_matrix(corpus, tmp_path):
    local = run(corpus, tmp_path / "local.sqlite", tmp_path / "local", formats=["json"])
    processes = run(
        corpus, tmp_path / "proc.sqlite", tmp_path / "proc", formats=["json"], workers=2
    )
    dask = run(corpus, tmp_path / "dask.sqlite", tmp_path / "dask", formats=["json"],
               dask=True, workers=2)  # fmt: skip
    for report in (local, processes, dask):
        assert report["failed"] == 0 and report["extracted"] == len(read_manifest(corpus)[0])
    expected = matrix_summary(tmp_path / "local" / "matrix.json")
    assert matrix_summary(tmp_path / "proc" / "matrix.json") == expected
    assert matrix_summary(tmp_path / "dask" / "matrix.json") == expected
    assert stored_records(tmp_path / "dask.sqlite") == stored_records(tmp_path / "local.sqlite")


@pytest.mark.slow
def test_a_killed_run_finishes_with_the_same_result_on_rerun(corpus, tmp_path, prefect_server):
    # A bigger corpus (each sample three times, with different bytes) so the kill lands mid-run.
    folder = corpus.parent
    lines = corpus.read_text("utf-8").splitlines()
    rows = [lines[0]]
    for copy in range(3):
        for line in lines[1:]:
            name, rest = line.split("\t", 1)
            copied = f"copy{copy}_{name}"
            (folder / copied).write_bytes((folder / name).read_bytes() + f"\n%{copy}\n".encode())
            rows.append(f"{copied}\t{rest}")
    corpus.write_text("\n".join(rows) + "\n", "utf-8")
    listed = len(rows) - 1

    clean = tmp_path / "clean.sqlite"
    run(corpus, clean, tmp_path / "clean-out", formats=["json"])

    killed = tmp_path / "killed.sqlite"
    command = [C177, "run", "--manifest", str(corpus), "--db",
               str(killed), "--out", str(tmp_path / "killed-out"), "--formats", "json"]  # fmt: skip
    env = {**os.environ, "PREFECT_API_URL": prefect_server}
    process = subprocess.Popen(command, env=env, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    stored_at_kill = 0
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if killed.exists():
                with sqlite3.connect(killed, timeout=5) as db:
                    try:
                        stored_at_kill = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
                    except sqlite3.OperationalError:  # schema not created yet
                        stored_at_kill = 0
                if stored_at_kill >= 2:
                    break
            time.sleep(0.02)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # the run and anything it started
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    assert 0 < stored_at_kill < listed

    rerun = run(corpus, killed, tmp_path / "killed-out", formats=["json"])
    assert rerun["failed"] == 0
    assert rerun["extracted"] + rerun["skipped"] + rerun["retagged"] == listed
    assert stored_records(killed) == stored_records(clean)
    with Store(killed) as store:
        assert len(store.documents(current_only=False)) == listed  # no duplicates
    assert matrix_summary(tmp_path / "killed-out" / "matrix.json") == matrix_summary(
        tmp_path / "clean-out" / "matrix.json"
    )
