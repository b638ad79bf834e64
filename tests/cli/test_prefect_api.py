"""The local Prefect API of ``dispatches run``: kept between runs (stopped once idle), or
temporary for one run, started before Prefect is imported."""
from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from pipeline.cli.prefect_api import (ALSO_READ_AS, LEAN_SERVER_ENV, KeptApi, PrefectApiError,
                                      TemporaryApi, local_prefect_api, server_env, server_key,
                                      temporary_prefect_api)

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
        if sys.platform.startswith("linux"):  # the server runs without the unused services
            with open(f"/proc/{pid}/environ", "rb") as f:
                env = dict(v.decode().split("=", 1) for v in f.read().split(b"\0") if b"=" in v)
            assert env["PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED"] == "false"
            assert env["PREFECT_SERVER_REGISTER_BLOCKS_ON_START"] == "false"
            if importlib.util.find_spec("prefect_dask"):
                # registering blocks would have imported every collection, prefect-dask
                # with NumPy (its compiled modules would be mapped in the server)
                with open(f"/proc/{pid}/maps") as f:
                    assert "/numpy/" not in f.read()
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


def wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    return not alive(pid)


def test_a_kept_api_serves_the_next_run_and_stops_when_idle(monkeypatch, tmp_path):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DISPATCHES_PREFECT_KEEP_MINUTES", "0.1")  # 6 s without a run
    with local_prefect_api() as api:
        assert isinstance(api, KeptApi) and api.started
        assert os.environ["PREFECT_API_URL"] == api.url
        api.wait_ready(180)
        pid = api.process.pid
    assert "PREFECT_API_URL" not in os.environ
    assert alive(pid), "the kept API stopped with the command"

    with local_prefect_api() as again:  # the next run: found, not started
        assert not again.started and again.url == api.url
        again.wait_ready(1)
        time.sleep(10)  # longer than the idle time: a run in progress keeps it
        assert alive(pid)
        with urllib.request.urlopen(again.url + "/health", timeout=5) as r:
            assert r.status == 200
    assert wait_gone(pid, 40), "the kept API did not stop once idle"
    assert not list((tmp_path / "home").glob("dispatches-api-*.json"))  # no stale URL left


def test_keeping_off_or_a_users_server_starts_no_kept_api(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    with local_prefect_api() as api:
        assert api is None
    monkeypatch.delenv("PREFECT_API_URL")
    monkeypatch.setenv("DISPATCHES_PREFECT_KEEP_MINUTES", "0")
    with local_prefect_api() as api:
        assert isinstance(api, TemporaryApi)
        pid = api.process.pid
    assert wait_gone(pid, 20)


def test_a_kept_api_is_reused_only_with_the_same_server_settings(monkeypatch):
    monkeypatch.delenv("PREFECT_API_DATABASE_CONNECTION_URL", raising=False)
    key = server_key()
    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "DEBUG")  # the client's own: same server
    assert server_key() == key
    monkeypatch.setenv("PREFECT_API_DATABASE_CONNECTION_URL", "sqlite+aiosqlite:////tmp/x.db")
    assert server_key() != key


def test_the_local_api_runs_lean_unless_the_user_says_otherwise(monkeypatch):
    for name in LEAN_SERVER_ENV:
        monkeypatch.delenv(name, raising=False)
    assert server_env()["PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED"] == "false"
    assert server_env()["PREFECT_UI_ENABLED"] == "0"
    key = server_key()
    # the user wants events kept: they are, by a server of its own (not the lean one)
    monkeypatch.setenv("PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED", "true")
    assert server_env()["PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED"] == "true"
    assert server_key() != key


def test_a_users_setting_under_any_of_prefects_names_wins(monkeypatch):
    for name in {n for k, names in ALSO_READ_AS.items() for n in (k, *names)}:
        monkeypatch.delenv(name, raising=False)
    assert server_env()["PREFECT_SERVER_REGISTER_BLOCKS_ON_START"] == "false"
    assert server_env()["PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION"] == "false"
    # Prefect reads PREFECT_SERVER_… before PREFECT_API_…: ours would hide the user's
    monkeypatch.setenv("PREFECT_API_SERVICES_TASK_RUN_RECORDER_ENABLED", "true")
    assert "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED" not in server_env()
    # the user wants blocks registered: registered as Prefect does it (memoized)
    monkeypatch.setenv("PREFECT_API_BLOCKS_REGISTER_ON_START", "true")
    env = server_env()
    assert env["PREFECT_API_BLOCKS_REGISTER_ON_START"] == "true"
    assert "PREFECT_SERVER_REGISTER_BLOCKS_ON_START" not in env
    assert "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION" not in env
