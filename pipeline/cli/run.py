"""``dispatches run`` and ``dispatches serve``: the command line of the ingest flow (``flows``).

    dispatches run INBOX --out DIR [--db postgresql://…] [--runner threads|dask]
                   [--dask-address tcp://…] [--batch-size N] [--no-quarantine] [--no-report]
    dispatches serve --inbox DIR --out DIR --cron "*/15 * * * *"

The flow writes the review site OUT/report/ at the end of a run (scheduled ones too);
``--no-report`` turns that off.

Prefect is imported only when a command runs (the rest of the CLI stays fast), after its
logging is turned down to warnings unless ``--verbose``. ``run`` serves a local Prefect API
in its own process for the run (``prefect_api``; ``$DISPATCHES_PREFECT_KEEP_MINUTES``: one
kept between runs instead), or uses the server of ``PREFECT_API_URL``. On stderr it shows
what it is doing (``flows.progress``): starting Prefect, reading the inbox, each file
extracted with the rate and the time left, then following the inbox, exporting and writing
the report; ``--quiet``: nothing.

A dataset file another program holds (DuckDB: one writing process per file) is waited for
``$DISPATCHES_LOCK_TIMEOUT`` seconds (default 30), then the command says in one line which
process holds it and exits 2.
"""
from __future__ import annotations

import argparse
import atexit
import logging
import os
import sys
from pathlib import Path

from pipeline.cli.environment import (EXIT_ENVIRONMENT, environment_message,
                                      is_environment_error, unwritable)
from pipeline.cli.interrupt import interrupted
from pipeline.cli.lean import (few_arenas, freeze_startup_objects, rare_full_collections,
                               system_arrow_pool, without_unused_packages)
from pipeline.cli.prefect_api import PrefectApiError, local_prefect_api, using


def _prefect_env(verbose: bool) -> None:
    """Settings read when Prefect is first imported; explicit user settings win."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    # the ephemeral server's telemetry heartbeat only adds SQLite lock contention here
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # the ephemeral API migrates a fresh SQLite on first use: slow on a busy 2-core machine
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


class _WithoutTracebackOf(logging.Filter):
    """Drops a log record carrying one of these exceptions (or one a Ctrl-C caused): Prefect
    logs a failed flow's exception with its traceback, and the command says these in one
    line itself."""

    def __init__(self, *types: type[BaseException]):
        super().__init__()
        self.types = types

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (isinstance(exc, self.types) or interrupted(exc)
                    or (exc is not None and is_environment_error(exc)))


def _quiet_lock_errors(verbose: bool) -> None:
    """A locked dataset (``DatasetLockedError``) is one line on stderr, not Prefect's traceback."""
    from pipeline.load import DatasetLockedError

    logger = logging.getLogger("prefect.flow_runs")
    if not verbose and not any(isinstance(f, _WithoutTracebackOf) for f in logger.filters):
        logger.addFilter(_WithoutTracebackOf(DatasetLockedError))


def _flow_params(args: argparse.Namespace) -> dict:
    return {"batch_size": args.batch_size, "quarantine": not args.no_quarantine,
            "quarantine_dir": args.quarantine_dir, "file_timeout": args.file_timeout or None,
            "db": args.db, "write_report": not args.no_report, "register_name": args.register}


def _folders_error(args: argparse.Namespace) -> str | None:
    """An inbox inside the run's own output folders, which are never read (the run would
    read nothing), checked before Prefect starts; None when the folders are apart."""
    from flows.inbox import overlap_error  # no Prefect in it: stays fast

    out = Path(args.out)
    return overlap_error(args.inbox, out=out,
                         quarantine=args.quarantine_dir or out / "quarantine")


