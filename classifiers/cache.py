"""A per-user cache of objects that are slow to build and quick to unpickle (the checked models,
spaCy's lemma tables): `~/.cache/c177/` (or `$XDG_CACHE_HOME/c177/`).

Only this code writes there, from inputs it checked; the name of each entry carries what it
was made from, so that a changed input makes a new entry. Unpickling runs code, so an entry
is read only from a folder and file that belong to this user and that no one else may write
(the folder is made 0700); anything else is ignored and made again in memory."""

from __future__ import annotations

import os
import pickle
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "c177"


def _private(path: Path) -> bool:
    """Owned by this user and writable by no one else: what only we (or root) could have
    written."""
    info = path.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _trusted(path: Path) -> bool:
    """The entry and every folder from the cache root down to it are private."""
    root = cache_dir()
    folders = [p for p in path.parents if p == root or root in p.parents]
    return all(_private(p) for p in (path, *folders))


def cached(name: str, kind: type[T], make: Callable[[], T]) -> T:
    """The `kind` of object pickled as `name`, or else `make()`, pickled for the next process.
    Another kind of object under that name (left by an older c177) is made again."""
    path = cache_dir() / f"{name}.pickle"
    try:
        if _trusted(path):
            with open(path, "rb") as handle:
                found = pickle.load(handle)
            if isinstance(found, kind):
                return found
    except Exception:  # noqa: BLE001 - none yet, or unreadable: make it again
        pass
    made = make()
    try:
        cache_dir().mkdir(mode=0o700, parents=True, exist_ok=True)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(made, handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)  # atomic: a concurrent process reads all of it or nothing
    except OSError:
        pass  # no writable cache: the next process makes it again
    return made
