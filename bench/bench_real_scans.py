#!/usr/bin/env python3
"""Benchmark on real signed scans: every field the pipeline fills, its confidence, and
whether it equals what a person reads on the page (``bench/real_scans_expected.json``).

Usage: .venv/bin/python bench/bench_real_scans.py [SCANS_DIR] [--no-cache] [--json]
                                                  [--max-wrong-rate 0.02]

SCANS_DIR defaults to ``../shared/real-scans`` beside the checkout; the benchmark skips
(exit 0, saying so) when it is absent. OCR of the scans takes minutes on two cores, so
records are cached in ``bench/.cache/real_scans/`` keyed by the file's sha256 and
``PIPELINE_VERSION`` (whose digest covers every source that decides a record: any such
change re-runs; ``--no-cache`` forces it).

Values are compared EXACTLY, after Unicode NFC and whitespace normalisation (runs of
spaces → one, ends stripped) and nothing else: case, punctuation, dashes and tone marks
count, so one wrong tone mark is wrong and a truncated subject is wrong. Lists
(recipients) must hold the same items. Each expected field is one of:
- right    the value equals the page;
- flagged  left empty with a ``needs_review`` warning on the field (or, for a date, kept
           partial — "2025-10" of "2025-10-08" — and flagged): an archivist is told to look,
           nothing false is registered;
- silent   left empty without a word although the page states a value (or marks it
           illegible, which must be flagged);
- wrong    a value that differs from the page (or fills one the page does not state or
           that is illegible) — the one outcome that does harm;
- absent   the page states no value and none was filled: correct, but "expected nothing,
           got nothing" is no success to count, so it is shown apart and left out of every rate.

Threshold: wrong ≤ ``--max-wrong-rate`` (default 2 %) of the labelled fields (right +
flagged + silent + wrong). Also printed: the precision of what was emitted, right / (right +
wrong), which must reach 98 % for an archivist to register values without looking. The
benchmark exits 1 when the threshold is missed or when nothing was measured.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import unicodedata
from pathlib import Path

import regex

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.extract.paths import get_dotted  # noqa: E402
from pipeline.extract.version import PIPELINE_VERSION  # noqa: E402
from pipeline.text.keys import tone_key  # noqa: E402

DEFAULT_SCANS = REPO.parent / "shared" / "real-scans"
EXPECTED = REPO / "bench" / "real_scans_expected.json"
CACHE = REPO / "bench" / ".cache" / "real_scans"
ILLEGIBLE = "illegible"
OUTCOMES = ("right", "flagged", "silent", "wrong", "absent")
DEFAULT_MAX_WRONG_RATE = 0.02


def norm(value) -> str | None:
    """NFC and whitespace normalisation only: everything else must match."""
    if value is None:
        return None
    s = regex.sub(r"\s+", " ", unicodedata.normalize("NFC", str(value))).strip()
    return s or None


def is_empty(value) -> bool:
    return value is None or value == [] or value == ""


def record_of(path: Path, use_cache: bool) -> tuple[dict, float, bool]:
    from pipeline.extract import extract_file

    key = hashlib.sha256(path.read_bytes()).hexdigest()[:16] + "-" + PIPELINE_VERSION
    cached = CACHE / f"{path.name}.{key}.json"
    if use_cache and cached.exists():
        return json.loads(cached.read_text()), 0.0, True
    start = time.perf_counter()
    record = json.loads(extract_file(path).to_json_line())
    elapsed = time.perf_counter() - start
    CACHE.mkdir(parents=True, exist_ok=True)
    for old in CACHE.glob(f"{path.name}.*.json"):
        old.unlink()
    cached.write_text(json.dumps(record, ensure_ascii=False))
    return record, elapsed, False


def flagged_fields(record: dict) -> set[str]:
    return {w.get("field") for w in record.get("warnings", []) if w.get("code") == "needs_review"}


def same(expected, found) -> bool:
    if isinstance(expected, list) or isinstance(found, list):
        if not (isinstance(expected, list) and isinstance(found, list)):
            return False
        return sorted(map(str, map(norm, found))) == sorted(map(str, map(norm, expected)))
    return norm(found) == norm(expected)


def compare(expected, found, flagged: bool) -> str:
    """right / flagged / silent / wrong / absent (see the module's docstring)."""
    if is_empty(found):
        if is_empty(expected):
            return "absent"
        return "flagged" if flagged else "silent"
    if is_empty(expected) or expected == ILLEGIBLE:
        return "wrong"
    if same(expected, found):
        return "right"
    if flagged and _partial_of(found, expected):
        return "flagged"  # "2025-10" kept from a date whose day was unreadable, and flagged
    return "wrong"


def _partial_of(found, expected) -> bool:
    """``found`` is a partial ISO date (year, or year-month) that ``expected`` completes."""
    return (isinstance(found, str) and isinstance(expected, str)
            and regex.fullmatch(r"\d{4}(?:-\d{2})?", found) is not None
            and expected.startswith(found + "-"))


# expected key → (record path, provenance key)
FIELDS = [
    ("doc_type", "doc_type", "doc_type"),
    ("number", "number.raw", "number"),
    ("issuer", "issuer.name", "issuer"),
    ("place", "place", "place"),
    ("issued_date", "issued_date", "issued_date"),
    ("subject", "subject", "subject"),
    ("urgency", "urgency", "urgency"),
    ("signer.name", "signer.name", "signer"),
    ("signer.title", "signer.title", "signer"),
    ("signer.authority", "signer.authority", "signer"),
    ("recipients", "recipients", "recipients.0"),
    ("arrival.number", "arrival.number", "arrival.number"),
    ("arrival.date", "arrival.date", "arrival.date"),
    ("arrival.time", "arrival.time", "arrival.time"),
    ("e_signature.organisation", "source.e_signature.organisation", None),
    ("e_signature.signed_at", "source.e_signature.signed_at", None),
]


def expected_value(exp: dict, name: str):
    if name == "number":
        return exp["number"]["raw"]
    return get_dotted(exp, name)


MARKS = {"right": "ok ", "flagged": "?  ", "silent": "-  ", "wrong": "XX ", "absent": "   "}


def score_file(path: Path, exp: dict, record: dict, per_field: dict, rows: list) -> None:
    """Compare one record with its expectations; print a line per field."""
    flagged = flagged_fields(record)
    for name, dotted, prov_key in FIELDS:
        want = expected_value(exp, name)
        found = get_dotted(record, dotted)
        outcome = compare(want, found, name in flagged or name.split(".")[0] in flagged)
        prov = (record.get("provenance") or {}).get(prov_key) if prov_key else None
        conf = prov.get("confidence") if prov else None
        per_field.setdefault(name, dict.fromkeys(OUTCOMES, 0))[outcome] += 1
        rows.append({"file": path.name, "field": name, "found": found, "expected": want,
                     "confidence": conf, "outcome": outcome})
        shown = json.dumps(found, ensure_ascii=False)
        if len(shown) > 70:
            shown = shown[:67] + "..."
        conf_s = f"{conf:.2f}" if conf is not None else "  - "
        line = f"  {MARKS[outcome]} {name:26} {conf_s}  {shown}"
        if outcome in ("wrong", "silent"):
            line += f"   (page says {json.dumps(want, ensure_ascii=False)[:90]})"
        if outcome == "wrong" and isinstance(found, str) and isinstance(want, str) \
                and want != ILLEGIBLE and tone_key(found) == tone_key(want):
            line += "   [differs in case or tone placement only: still wrong]"
        print(line)
    for w in record.get("warnings", []):
        if w.get("code") == "needs_review":
            print(f"     needs_review p{w.get('page')} {w.get('field')}: "
                  f"{(w.get('message') or '')[:100]}")


def print_table(per_field: dict[str, dict[str, int]]) -> dict[str, int]:
    """The per-field table and the totals row; returns the totals."""
    totals = dict.fromkeys(OUTCOMES, 0)
    print(f"\n{'field':26} {'right':>6} {'flagged':>8} {'silent':>7} {'wrong':>6} {'absent':>7}")
    for name, counts in per_field.items():
        print(f"{name:26} {counts['right']:6d} {counts['flagged']:8d} {counts['silent']:7d} "
              f"{counts['wrong']:6d} {counts['absent']:7d}")
        for k in OUTCOMES:
            totals[k] += counts[k]
    print(f"{'all fields':26} {totals['right']:6d} {totals['flagged']:8d} {totals['silent']:7d} "
          f"{totals['wrong']:6d} {totals['absent']:7d}")
    return totals


CONFIDENCE_BINS = (0.0, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01)


def print_calibration(rows: list[dict]) -> None:
    """How often an emitted value is right at each confidence: where thresholds must sit."""
    print(f"\n{'confidence':14} {'emitted':>8} {'right':>6} {'wrong':>6} {'right %':>8}")
    for lo, hi in zip(CONFIDENCE_BINS, CONFIDENCE_BINS[1:]):
        inside = [r for r in rows if r["outcome"] in ("right", "wrong")
                  and r["confidence"] is not None and lo <= r["confidence"] < hi]
        right = sum(r["outcome"] == "right" for r in inside)
        share = f"{right / len(inside):8.1%}" if inside else "       -"
        print(f"[{lo:.2f}, {min(hi, 1.0):.2f}{')' if hi <= 1 else ']'}  {len(inside):8d} {right:6d} "
              f"{len(inside) - right:6d} {share}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scans", nargs="?", type=Path, default=DEFAULT_SCANS)
    parser.add_argument("--no-cache", action="store_true", help="extract again, ignore the cache")
    parser.add_argument("--json", action="store_true", help="print the per-field table as JSON")
    parser.add_argument("--max-wrong-rate", type=float, default=DEFAULT_MAX_WRONG_RATE,
                        help="fail when wrong / labelled fields exceeds this (default 0.02)")
    args = parser.parse_args(argv)
    if not args.scans.is_dir():
        print(f"skip: {args.scans} not found (the real scans live in ../shared/real-scans)")
        return 0
    expected = json.loads(EXPECTED.read_text())
    print(f"measures: fields of the real scans equal to the page (exact after NFC + whitespace); "
          f"pipeline {PIPELINE_VERSION}")
    per_field: dict[str, dict[str, int]] = {}
    rows: list[dict] = []
    elapsed_total = 0.0
    for path in sorted(args.scans.glob("*.pdf")):
        exp = expected.get(path.name)
        if exp is None:
            print(f"{path.name}: no expectations written, skipped")
            continue
        record, elapsed, cached = record_of(path, not args.no_cache)
        elapsed_total += elapsed
        how = "cached" if cached else f"{elapsed:.1f}s"
        print(f"\n== {path.name} ({record.get('status')}, {how})")
        score_file(path, exp, record, per_field, rows)
    totals = print_table(per_field)
    print_calibration(rows)
    emitted = totals["right"] + totals["wrong"]
    labelled = emitted + totals["flagged"] + totals["silent"]
    rate = totals["wrong"] / labelled if labelled else 1.0
    if elapsed_total:
        print(f"extraction time (uncached docs): {elapsed_total:.1f}s")
    if args.json:
        print(json.dumps({"totals": totals, "per_field": per_field, "rows": rows},
                         ensure_ascii=False, default=str))
    ok = labelled > 0 and rate <= args.max_wrong_rate
    if emitted:
        print(f"precision of emitted values: {totals['right']} right of {emitted} = "
              f"{totals['right'] / emitted:.1%} (target ≥ 98%)")
    print(f"right {totals['right']}, flagged {totals['flagged']}, silent {totals['silent']}, "
          f"wrong {totals['wrong']} of {labelled} labelled fields ({totals['absent']} correctly "
          f"absent, not counted)")
    print(f"wrong: {totals['wrong']} of {labelled} labelled fields = {rate:.1%} "
          f"(threshold ≤ {args.max_wrong_rate:.1%}): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
