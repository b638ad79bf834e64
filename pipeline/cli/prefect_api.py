"""A temporary local Prefect API for one ``dispatches run``, started before Prefect is imported.

Without ``PREFECT_API_URL`` Prefect 3 starts such a server itself, but only once the flow
starts: it first imports its whole server package into this process just to launch the
subprocess (about 7 s on two cores), then waits for the subprocess to import it again and
come up (about 9 s). Launched here, first thing, the server boots on the other core while
this process imports the pipeline; the run on the bundled samples takes 23 s instead of 31 s.
It is the server Prefect would start (uvicorn on ``prefect.server.api.server:create_app``,
the same ephemeral flags, the same ``PREFECT_HOME`` database), on a free loopback port.

The server is a child that cannot outlive the command: stopped on exit, and on Linux told by
the kernel to stop if this process is killed outright (no orphan server holding a port).
"""
from __future__ import annotations

import ctypes
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

# what Prefect sets for its own temporary server (prefect.server.api.server)
EPHEMERAL_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                 "PREFECT__SERVER_FINAL": "1"}
_PR_SET_PDEATHSIG = 1


class PrefectApiError(RuntimeError):
    """The temporary Prefect API did not come up."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child, before exec
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: stopped on exit only
        pass


class TemporaryApi:
    """The server process and its URL; ``wait_ready`` before the first flow run."""

    def __init__(self, process: subprocess.Popen, url: str, log):
        self.process, self.url, self._log = process, url, log

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._log.seek(0)
                tail = self._log.read().decode("utf-8", "replace").strip().splitlines()[-5:]
                raise PrefectApiError("the temporary Prefect API exited with code "
                                      f"{self.process.returncode}: {' | '.join(tail)}")
            try:
                with urllib.request.urlopen(self.url + "/health", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise PrefectApiError(f"the temporary Prefect API at {self.url} did not answer within "
                              f"{timeout:g} s (PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS)")

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
        env={**os.environ, **EPHEMERAL_ENV}, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=log,
        preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
    api = TemporaryApi(process, url, log)
    os.environ["PREFECT_API_URL"] = url
    try:
        yield api
    finally:
        del os.environ["PREFECT_API_URL"]
        api.stop()