class _Teardown:
    """Ends the process once every exit handler has run, without the interpreter's teardown:
    freeing the modules a run loads (Prefect, spaCy, pydantic models…) takes seconds on two
    cores and writes nothing. Registered first, it runs last of the exit handlers (Prefect
    sends its last logs and events in earlier ones); only after a command that returned
    its exit code — after an uncaught exception the interpreter ends as usual — and only
    when the command is the process (``dispatches run``, not ``main([...])`` from Python)."""

    def __init__(self, owns_process: bool):
        self.code: int | None = None
        if owns_process:
            atexit.register(self.skip)

    def skip(self) -> None:
        if self.code is None:
            return
        logging.shutdown()  # its handler was registered before this one: run it now
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(self.code)


def cmd_run(args: argparse.Namespace) -> int:
    teardown = _Teardown(getattr(args, "owns_process", False))
    teardown.code = code = _run(args)
    return code


def _run(args: argparse.Namespace) -> int:
    inbox = Path(args.inbox)
    if not inbox.is_dir():
        print(f"dispatches run: {inbox}: not a folder", file=sys.stderr)
        return 2
    if error := _folders_error(args):
        print(f"dispatches run: {error}", file=sys.stderr)
        return 2
    out = Path(args.out)
    for folder in (out, *([Path(args.quarantine_dir or out / "quarantine")]
                          if not args.no_quarantine else [])):
        if error := unwritable(folder):  # before Prefect starts: say it at once
            print(f"dispatches run: {error}", file=sys.stderr)
            return EXIT_ENVIRONMENT
    # the run is this process (pipeline.cli.lean); Dask's workers may want pandas. Before the
    # unchanged inbox's answer too: its first query binding a parameter would import pandas
    # (1.1–1.9 s of a rerun of 10,000 files, and 45 MB, measured)
    lean = args.runner == "threads" and getattr(args, "owns_process", False)
    if lean:
        without_unused_packages()
        few_arenas()
        system_arrow_pool()
    if not args.refresh_cache:
        from flows.unchanged import unchanged_run  # no Prefect in it: stays fast

        # an inbox unchanged since the last run, outputs current: nothing to start Prefect for
        summary = unchanged_run(str(inbox), args.out, args.db,
                                quarantine_dir=args.quarantine_dir,
                                write_report=not args.no_report, register=args.register)
        if summary is not None:
            print(summary.to_text())
            if summary.report:
                print(f"review report: {summary.report}")
            return 0
    _prefect_env(args.verbose)
    # here, not at the top: every Dask worker process (multiprocessing's spawn) runs the
    # ``dispatches`` script again (its main-module fix-up), importing this module, and rich
    # with flows.progress would cost each one 0.3 s and 10 MB for nothing (the extraction
    # workers are interpreters of their own: pipeline.extract.worker)
    from flows.progress import RunProgress, showing

    # started first: the API's thread imports Prefect's server while this one imports the
    # pipeline (a kept local API answers at once)
    with showing(RunProgress(enabled=not args.quiet)) as progress, \
            local_prefect_api() as api:
        progress.phase("starting Prefect's local server" if api is not None and api.started
                       else "starting Prefect")
        from flows.ingest import run_ingest
        from pipeline.load import DatasetLockedError

        _quiet_lock_errors(args.verbose)
        try:
            if api is not None:
                api.wait_ready(float(os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]))
            if lean:
                freeze_startup_objects()
                rare_full_collections()
            with using(api):
                summary = run_ingest(inbox, args.out, runner=args.runner,
                                     dask_address=args.dask_address, workers=args.workers,
                                     refresh_cache=args.refresh_cache,
                                     show_progress=not args.quiet, **_flow_params(args))
        except (DatasetLockedError, PrefectApiError) as exc:
            progress.close()  # the live display ends before the message
            print(f"dispatches run: {exc}", file=sys.stderr)
            return 2
        except OSError as exc:  # the disk filled up, a folder became read-only mid-run
            if not is_environment_error(exc):
                raise
            progress.close()
            print(f"dispatches run: {environment_message(exc)}", file=sys.stderr)
            return EXIT_ENVIRONMENT
    print(summary.to_text())
    if summary.report:  # the flow writes it (scheduled runs too), so the command only says where
        print(f"review report: {summary.report}")
    return 1 if summary.failed else 0


