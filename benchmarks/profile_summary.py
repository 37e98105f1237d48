"""Summarise a py-spy raw (collapsed stacks) profile as text: where the time goes.

    python -m benchmarks.profile_summary PROFILE.raw [--top 40] [--focus SUBSTRING ...]

py-spy samples without slowing the program (pyinstrument's hooks inflate pdfminer's many
small calls several-fold), so its collapsed output is what the benchmark records. This prints
the samples' share by inclusive time per function (a function counted once per sample) and by
self time, plus the share under each `--focus` frame (e.g. `extract_and_tag`).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def _name(frame: str) -> str:
    """`func (path/to/file.py:12)` -> `func (file.py)`, line numbers dropped, path shortened."""
    match = _FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    file = match["file"]
    for marker in ("site-packages/", "lib/python3"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"{match['func']} ({file})"


def read_stacks(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        body, _, count = line.rpartition(" ")
        if not body or not count.isdigit():
            continue
        stacks.append(([_name(f) for f in body.split(";")], int(count)))
    return stacks


def summarise(path: Path, top: int = 40, focus: list[str] | None = None) -> str:
    stacks = read_stacks(path)
    total = sum(n for _, n in stacks) or 1
    inclusive: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    for frames, n in stacks:
        for name in set(frames):
            inclusive[name] += n
        if frames:
            self_time[frames[-1]] += n
    lines = [f"profile: {path.name}, {total} samples (all threads and processes)", ""]
    for label, counter in (("inclusive", inclusive), ("self", self_time)):
        lines.append(f"top {top} by {label} time (% of samples)")
        for name, n in counter.most_common(top):
            lines.append(f"  {100 * n / total:6.1f}%  {name}")
        lines.append("")
    for needle in focus or []:
        inside = sum(n for frames, n in stacks if any(needle in f for f in frames))
        lines.append(f"under {needle!r}: {100 * inside / total:.1f}% of samples")
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--focus", nargs="*", default=[])
    args = parser.parse_args()
    print(summarise(args.profile, args.top, args.focus), end="")


if __name__ == "__main__":
    main()
