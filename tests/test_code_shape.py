"""The shape of the code itself: no function outside tests/ is longer than 60 lines."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 60
SKIPPED = {"tests", ".venv", "build", ".git"}


def source_files() -> list[Path]:
    return [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not SKIPPED & set(path.relative_to(ROOT).parts)
    ]


def long_functions(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1})"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_LINES
    ]


def test_the_check_sees_the_code():
    names = {path.relative_to(ROOT).as_posix() for path in source_files()}
    assert {"cli/pipeline.py", "corpus/store/queries.py", "flows/pipeline.py"} <= names


def test_no_function_is_longer_than_60_lines():
    found = [line for path in source_files() for line in long_functions(path)]
    assert not found, "functions over 60 lines:\n" + "\n".join(found)
