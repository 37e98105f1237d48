"""The review app's coverage matrix, kept between requests.

Building the matrix reads every current provision: seconds at 100,000 of them. Each
jurisdiction's row depends on its own laws alone, and the store raises a jurisdiction's revision
whenever one of its documents, provisions, tags, reviews or decisive provisions changes
(`Store.revisions`). So a row is rebuilt only when its revision moved: after a review, the
matrix page reads the provisions of that one jurisdiction."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from corpus.store import Store
from reports.matrix import Matrix, build_matrix, joined


@dataclass(frozen=True)
class MatrixPage:
    """The matrix of every current law, and how many provisions it rests on."""

    matrix: Matrix
    provisions: int
    reviewed: int


@dataclass(frozen=True)
class _Row:
    revision: int
    page: MatrixPage  # one jurisdiction's


class MatrixRows:
    def __init__(self) -> None:
        self._rows: dict[str, _Row] = {}
        self._lock = threading.Lock()  # FastAPI runs the page handlers in a thread pool

    def page(self, store: Store) -> MatrixPage:
        revisions = store.revisions()  # read first: a change made meanwhile rebuilds next time
        with self._lock:
            self._rows = {
                jurisdiction: row
                for jurisdiction, row in self._rows.items()
                if revisions.get(jurisdiction) == row.revision
            }
            for jurisdiction, revision in revisions.items():
                if jurisdiction not in self._rows:
                    page = _jurisdiction_page(store, jurisdiction)
                    self._rows[jurisdiction] = _Row(revision, page)
            pages = [row.page for row in self._rows.values()]
        return MatrixPage(
            joined([p.matrix for p in pages]),
            sum(p.provisions for p in pages),
            sum(p.reviewed for p in pages),
        )


def _jurisdiction_page(store: Store, jurisdiction: str) -> MatrixPage:
    provisions = store.provisions(jurisdiction=jurisdiction, labels_only=True)
    return MatrixPage(
        build_matrix(provisions, store.decisive_provisions(jurisdiction=jurisdiction)),
        len(provisions),
        sum(1 for p in provisions if p.review is not None),
    )
