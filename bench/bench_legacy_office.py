"""Old office files from a 2000s records room: do Word 97 ``.doc`` and ``.rtf`` typed in
TCVN3 (``.VnTime``) or VNI (``VNI-Times``) give the header fields the same document gives as
a Unicode ``.docx``?

    .venv/bin/python bench/bench_legacy_office.py [--limit N] [--jobs 2] [--min-agree 0.95]
                                                  [--real DIR | --no-real] [--code-dir DIR]

Documents: the sample dispatch texts (``samples/*.md|txt``), the generated fixture dispatches
(``tests/fixtures/dispatches.py``) and, when ``../shared/real/docs`` exists, the texts of those
real documents. Each is laid out the 2000s way (``tests/fixtures/office.py``): its letterhead and
signature area as TAB-laid lines, runs of SPACES or a BORDERLESS TABLE of one row per line (the
three in turn, letterhead and signature differently), and written as

- (a) a Unicode ``.docx`` — the baseline, measured in the same run;
- (b) the same typed in TCVN3 and in VNI, saved by LibreOffice as ``.doc`` and as ``.rtf``
  (four legacy variants).

Every file goes through ``dispatches extract`` (files named, so a reader that does not know a
suffix fails its files instead of skipping them). For each legacy variant the bench prints the
share of header fields — doc_type, number/symbol, issuer, issued date, signer name, signer title —
equal (``tone_key``-folded: TCVN3 has no capital toned letters) to the same document's Unicode
``.docx`` fields, and the time per file as a ratio to the ``.docx``; for context ("vs text", not
judged) the share equal to the fields of the document's plain text, read the same run: with
code that runs the columns together the .docx baseline is wrong too, and this column shows it.

Threshold (exit 1 when missed): each variant agrees on at least ``--min-agree`` of its fields
(default 0.95), and no file fails. Why 0.95 and not 1.0: the text goes through a legacy font
that cannot hold every character a modern document has (typographic dashes, quotes, '…' and
the like pass through unconverted), and LibreOffice re-lays some paragraphs; a field may move
on a few real documents without the reader being at fault. Below 0.95 a whole class of files
(one layout, one encoding) is being misread, which is what this bench guards against.

``--code-dir DIR`` extracts with another checkout's code (the "before"); figures are printed,
not judged.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the builders the tests use (tests/fixtures)

from fixtures.dispatches import dispatch_text  # noqa: E402
from fixtures.formats import SAMPLE_DISPATCHES, parse_dispatch  # noqa: E402
from fixtures.office import LAYOUTS, build_office_docx, soffice, to_office_many  # noqa: E402

from pipeline.text.keys import tone_key  # noqa: E402

FIELDS = ("doc_type", "number", "issuer", "issued_date", "signer_name", "signer_title")
VARIANTS = ("doc-tcvn3", "doc-vni", "rtf-tcvn3", "rtf-vni")
REAL_DOCS = ROOT.parent / "shared" / "real" / "docs"
FIXTURE_DISPATCHES = 6
# a long law's body adds conversion time, not header evidence: keep its head and its tail
MAX_BODY_LINES = 80


def documents(real: Path | None, limit: int | None) -> dict[str, str]:
    """Name → text of every document the bench lays out."""
    docs = {p.stem: p.read_text(encoding="utf-8-sig") for p in SAMPLE_DISPATCHES}
    docs.update({f"fixture-{i:02d}": dispatch_text(i) for i in range(FIXTURE_DISPATCHES)})
    if real is not None and real.is_dir():
        docs.update({f"real-{p.stem}": p.read_text(encoding="utf-8-sig")
                     for p in sorted(real.glob("*")) if p.suffix in {".txt", ".md"}})
    names = sorted(docs)
    if limit:  # spread over the sources, not just the first ones alphabetically
        step = max(1, len(names) // limit)
        names = names[::step][:limit]
    return {n: unicodedata.normalize("NFC", docs[n]) for n in names}


def _short(layout):
    if len(layout.body) > MAX_BODY_LINES:
        half = MAX_BODY_LINES // 2
        layout.body = layout.body[:half] + [""] + layout.body[-half:]
    layout.appendix = layout.appendix[:MAX_BODY_LINES // 2]
    return layout


def build(docs: dict[str, str], out: Path, jobs: int) -> dict[str, dict[str, Path]]:
    """Variant → name → file: the Unicode .docx and the four legacy variants."""
    made: dict[str, dict[str, Path]] = {"docx": {}}
    sources: dict[str, list[Path]] = {"tcvn3": [], "vni": []}
    for i, (name, text) in enumerate(docs.items()):
        letterhead, signature = LAYOUTS[i % 3], LAYOUTS[(i + 1) % 3]
        for enc in (None, "tcvn3", "vni"):
            folder = out / (enc or "docx")
            path = build_office_docx(_short(parse_dispatch(text)), folder / f"{name}.docx",
                                     legacy=enc, letterhead=letterhead, signature=signature)
            if enc is None:
                made["docx"][name] = path
            else:
                sources[enc].append(path)
    jobs_list = [(fmt, enc) for fmt in ("doc", "rtf") for enc in ("tcvn3", "vni")]

    def convert(job):
        fmt, enc = job
        target = out / f"{fmt}-{enc}"
        target.mkdir(parents=True, exist_ok=True)
        return f"{fmt}-{enc}", to_office_many(sources[enc], fmt, target)

    with ThreadPoolExecutor(jobs) as pool:
        for variant, paths in pool.map(convert, jobs_list):
            made[variant] = {p.stem: p for p in paths}
    return made


def extract(files: list[Path], out: Path, code_dir: Path) -> tuple[dict[str, dict], float]:
    """Records by document name, and the wall time of ``dispatches extract``."""
    env = dict(os.environ, PYTHONPATH=str(code_dir))
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", *map(str, files),
                    "--out", str(out)], cwd=code_dir, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    records = {}
    if out.exists():
        for line in out.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            records[Path(record["source"]["path"]).stem] = record
    return records, elapsed


def header(record: dict) -> dict[str, object]:
    def key(v):
        return tone_key(v) if isinstance(v, str) else v

    signer = record.get("signer") or {}
    return {"doc_type": record.get("doc_type"),
            "number": key((record.get("number") or {}).get("raw")),
            "issuer": key((record.get("issuer") or {}).get("name")),
            "issued_date": record.get("issued_date"),
            "signer_name": key(signer.get("name")), "signer_title": key(signer.get("title"))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, help="at most N documents (spread over the sources)")
    ap.add_argument("--jobs", type=int, default=2, help="extractions/conversions at once")
    ap.add_argument("--min-agree", type=float, default=0.95)
    ap.add_argument("--real", type=Path, default=REAL_DOCS, help="real documents' texts")
    ap.add_argument("--no-real", action="store_true", help="samples and fixtures only")
    ap.add_argument("--code-dir", type=Path, help="another checkout's code (the 'before')")
    ap.add_argument("--keep", type=Path, help="build the files here and keep them")
    ap.add_argument("--show", type=int, default=0, help="print N differing fields per variant")
    args = ap.parse_args(argv)
    if soffice() is None:
        print("bench_legacy_office: LibreOffice (soffice) is not installed; "
              "scripts/install-system-deps.sh installs it", file=sys.stderr)
        return 2
    code_dir = (args.code_dir or ROOT).resolve()
    docs = documents(None if args.no_real else args.real, args.limit)
    tmp = tempfile.TemporaryDirectory(prefix="bench-legacy-office-")
    out = args.keep or Path(tmp.name)
    t0 = time.perf_counter()
    made = build(docs, out, args.jobs)
    (out / "txt").mkdir(parents=True, exist_ok=True)
    made["txt"] = {}
    for name, text in docs.items():
        made["txt"][name] = out / "txt" / f"{name}.txt"
        made["txt"][name].write_text(text, encoding="utf-8")
    print(f"{len(docs)} documents ({sum(n.startswith('real-') for n in docs)} real), "
          f"{sum(len(v) for k, v in made.items() if k != 'txt')} files built in {time.perf_counter() - t0:.0f} s;"
          f" code {code_dir}")

    def run(variant):
        return variant, *extract(list(made[variant].values()), out / f"{variant}.jsonl", code_dir)

    with ThreadPoolExecutor(args.jobs) as pool:
        results = {v: (recs, secs) for v, recs, secs in pool.map(run, ("txt", "docx", *VARIANTS))}
    base, base_secs = results["docx"]
    # context, not judged: each file's header fields against its plain text's ("vs text")
    text_records = results["txt"][0]
    total = max(len(base) * len(FIELDS), 1)
    same = sum(header(text_records[n])[f] == header(base[n])[f] for n in base
               if n in text_records for f in FIELDS)
    base_per_file = base_secs / max(len(made["docx"]), 1)
    print(f"\n{'variant':<11} {'files':>5} {'failed':>6} {'agree':>7}  "
          + " ".join(f"{f:>12}" for f in FIELDS) + f"  {'time/file vs docx':>17}  {'vs text':>7}")
    failed_docx = [n for n, r in base.items() if r["status"] == "failed"]
    print(f"{'docx':<11} {len(made['docx']):>5} {len(failed_docx) + len(made['docx']) - len(base):>6}"
          f" {'(base)':>7}  " + " ".join(f"{'':>12}" for _ in FIELDS) + f"  {1.0:>16.2f}x"
          f"  {same / total:>7.3f}")
    ok = not failed_docx and len(base) == len(made["docx"])
    for variant in VARIANTS:
        records, secs = results[variant]
        failed = [n for n in made[variant] if n not in records or records[n]["status"] == "failed"]
        per_field = {f: [0, 0] for f in FIELDS}
        misses: list[str] = []
        vs_text = 0
        for name in made[variant]:
            mine = header(records[name]) if name not in failed \
                else dict.fromkeys(FIELDS, "<failed>")  # a failed file agrees on nothing
            text_fields = header(text_records[name]) if name in text_records else {}
            vs_text += sum(mine[f] == text_fields.get(f) for f in FIELDS)
            theirs = header(base[name]) if name in base else dict.fromkeys(FIELDS, "<no base>")
            for f in FIELDS:
                per_field[f][0] += mine[f] == theirs[f]
                per_field[f][1] += 1
                if mine[f] != theirs[f] and len(misses) < args.show:
                    misses.append(f"    {name} {f}: {mine[f]!r} (docx {theirs[f]!r})")
        agree = sum(a for a, _ in per_field.values()) / max(sum(n for _, n in per_field.values()), 1)
        ratio = (secs / max(len(made[variant]), 1)) / max(base_per_file, 1e-9)
        print(f"{variant:<11} {len(made[variant]):>5} {len(failed):>6} {agree:>7.3f}  "
              + " ".join(f"{a / max(n, 1):>12.3f}" for a, n in per_field.values())
              + f"  {ratio:>16.2f}x  {vs_text / max(len(made[variant]) * len(FIELDS), 1):>7.3f}")
        print("\n".join(misses)) if misses else None
        if failed:
            first = records.get(failed[0], {}).get("error", "no record")
            print(f"    failed: {', '.join(failed[:5])}{' …' if len(failed) > 5 else ''}"
                  f" — {str(first)[:160]}")
        ok = ok and not failed and agree >= args.min_agree
    print(f"\nthreshold: every legacy variant agrees on >= {args.min_agree:.2f} of its header "
          f"fields with the Unicode .docx, and no file fails"
          f"{'' if args.code_dir is None else ' — other code, not judged'}")
    if args.code_dir is not None:
        return 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
