#!/usr/bin/env python3
"""Benchmark on real signed scans: every field the pipeline fills, its confidence, and
whether it matches what a person reads on the page (``bench/real_scans_expected.json``).

Usage: .venv/bin/python bench/bench_real_scans.py [SCANS_DIR] [--no-cache] [--json]

SCANS_DIR defaults to ``../shared/real-scans`` beside the checkout; the benchmark skips
cleanly when it is absent. OCR of the scans takes minutes on two cores, so records are
cached in ``bench/.cache/real_scans/`` keyed by the file's and the pipeline's source
hashes (any code change re-runs; ``--no-cache`` forces it).

Each field is one of:
- right    the value equals the expected one;
- flagged  left out with a ``needs_review`` warning (or left out where the page is
           illegible): an archivist is told to look, nothing false is registered;
- missing  left out without a word (the expected value was readable);
- near     free text (subject, names, recipients) right but for OCR letter errors
           (similarity ≥ 90 %, e.g. "tư vẫn" for "tư vấn"): counted apart from wrong;
- wrong    a value that differs from the page — the one outcome that does harm.
Totals are printed at the end; wrong should be near zero.
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
from rapidfuzz import fuzz

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_SCANS = REPO.parent / "shared" / "real-scans"
EXPECTED = REPO / "bench" / "real_scans_expected.json"
CACHE = REPO / "bench" / ".cache" / "real_scans"
ILLEGIBLE = "illegible"
NEAR = 90

_TONE = {"oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "uỳ": "ùy", "uý": "úy",
         "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy", "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe",
         "oẹ": "ọe"}


def norm(value) -> str | None:
    if value is None:
        return None
    s = unicodedata.normalize("NFC", str(value)).lower()
    for old, new in _TONE.items():
        s = s.replace(old, new)
    s = regex.sub(r"\s*[-–—]\s*", "-", s)
    s = regex.sub(r"\s+", " ", s).strip().rstrip(" ;,.:")
    return s or None


def norm_number(value) -> str | None:
    return regex.sub(r"\s+", "", unicodedata.normalize("NFC", value)).upper() if value else None


def pipeline_hash() -> str:
    h = hashlib.sha256()
    for folder in ("pipeline", "extractors", "schemas"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.suffix in {".py", ".yaml"}:
                h.update(path.read_bytes())
    return h.hexdigest()[:16]


def record_of(path: Path, use_cache: bool, code: str) -> tuple[dict, float, bool]:
    from pipeline.extract import extract_file

    key = hashlib.sha256(path.read_bytes()).hexdigest()[:16] + "-" + code
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


def get(record: dict, dotted: str):
    cur = record
    for part in dotted.split("."):
        if not isinstance(cur, dict):
            return None
        cur = cur.get(part)
    return cur


def flagged_fields(record: dict) -> set[str]:
    return {w.get("field") for w in record.get("warnings", []) if w.get("code") == "needs_review"}


def compare(field: str, expected, found, flagged: bool) -> str:
    if expected == ILLEGIBLE:
        return "flagged" if found in (None, []) else "wrong"
    if found in (None, []):
        if expected in (None, []):
            return "right"
        return "flagged" if flagged else "missing"
    if expected in (None, []):
        return "wrong"
    if field == "number":
        return "right" if norm_number(found) == norm_number(expected) else "wrong"
    if field == "subject":
        f, e = norm(found), norm(expected)
        if f.startswith(e) or e.startswith(f) and len(f) > 20:
            return "right"
        return "near" if fuzz.ratio(f[:len(e)], e) >= NEAR else "wrong"
    if field == "recipients":
        f, e = sorted(norm(x) for x in found), sorted(norm(x) for x in expected)
        if f == e:
            return "right"
        return "near" if len(f) == len(e) and all(
            fuzz.ratio(a, b) >= NEAR for a, b in zip(f, e)) else "wrong"
    if field == "signer.name":
        if norm(found) == norm(expected):
            return "right"
        return "near" if fuzz.ratio(norm(found), norm(expected)) >= NEAR else "wrong"
    if field == "e_signature.signed_at":
        return "right" if str(found) == str(expected) else "wrong"
    return "right" if norm(found) == norm(expected) else "wrong"


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
    if name == "subject":
        return exp["subject_startswith"]
    return get(exp, name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scans", nargs="?", type=Path, default=DEFAULT_SCANS)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the per-field table as JSON")
    args = parser.parse_args(argv)
    if not args.scans.is_dir():
        print(f"skip: {args.scans} not found (the real scans live in ../shared/real-scans)")
        return 0
    expected = json.loads(EXPECTED.read_text())
    code = pipeline_hash()
    totals = {"right": 0, "flagged": 0, "missing": 0, "near": 0, "wrong": 0}
    rows = []
    elapsed_total = 0.0
    for path in sorted(args.scans.glob("*.pdf")):
        exp = expected.get(path.name)
        if exp is None:
            print(f"{path.name}: no expectations written, skipped")
            continue
        record, elapsed, cached = record_of(path, not args.no_cache, code)
        elapsed_total += elapsed
        flagged = flagged_fields(record)
        how = "cached" if cached else f"{elapsed:.1f}s"
        print(f"\n== {path.name} ({record.get('status')}, {how})")
        for name, dotted, prov_key in FIELDS:
            want = expected_value(exp, name)
            found = get(record, dotted)
            top = name.split(".")[0]
            outcome = compare(name, want, found, name in flagged or top in flagged)
            prov = (record.get("provenance") or {}).get(prov_key) if prov_key else None
            conf = prov.get("confidence") if prov else None
            totals[outcome] += 1
            rows.append({"file": path.name, "field": name, "found": found, "expected": want,
                         "confidence": conf, "outcome": outcome})
            shown = json.dumps(found, ensure_ascii=False)
            if len(shown) > 70:
                shown = shown[:67] + "..."
            mark = {"right": "ok ", "flagged": "?  ", "missing": "-  ", "near": "~  ",
                    "wrong": "XX "}[outcome]
            conf_s = f"{conf:.2f}" if conf is not None else "  - "
            line = f"  {mark} {name:26} {conf_s}  {shown}"
            if outcome in ("wrong", "missing", "near"):
                line += f"   (page says {json.dumps(want, ensure_ascii=False)[:60]})"
            print(line)
        other = [w for w in record.get("warnings", []) if w.get("code") == "needs_review"]
        for w in other:
            print(f"     needs_review p{w.get('page')} {w.get('field')}: {w.get('message')[:100]}")
    n = sum(totals.values())
    print(f"\nfields: {n}  right: {totals['right']}  flagged: {totals['flagged']}  "
          f"missing: {totals['missing']}  near (OCR letter errors): {totals['near']}  "
          f"wrong: {totals['wrong']}")
    if elapsed_total:
        print(f"extraction time (uncached docs): {elapsed_total:.1f}s")
    if args.json:
        print(json.dumps({"totals": totals, "rows": rows}, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
