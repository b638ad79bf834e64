"""``dispatches eval GOLD_DIR PATH...``: per-field precision/recall/F1 against gold files.

PATH is a records file (``.jsonl``, as ``dispatches extract --out`` writes) or files and
folders of dispatches, which are extracted first. Prints a table (or JSON with ``--json``);
exits 1 when ``--min`` is given and the overall score is below it.

    dispatches eval samples/expected samples
    dispatches eval ../shared/gold out/records.jsonl --json --min 0.8
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the pipeline itself loads when the command runs: the CLI starts fast
    from pipeline.evaluate import EvalReport


def collect_records(paths: list[str]) -> list[dict[str, Any]]:
    """Records of PATHs: ``.jsonl`` files are read, anything else is extracted."""
    from pipeline.evaluate import read_records_jsonl
    from pipeline.extract import extract_file
    from pipeline.readers import iter_input_files

    records: list[dict[str, Any]] = []
    to_extract = []
    for p in paths:
        if Path(p).suffix.lower() == ".jsonl" and Path(p).is_file():
            records.extend(read_records_jsonl(Path(p)))
        else:
            to_extract.append(p)
    for path in iter_input_files(to_extract):
        records.append(json.loads(extract_file(path).to_json_line()))
    return records


def run_eval(gold_dir: Path, paths: list[str]) -> EvalReport:
    from pipeline.evaluate import evaluate, load_gold_dir

    return evaluate(load_gold_dir(gold_dir), collect_records(paths))


def cmd_eval(args: argparse.Namespace) -> int:
    gold_dir = Path(args.gold_dir)
    if not gold_dir.is_dir():
        print(f"dispatches eval: {gold_dir}: not a folder of gold files", file=sys.stderr)
        return 2
    try:
        report = run_eval(gold_dir, args.paths)
    except (ValueError, OSError) as exc:
        print(f"dispatches eval: {exc}", file=sys.stderr)
        return 2
    if not report.checks:
        print(f"dispatches eval: {gold_dir}: no gold files (*.json)", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    else:
        from pipeline.evaluate import format_table

        print(format_table(report, misses=args.misses))
    if args.min is not None and report.overall < args.min:
        print(f"dispatches eval: overall {report.overall:.4f} is below --min {args.min}",
              file=sys.stderr)
        return 1
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "eval", help="per-field precision/recall/F1 of records against gold files",
        description="Score records against gold files (one <file>.json per document, the "
                    "shape of ../shared/gold). PATH is a records .jsonl file or files/folders "
                    "to extract. Exit code 1 when the overall score is below --min.")
    p.add_argument("gold_dir", metavar="GOLD_DIR", help="folder of gold .json files")
    p.add_argument("paths", nargs="+", metavar="PATH", help="records .jsonl, files or folders")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--min", type=float, metavar="X", help="fail when the overall score is below X")
    p.add_argument("--misses", action="store_true", help="list every check that scored below 1")
    p.set_defaults(func=cmd_eval)
