"""Speed, scale and memory of `c177 run`, measured side by side in one run.

    python -m benchmarks.run [--pages 2000] [--scale-pages 2000] [--repeat 1]
        [--out benchmarks/out/results.json] [--results-md benchmarks/RESULTS.md]
        [--only overhead,rerun,scaling,memory,tagging,review] [--review-provisions 100000]
        [--profile]

Builds a corpus of exactly N pages in a temporary folder (the sample statutes and the shared
laws' PDFs, copied with distinct bytes; see `benchmarks.corpus`), then runs every measurement
as a separate process and times it from outside (wall clock, peak RSS from `wait4`, and the
process tree's RSS sampled every 0.2 s, which counts Prefect's server and Dask's workers too):

  overhead  `c177 run` (1 worker, cold) against the floors on the same N pages: bare pdfplumber
            `extract_text()` and bare pypdfium2 `get_text_range()` (benchmarks.bare)
  rerun     the same `c177 run` again with nothing changed, against the cold run
  scaling   1 worker, 2 worker processes, a Dask LocalCluster of 2, at --scale-pages pages
  memory    peak RSS of cold 1-worker runs at 500, 1,000 and N pages
  tagging   provisions/s on one core, spaCy and scikit-learn apart (benchmarks.tagger_stages)
  review    the review app's provision and queue pages, p50/p95, on a store grown to
            --review-provisions provisions by repeating the cold run's laws (benchmarks.review)

Pairs that are compared run one after the other, and `--repeat R` runs each pair R times
(interleaved) and reports the median. Other processes share the machine, so the ratios are
given by CPU time too (user + system of the command and all its children), which their load
does not stretch as it stretches wall time. Every run uses a snapshot of the model folder
taken at the start (`--model-dir`), so that a model retrained meanwhile cannot turn the
"unchanged" re-run into a re-tagging one. `--profile` adds py-spy profiles of a cold 1-worker run
and of a re-run, summarised under benchmarks/profiles/. Results: JSON (--out) and a Markdown
table (--results-md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks import corpus

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
# this checkout's command (the installed `c177` script may belong to another checkout)
C177 = [sys.executable, "-m", "cli"]
MEASURES = ("overhead", "rerun", "scaling", "memory", "tagging", "review")
GOALS = {
    "overhead": 1.3,  # pipeline / bare pdfplumber, at most
    "floor": 3.0,  # pipeline / bare pypdfium2, at most
    "scaling": 1.8,  # 2 workers' speed-up over 1, at least
    "rerun_s": 2.0,  # unchanged re-run, seconds, under
    "review_p95_ms": 100.0,  # provision page and queue page, p95, under
    "tagging": 5000.0,  # provisions per second per core, at least
    "memory_mib": 1024.0,  # peak RSS at N pages, under
    "memory_growth": 1.25,  # peak RSS at N pages / at the smallest size, at most ("flat")
}


def _say(message: str, started: float = time.perf_counter()) -> None:
    print(f"[{time.perf_counter() - started:7.1f} s] {message}", file=sys.stderr, flush=True)


# -- measuring one process -------------------------------------------------------------------


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


def measure(command: list[str], env: dict[str, str], cwd: Path, log: Path) -> dict[str, Any]:
    """Run a command to the end; wall time, CPU time, peak RSS (largest process, from
    `wait4`) and peak RSS of the whole process tree (sampled)."""
    peak_tree = 0
    done = threading.Event()
    load_before = round(os.getloadavg()[0], 2)
    with open(log, "w") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)

        def sample() -> None:
            nonlocal peak_tree
            while not done.wait(0.2):
                peak_tree = max(peak_tree, _tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    text = log.read_text(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{shlex.join(command)} exited {proc.returncode}:\n{text[-3000:]}")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),  # Linux: KiB; largest process
        "peak_tree_rss_mib": round(peak_tree / 2**20, 1),
        "load_average_before": load_before,
        "output": text,
    }


# -- the runs ---------------------------------------------------------------------------------


class Bench:
    def __init__(self, work: Path, sources: list[corpus.Source], profile_dir: Path | None):
        self.work = work
        self.sources = sources
        self.profile_dir = profile_dir
        self.runs: list[dict[str, Any]] = []
        self.env = dict(os.environ)
        self.env.pop("PREFECT_API_URL", None)  # c177 run's own temporary server, every time
        self.env.update({
            "PREFECT_HOME": str(work / "prefect-home"),
            "C177_QUIET": "1",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        })  # fmt: skip
        # The models as they are now: another engineer may retrain them during the benchmark.
        self.model_dir = work / "model"
        shutil.copytree(REPO / "classifiers" / "models", self.model_dir)
        self.manifests: dict[int, Path] = {}
        self.pages_of: dict[int, dict[str, int]] = {}

    def manifest(self, pages: int) -> Path:
        if pages not in self.manifests:
            copies = corpus.select(self.sources, pages)
            path = self.work / f"manifest-{pages}.tsv"
            corpus.materialise(copies, self.work / "corpus", path)
            self.manifests[pages] = path
            self.pages_of[pages] = {"pages": pages, "files": len(copies)}
        return self.manifests[pages]

    def _record(self, kind: str, pages: int, result: dict[str, Any], **extra: Any) -> dict:
        output = result.pop("output")
        run = {"kind": kind, "pages": pages, **result, **extra}
        if kind.startswith("bare"):
            run.update(json.loads(output.strip().splitlines()[-1]))
        else:
            run["report"] = [ln for ln in output.splitlines() if ln.strip()][-12:]
            if "0 failed" not in output and "nothing changed" not in output:
                raise RuntimeError(f"{kind} at {pages} pages had failures:\n{output[-3000:]}")
        run["pages_per_s"] = round(pages / result["wall_s"], 2) if result["wall_s"] else None
        self.runs.append(run)
        _say(
            f"{kind:<10} {pages:>5} pages  {result['wall_s']:8.2f} s (CPU {result['cpu_s']:.1f} s) "
            f"peak RSS {result['peak_rss_mib']:7.1f} MiB (tree {result['peak_tree_rss_mib']:.1f})"
        )
        return run

    def bare(self, pages: int, library: str = "pdfplumber") -> dict:
        """A library's own text extraction: kind "bare" (pdfplumber) or "bare-pypdfium2"."""
        manifest = self.manifest(pages)
        kind = "bare" if library == "pdfplumber" else f"bare-{library}"
        command = [sys.executable, "-m", "benchmarks.bare", str(manifest), library]
        result = measure(command, self.env, REPO, self.work / f"{kind}-{pages}.log")
        return self._record(kind, pages, result)

    def pipeline(
        self, kind: str, pages: int, *, db: Path | None = None, profile: str | None = None
    ) -> dict:
        """`c177 run` on the manifest of `pages` pages: kind is 1-worker, 2-workers, dask-2
        or rerun (same database as the last 1-worker run at that size)."""
        manifest = self.manifest(pages)
        tag = f"{kind}-{pages}-{len(self.runs)}"
        db = db or self.work / f"{tag}.sqlite"
        command = [
            *C177, "run", "--manifest", str(manifest), "--db", str(db),
            # the exports go with the database: a re-run is the same command again
            "--out", str(db.with_name(f"{db.stem}-exports")), "--model-dir", str(self.model_dir),
        ]  # fmt: skip
        if kind == "2-workers":
            command += ["--workers", "2"]
        elif kind == "dask-2":
            command += ["--dask", "--workers", "2"]
        if profile and self.profile_dir:
            raw = self.work / f"{profile}.raw"
            spy = [str(BIN / "py-spy"), "record", "--rate", "50", "--format", "raw"]
            command = [*spy, "--subprocesses", "--output", str(raw), "--", *command]
        result = measure(command, self.env, self.work, self.work / f"{tag}.log")
        run = self._record(kind, pages, result, db=str(db), profiled=bool(profile))
        if profile and self.profile_dir:
            self._summarise(profile, run)
        return run

    def _summarise(self, name: str, run: dict) -> None:
        assert self.profile_dir is not None  # profiles are summarised only when asked for
        from benchmarks.profile_summary import summarise

        focus = [
            "extract_and_tag", "_read_page", "Container.chars", "iter_extract_tuples",
            "split (", "detect (", "Tagger.tag", "analyse", "get_nlp", "predict (",
            "Tagger.load", "_store_result", "save_document", "save_tags", "reusable",
            "sha256_file", "build_matrix", "write_matrix", "finish_run",
            "SubprocessASGIServer.start", "prefect/server/api/server.py", "spawn_main",
            "LocalCluster", "run_pipeline",
        ]  # fmt: skip
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        what = f"c177 run, {run['kind']}, {run['pages']} pages" if "pages" in run else run["kind"]
        head = f"# {name}: {what}, {run['wall_s']} s wall (under py-spy)\n"
        text = summarise(self.work / f"{name}.raw", top=45, focus=focus)
        (self.profile_dir / f"{name}.txt").write_text(head + text)

    def review(self, db: str, provisions: int) -> dict:
        command = [sys.executable, "-m", "benchmarks.review", db, "--provisions", str(provisions)]
        result = measure(command, self.env, REPO, self.work / "review.log")
        output = result.pop("output")
        line = next(ln for ln in reversed(output.splitlines()) if ln.startswith("{"))
        run = {"kind": "review", **result, **json.loads(line)}
        self.runs.append(run)
        _say(
            f"review     {run['provisions']} provisions  p95: provision page"
            f" {run['provision page']['p95_ms']} ms, queue page {run['queue page']['p95_ms']} ms"
        )
        return run

    def tagging(self, db: str, profile: str | None = None) -> dict:
        command = [
            sys.executable, "-m", "benchmarks.tagging", db, "--model-dir", str(self.model_dir)
        ]  # fmt: skip
        if profile and self.profile_dir:
            raw = self.work / f"{profile}.raw"
            spy = [str(BIN / "py-spy"), "record", "--rate", "100", "--format", "raw"]
            command = [*spy, "--output", str(raw), "--", *command]
        result = measure(command, self.env, REPO, self.work / "tagging.log")
        output = result.pop("output")
        line = next(ln for ln in reversed(output.splitlines()) if ln.startswith("{"))
        run = {"kind": "tagging", **result, **json.loads(line), "profiled": bool(profile)}
        self.runs.append(run)
        if profile and self.profile_dir:
            self._summarise(profile, run)
        rate = run["explain"]["provisions_per_s"]
        _say(f"tagging    {run['explain']['provisions']} provisions  {rate} provisions/s")
        return run