def cmd_serve(args: argparse.Namespace) -> int:
    if error := _folders_error(args):
        print(f"dispatches serve: {error}", file=sys.stderr)
        return 2
    _prefect_env(args.verbose)
    from flows.serve import NoPrefectServer, serve_ingest
    from pipeline.load import DatasetLockedError

    try:
        serve_ingest(str(args.inbox), str(args.out), args.cron, name=args.name,
                     **_flow_params(args))
    except (NoPrefectServer, DatasetLockedError) as exc:
        print(f"dispatches serve: {exc}", file=sys.stderr)
        return 2
    return 0


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="out", metavar="DIR",
                   help="output folder: dispatches.duckdb, *.parquet, records.jsonl, "
                        "quarantine/ (default: out)")
    p.add_argument("--db", metavar="URL",
                   help="load into this database instead of OUT/dispatches.duckdb "
                        "(postgresql://user@host:port/db, or a DuckDB file path)")
    p.add_argument("--batch-size", type=int, default=50, metavar="N",
                   help="files per Prefect task (default: 50)")
    p.add_argument("--no-quarantine", action="store_true",
                   help="leave failed files in the inbox (only write their .error.json)")
    p.add_argument("--quarantine-dir", metavar="DIR",
                   help="where failed files go (default: OUT/quarantine)")
    p.add_argument("--file-timeout", type=float, default=120.0, metavar="SECONDS",
                   help="per-file extraction time limit, 0 for none (default: 120)")
    p.add_argument("--register", default="chung", metavar="NAME",
                   help="the sổ đăng ký văn bản đến new documents are numbered in (default: "
                        "chung); số đến run from 1 each calendar year in each register")
    p.add_argument("--no-report", action="store_true",
                   help="do not write the review site OUT/report/index.html")
    p.add_argument("-v", "--verbose", action="store_true", help="show Prefect's logs")


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "run", help="register an inbox folder into the dataset (Prefect flow)",
        description="Run the ingest flow over INBOX with Prefect's ephemeral local API: "
                    "extract every new or changed file, load the normalised dataset, move "
                    "failed files to quarantine, export Parquet and records.jsonl. Exit code "
                    "1 if any file failed, 2 if another program holds the dataset file "
                    "longer than $DISPATCHES_LOCK_TIMEOUT seconds (default 30), 3 if the "
                    "output cannot be written (read-only, no permission, disk full).")
    p.add_argument("inbox", metavar="INBOX", help="folder of dispatches (read only)")
    _common(p)
    p.add_argument("--runner", choices=("threads", "dask"), default="threads",
                   help="task runner: threads (default) or dask (prefect-dask)")
    p.add_argument("--dask-address", metavar="tcp://HOST:PORT",
                   help="an existing Dask scheduler (default: start a LocalCluster)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="threads or Dask workers (default: CPU count)")
    p.add_argument("--refresh-cache", action="store_true",
                   help="ignore cached extractions and extract again")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="no progress on stderr (phases, files extracted, rate, time left)")
    p.set_defaults(func=cmd_run)

    p = subparsers.add_parser(
        "serve", help="serve the ingest flow on a cron schedule (needs a Prefect server)",
        description="Serve a Prefect deployment that runs the ingest flow on a schedule. "
                    "Needs PREFECT_API_URL pointing at a Prefect server "
                    "(scripts/start-prefect-server.sh starts a local one).")
    p.add_argument("--inbox", required=True, metavar="DIR", help="folder of dispatches")
    p.add_argument("--cron", default="*/15 * * * *", help='schedule (default: "*/15 * * * *")')
    p.add_argument("--name", default="dispatches-inbox", help="deployment name")
    _common(p)
    p.set_defaults(func=cmd_serve)
