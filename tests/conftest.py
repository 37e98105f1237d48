"""What the tests share: quiet Prefect and Dask, the `c177` command run in this process, and the
review app's small real store (tests/review_store.py)."""

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from review_store import build_store
from typer.testing import CliRunner, Result

# Read by Prefect and Dask when they are first imported: set before any test module imports them.
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
os.environ["C177_QUIET"] = "1"


@pytest.fixture
def c177() -> Callable[..., Result]:
    """Run `c177 ARGS...` in this process and return its result (exit code and output)."""
    from cli import app

    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str | None] | None = None) -> Result:
        return runner.invoke(app, list(args), env=env)

    return invoke


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    db, ids = build_store(tmp_path_factory.mktemp("review-template"))
    return Path(db), ids


@pytest.fixture
def db(template: tuple[Path, dict], tmp_path: Path) -> str:
    """A fresh copy of the template database for each test (the sources stay shared)."""
    target = tmp_path / "review.sqlite"
    shutil.copy(template[0], target)
    return str(target)


@pytest.fixture
def ids(template: tuple[Path, dict]) -> dict:
    return template[1]
