"""The local Prefect API of ``dispatches run``: in this process for one run, or kept between runs.

**In this process** (the default), for one ``dispatches run``: Prefect's server (its app,
``create_app``, as Prefect's own temporary server runs it: ephemeral, no UI) in a thread,
on a loopback socket, started before Prefect is imported and stopped with the run
(``InProcessApi``). Prefect 3 would start a server process of its own, importing the
pipeline's Prefect, pydantic, httpx… a second time: a 10,000-document run peaked at
544 MB across its processes with such a server (181 MB of it), 456–470 with this one
(``bench/bench_scale.py``). Its start costs each run about 2 s on a warm machine (the main
job on the samples: 4.6 s, against 2.2 with a kept server).

**Kept**, when ``$DISPATCHES_PREFECT_KEEP_MINUTES`` is more than 0: the first run starts
Prefect's server as a process of its own, in the background, and the next runs use it, so a
run on a warm machine does not pay the server's start. It lives under ``PREFECT_HOME``
beside the database it serves, one per key (a digest of the Python, the Prefect version and
the ``PREFECT_*`` server settings: a server started otherwise is not reused):
``dispatches-api-<key>.json`` (its URL and pid), ``dispatches-api-<key>.log``. It stops by
itself after that many minutes without a run (``pipeline/cli/prefect_server.py``; every run
holds a shared lock on ``dispatches-api-<key>.lease``, so a long run is never cut short),
and it costs its memory beside every run's.

Either server runs only what a run needs (``LEAN_SERVER_ENV``): Prefect's ephemeral server
still runs the services that record every task run and every event in its database and
match them against automations, which cost that server about as much CPU as the flow itself
(``bench/bench_flow.py``); this API has no UI and no automations, and nothing reads those
records. Nor does it register Prefect's block types at start (for the UI and saved blocks:
a run saves none): 27 MB of the server's 215, for the collections it imports first.
Settings the user gives win, under any of the names Prefect reads them by. Either migrates
its database once per Prefect version, not at every start
(``prefect_migration.migration_skipped``).
"""
from __future__ import annotations

import collections
import hashlib
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

from pipeline.cli.prefect_migration import migration_skipped, reason

try:
    import fcntl
except ImportError:  # no flock (Windows): a server in the command per run
    fcntl = None

# what Prefect sets for its own temporary server (prefect.server.api.server)
EPHEMERAL_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                 "PREFECT__SERVER_FINAL": "1"}
# off unless the user sets them: task runs and events recorded, automations, live streams
LEAN_SERVER_ENV = {"PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
                   "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
                   "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": "false",
                   "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED": "false",
                   "PREFECT_SERVER_LOGS_STREAM_OUT_ENABLED": "false",
                   # block types registered at every start (for the UI and saved blocks;
                   # a run saves none): even memoized, the check imports every installed
                   # collection first, prefect-dask with Dask and NumPy: 27 MB of the server
                   "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": "false",
                   "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
                   # two malloc arenas, not eight per core: less memory for the same work
                   "MALLOC_ARENA_MAX": "2"}
# the other names Prefect reads for the same setting: the user's value under any of them
# wins over LEAN_SERVER_ENV's (Prefect would take ours, the first of its names)
ALSO_READ_AS = {
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED":
        ("PREFECT_API_SERVICES_TASK_RUN_RECORDER_ENABLED",),
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED":
        ("PREFECT_API_SERVICES_EVENT_PERSISTER_ENABLED",),
    "PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED": ("PREFECT_API_SERVICES_TRIGGERS_ENABLED",),
    "PREFECT_SERVER_EVENTS_STREAM_OUT_ENABLED": ("PREFECT_API_EVENTS_STREAM_OUT_ENABLED",),
    "PREFECT_SERVER_REGISTER_BLOCKS_ON_START": ("PREFECT_API_BLOCKS_REGISTER_ON_START",),
    # memoizing matters only to a server that registers blocks: a user who chose either
    # gets Prefect's registration as Prefect does it
    "PREFECT_SERVER_MEMOIZE_BLOCK_AUTO_REGISTRATION": (
        "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION", "PREFECT_SERVER_REGISTER_BLOCKS_ON_START",
        "PREFECT_API_BLOCKS_REGISTER_ON_START"),
}
KEEP_MINUTES = 0.0
SERVER_SCRIPT = Path(__file__).with_name("prefect_server.py")


class PrefectApiError(RuntimeError):
    """The local Prefect API did not come up."""


def _lean_where_unset() -> dict[str, str]:
    """``LEAN_SERVER_ENV`` but where the user set the setting (under any of its names)."""
    return {name: value for name, value in LEAN_SERVER_ENV.items()
            if not any(n in os.environ for n in (name, *ALSO_READ_AS.get(name, ())))}


def server_env() -> dict[str, str]:
    """The environment of a kept API's process: this one's, ``LEAN_SERVER_ENV`` where
    the user set nothing (under any of its names), and Prefect's own flags for its
    ephemeral server."""
    return {**_lean_where_unset(), **os.environ, **EPHEMERAL_ENV}


