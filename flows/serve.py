"""Serve the ingest flow as a scheduled Prefect deployment (``dispatches serve``).

Schedules live in a Prefect server, not in the ephemeral API ``dispatches run`` uses: start
one with ``scripts/start-prefect-server.sh`` (``prefect server start`` with its own SQLite)
and export the ``PREFECT_API_URL`` it prints. ``serve`` then blocks, running the flow on the
cron schedule until interrupted (the deployment is paused on shutdown).
"""
from __future__ import annotations


class NoPrefectServer(RuntimeError):
    pass


def prefect_api_url() -> str | None:
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    return str(url) if url else None


def serve_ingest(inbox: str, out: str, cron: str, *, name: str = "dispatches-inbox",
                 limit: int = 1, **params) -> None:
    """Register the deployment ``ingest/<name>`` with a cron schedule and serve it (blocks)."""
    if not prefect_api_url():
        raise NoPrefectServer(
            "schedules need a Prefect server: run scripts/start-prefect-server.sh and export "
            "the PREFECT_API_URL it prints (e.g. http://127.0.0.1:4200/api)")
    from flows.ingest import ingest

    ingest.serve(name=name, cron=cron, limit=limit,
                 parameters={"inbox": inbox, "out": out, **params},
                 description=f"Register the dispatches dropped in {inbox}")
