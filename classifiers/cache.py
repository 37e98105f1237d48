"""A per-user cache of objects that are slow to build and quick to unpickle (the checked models,
spaCy's lemma tables): `~/.cache/c177/` (or `$XDG_CACHE_HOME/c177/`).

Only this code writes there, from inputs it checked; the name of each entry carries what it
was made from, so that a changed input makes a new entry."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "c177"


def cached(name: str, kind: type[T], make: Callable[[], T]) -> T:
    """The `kind` of object pickled as `name`, or else `make()`, pickled for the next process.
    Another kind of object under that name (left by an older c177) is made again."""
    path = cache_dir() / f"{name}.pickle"
    try:
        with open(path, "rb") as handle:
            found = pickle.load(handle)
        if isinstance(found, kind):
            return found
    except Exception:  # noqa: BLE001 - none yet, or unreadable: make it again
        pass
    made = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with open(partial, "wb") as handle:
            pickle.dump(made, handle, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)  # atomic: a concurrent process reads all of it or nothing
    except OSError:
        pass  # no writable cache: the next process makes it again
    return made
