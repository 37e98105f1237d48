"""The c177 pipeline as one Prefect flow: files -> provisions -> tags -> coverage matrix -> exports.

One task per document, never per provision (a task costs a few ms of orchestration).

Who writes: tasks do the CPU work (read, split, tag) and return plain data; the flow alone writes
to the store, one transaction per document as each task completes. SQLite has a single writer, so
funnelling writes through one connection avoids lock waits between worker processes, and works
for Dask workers on other machines that cannot reach the database file at all. A run killed at any
point leaves whole documents or nothing; the next run skips what was stored (content hash) and
re-tags any document stored without its tags.

Skipping: a document whose bytes are stored by the same extractor version is not read again; if
its tags also carry the current `tagger.version`, it is skipped outright. A new model re-tags
stored provisions without re-extracting.
"""

from __future__ import annotations

import ctypes
import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from unittest import mock

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.server.api.server import SubprocessASGIServer
from prefect.settings import (
    PREFECT_API_URL,
    PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
    PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
    temporary_settings,
)
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from corpus.downloads import fetch
from corpus.errors import DownloadError, ExtractionError, PrefectServerError
from corpus.manifest import Entry, resolve_entries
from corpus.model import DocumentMeta, Provision, Tag, sha256_file
from corpus.store import Store
from extractors import DEFAULT_PDF_ENGINE
from flows import steps
from reports.matrix import cell_records, matrix_of
from reports.matrix_exports import FORMATS, write_matrix

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@dataclass
class DocumentResult:
    """What a document task hands back to the flow: plain, picklable data."""

    name: str
    extracted: steps.Extracted | None = None  # None when only re-tagged
    tags: list[Tag] | None = None  # None when tagging failed (or was not reached)
    error: str = ""  # why the document or its tagging failed
    seconds: float = 0.0


# Tasks keep no Prefect cache: the store's content hashes are the cache, and hashing inputs as
# large as a whole law's provisions would cost more than it saves.
@task(name="extract-and-tag", task_run_name="extract {name}", cache_policy=NO_CACHE)
def extract_and_tag(
    name: str, path: str, meta: DocumentMeta, ocr: bool, engine: str, model_dir: str | None
) -> DocumentResult:
    started = time.perf_counter()
    try:
        extracted = steps.extract(Path(path), meta, ocr=ocr, engine=engine)
    except ExtractionError as error:
        return DocumentResult(name, error=str(error))
    result = DocumentResult(name, extracted=extracted)
    try:
        tagger = steps.load_tagger(model_dir)  # cached: once per worker process
        result.tags = steps.tag_provisions(
            tagger, extracted.provisions, extracted.language, meta.title or Path(path).stem
        )
    except Exception as error:  # the document is still worth storing; tagging is retried
        result.error = f"{name}: tagging failed ({type(error).__name__}: {error})"
    result.seconds = time.perf_counter() - started
    return result


@task(name="tag", task_run_name="tag {name}", cache_policy=NO_CACHE)
def tag_document(
    name: str, provisions: list[Provision], language: str, title: str, model_dir: str | None
) -> DocumentResult:
    started = time.perf_counter()
    tagger = steps.load_tagger(model_dir)
    tags = steps.tag_provisions(tagger, provisions, language, title)
    return DocumentResult(name, tags=tags, seconds=time.perf_counter() - started)


@dataclass
class _Pending:
    """A submitted document, as the flow needs it to store the result."""

    name: str
    meta: DocumentMeta
    document_id: int | None = None  # set when re-tagging a stored document


@dataclass
class _Report:
    documents: int = 0
    extracted: int = 0
    retagged: int = 0
    skipped: int = 0
    failed: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    provisions_written: int = 0
    tags_written: int = 0

    def fail(self, name: str, reason: str) -> None:
        self.failed += 1
        self.failures.append({"document": name, "reason": reason})
        _say(f"failed     {reason}")


def _say(line: str) -> None:
    if os.environ.get("C177_QUIET") != "1":
        print(line, file=sys.stderr, flush=True)


def pipeline_version(tagger: steps.TaggerLike, engine: str = DEFAULT_PDF_ENGINE) -> str:
    return f"{steps.extractor_version(engine)}+{tagger.version}"


def task_runner(
    workers: int | None = None, dask: bool = False, dask_address: str | None = None
) -> TaskRunner[Any]:
    """Threads in this process (default: one document at a time), N processes, or Dask."""
    if dask_address or dask:
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(
            cluster_kwargs={
                "n_workers": workers or os.cpu_count() or 2,
                "threads_per_worker": 1,  # the work is CPU-bound Python: processes, not threads
                "processes": True,
                "dashboard_address": None,
            }
        )
    if workers and workers > 1:
        return ProcessPoolTaskRunner(max_workers=workers)
    return ThreadPoolTaskRunner(max_workers=1)


