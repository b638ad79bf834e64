"""``dispatches extract PATH... [--out FILE]``: one JSON record per document (JSON Lines)."""
from __future__ import annotations

import argparse
import sys

from pipeline.extract import extract_file
from pipeline.readers import iter_input_files
from pipeline.readers.walk import Skipped


def cmd_extract(args: argparse.Namespace) -> int:
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    failed = total = 0
    skipped: list[Skipped] = []
    try:
        for path in iter_input_files(args.paths, skipped):
            record = extract_file(path)
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
                                          "and an error).")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument("--out", metavar="FILE", help="write JSON Lines here instead of stdout")
    p.set_defaults(func=cmd_extract)
