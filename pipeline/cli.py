"""``dispatches``: the command line, a thin shell over library functions.

Every command validates its arguments and calls one plain function; each has
``--help``. Commands:

    dispatches extract PATH...        one JSON record per document (JSON Lines)
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.extract import extract_file
from pipeline.readers import supported_suffixes


def iter_input_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named on the command line, and supported files under named folders (sorted)."""
    suffixes = supported_suffixes()
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in suffixes and not f.name.startswith("."):
                    yield f
        else:
            yield p  # a missing or unsupported file gets a failed record, not silence


def cmd_extract(args: argparse.Namespace) -> int:
    out = open(args.out, "w", encoding="utf-8") if args.out else sys.stdout
    failed = total = 0
    try:
        for path in iter_input_files(args.paths):
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
    if args.out or failed:
        print(f"dispatches: {total} document(s), {failed} failed", file=sys.stderr)
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dispatches",
        description="Extract Vietnamese official dispatches into normalised records.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("extract", help="print one JSON record per document (JSON Lines)",
                       description="Extract records from files or folders; exit code 1 if any "
                                   "file failed (its record has status 'failed' and an error).")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders")
    p.add_argument("--out", metavar="FILE", help="write JSON Lines here instead of stdout")
    p.set_defaults(func=cmd_extract)

    # Further commands register themselves here (run, serve, report, eval).
    for register in _command_registrars():
        register(sub)
    return parser


def _command_registrars():
    """Commands that live beside the modules they drive; imported lazily, optional."""
    import importlib

    registrars = []
    for module in ("flows.cli", "pipeline.report.cli", "pipeline.evaluate_cli"):
        try:
            registrars.append(importlib.import_module(module).register)
        except ModuleNotFoundError as exc:
            if exc.name and not module.startswith(exc.name):
                raise
    return registrars


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