# -- the whole benchmark -------------------------------------------------------------------


def _median(runs: list[dict], key: str = "wall_s") -> float:
    return statistics.median(r[key] for r in runs)


def benchmark(args: argparse.Namespace) -> dict[str, Any]:
    only = set(args.only.split(",")) if args.only else set(MEASURES)
    unknown = only - set(MEASURES)
    if unknown:
        raise SystemExit(f"unknown measure(s): {', '.join(sorted(unknown))}")
    laws = None if args.no_shared_laws else corpus.SHARED_LAWS
    sources = corpus.sources(laws)
    work = Path(tempfile.mkdtemp(prefix="c177-bench-"))
    bench = Bench(work, sources, args.profiles if args.profile else None)
    started = time.perf_counter()
    _say(f"work folder {work}; {len(sources)} source PDFs, {sum(s.pages for s in sources)} pages")
    try:
        if not args.no_warm_up:
            # Not counted: creates Prefect's database under PREFECT_HOME, warms the disk cache.
            bench.pipeline("1-worker", min(5, args.pages))
            bench.runs.clear()
        cold = _measure(bench, args, only)
        if args.profile:
            _profile(bench, args, only, cold)
        total = time.perf_counter() - started
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return summarise(bench, args, cold, total, only)


def _measure(bench: Bench, args: argparse.Namespace, only: set[str]) -> dict[int, list[dict]]:
    """The timed runs, repeated; returns the cold 1-worker runs by page count."""
    cold: dict[int, list[dict]] = {}
    n, s = args.pages, args.scale_pages
    for _ in range(args.repeat):
        if only & {"overhead", "rerun", "memory", "tagging", "review"}:
            if "overhead" in only:
                bench.bare(n)
                bench.bare(n, "pypdfium2")
            cold.setdefault(n, []).append(bench.pipeline("1-worker", n))
            if "rerun" in only:
                bench.pipeline("rerun", n, db=Path(cold[n][-1]["db"]))
        if "scaling" in only:
            if s != n or not cold.get(n):
                cold.setdefault(s, []).append(bench.pipeline("1-worker", s))
            bench.pipeline("2-workers", s)
            bench.pipeline("dask-2", s)
    if "memory" in only:
        for size in args.memory_sizes:
            if size not in cold:
                cold[size] = [bench.pipeline("1-worker", size)]
    if "tagging" in only:
        bench.tagging(cold[n][0]["db"])
    if "review" in only:
        bench.review(cold[n][0]["db"], args.review_provisions)
    return cold


