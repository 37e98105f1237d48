"""Schedules: the pipeline served as a Prefect deployment on a cron schedule.

Schedules fire only on a real Prefect server (`prefect server start`, PREFECT_API_URL set): the
temporary server a plain `c177 run` starts lives only as long as that run.
"""

from __future__ import annotations

from typing import Any

from corpus.errors import ScheduleError

DEFAULT_NAME = "c177-scheduled"


def check_cron(cron: str) -> None:
    """Raise ScheduleError for a cron expression Prefect would refuse."""
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=cron)
    except ValueError as error:
        raise ScheduleError(f"invalid cron expression {cron!r}") from error


def serve_pipeline(
    cron: str, name: str = DEFAULT_NAME, parameters: dict[str, Any] | None = None
) -> None:
    """Create (or update) the deployment and run its flows until stopped (Ctrl-C or SIGTERM)."""
    from prefect.deployments.runner import EntrypointType

    from flows.pipeline import c177_pipeline

    check_cron(cron)
    c177_pipeline.serve(
        name=name,
        cron=cron,
        parameters={k: v for k, v in (parameters or {}).items() if v is not None},
        description="c177: read, tag and aggregate the laws into the C177 coverage matrix",
        tags=["c177"],
        # By module, not file path: the runner re-imports the flow in a subprocess.
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
