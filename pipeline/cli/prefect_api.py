"""The local Prefect API of ``dispatches run``: kept between runs, or temporary for one.

**Kept** (the default): the first run starts Prefect's server in the background and the
next runs use it, so a run on a warm machine does not pay the server's start (its imports,
the database check, uvicorn: 10–15 s on two cores). It lives under ``PREFECT_HOME`` beside
the database it serves, one per key (a digest of the Python, the Prefect version and the
``PREFECT_*`` server settings: a server started otherwise is not reused):
``dispatches-api-<key>.json`` (its URL and pid), ``dispatches-api-<key>.log``. It stops by
itself after ``$DISPATCHES_PREFECT_KEEP_MINUTES`` (default 10) without a run
(``pipeline/cli/prefect_server.py``; every run holds a shared lock on
``dispatches-api-<key>.lease``, so a long run is never cut short).
``DISPATCHES_PREFECT_KEEP_MINUTES=0``: a temporary server per run, as below.

**Temporary**, for one ``dispatches run``, started before Prefect is imported:

Without ``PREFECT_API_URL`` Prefect 3 starts such a server itself, but only once the flow
starts: it first imports its whole server package into this process just to launch the
subprocess (about 7 s on two cores), then waits for the subprocess to import it again and
come up (about 9 s). Launched here, first thing, the server boots on the other core while
this process imports the pipeline; the run on the bundled samples takes 23 s instead of 31 s.
It is the server Prefect would start (uvicorn on ``prefect.server.api.server:create_app``,
the same ephemeral flags, the same ``PREFECT_HOME`` database), on a free loopback port.

Either server runs only what a run needs (``server_env``): Prefect's ephemeral server still
runs the services that record every task run and every event in its database and match
them against automations, which cost that server about as much CPU as the flow itself
(``bench/bench_flow.py``) on the machine's other core; this API has no UI and no
automations, and nothing reads those records. Nor does it register Prefect's block types at
start (for the UI and saved blocks: a run saves none): 27 MB of the server's 215, for the
collections it imports first (``LEAN_SERVER_ENV``). Settings the user gives win, under
any of the names Prefect reads them by. The kept server also migrates its database once per
Prefect version, not at every start (``pipeline/cli/prefect_server.py``).

The temporary server is a child that cannot outlive the command: stopped on exit, and on Linux told by
the kernel to stop if this process is killed outright (no orphan server holding a port).
"""
from __future__ import annotations

import ctypes
import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path

try:
    import fcntl
except ImportError:  # no flock (Windows): a temporary server per run
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
_PR_SET_PDEATHSIG = 1
KEEP_MINUTES = 10.0
SERVER_SCRIPT = Path(__file__).with_name("prefect_server.py")


class PrefectApiError(RuntimeError):
    """The temporary Prefect API did not come up."""


def server_env() -> dict[str, str]:
    """The environment of the local API's process: this one's, ``LEAN_SERVER_ENV`` where
    the user set nothing (under any of its names), and Prefect's own flags for its
    ephemeral server."""
    lean = {name: value for name, value in LEAN_SERVER_ENV.items()
            if not any(n in os.environ for n in (name, *ALSO_READ_AS.get(name, ())))}
    return {**lean, **os.environ, **EPHEMERAL_ENV}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child, before exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: stopped on exit only
        pass


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


class TemporaryApi:
    """The server process and its URL; ``wait_ready`` before the first flow run."""

    started = True  # this command starts it (and waits for it)

    def __init__(self, process: subprocess.Popen, url: str, log):
        self.process, self.url, self._log = process, url, log

    def wait_ready(self, timeout: float) -> None:
        _wait_for(self.process, self.url, self._log, timeout, "temporary")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()


@contextmanager
def using(api: TemporaryApi | None) -> Iterator[None]:
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
    """``$DISPATCHES_PREFECT_KEEP_MINUTES`` (default 10); 0: a temporary server per run."""
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
def local_prefect_api() -> Iterator[TemporaryApi | KeptApi | None]:
    """The API this run uses, ``PREFECT_API_URL`` pointed at it for this process: a kept
    server (started if none is running), or a temporary one when keeping is off; ``None``
    (nothing started) when ``PREFECT_API_URL`` is already set. Enter it before Prefect is
    imported (it reads its settings then)."""
    keep = keep_minutes()
    api = None
    if not os.environ.get("PREFECT_API_URL") and keep > 0 and fcntl is not None:
        try:
            api = KeptApi(prefect_home(), keep * 60)
        except OSError:  # PREFECT_HOME cannot take its files: the temporary server says why
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
def temporary_prefect_api() -> Iterator[TemporaryApi | None]:
    """Start a local Prefect API and point ``PREFECT_API_URL`` at it for this process.

    Yields ``None`` (and starts nothing) when ``PREFECT_API_URL`` is already set: the user's
    server is used. Must be entered before Prefect is imported (it reads its settings then).
    """
    if os.environ.get("PREFECT_API_URL"):
        yield None
        return
    url = f"http://127.0.0.1:{_free_port()}/api"
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "prefect.server.api.server:create_app",
         "--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1].removesuffix("/api"),
         "--log-level", "error", "--lifespan", "on"],
        env=server_env(), stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=log,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
    api = TemporaryApi(process, url, log)
    os.environ["PREFECT_API_URL"] = url
    try:
        yield api
    finally:
        del os.environ["PREFECT_API_URL"]
        api.stop()