def _profile(
    bench: Bench, args: argparse.Namespace, only: set[str], cold: dict[int, list[dict]]
) -> None:
    """Runs under py-spy, not counted in the figures."""
    if "tagging" in only:
        bench.tagging(cold[args.pages][0]["db"], profile="tagging")
    if only - {"tagging"}:
        pages = args.profile_pages
        first = bench.pipeline("1-worker", pages, profile="cold-1-worker")
        bench.pipeline("rerun", pages, db=Path(first["db"]), profile="rerun")
        bench.pipeline("2-workers", pages, profile="cold-2-workers")


def summarise(
    bench: Bench, args: argparse.Namespace, cold: dict[int, list[dict]], total: float, only: set
) -> dict[str, Any]:
    runs = [r for r in bench.runs if not r.get("profiled")]
    settings = {
        "pages": args.pages, "scale_pages": args.scale_pages,
        "memory_sizes": args.memory_sizes, "only": sorted(only),
        "review_provisions": args.review_provisions,
    }  # fmt: skip
    return {
        "command": "python -m benchmarks.run " + shlex.join(sys.argv[1:]),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "corpus": {
            "pages": bench.pages_of,
            "sources": [{"file": src.path.name, "pages": src.pages} for src in bench.sources],
        },
        "repeat": args.repeat,
        "settings": settings,
        "total_s": round(total, 1),
        "results": results(runs, settings),
        "runs": runs,
    }


