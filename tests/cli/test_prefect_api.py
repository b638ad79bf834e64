"""The local Prefect API of ``dispatches run``: in the command's process for one run (the
default), or kept between runs (stopped once idle), started before Prefect is imported."""
from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest

from pipeline.cli.prefect_api import (ALSO_READ_AS, LEAN_SERVER_ENV, InProcessApi, KeptApi,
                                      _answers, local_prefect_api, server_env, server_key,
                                      temporary_prefect_api)
from pipeline.cli.prefect_migration import MIGRATED

pytestmark = pytest.mark.slow


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped) counts as gone
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split(")")[-1].split()[0] != "Z"


# a fresh interpreter, as the command is: Prefect reads its settings when first imported
IN_PROCESS = """
import json, os, sys, urllib.request, psutil
from pipeline.cli.prefect_api import InProcessApi, temporary_prefect_api
with temporary_prefect_api() as api:
    assert isinstance(api, InProcessApi) and os.environ["PREFECT_API_URL"] == api.url
    try:
        api.wait_ready(120)
    except Exception as exc:
        print(json.dumps({"error": str(exc)}))
        sys.exit(0)
    with urllib.request.urlopen(api.url + "/health", timeout=5) as r:
        health = r.status
    with urllib.request.urlopen(api.url + "/admin/settings", timeout=5) as r:
        settings = json.load(r)
    children = [p.pid for p in psutil.Process().children(recursive=True)]
    print(json.dumps({"url": api.url, "health": health, "settings": settings,
                      "children": children, "numpy": "numpy" in sys.modules,
                      "alembic": "alembic" in sys.modules}), flush=True)
    if sys.argv[1:] == ["wait"]:
        import time
        time.sleep(120)
print(json.dumps({"url_after": os.environ.get("PREFECT_API_URL"),
                  "threads": sorted(t.name for t in __import__("threading").enumerate())}))
"""


def in_process(env: dict, *args: str) -> list[dict]:
    done = subprocess.run([sys.executable, "-c", IN_PROCESS, *args], capture_output=True,
                          text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_the_api_runs_in_the_command_lean_and_stops_with_it(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k != "PREFECT_API_URL" and k not in LEAN_SERVER_ENV}
    served, after = in_process({**env, "PREFECT_HOME": str(tmp_path / "home")})
    assert served["health"] == 200
    assert served["children"] == []  # no server process: a thread of the command
    # its new database migrated by a process that ended, and noted: alembic and the
    # migration scripts are not kept in the command for the run
    assert served["alembic"] is False
    assert (tmp_path / "home" / MIGRATED).exists()
    server = served["settings"]["server"]
    # the server runs without the unused services, and registers no block types
    assert server["services"]["task_run_recorder"]["enabled"] is False
    assert server["services"]["event_persister"]["enabled"] is False
    assert server["register_blocks_on_start"] is False
    if importlib.util.find_spec("prefect_dask"):
        # registering blocks would have imported every collection, prefect-dask with NumPy
        assert served["numpy"] is False
    assert after["url_after"] is None
    assert "prefect-api" not in after["threads"]  # stopped with the run
    assert not _answers(served["url"])


def test_a_users_setting_wins_in_the_command_too(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k != "PREFECT_API_URL" and k not in LEAN_SERVER_ENV}
    served, _ = in_process({**env, "PREFECT_HOME": str(tmp_path / "home"),
                            "PREFECT_API_SERVICES_EVENT_PERSISTER_ENABLED": "true"})
    assert served["settings"]["server"]["services"]["event_persister"]["enabled"] is True
    assert served["settings"]["server"]["services"]["task_run_recorder"]["enabled"] is False


LAST_WORDS = """
from pipeline.cli.prefect_api import temporary_prefect_api
with temporary_prefect_api() as api:
    api.wait_ready(120)
    from prefect import flow, get_run_logger

    @flow
    def last_words():
        get_run_logger().warning("last words")

    last_words()
"""


def test_what_the_run_logged_last_reaches_the_api_before_it_stops(tmp_path):
    # Prefect sends logs in batches and would send the last ones at the interpreter's exit,
    # to an API that stopped with the run (a crashed run's last logs, after a Ctrl-C)
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    done = subprocess.run([sys.executable, "-c", LAST_WORDS], capture_output=True, text=True,
                          env={**env, "PREFECT_HOME": str(tmp_path / "home")}, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "last words" in done.stderr
    assert "Error logging to API" not in done.stderr + done.stdout


def test_a_users_server_is_left_alone(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    with temporary_prefect_api() as api:
        assert api is None
    assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:4200/api"


def test_a_server_that_cannot_start_is_reported():
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    (failed,) = in_process({**env, "PREFECT_HOME": "/proc/no-such-home"})  # no database
    assert failed["error"].startswith("the local Prefect API did not start: ")
    assert "unable to open database file" in failed["error"]


def test_the_api_does_not_outlive_a_killed_command(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    parent = subprocess.Popen([sys.executable, "-c", IN_PROCESS, "wait"], stdout=subprocess.PIPE,
                              text=True, env={**env, "PREFECT_HOME": str(tmp_path / "home")})
    served = json.loads(parent.stdout.readline())
    assert _answers(served["url"]) and served["children"] == []
    parent.send_signal(signal.SIGKILL)  # no clean-up code runs
    parent.wait()
    assert not _answers(served["url"]), "the Prefect API outlived the command that started it"


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


# a Ctrl-C while the server's thread is still making it: the command ends once it starts
STOPPED_BEFORE_STARTED = """
import json
from pipeline.cli.prefect_api import temporary_prefect_api
with temporary_prefect_api() as api:
    made = api.server is not None
print(json.dumps({"made_before_stop": made, "alive_after_stop": api._thread.is_alive()}))
"""


def test_an_api_stopped_before_it_is_made_ends_once_started(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    done = subprocess.run([sys.executable, "-c", STOPPED_BEFORE_STARTED], capture_output=True,
                          text=True, env={**env, "PREFECT_HOME": str(tmp_path / "home")},
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    said = json.loads(done.stdout.splitlines()[-1])
    assert said == {"made_before_stop": False, "alive_after_stop": False}


def test_keeping_off_or_a_users_server_starts_no_kept_api(monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    with local_prefect_api() as api:
        assert api is None
    monkeypatch.delenv("PREFECT_API_URL")
    monkeypatch.delenv("DISPATCHES_PREFECT_KEEP_MINUTES", raising=False)  # the default: off
    with local_prefect_api() as api:
        assert isinstance(api, InProcessApi)
        api.wait_ready(120)
        assert _answers(api.url)
    assert not _answers(api.url)


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