# One document at a time by default (also for served deployments): the tagger is shared by the
# threads of a process, and CPU-bound Python gains nothing from threads. `run_pipeline` swaps in
# processes or Dask.
@flow(name="c177-pipeline", persist_result=False, task_runner=task_runner())
def c177_pipeline(
    paths: list[str] | None = None,
    manifest: str | None = None,
    db: str = "c177.sqlite",
    formats: list[str] = list(FORMATS),  # noqa: B006 - Prefect needs a JSON-able default
    out: str = "exports",
    ocr: bool = False,
    force: bool = False,
    model_dir: str | None = None,
    downloads_dir: str = ".c177-downloads",
    jurisdiction: str = "",
    language: str = "",
    allow_outside: bool = False,
    allow_private_urls: bool = False,
    engine: str = DEFAULT_PDF_ENGINE,
) -> dict[str, Any]:
    """Ingest, tag and aggregate laws into the coverage matrix; returns the run's report.
    The last four parameters are `resolve_entries`' and `fetch`'s (corpus.manifest, downloads)."""
    started = time.perf_counter()
    report = _Report()
    entries, problems = resolve_entries(
        [Path(p) for p in paths] if paths else None,
        Path(manifest) if manifest else None,
        jurisdiction,
        language,
        allow_outside,
    )
    report.warnings += problems
    report.documents = len(entries)
    # The flow needs only the tagger's version to decide what to skip: the models load on
    # the first document tagged in this process (never, when nothing changed).
    tagger = steps.load_tagger(model_dir)
    version = pipeline_version(tagger, engine)
    with Store(db) as store:
        run_id = store.start_run(version)
        jobs = _plan(store, entries, report, tagger.version, downloads_dir, ocr=ocr,
                     engine=engine, force=force, allow_private_urls=allow_private_urls)  # fmt: skip
        # Largest first: with parallel workers a big code started last would finish last alone.
        jobs.sort(key=lambda job: -job.size)
        pending: dict[PrefectFuture, _Pending] = {
            job.work.submit(**job.arguments, model_dir=model_dir): job.pending for job in jobs
        }
        for future in as_completed(list(pending)):
            _store_result(store, future, pending.pop(future), report)
        matrix = matrix_of(store)
        exports = []
        for fmt in formats:
            exports += [str(p) for p in write_matrix(matrix, fmt, Path(out) / f"matrix.{fmt}")]
        result = {
            "run_id": run_id,
            "pipeline_version": version,
            **report.__dict__,
            "jurisdictions": len(matrix.jurisdictions),
            "coverage": matrix.counts(),
            "exports": exports,
            "seconds": round(time.perf_counter() - started, 2),
            "store_state": store.state(),  # a re-run with the same state has nothing to do
        }
        store.finish_run(run_id, result, cell_records(matrix))
    return result


@dataclass
class _Job:
    """A document to submit: the task that does its work, with what the task needs."""

    size: int  # bytes of its file: the largest are started first
    work: Any  # extract_and_tag or tag_document
    arguments: dict[str, Any]
    pending: _Pending


def _plan(
    store: Store,
    entries: list[Entry],
    report: _Report,
    tagger_version: str,
    downloads_dir: str,
    *,
    ocr: bool,
    engine: str,
    force: bool,
    allow_private_urls: bool,
) -> list[_Job]:
    """What each entry needs: reading and tagging, re-tagging only, or nothing (unchanged, or
    the same bytes as another entry). Files that cannot be fetched or read fail here."""
    jobs: list[_Job] = []
    seen: dict[str, str] = {}
    for entry in entries:
        name = Path(entry.location).name
        try:
            path = (
                fetch(entry.location, Path(downloads_dir), allow_private_urls)
                if entry.is_url
                else Path(entry.location)
            )
            sha256 = sha256_file(path)
            size = path.stat().st_size
        except DownloadError as error:
            report.fail(name, str(error))
            continue
        except OSError as error:
            report.fail(name, f"{name}: cannot read file ({error.strerror})")
            continue
        if sha256 in seen:
            report.skipped += 1
            report.warnings.append(f"{name}: same bytes as {seen[sha256]}, skipped")
            continue
        seen[sha256] = name
        meta = replace(entry.meta, source=entry.meta.source or str(path))
        stored = None if force else steps.reusable(store, sha256, meta, engine)
        if stored is None:
            arguments = {"name": name, "path": str(path), "meta": meta, "ocr": ocr,
                         "engine": engine}  # fmt: skip
            jobs.append(_Job(size, extract_and_tag, arguments, _Pending(name, meta)))
        elif steps.needs_tagging(store, stored.id, tagger_version):
            provisions = [p.provision for p in store.provisions(document_id=stored.id)]
            arguments = {"name": name, "provisions": provisions, "language": stored.language,
                         "title": stored.title}  # fmt: skip
            jobs.append(_Job(size, tag_document, arguments, _Pending(name, meta, stored.id)))
        else:
            report.skipped += 1
    return jobs