def lean_settings() -> dict:
    """``LEAN_SERVER_ENV``'s Prefect settings where the user set nothing, as the updates of
    ``temporary_settings`` for a server in this process (its environment was read when
    Prefect was imported)."""
    import prefect.settings  # after local_prefect_api set the environment Prefect reads

    return {getattr(prefect.settings, name): value
            for name, value in _lean_where_unset().items() if name.startswith("PREFECT_")}


class _ServerLog(logging.Handler):
    """What the server in this process logs (uvicorn, FastAPI, Prefect's server), kept
    instead of printed, as a server process's log file would: the last lines say why a
    server did not start; the run's own output is the command's."""

    LOGGERS = ("uvicorn", "fastapi", "prefect.server")

    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: collections.deque[str] = collections.deque(maxlen=5)
        self._was = {}
        for name in self.LOGGERS:
            logger = logging.getLogger(name)
            self._was[name] = (logger.handlers[:], logger.propagate)
            logger.handlers[:], logger.propagate = [self], False

    def emit(self, record: logging.LogRecord) -> None:
        if said := reason(record.getMessage()):
            self.lines.append(said)

    def tail(self) -> str:
        return " | ".join(dict.fromkeys(self.lines))  # a reason said twice, once

    def close(self) -> None:
        for name, (handlers, propagate) in self._was.items():
            logger = logging.getLogger(name)
            logger.handlers[:], logger.propagate = handlers, propagate
        super().close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url + "/health", timeout=timeout):
            return True
    except OSError:
        return False


def _wait_for(process: subprocess.Popen, url: str, log, timeout: float, what: str) -> None:
    """Until ``url`` answers; ``PrefectApiError`` when the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            tail = log.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            raise PrefectApiError(f"the {what} Prefect API exited with code "
                                  f"{process.returncode}: {' | '.join(tail)}")
        if _answers(url):
            return
        time.sleep(0.1)
    raise PrefectApiError(f"the {what} Prefect API at {url} did not answer within "
                          f"{timeout:g} s (PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")


def _deliver_pending(timeout: float = 5.0) -> None:
    """Send what Prefect's client still holds for the API (a crashed run's last logs, its
    events) while the API is up: Prefect would send it at the interpreter's exit, to an API
    in this process that is gone by then ("Error logging to API" after a Ctrl-C)."""
    if "prefect.logging.handlers" in sys.modules:
        from prefect.logging.handlers import APILogWorker

        APILogWorker.drain_all(timeout=timeout, at_exit=False)
    if "prefect.events.worker" in sys.modules:
        from prefect.events.worker import EventsWorker

        EventsWorker.drain_all(timeout=timeout, at_exit=False)


class InProcessApi:
    """Prefect's server in a thread of this command, for its one run (``temporary_prefect_api``).

    The app Prefect's own temporary server runs (``create_app``, ephemeral, no UI), with
    ``lean_settings`` where the user set nothing, on a loopback socket bound here (no port
    to race for). ``wait_ready`` before the first flow run; ``stop`` ends it (its thread and
    its database connections), and it cannot outlive the command.
    """

    started = True  # this command starts it (and waits for it)

    def __init__(self):
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}/api"
        self.server = None
        self._failure: BaseException | None = None
        self._log: _ServerLog | None = None
        self._thread = threading.Thread(target=self._serve, daemon=True, name="prefect-api")
        self._thread.start()

    def _serve(self) -> None:
        try:
            import uvicorn
            from prefect.server.api.server import create_app
            from prefect.settings import temporary_settings

            self._log = _ServerLog()  # once Prefect has set up logging (at its import)
            with temporary_settings(updates=lean_settings()):
                config = uvicorn.Config(create_app(ephemeral=True, final=True), lifespan="on",
                                        log_config=None, timeout_graceful_shutdown=5)
                self.server = uvicorn.Server(config)
                with migration_skipped(self.server, say=self._log.lines.append):
                    self.server.run(sockets=[self._socket])
        except BaseException as exc:  # noqa: BLE001 - said by wait_ready, in the command's thread
            self._failure = exc
        finally:
            self._socket.close()

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server is not None and self.server.started:
                return
            if not self._thread.is_alive():
                why = ((self._log and self._log.tail()) or
                       (f"{type(self._failure).__name__}: {self._failure}" if self._failure
                        else "it stopped"))
                raise PrefectApiError(f"the local Prefect API did not start: {why}")
            time.sleep(0.05)
        raise PrefectApiError(f"the local Prefect API at {self.url} did not start within "
                              f"{timeout:g} s (PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")

    def stop(self) -> None:
        _deliver_pending()
        # the server may not be made yet (a Ctrl-C while Prefect starts): told to end as
        # soon as it is, it ends once started, not 30 s later
        deadline = time.monotonic() + 30
        while self._thread.is_alive() and time.monotonic() < deadline:
            if self.server is not None:
                self.server.should_exit = True
            self._thread.join(0.05)
        if self._log is not None:
            self._log.close()


@contextmanager
def using(api: InProcessApi | KeptApi | None) -> Iterator[None]:
    """Point an already imported Prefect at ``api`` (its settings were read at import, maybe
    for an earlier server of the same process); nothing when ``api`` is None."""
    if api is None:
        yield
        return
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api.url}):
        yield


def prefect_home() -> Path:
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def keep_minutes() -> float:
    """``$DISPATCHES_PREFECT_KEEP_MINUTES`` (default 0: a server in this process per run)."""
    try:
        return max(0.0, float(os.environ.get("DISPATCHES_PREFECT_KEEP_MINUTES") or KEEP_MINUTES))
    except ValueError:
        return KEEP_MINUTES


def server_key() -> str:
    """What a kept server must have been started with to serve this run: the same Python,
    Prefect and server settings (``PREFECT_*``, except the client's own)."""
    client_only = ("PREFECT_API_URL", "PREFECT_LOGGING_")
    settings = sorted((k, v) for k, v in server_env().items()
                      if k.startswith("PREFECT_") and not k.startswith(client_only))
    blob = json.dumps([sys.executable, version("prefect"), settings])
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


class KeptApi:
    """A kept server: found (``started`` False, ready at once) or started by this command.

    Holds the lease (a shared lock: the server stays while this command runs) until
    ``close``; while it starts one, it holds the start lock so that a second command started
    at the same moment waits for this server instead of starting its own.
    """

    def __init__(self, home: Path, keep_seconds: float):
        home.mkdir(parents=True, exist_ok=True)
        self.key = server_key()
        # one server per key: a server of another key idles out on its own lease
        self.state_path = home / f"dispatches-api-{self.key}.json"
        self.log_path = home / f"dispatches-api-{self.key}.log"
        self._lease = open(home / f"dispatches-api-{self.key}.lease", "a+b")
        fcntl.flock(self._lease, fcntl.LOCK_SH)  # waits while a kept server is stopping
        self._start_lock = open(home / "dispatches-api.start", "a+b")
        fcntl.flock(self._start_lock, fcntl.LOCK_EX)
        self.process: subprocess.Popen | None = None
        if (url := self._running()) is not None:
            self.url, self.started = url, False
            self._release_start_lock()
            return
        self.url, self.started = f"http://127.0.0.1:{_free_port()}/api", True
        self._log = open(self.log_path, "w+b")
        code = ("import runpy, sys; sys.argv = sys.argv[1:]; "
                "runpy.run_path(sys.argv[0], run_name='__main__')")
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(SERVER_SCRIPT), "--port",
             self.url.rsplit(":", 1)[1].removesuffix("/api"), "--keep-seconds",
             str(keep_seconds), "--lease", self._lease.name, "--state", str(self.state_path)],
            env=server_env(), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=self._log, start_new_session=True)

    def _running(self) -> str | None:
        """The URL of a usable kept server, if there is one."""
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not _alive(int(state.get("pid", 0))):
            return None
        return state["url"] if _answers(state["url"]) else None

    def wait_ready(self, timeout: float) -> None:
        if self.process is None:
            return
        try:
            _wait_for(self.process, self.url, self._log, timeout, "local")
            self.state_path.write_text(json.dumps({"url": self.url, "pid": self.process.pid}),
                                       encoding="utf-8")
        finally:
            self._release_start_lock()

    def _release_start_lock(self) -> None:
        if not self._start_lock.closed:
            self._start_lock.close()  # closing the file releases its lock

    def close(self) -> None:
        self._release_start_lock()
        if self.process is not None:
            self._log.close()
            # meant to outlive this command: Popen would warn "still running" and reap it
            self.process.returncode = 0
        self._lease.close()


