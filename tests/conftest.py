"""What the tests share: quiet Prefect and Dask, and the `c177` command run in this process."""

import os
from collections.abc import Callable

import pytest
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
