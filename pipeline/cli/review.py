"""``dispatches review OUT_DIR``: the review web app over a run's dataset.

    dispatches review out/                      # http://127.0.0.1:8765/, Vietnamese
    dispatches review out/ --lang en --user lan --port 9000
    dispatches review out/ --db postgresql://…  # the shared dataset, this run's pages

Bound to 127.0.0.1 unless ``--host`` says otherwise: corrections write to the dataset.
"""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path


def cmd_review(args: argparse.Namespace) -> int:
    # the web stack (uvicorn, FastAPI, Jinja2, spaCy's renderer) loads only for this command,
    # as Prefect does for `run`: the other commands start fast
    import uvicorn

    from pipeline.load import dataset_exists, dataset_target
    from pipeline.review import ReviewConfig, create_app
    from pipeline.review.app import LOCAL_HOSTS

    run_dir = Path(args.out_dir)
    target = dataset_target(run_dir, args.db)
    if not dataset_exists(target):
        print(f"dispatches review: {target}: no dataset (run `dispatches run INBOX --out "
              f"{run_dir}` first, or pass --db)", file=sys.stderr)
        return 2
    config = ReviewConfig(run_dir=run_dir, target=target, reviewer=args.user, lang=args.lang)
    hosts = LOCAL_HOSTS if args.host in LOCAL_HOSTS else (*LOCAL_HOSTS, args.host)
    print(f"review app: http://{args.host}:{args.port}/  (Ctrl+C to stop)")
    uvicorn.run(create_app(config, hosts), host=args.host, port=args.port,
                log_level="warning")
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "review", help="the review web app: see each page, correct values (local)",
        description="Serve a local web app over OUT_DIR's dataset: a queue of documents "
                    "needing review first, each document's page image beside the text as "
                    "read with every field marked, and forms to accept or correct any field. "
                    "Corrections are stored in the dataset and survive re-runs.")
    p.add_argument("out_dir", metavar="OUT_DIR", help="a run folder (dispatches run --out)")
    p.add_argument("--db", metavar="URL",
                   help="the dataset if not OUT_DIR/dispatches.duckdb (postgresql://…)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    p.add_argument("--user", default=getpass.getuser(),
                   help="name recorded with corrections (default: your login; "
                        "the page lets each reviewer set theirs)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language (default vi)")
    p.set_defaults(func=cmd_review)
