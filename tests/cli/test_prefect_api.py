"""The temporary Prefect API that ``dispatches run`` starts before importing Prefect."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from pipeline.cli.prefect_api import PrefectApiError, temporary_prefect_api

pytestmark = pytest.mark.slow


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped) counts as gone
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] != "Z"


def test_the_api_answers_and_stops_with_the_command(monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    with temporary_prefect_api() as api:
        assert os.environ["PREFECT_API_URL"] == api.url
        api.wait_ready(120)
        with urllib.request.urlopen(api.url + "/health", timeout=5) as r:
            assert r.status == 200
        pid = api.process.pid
    assert "PREFECT_API_URL" not in os.environ
    assert not alive(pid)


def test_a_users_server_is_left_alone(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    with temporary_prefect_api() as api:
        assert api is None
    assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:4200/api"


def test_a_server_that_cannot_start_is_reported(monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", "/proc/no-such-home")  # cannot create its database
    with temporary_prefect_api() as api:
        with pytest.raises(PrefectApiError, match="exited with code|did not answer"):
            api.wait_ready(60)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_the_server_does_not_outlive_a_killed_command(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    parent = subprocess.Popen([sys.executable, "-c", (
        "import sys,time\n"
        "from pipeline.cli.prefect_api import temporary_prefect_api\n"
        "with temporary_prefect_api() as api:\n"
        "    print(api.process.pid, flush=True)\n"
        "    time.sleep(120)\n")], stdout=subprocess.PIPE, text=True, env=env)
    server = int(parent.stdout.readline())
    assert alive(server)
    parent.send_signal(signal.SIGKILL)  # no clean-up code runs
    parent.wait()
    deadline = time.monotonic() + 20
    while alive(server) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not alive(server), "the Prefect API outlived the command that started it"
