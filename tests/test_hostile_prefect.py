"""`c177 run` on a busy machine: Prefect's temporary server is waited for as configured, a
server that cannot start is one line saying what to do, and a run killed with SIGKILL leaves
no server behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import hostile_files as make
import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def c177_run(folder: Path, **env: str) -> subprocess.Popen:
    """`c177 run` of this checkout on one small law, with no Prefect server configured."""
    law = make.good_text(folder, "MX_law.txt")
    environment = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    environment |= {"PYTHONPATH": str(ROOT), "PREFECT_HOME": str(folder / "prefect"), **env}
    command = [sys.executable, "-m", "cli", "run", str(law), "--db", str(folder / "c177.sqlite")]
    command += ["--out", str(folder / "exports"), "--formats", "json"]
    return subprocess.Popen(
        command, cwd=folder, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def test_a_server_that_cannot_start_is_one_line_saying_what_to_do(tmp_path: Path) -> None:
    run = c177_run(tmp_path, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="0")
    _, stderr = run.communicate(timeout=600)
    assert run.returncode == 2, stderr
    assert "Traceback" not in stderr
    (line,) = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert "Prefect's temporary server did not answer within 0 s" in line
    assert "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS=300" in line


def server_children(parent: int) -> list[int]:
    """Processes whose parent is `parent` and which run Prefect's server."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent and b"prefect.server.api.server:create_app" in command:
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(sys.platform != "linux", reason="parent-death signal: Linux")
def test_a_killed_run_leaves_no_prefect_server_behind(tmp_path: Path) -> None:
    run = c177_run(tmp_path)
    servers: list[int] = []
    try:
        deadline = time.monotonic() + 300  # a busy machine starts Prefect slowly
        while not servers and run.poll() is None and time.monotonic() < deadline:
            servers = server_children(run.pid)
            time.sleep(0.2)
        assert servers, "the run started no Prefect server"
        run.send_signal(signal.SIGKILL)
        run.wait()
        deadline = time.monotonic() + 60
        while alive(servers[0]) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(servers[0]), "Prefect's server outlived the run that started it"
    finally:
        run.kill()
        for pid in servers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