def results(runs: list[dict], settings: dict[str, Any]) -> dict[str, Any]:
    """The goals' figures from the recorded runs (medians over repeats)."""

    def of(kind: str, pages: int) -> list[dict]:
        return [r for r in runs if r["kind"] == kind and r.get("pages") == pages]

    n, s, only = settings["pages"], settings["scale_pages"], set(settings["only"])
    out: dict[str, Any] = {}
    if "overhead" in only:
        out["overhead"] = _overhead(of("bare", n), of("1-worker", n), n)
        if of("bare-pypdfium2", n):  # results from before it was measured have none
            out["floor"] = _floor(of("bare-pypdfium2", n), of("1-worker", n), of("bare", n), n)
    if "rerun" in only:
        out["rerun"] = _rerun(of("rerun", n), of("1-worker", n), n)
    if "scaling" in only:
        out["scaling"] = _scaling(of("1-worker", s), of("2-workers", s), of("dask-2", s), s)
    if "memory" in only:
        sizes = sorted(set(settings["memory_sizes"]) | {n})
        out["memory"] = _memory(
            {size: of("1-worker", size) for size in sizes if of("1-worker", size)}, n
        )
    tagging = [r for r in runs if r["kind"] == "tagging" and not r.get("profiled")]
    if tagging:
        out["tagging"] = _tagging(tagging[0])
    review = [r for r in runs if r["kind"] == "review"]
    if review:
        out["review"] = _review(review[0])
    return out


def _review(run: dict) -> dict[str, Any]:
    pages = {k: v for k, v in run.items() if isinstance(v, dict) and "p95_ms" in v}
    return {
        "provisions": run["provisions"],
        "pages": pages,
        "goal": f"p95 < {GOALS['review_p95_ms']:.0f} ms (provision page, queue page)",
        "met": all(
            pages[name]["p95_ms"] < GOALS["review_p95_ms"]
            for name in ("provision page", "queue page")
        ),
    }


def _overhead(bare_runs: list[dict], pipeline_runs: list[dict], n: int) -> dict[str, Any]:
    bare, pipe = _median(bare_runs), _median(pipeline_runs)
    bare_cpu, pipe_cpu = _median(bare_runs, "cpu_s"), _median(pipeline_runs, "cpu_s")
    return {
        "pages": n, "bare_s": bare, "pipeline_s": pipe, "ratio": round(pipe / bare, 3),
        "bare_cpu_s": bare_cpu, "pipeline_cpu_s": pipe_cpu,
        "cpu_ratio": round(pipe_cpu / bare_cpu, 3),
        "goal": f"<= {GOALS['overhead']}", "met": pipe / bare <= GOALS["overhead"],
    }  # fmt: skip


