"""``dispatches extract PATH... [--out FILE]``: one JSON record per document (JSON Lines).

``-`` reads one text document from standard input (``--name`` names it; its suffix picks
the reader, ``.txt`` by default). Files run in this process: the limits on what a file may
hold (``pipeline.readers.limits``) apply; the worker process with its time and memory
limits is ``dispatches run``'s.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.cli.environment import EXIT_ENVIRONMENT, environment_message, is_environment_error

if TYPE_CHECKING:  # the pipeline itself loads when the command runs: the CLI starts fast
    from pipeline.readers.walk import Skipped
    from schemas import Record

STDIN = "-"


def read_stdin(name: str) -> Record:
    """The record of standard input's bytes, read up to the file size limit (a pipe from
    ``/dev/zero`` must not fill memory)."""
    from pipeline.extract import extract_file, failed_record
    from pipeline.settings import DEFAULT_SETTINGS

    path = Path(name)
    limit = DEFAULT_SETTINGS.max_file_bytes
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        return failed_record(path, f"{path}: standard input too large to read: over the limit "
                                   f"of {limit / 1e6:g} MB (Settings.max_file_bytes)")
    return extract_file(path, data)


def records(args: argparse.Namespace, skipped: list[Skipped]):
    from pipeline.extract import extract_file
    from pipeline.readers import iter_input_files

    for named in args.paths:
        if named == STDIN:
            yield read_stdin(args.name or STDIN)
            continue
        for path in iter_input_files([named], skipped):
            yield extract_file(path)


def cmd_extract(args: argparse.Namespace) -> int:
    try:
        out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    except OSError as exc:
        if not is_environment_error(exc):
            raise
        print(f"dispatches extract: {environment_message(exc)}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    failed = total = 0
    skipped: list[Skipped] = []
    try:
        for record in records(args, skipped):
            total += 1
            if record.status == "failed":
                failed += 1
                print(f"dispatches: {record.error}", file=sys.stderr)
            out.write(record.to_json_line() + "\n")
            out.flush()
    finally:
        if args.out:
            out.close()
    for skip in skipped:  # links out of a folder, dangling links, unreadable folders
        print(f"dispatches: not read: {skip.path}: {skip.reason}", file=sys.stderr)
    if args.out or failed or skipped:
        print(f"dispatches: {total} document(s), {failed} failed, {len(skipped)} not read",
              file=sys.stderr)
    return 1 if failed else 0


def register(subparsers) -> None:
    p = subparsers.add_parser("extract", help="print one JSON record per document (JSON Lines)",
                              description="Extract records from files or folders; exit code 1 "
                                          "if any file failed (its record has status 'failed' "
                                          "and an error). '-' reads one text document from "
                                          "standard input.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders; - for stdin")
    p.add_argument("--out", metavar="FILE", help="write JSON Lines here instead of stdout")
    p.add_argument("--name", metavar="NAME",
                   help="the name standard input's document gets in its record (default '-'; "
                        "its suffix picks the reader: doc.md, scan.pdf…)")
    p.set_defaults(func=cmd_extract)
