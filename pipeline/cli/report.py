"""``dispatches report RUN_DIR``: write the review site of a run.

RUN_DIR holds ``records.jsonl`` (what ``dispatches run --out RUN_DIR`` writes); the site goes
to ``RUN_DIR/report/`` unless ``--out`` says otherwise.

    dispatches report out/
    dispatches report out/ --out /tmp/review --today 2024-06-01
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path



def cmd_report(args: argparse.Namespace) -> int:
    # spaCy's renderer loads only for this command: the others start fast
    from pipeline.report.render import RECORDS_FILE, write_report

    run_dir = Path(args.run_dir)
    if not (run_dir / RECORDS_FILE).is_file():
        print(f"dispatches report: {run_dir}: no {RECORDS_FILE} (is this a run folder?)",
              file=sys.stderr)
        return 2
    try:
        today = dt.date.fromisoformat(args.today) if args.today else None
    except ValueError:
        print(f"dispatches report: --today {args.today!r} is not a date (YYYY-MM-DD)",
              file=sys.stderr)
        return 2
    index = write_report(run_dir, args.out, today=today)
    print(index)
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report", help="write the review site (HTML) of a run",
        description="Write a static HTML review site for RUN_DIR/records.jsonl: an index with "
                    "filters and a chart of open deadlines, and one page per document with its "
                    "fields marked in the text. Works offline.")
    p.add_argument("run_dir", metavar="RUN_DIR", help="folder holding records.jsonl")
    p.add_argument("--out", metavar="DIR", help="where to write the site (default RUN_DIR/report)")
    p.add_argument("--today", metavar="YYYY-MM-DD",
                   help="date that decides which deadlines are overdue (default: today)")
    p.set_defaults(func=cmd_report)
