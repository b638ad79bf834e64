"""``dispatches``: the command line, a thin shell over the layers below it.

Every command validates its arguments and calls one plain function; each has
``--help``. One module per command, each with a ``register(subparsers)``:

    dispatches extract PATH...        one JSON record per document (extract.py)
    dispatches run INBOX --out DIR    the Prefect ingest flow (run.py; also ``serve``)
    dispatches report RUN_DIR         the review site of a run (report.py)
    dispatches eval GOLD_DIR PATH...  field scores against gold files (evaluate.py)
    dispatches review OUT_DIR         the review web app: see, correct, keep (review.py)
    dispatches export register|metadata   the sổ đến (XLSX/CSV), Phụ lục VI metadata (export.py)

Prefect is imported only when ``run``/``serve`` runs, so the rest of the CLI starts fast.
"""
from __future__ import annotations

import argparse
import sys

from pipeline.cli import evaluate, export, extract, report, review, run
from pipeline.cli.interrupt import EXIT_INTERRUPTED, interrupted, interrupted_message

COMMAND_MODULES = (extract, run, report, evaluate, review, export)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dispatches",
        description="Extract Vietnamese official dispatches into normalised records.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # the command line of this process (not a call from Python, e.g. a test): a command
    # may then end the process its own way (``run`` skips the interpreter's teardown)
    args.owns_process = argv is None
    try:
        return args.func(args)
    except BaseException as exc:
        if not interrupted(exc):
            raise
        print(interrupted_message(args.command), file=sys.stderr)
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
