"""Benchmark: ``dispatches run`` over a hostile inbox, one hostile file at a time (issue 15).

    .venv/bin/python bench/bench_hostile_inbox.py [--quick] [--limit-s 300] [--memory-gb 6]
                                                  [--file-timeout 60] [--code-dir DIR]

Builds a corpus in a temp folder from the test builders (tests/fixtures): three good
dispatches, and one file of each hostile kind — 0-byte PDF, junk bytes named .pdf, truncated
PDF, encrypted PDF, zip-bomb DOCX (1 GB inflated), 8000-pt page PDF, PNG claiming 1.6 G
pixels, 30-page TIFF, 6 MB text (over the 5 MB cap), a link to a file outside the inbox,
a dangling link. For each case (and a baseline of the good files alone) an inbox holds the
good files + that one case, and

    python -m pipeline.cli run INBOX --out OUT -q --file-timeout 60

runs in its own process group under a wall-clock limit (``--limit-s``, default 300 s: the
group is killed there) and an address-space cap (``RLIMIT_AS``, ``--memory-gb``, default
6 GB; the extraction worker sets its own lower one). Measured: exit code, wall time, peak
RSS of the whole process tree (the sum over the tree, polled every 50 ms with psutil).

Threshold (every case must pass, else exit 1):
  * the run finished within the limit, exit code 0 or 1 (1: a file failed), not killed;
  * every good file is in OUT/records.jsonl with status ok or partial;
  * every bad file has a ``failed`` record and an ``OUT/quarantine/<name>.error.json`` whose
    reason is a sentence, not a Python repr (no "<_io.", no "object at 0x") nor an exception
    name without a message (ending in ":"); the huge-page
    PDF and the TIFF may instead be read (any status: they are within the limits);
  * the links are not read: no record for them, and the outside file's marker appears
    nowhere under OUT (records.jsonl, report/, readings/, the dataset).
``--quick``: the baseline + 3 hostile cases (zip-bomb DOCX, huge PNG, link outside).
``--code-dir DIR``: run another checkout's code (``cwd=DIR``, ``PYTHONPATH=DIR``, this
interpreter): the "before" of a fix. Its misses are reported, the exit code stays 0.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the checkout: without it tests/schemas shadows schemas
sys.path.insert(0, str(ROOT / "tests"))  # the builders the tests use (tests/fixtures)

from fixtures import hostile
from fixtures.dispatches import dispatch_text, write_inbox

GOOD = 3
REPR_SIGNS = ("<_io.", "object at 0x")


@dataclass
class Case:
    name: str
    file: str | None          # the hostile file's name in the inbox (None: baseline)
    expect: str               # "none" | "quarantined" | "read_or_quarantined" | "not_read"
    build: object = None      # build(path, corpus_dir) -> None


@dataclass
class Result:
    case: Case
    exit_code: int | None = None
    wall: float = 0.0
    peak_mb: float = 0.0
    killed: bool = False
    reason: str = ""
    misses: list[str] = field(default_factory=list)


def text_pdf(path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    for i in range(3):
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        pdf.cell(text=f"Cong van so {i + 12}/UBND-VP ve viec thu nghiem")
    path.write_bytes(bytes(pdf.output()))
    return path


def truncated_pdf(path: Path) -> None:
    data = text_pdf(path).read_bytes()
    path.write_bytes(data[: len(data) // 2])


def cases(secret: Path) -> list[Case]:
    return [
        Case("baseline (good only)", None, "none"),
        Case("0-byte .pdf", "rong.pdf", "quarantined", lambda p: p.write_bytes(b"")),
        Case("junk bytes .pdf", "rac.pdf", "quarantined",
             lambda p: p.write_bytes(os.urandom(64 * 1024))),
        Case("truncated PDF", "cut.pdf", "quarantined", truncated_pdf),
        Case("encrypted PDF", "khoa.pdf", "quarantined", hostile.encrypted_pdf),
        Case("zip-bomb DOCX 1 GB", "bom.docx", "quarantined", hostile.zip_bomb_docx),
        Case("huge-page PDF 8000 pt", "to.pdf", "read_or_quarantined", hostile.huge_page_pdf),
        Case("PNG 40000x40000", "anh.png", "quarantined", hostile.huge_png),
        Case("TIFF 30 pages", "nhieu.tiff", "read_or_quarantined",
             lambda p: hostile.multipage_tiff(p, 30)),
        Case("text 6 MB (cap 5)", "dai.txt", "quarantined", lambda p: hostile.big_text(p, 6)),
        Case("link outside inbox", "passwd.txt", "not_read", lambda p: p.symlink_to(secret)),
        Case("dangling link", "mat.txt", "not_read",
             lambda p: p.symlink_to(p.parent / "no-such-file.txt")),
    ]


QUICK = {"baseline (good only)", "zip-bomb DOCX 1 GB", "PNG 40000x40000", "link outside inbox"}


def tree(proc) -> list:
    import psutil

    try:
        return [proc] + proc.children(recursive=True)
    except psutil.Error:
        return [proc]


def run_limited(cmd: list[str], cwd: Path, env: dict, limit_s: float, memory_bytes: int,
                log: Path) -> tuple[int | None, float, float, bool]:
    """Run ``cmd`` in its own process group under RLIMIT_AS and a wall-clock limit; returns
    (exit code, wall s, peak tree RSS MB, killed at the limit)."""
    import psutil

    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))

    t0 = time.perf_counter()
    with open(log, "wb") as out:
        p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                             preexec_fn=limit, start_new_session=True)  # noqa: PLW1509 (no threads yet)
        root, seen, peak, killed = psutil.Process(p.pid), {}, 0, False
        while p.poll() is None:
            total = 0
            for proc in tree(root):
                try:
                    total += proc.memory_info().rss
                    seen[proc.pid] = proc
                except psutil.Error:
                    pass
            peak = max(peak, total)
            if time.perf_counter() - t0 > limit_s:
                killed = True
                break
            time.sleep(0.05)
        wall = time.perf_counter() - t0
        if killed or p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()
        for proc in seen.values():  # a descendant that left the group (its own session)
            try:
                if proc.is_running() and proc.pid != p.pid:
                    proc.kill()
            except psutil.Error:
                pass
    return (None if killed else p.returncode), wall, peak / 2**20, killed


def check(result: Result, inbox: Path, good: list[str], out: Path,
          marker: bytes) -> None:
    case, miss = result.case, result.misses.append
    if result.killed:
        miss("killed at the wall-clock limit")
        return
    if result.exit_code not in (0, 1):
        miss(f"exit {result.exit_code}")
    records = {}
    jsonl = out / "records.jsonl"
    if jsonl.exists():
        for line in jsonl.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            records[Path(r["source"]["path"]).name] = r
    else:
        miss("no records.jsonl")
    for name in good:
        status = records.get(name, {}).get("status")
        if status not in ("ok", "partial"):
            miss(f"good {name}: {status or 'no record'}")
    if case.file:
        rec = records.get(case.file)
        error_json = out / "quarantine" / (case.file + ".error.json")
        if case.expect == "not_read":
            if rec:
                miss(f"link read: record {rec.get('status')}")
            else:
                result.reason = "not read"
        elif case.expect == "quarantined" or (rec is None or rec.get("status") == "failed"):
            if not rec or rec.get("status") != "failed":
                miss(f"record: {rec.get('status') if rec else 'none'}, not failed")
            if not error_json.exists():
                miss("no .error.json")
            else:
                reason = json.loads(error_json.read_text(encoding="utf-8")).get("reason") or ""
                result.reason = reason.replace(str(inbox / case.file), case.file)
                if (not reason.strip() or reason.rstrip().endswith(":")  # "X: Error: "
                        or any(s in reason for s in REPR_SIGNS)):
                    miss(f"unclear reason: {reason[:80]!r}")
        else:
            result.reason = f"read, status {rec.get('status')}"
    for path in out.rglob("*"):
        if path.is_file() and not path.is_symlink() and marker in path.read_bytes():
            miss(f"outside file's content in {path.relative_to(out)}")


def build_corpus(corpus: Path, chosen: list[Case]) -> None:
    corpus.mkdir(parents=True)
    for case in chosen:
        if case.file and case.expect != "not_read":
            case.build(corpus / case.file)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="baseline + 3 hostile cases")
    ap.add_argument("--limit-s", type=float, default=300.0, help="wall-clock limit per run")
    ap.add_argument("--memory-gb", type=float, default=6.0, help="RLIMIT_AS of the run")
    ap.add_argument("--file-timeout", type=float, default=60.0)
    ap.add_argument("--code-dir", type=Path, help="another checkout's code (the 'before')")
    ap.add_argument("--keep", action="store_true", help="keep the temp folder, print it")
    args = ap.parse_args(argv)
    code_dir = (args.code_dir or ROOT).resolve()

    tmp = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    marker = ("BÍ MẬT-" + uuid.uuid4().hex).encode()
    secret = tmp / "elsewhere" / "luong.txt"
    secret.parent.mkdir()
    secret.write_bytes(dispatch_text(7).encode() + b"\n" + marker + b"\n")
    chosen = [c for c in cases(secret) if not args.quick or c.name in QUICK]
    build_corpus(tmp / "corpus", chosen)

    env = dict(os.environ, PYTHONPATH=str(code_dir), PREFECT_HOME=str(tmp / "prefect-home"),
               PREFECT_LOGGING_LEVEL="WARNING", PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120")
    print(f"measures: dispatches run over {GOOD} good dispatches + one hostile file per case; "
          f"code {code_dir}, limit {args.limit_s:g} s, RLIMIT_AS {args.memory_gb:g} GB, "
          f"--file-timeout {args.file_timeout:g}")
    results = []
    for i, case in enumerate(chosen):
        inbox, out = tmp / f"case-{i:02d}" / "inbox", tmp / f"case-{i:02d}" / "out"
        good = [p.name for p in write_inbox(inbox, GOOD)]
        if case.file:
            if case.expect == "not_read":
                case.build(inbox / case.file)
            else:
                shutil.copy(tmp / "corpus" / case.file, inbox / case.file)
        cmd = [sys.executable, "-m", "pipeline.cli", "run", str(inbox), "--out", str(out),
               "-q", "--file-timeout", f"{args.file_timeout:g}"]
        result = Result(case)
        result.exit_code, result.wall, result.peak_mb, result.killed = run_limited(
            cmd, code_dir, env, args.limit_s, int(args.memory_gb * 2**30), out.parent / "log.txt")
        check(result, inbox, good, out, marker)
        results.append(result)
        outcome = "PASS" if not result.misses else "MISS: " + "; ".join(result.misses)
        print(f"  {case.name}: exit {result.exit_code}, {result.wall:.1f} s, "
              f"{result.peak_mb:.0f} MB, {outcome}  {result.reason[:100]}", flush=True)

    print()
    print("| case | exit code | wall s | peak MB | outcome |")
    print("|---|---|---|---|---|")
    for r in results:
        exit_code = "killed" if r.killed else r.exit_code
        outcome = "pass" if not r.misses else "; ".join(r.misses)
        if r.reason and not r.misses:
            outcome += f" — {r.reason[:90]}"
        print(f"| {r.case.name} | {exit_code} | {r.wall:.1f} | {r.peak_mb:.0f} | "
              f"{outcome.replace('|', '/')} |")
    missed = sum(1 for r in results if r.misses)
    print(f"\n{len(results) - missed}/{len(results)} cases pass "
          f"(threshold: all){'' if args.code_dir is None else ' — other code, not judged'}")
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.code_dir is not None:
        return 0
    return 0 if missed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
