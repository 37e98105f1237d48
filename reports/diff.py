"""What changed between two recorded runs: matrix cells and provision labels.

Runs are compared through their snapshots (`Store.run_cells`, `Store.run_labels`), so a diff
still works after the documents themselves were replaced or re-tagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.errors import DiffError
from corpus.store import Store


@dataclass
class CellChange:
    jurisdiction: str
    topic: str
    before: str | None  # None: the cell did not exist in the older run
    after: str | None


@dataclass
class LabelChange:
    document: str
    citation: str
    occurrence: int
    jurisdiction: str
    before: tuple[str, list[str]] | None  # (status, topics); None: not labelled then
    after: tuple[str, list[str]] | None


@dataclass
class RunDiff:
    run_a: int
    run_b: int
    cells: list[CellChange] = field(default_factory=list)
    labels: list[LabelChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.cells and not self.labels


def last_two_runs(store: Store) -> tuple[int, int]:
    """The two most recent finished runs (a killed run has no snapshot worth comparing)."""
    finished = [run["id"] for run in store.runs() if run["finished_at"]]
    if len(finished) < 2:
        raise DiffError(f"need two finished runs to compare, found {len(finished)}")
    return finished[-2], finished[-1]


def diff_runs(store: Store, run_a: int, run_b: int) -> RunDiff:
    """Cells whose coverage changed and provisions whose status or topics changed, a -> b."""
    known = {run["id"] for run in store.runs()}
    for run in (run_a, run_b):
        if run not in known:
            raise DiffError(f"no run {run} (runs: {', '.join(map(str, sorted(known))) or 'none'})")
    result = RunDiff(run_a, run_b)
    cells_a, cells_b = store.run_cells(run_a), store.run_cells(run_b)
    for key in sorted(cells_a.keys() | cells_b.keys()):
        before = cells_a[key][0] if key in cells_a else None
        after = cells_b[key][0] if key in cells_b else None
        if before != after:
            result.cells.append(CellChange(key[0], key[1], before, after))
    labels_a, labels_b = store.run_labels(run_a), store.run_labels(run_b)
    for document, citation, occurrence in sorted(labels_a.keys() | labels_b.keys()):
        a = labels_a.get((document, citation, occurrence))
        b = labels_b.get((document, citation, occurrence))
        label_before = (a[1], sorted(a[2])) if a else None
        label_after = (b[1], sorted(b[2])) if b else None
        if label_before != label_after:
            jurisdiction = (b or a or ("",))[0]
            result.labels.append(
                LabelChange(document, citation, occurrence, jurisdiction, label_before, label_after)
            )
    return result