def _floor(
    floor_runs: list[dict], pipeline_runs: list[dict], bare_runs: list[dict], n: int
) -> dict[str, Any]:
    floor, pipe = _median(floor_runs), _median(pipeline_runs)
    floor_cpu, pipe_cpu = _median(floor_runs, "cpu_s"), _median(pipeline_runs, "cpu_s")
    return {
        "pages": n, "bare_s": floor, "pipeline_s": pipe, "ratio": round(pipe / floor, 3),
        "bare_cpu_s": floor_cpu, "cpu_ratio": round(pipe_cpu / floor_cpu, 3),
        "pdfplumber_over_pypdfium2": round(_median(bare_runs) / floor, 1),
        "goal": f"<= {GOALS['floor']}", "met": pipe / floor <= GOALS["floor"],
    }  # fmt: skip


def _rerun(rerun_runs: list[dict], cold_runs: list[dict], n: int) -> dict[str, Any]:
    rerun, pipe = _median(rerun_runs), _median(cold_runs)
    rerun_cpu, pipe_cpu = _median(rerun_runs, "cpu_s"), _median(cold_runs, "cpu_s")
    return {
        "pages": n, "cold_s": pipe, "rerun_s": rerun, "ratio": round(rerun / pipe, 3),
        "cpu_ratio": round(rerun_cpu / pipe_cpu, 3),
        "goal": f"< {GOALS['rerun_s']:.0f} s", "met": rerun < GOALS["rerun_s"],
    }  # fmt: skip


def _scaling(
    one_runs: list[dict], two_runs: list[dict], dask_runs: list[dict], s: int
) -> dict[str, Any]:
    one, two, dask = _median(one_runs), _median(two_runs), _median(dask_runs)
    one_cpu = _median(one_runs, "cpu_s")
    two_cpu, dask_cpu = _median(two_runs, "cpu_s"), _median(dask_runs, "cpu_s")
    return {
        "pages": s, "one_worker_s": one, "two_workers_s": two, "dask_2_s": dask,
        "two_workers_speedup": round(one / two, 3), "dask_2_speedup": round(one / dask, 3),
        # What 2 free cores could give at most: the work's CPU time, split in two.
        "two_workers_cpu_s": two_cpu, "dask_2_cpu_s": dask_cpu,
        "two_workers_ceiling": round(2 * one_cpu / two_cpu, 3),
        "dask_2_ceiling": round(2 * one_cpu / dask_cpu, 3),
        "load_average_before": [r["load_average_before"] for r in two_runs],
        "goal": f">= {GOALS['scaling']}", "met": one / two >= GOALS["scaling"],
    }  # fmt: skip


def _memory(runs_by_pages: dict[int, list[dict]], n: int) -> dict[str, Any]:
    points = {
        size: {
            "peak_rss_mib": max(r["peak_rss_mib"] for r in size_runs),
            "peak_tree_rss_mib": max(r["peak_tree_rss_mib"] for r in size_runs),
        }
        for size, size_runs in runs_by_pages.items()
    }
    biggest, smallest = points[max(points)], points[min(points)]
    growth = biggest["peak_rss_mib"] / smallest["peak_rss_mib"]
    return {
        "by_pages": points,
        "growth": round(growth, 3),
        "goal": f"< {GOALS['memory_mib']:.0f} MiB at {n} pages, growth <= {GOALS['memory_growth']}",
        "met": biggest["peak_tree_rss_mib"] < GOALS["memory_mib"]
        and growth <= GOALS["memory_growth"],
    }


def _tagging(run: dict) -> dict[str, Any]:
    return {
        "provisions": run["explain"]["provisions"],
        "documents": run["documents"],
        "explain": run["explain"],
        "no_explain": run["no_explain"],
        "goal": f">= {GOALS['tagging']:.0f} provisions/s/core",
        "met": run["explain"]["provisions_per_s"] >= GOALS["tagging"],
    }


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = [round(x, 2) for x in os.getloadavg()]
    except OSError:
        load = []
    import pdfplumber
    import prefect
    import pypdfium2
    import sklearn
    import spacy

    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_end": load,
        "versions": {
            "pdfplumber": pdfplumber.__version__,
            "pypdfium2": pypdfium2.version.PYPDFIUM_INFO.version,
            "prefect": prefect.__version__,
            "spacy": spacy.__version__,
            "scikit-learn": sklearn.__version__,
        },  # fmt: skip
        "openblas_env": {k: v for k, v in os.environ.items() if k.startswith("OPENBLAS_")},
    }


# -- the Markdown table -----------------------------------------------------------------------


def _yes(met: bool) -> str:
    return "yes" if met else "**no**"