def _store_result(store: Store, future: PrefectFuture, job: _Pending, report: _Report) -> None:
    """Write one finished document: its provisions (if extracted) and its tags."""
    try:
        result: DocumentResult = future.result()
    except Exception as error:  # a crash in a worker fails this document, not the run
        report.fail(job.name, f"{job.name}: {type(error).__name__}: {error}")
        return
    document_id = job.document_id
    if result.extracted is not None:
        outcome = steps.save(store, job.meta, result.extracted)
        document_id = outcome.document_id
        report.extracted += 1
        report.provisions_written += outcome.provisions
        report.warnings += outcome.warnings
    elif result.tags is not None:
        report.retagged += 1
    if result.error:
        report.fail(job.name, result.error)
    if result.tags is not None and document_id is not None:
        ids = store.provision_ids(document_id)
        store.save_tags(dict(zip(ids, result.tags, strict=True)))
        report.tags_written += len(result.tags)
    if not result.error:
        what = "ingested" if result.extracted is not None else "re-tagged"
        _say(f"{what:<10} {job.name} ({len(result.tags or [])} provisions, {result.seconds:.1f} s)")
    for warning in result.extracted.document.warnings if result.extracted else []:
        _say(f"warning    {warning}")
    # Stored: drop the document's lines, provisions and tags. The finished futures (and so
    # this result) stay referenced until the run ends, and memory would grow with the corpus.
    result.extracted = result.tags = None


def run_pipeline(
    *,
    workers: int | None = None,
    dask: bool = False,
    dask_address: str | None = None,
    **parameters: Any,
) -> dict[str, Any]:
    """Run the flow once with the chosen task runner; parameters are `c177_pipeline`'s.
    Raises PrefectServerError when Prefect's temporary server cannot start."""
    runner = task_runner(workers, dask, dask_address)
    # Heartbeats would add about a second per run and only serve crash detection on a server.
    with (
        temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}),
        _temporary_server(),
    ):
        return c177_pipeline.with_options(task_runner=runner)(**parameters)


@contextmanager
def _temporary_server() -> Iterator[None]:
    """With no Prefect server configured, start the temporary one here rather than let the flow
    start it: its start-up is waited for as configured and a failure said in one line, it ends
    with this process, and local worker processes (which would each start a server of their
    own, seconds of CPU and about 200 MiB each) share it through the environment they inherit.
    """
    if PREFECT_API_URL.value():
        yield
        return
    server = _ServerEndingWithUs()
    try:
        server.start()
    except RuntimeError as error:
        raise PrefectServerError(
            "Prefect's temporary server did not answer within"
            f" {PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()} s (a busy machine?):"
            " run again with a longer wait, e.g. PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"
            "=300, or start a server (prefect server start) and set PREFECT_API_URL"
        ) from error
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
            yield
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before


class _ServerEndingWithUs(SubprocessASGIServer):
    """Prefect's temporary server (the same singleton the flow would start), made to end with
    the process that started it: on Linux the kernel sends it SIGTERM when that process dies,
    even by SIGKILL, which no atexit handler of Prefect's survives."""

    def _run_uvicorn_command(self) -> subprocess.Popen:
        if sys.platform != "linux":
            return super()._run_uvicorn_command()
        # Prefect builds the server's command line and offers no hook into its start but the
        # Popen it calls: lend that a preexec_fn for this one call. Only this thread starts
        # processes while a run starts.
        with_signal = functools.partial(subprocess.Popen, preexec_fn=_end_with(os.getpid()))
        with mock.patch.object(subprocess, "Popen", with_signal):
            return super()._run_uvicorn_command()


def _end_with(parent: int) -> Callable[[], None]:
    """A preexec_fn: the child gets SIGTERM when `parent` dies (prctl PR_SET_PDEATHSIG)."""

    def in_child() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent died before the request took effect
            os._exit(1)

    return in_child


def format_report(report: dict[str, Any]) -> str:
    """The report a user reads at the end of a run."""
    done = report["extracted"] + report["retagged"]
    lines = [
        f"run {report['run_id']} finished in {report['seconds']:.1f} s"
        f" (pipeline {report['pipeline_version']})",
        f"documents: {report['documents']} listed, {done} done ({report['extracted']} extracted"
        f" and tagged, {report['retagged']} re-tagged), {report['skipped']} skipped (unchanged),"
        f" {report['failed']} failed",
    ]
    lines += [f"  failed: {f['reason']}" for f in report["failures"]]
    lines.append(
        f"written: {report['provisions_written']} provisions, {report['tags_written']} tags;"
        f" {len(report['warnings'])} warning(s)"
    )
    coverage = ", ".join(f"{n} {c}" for c, n in report["coverage"].items())
    lines.append(f"matrix: {report['jurisdictions']} jurisdictions; cells: {coverage}")
    lines += [f"  wrote {path}" for path in report["exports"]]
    return "\n".join(lines)
