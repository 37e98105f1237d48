"""Hostile conditions for the store: several processes creating the same new database at once."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

from corpus.store import Store
from corpus.store.schema import MIGRATIONS


def _open_when_all_ready(path: str, barrier: multiprocessing.synchronize.Barrier) -> None:
    barrier.wait()
    Store(path).close()


def test_processes_creating_the_same_new_database_at_once_all_succeed(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    for attempt in range(6):  # a race: several tries, each on a new database
        path = tmp_path / f"new-{attempt}.sqlite"
        barrier = context.Barrier(3)
        processes = [
            context.Process(target=_open_when_all_ready, args=(str(path), barrier))
            for _ in range(3)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(60)
        assert [p.exitcode for p in processes] == [0, 0, 0], f"attempt {attempt}"
        with Store(path) as store:
            assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
            assert store.documents() == []