@contextmanager
def local_prefect_api() -> Iterator[InProcessApi | KeptApi | None]:
    """The API this run uses, ``PREFECT_API_URL`` pointed at it for this process: a server
    in this process (the default), or a kept one when keeping is on (started if none is
    running; in this process if it cannot be); ``None`` (nothing started) when
    ``PREFECT_API_URL`` is already set. Enter it before Prefect is imported (it reads its
    settings then)."""
    keep = keep_minutes()
    api = None
    if not os.environ.get("PREFECT_API_URL") and keep > 0 and fcntl is not None:
        try:
            api = KeptApi(prefect_home(), keep * 60)
        except OSError:  # PREFECT_HOME cannot take its files: the in-process server says why
            api = None
    if api is None:
        with temporary_prefect_api() as api:
            yield api
        return
    os.environ["PREFECT_API_URL"] = api.url
    try:
        yield api
    finally:
        del os.environ["PREFECT_API_URL"]
        api.close()


@contextmanager
def temporary_prefect_api() -> Iterator[InProcessApi | None]:
    """Start Prefect's server in this process for one run and point ``PREFECT_API_URL`` at it.

    Yields ``None`` (and starts nothing) when ``PREFECT_API_URL`` is already set: the user's
    server is used. Enter it before Prefect is imported (it reads its settings then).
    """
    if os.environ.get("PREFECT_API_URL"):
        yield None
        return
    api = InProcessApi()
    os.environ["PREFECT_API_URL"] = api.url
    try:
        yield api
    finally:
        del os.environ["PREFECT_API_URL"]
        api.stop()
