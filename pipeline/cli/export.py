"""``dispatches export``: the register and the documents' metadata, from a dataset.

    dispatches export register --year 2025                       # sổ đến 2025 → XLSX
    dispatches export register --year 2025 --format csv --out so-den-2025.csv
    dispatches export metadata --format json --out metadata.json  # Phụ lục VI, per document

The dataset is ``--db`` (a DuckDB file or a postgresql:// URL; default out/dispatches.duckdb,
what ``dispatches run --out out`` writes), opened read-only.
"""
from __future__ import annotations

import argparse
from pathlib import Path


def _open(args: argparse.Namespace):
    # the dataset's code (and the whole pipeline under it) loads only for this command
    from pipeline.load import DatasetLockedError, dataset_exists, dataset_target, open_store
    from schemas.dataset import SCHEMA_VERSION

    args.db = args.db or dataset_target("out")
    if not dataset_exists(args.db):
        raise SystemExit(f"dispatches export: {args.db}: no dataset (run `dispatches run INBOX "
                         "--out DIR` first, or pass --db)")
    try:
        store = open_store(args.db, read_only=True)
    except DatasetLockedError as exc:
        raise SystemExit(f"dispatches export: {exc}") from None
    version = store.schema_version()
    if version != SCHEMA_VERSION:
        store.close()
        raise SystemExit(f"dispatches export: {args.db}: dataset schema version {version}, this "
                         f"pipeline reads {SCHEMA_VERSION}; run `dispatches run` on it once to "
                         "upgrade it")
    return store


def _format(args: argparse.Namespace, allowed: tuple[str, ...]) -> str:
    if args.format:
        return args.format
    suffix = Path(args.out).suffix.lstrip(".").lower() if args.out else ""
    return suffix if suffix in allowed else allowed[0]


def cmd_register(args: argparse.Namespace) -> int:
    fmt = _format(args, ("xlsx", "csv"))
    out = Path(args.out or f"so-den-{args.register}-{args.year}.{fmt}")
    # the writers (openpyxl) load only for this command: the others start fast
    from pipeline.export import register_rows, write_register

    with _open(args) as store:
        rows = register_rows(store, args.year, args.register)
    write_register(rows, out, args.year, args.register, fmt)
    print(f"{out}: {len(rows)} entries of the {args.year} register {args.register!r}")
    return 0


def cmd_metadata(args: argparse.Namespace) -> int:
    fmt = _format(args, ("json", "csv"))
    out = Path(args.out or f"metadata.{fmt}")
    from pipeline.export import write_metadata

    with _open(args) as store:
        n = write_metadata(store.corrected_records(), out, fmt)
    print(f"{out}: metadata of {n} documents")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "export", help="the incoming register (XLSX/CSV) or the documents' metadata",
        description="Export from a dataset: the sổ đăng ký văn bản đến of a year in the layout "
                    "of the paper register, or each document's metadata (Phụ lục VI names).")
    sub = p.add_subparsers(dest="what", required=True, metavar="WHAT")
    reg = sub.add_parser("register", help="the sổ đăng ký văn bản đến of a year",
                         description="The register of --year as XLSX (default) or CSV: "
                                     "ngày đến, số đến, tác giả, số ký hiệu, ngày tháng, tên "
                                     "loại và trích yếu, đơn vị hoặc người nhận, ký nhận, ghi chú.")
    reg.add_argument("--year", type=int, required=True, help="calendar year of ngày đến")
    reg.add_argument("--format", choices=("xlsx", "csv"),
                     help="default: from --out's suffix, else xlsx")
    reg.add_argument("--register", default="chung", metavar="NAME",
                     help="which register (default: chung)")
    meta = sub.add_parser("metadata", help="each document's metadata (Phụ lục VI)",
                          description="CodeNumber, CodeNotation, IssuedDate, OrganName, "
                                      "TypeName, Subject, SignerInfo, To, Priority, DueDate, "
                                      "PageAmount of every document, corrections applied.")
    meta.add_argument("--format", choices=("json", "csv"),
                      help="default: from --out's suffix, else json")
    for q in (reg, meta):
        q.add_argument("--out", metavar="FILE", help="where to write (default: in this folder)")
        q.add_argument("--db", metavar="URL",
                       help="the dataset (default: out/dispatches.duckdb)")
    reg.set_defaults(func=cmd_register)
    meta.set_defaults(func=cmd_metadata)