def markdown(data: dict[str, Any]) -> str:
    r, m = data["results"], data["machine"]
    lines = [
        "# c177 benchmarks",
        "",
        f"Machine: {m['cores']} cores ({m['cpu']}), Python {m['python']}, "
        f"pdfplumber {m['versions']['pdfplumber']}, pypdfium2 {m['versions'].get('pypdfium2')}, "
        f"Prefect {m['versions']['prefect']}, "
        f"spaCy {m['versions']['spacy']}, scikit-learn {m['versions']['scikit-learn']}. "
        f"Load average at the end: {', '.join(map(str, m['load_average_at_end']))}.",
        "",
        f"Command: `{data['command']}` ({data['date']}, {data['total_s'] / 60:.1f} min,"
        f" each pair repeated {data['repeat']}x, medians).",
        "",
        "| Measure | Result | Goal | Met |",
        "| --- | --- | --- | --- |",
    ]
    lines += _goal_rows(r)
    lines += [
        "",
        "Every run, as timed from outside (wall clock of the whole command, start-up included):",
        "",
        "| Run | Pages | Wall s | Pages/s | CPU s | Peak RSS MiB | Tree peak RSS MiB"
        " | Load before |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += _run_rows(data["runs"])
    sources = data["corpus"]["sources"]
    lines += [
        "",
        f"Corpus: {len(sources)} source PDFs ({sum(s['pages'] for s in sources)} pages:"
        f" the sample statutes and the shared laws' PDFs), copied with distinct bytes until"
        f" the page count is reached.",
        "",
    ]
    return "\n".join(lines)


def _run_rows(runs: list[dict]) -> list[str]:
    return [
        f"| {run['kind']} | {run['pages']} | {run['wall_s']:.1f} | {run['pages_per_s']:.1f}"
        f" | {run['cpu_s']:.1f} | {run['peak_rss_mib']:.0f} |"
        f" {run['peak_tree_rss_mib']:.0f} | {run['load_average_before']} |"
        for run in runs
        if run["kind"] not in ("tagging", "review")
    ]


def _floor_rows(r: dict[str, Any]) -> list[str]:
    """The pipeline against the floors: bare pdfplumber and bare pypdfium2."""
    lines: list[str] = []
    if "overhead" in r:
        o = r["overhead"]
        lines.append(
            f"| Pipeline (`c177 run`, 1 worker, cold) / bare pdfplumber `extract_text()`,"
            f" {o['pages']} pages | {o['ratio']:.2f}x ({o['pipeline_s']:.1f} s / "
            f"{o['bare_s']:.1f} s); CPU time {o['cpu_ratio']:.2f}x ({o['pipeline_cpu_s']:.1f} s"
            f" / {o['bare_cpu_s']:.1f} s) | {o['goal']} | {_yes(o['met'])} |"
        )
    if "floor" in r:
        f = r["floor"]
        lines.append(
            f"| Pipeline / bare pypdfium2 `get_text_range()`, {f['pages']} pages |"
            f" {f['ratio']:.2f}x ({f['pipeline_s']:.1f} s / {f['bare_s']:.1f} s); CPU time"
            f" {f['cpu_ratio']:.2f}x; bare pdfplumber is {f['pdfplumber_over_pypdfium2']}x bare"
            f" pypdfium2 | {f['goal']} | {_yes(f['met'])} |"
        )
    return lines


def _goal_rows(r: dict[str, Any]) -> list[str]:
    """One table row per measure that was run, with its goal and whether it was met."""
    lines = _floor_rows(r)
    if "scaling" in r:
        sc = r["scaling"]
        lines.append(
            f"| 2 worker processes vs 1, {sc['pages']} pages | {sc['two_workers_speedup']:.2f}x"
            f" ({sc['one_worker_s']:.1f} s -> {sc['two_workers_s']:.1f} s); by CPU time at most"
            f" {sc['two_workers_ceiling']:.2f}x on 2 free cores | {sc['goal']} |"
            f" {_yes(sc['met'])} |"
        )
        lines.append(
            f"| Dask LocalCluster of 2 vs 1 worker, {sc['pages']} pages |"
            f" {sc['dask_2_speedup']:.2f}x ({sc['dask_2_s']:.1f} s); by CPU time at most"
            f" {sc['dask_2_ceiling']:.2f}x | {sc['goal']} |"
            f" {_yes(sc['dask_2_speedup'] >= GOALS['scaling'])} |"
        )
    if "rerun" in r:
        rr = r["rerun"]
        lines.append(
            f"| Unchanged re-run, {rr['pages']} pages | {rr['rerun_s']:.2f} s"
            f" ({100 * rr['ratio']:.1f}% of the cold run's {rr['cold_s']:.1f} s; CPU time"
            f" {100 * rr['cpu_ratio']:.1f}%) | {rr['goal']} | {_yes(rr['met'])} |"
        )
    if "review" in r:
        rv = r["review"]
        lines += [
            f"| Review app, {name}, {rv['provisions']:,} provisions | p50 {page['p50_ms']:.0f} ms,"
            f" p95 {page['p95_ms']:.0f} ms ({page['requests']} requests) | {rv['goal']} |"
            f" {_yes(rv['met'])} |"
            for name, page in rv["pages"].items()
        ]
    if "tagging" in r:
        t = r["tagging"]
        e, ne = t["explain"], t["no_explain"]
        lines.append(
            f"| Tagging, 1 core, {t['provisions']} provisions (with evidence, as the pipeline"
            f" runs) | {e['provisions_per_s']:.0f} provisions/s (spaCy"
            f" {e['spacy_provisions_per_s']:.0f}/s, scikit-learn"
            f" {e['sklearn_provisions_per_s']:.0f}/s) | {t['goal']} | {_yes(t['met'])} |"
        )
        lines.append(
            f"| Tagging without evidence | {ne['provisions_per_s']:.0f} provisions/s (spaCy"
            f" {ne['spacy_provisions_per_s']:.0f}/s, scikit-learn"
            f" {ne['sklearn_provisions_per_s']:.0f}/s) | | |"
        )
        if "tokenizer_per_s" in e:  # results from before the floors were measured have none
            lines.append(
                f"| Within tagging, alone: spaCy's tokenizer | {e['tokenizer_per_s']:.0f}"
                f" provisions/s; scikit-learn's word and character TF-IDF"
                f" {e['vectorizers_per_s']:.0f}/s | | |"
            )
    if "memory" in r:
        lines.append(_memory_row(r["memory"]))
    return lines


def _memory_row(mem: dict[str, Any]) -> str:
    points = ", ".join(
        f"{p}: {v['peak_rss_mib']:.0f} MiB" for p, v in sorted(mem["by_pages"].items())
    )
    trees = ", ".join(
        f"{p}: {v['peak_tree_rss_mib']:.0f}" for p, v in sorted(mem["by_pages"].items())
    )
    return (
        f"| Peak RSS of the largest process by pages (1 worker, cold) | {points}"
        f" (whole process tree incl. Prefect's server: {trees} MiB); growth"
        f" {mem['growth']:.2f}x | {mem['goal']} | {_yes(mem['met'])} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="corpus size (default 2000)")
    parser.add_argument("--scale-pages", type=int, default=2000, help="pages of the scaling runs")
    parser.add_argument(
        "--memory-sizes", type=lambda t: [int(x) for x in t.split(",")], default=[500, 1000],
        help="pages of the extra memory runs (besides --pages)",
    )  # fmt: skip
    parser.add_argument("--repeat", type=int, default=1, help="repeat each compared pair")
    parser.add_argument(
        "--review-provisions", type=int, default=100_000, help="store size of the review measure"
    )
    parser.add_argument("--only", default="", help=f"comma-separated: {','.join(MEASURES)}")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks/out/results.json")
    parser.add_argument("--results-md", type=Path, default=REPO / "benchmarks/RESULTS.md")
    parser.add_argument("--profile", action="store_true", help="py-spy profiles too")
    parser.add_argument("--profile-pages", type=int, default=500)
    parser.add_argument("--profiles", type=Path, default=REPO / "benchmarks/profiles")
    parser.add_argument("--no-shared-laws", action="store_true", help="samples only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary work folder")
    parser.add_argument("--no-warm-up", action="store_true", help="skip the uncounted first run")
    parser.add_argument("--from-json", type=Path, help="only re-render a results JSON")
    args = parser.parse_args()
    if args.from_json:
        data = json.loads(args.from_json.read_text())
        data["results"] = results(data["runs"], data["settings"])
    else:
        data = benchmark(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    if args.results_md:
        args.results_md.parent.mkdir(parents=True, exist_ok=True)
        args.results_md.write_text(markdown(data))
    print(markdown(data))


if __name__ == "__main__":
    main()
