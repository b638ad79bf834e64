"""``--no-report`` reaches the flow, for ``run`` and for scheduled ``serve`` runs alike."""
from __future__ import annotations

import pytest

from pipeline.cli import main


@pytest.fixture(autouse=True)
def prefect_env(monkeypatch):
    # the commands set these for Prefect; the test leaves the environment as it found it
    for name in ("PREFECT_LOGGING_LEVEL", "PREFECT_SERVER_ANALYTICS_ENABLED",
                 "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"):
        monkeypatch.setenv(name, "x")


@pytest.mark.parametrize("args, expected", [([], True), (["--no-report"], False)])
def test_serve_passes_the_report_switch_to_the_flow(monkeypatch, args, expected):
    seen = {}
    monkeypatch.setattr("flows.serve.serve_ingest",
                        lambda inbox, out, cron, **params: seen.update(params))
    assert main(["serve", "--inbox", "in", "--out", "out", *args]) == 0
    assert seen["write_report"] is expected
