#!/usr/bin/env python3
"""Measurement (issue 11 item 6): does a second Vietnamese line recogniser, whose weights
ship inside its PyPI wheel, read the number line, the place-date line and the subject
lines of the real scans better than Tesseract (``vie``)?

Usage: .venv/bin/python bench/bench_second_reader.py [SCANS_DIR] [--readers asterocr,trueocr]
                                                     [--no-cache] [--lines]

SCANS_DIR defaults to ``../shared/real-scans`` beside the checkout. The benchmark exits 0
with a skip message when that folder is absent or when none of the second readers is
installed. asterocr is a project dependency (the pipeline reads page 1's number and date
lines with it); trueocr is not: ``.venv/bin/pip install trueocr`` (ONNX, weights in
``trueocr/models/``) to compare it too. Both are loaded from their bundled files only:
asterocr as the pipeline loads it (``second_reader.line_reader``: the explicit path of its
bundled model, telemetry off; its loader would otherwise fall back to a Hugging Face
download), and nothing here touches the network. Line splitting, crops, parsing and the
combination rule are the pipeline's own (``pipeline/readers/ocr/second_reader.py``), so the
figures are those of the code that ships.

Method, per scan, page 1 only:
1. render with pypdfium2 at 300 dpi, run ``image_to_data(lang="vie", --psm 3)``, group the
   words by (block, par, line) and split each line at column gaps (a horizontal gap wider
   than 1.5x the line height: the "Số: …" and "Hà Nội, ngày …" halves of one row are
   two lines for a person);
2. locate, by rapidfuzz against what a person reads (``bench/real_scans_expected.json``),
   the number line ("Số: <number.raw>"), the place-date line ("<place>, ngày DD tháng MM
   năm YYYY": day zero-padded as printed, month zero-padded for 1 and 2 only) and the
   cluster of subject lines;
3. read exactly those line boxes with every reader: ``tesseract`` (its own words from the
   page pass, no extra cost beyond the page), ``tess-psm7`` (Tesseract re-reading the
   padded crop as one line, the like-for-like line cost), and each second reader on the
   padded crop cut at word gaps into chunks no wider than 24x the line height (the
   asterocr/trueocr models take at most that aspect ratio);
4. ``combo:<reader>``: Tesseract, except on a number/date line whose Tesseract text does
   not parse as a number/date while the second reader's does: then the second reader's
   number, or its day/month/year digits set into Tesseract's place text. Where both parse
   and differ, Tesseract is kept (and the line counted as a disagreement, which the
   pipeline flags). The subject has no syntax to check, so ``combo`` keeps Tesseract's subject.

Scores per reader x line type: ``exact`` (line text equals the expected line after NFC,
whitespace collapsing and, on number/date lines, no spaces around "/" or before ",:"),
``field`` (number/date parsed from the line equals number.raw / issued_date), mean ``CER``
(``rapidfuzz.distance.Levenshtein.normalized_distance``), ``ms/line``. The subject is
compared as the joined text of its lines, after dropping a "V/v" / "Về việc" lead-in the
same way for every reader (up to 8 characters of leading tokens, dropped where that brings
the text closer to the label). Tesseract's page pass is timed separately (``page ms``):
its per-line figure is the page time divided by the number of lines on the page.

Tesseract's page results are cached in ``bench/.cache/second_reader/`` (sha256 of the
PDF + Tesseract version); ``--no-cache`` re-runs them (and re-times the page).
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline.readers.ocr.second_reader import (  # noqa: E402
    canon_line, decide, line_chunks, line_reader, line_segments, nfc, parse_date, parse_number,
    padded, read_line, replacement_line)
from pipeline.readers.ocr.words import words_from_data  # noqa: E402

DEFAULT_SCANS = REPO.parent / "shared" / "real-scans"
EXPECTED = REPO / "bench" / "real_scans_expected.json"
CACHE = REPO / "bench" / ".cache" / "second_reader"
SECOND_READERS = ("asterocr", "trueocr")
DPI = 300
LINE_TYPES = ("number", "date", "subject")


# ---------------------------------------------------------------- text helpers
# parsing, line finding, crops and the combination rule are the pipeline's own
# (pipeline/readers/ocr/second_reader.py): the bench measures the code that ships


def date_iso(text: str) -> str | None:
    """``YYYY-MM-DD`` of a ``ngày … tháng … năm …`` line, or ``None``."""
    parsed = parse_date(text)
    return f"{parsed[2]:04d}-{parsed[1]:02d}-{parsed[0]:02d}" if parsed else None


def date_line(place: str, iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    month = f"{m:02d}" if m < 3 else str(m)
    return f"{place}, ngày {d:02d} tháng {month} năm {y}"


def strip_lead_in(text: str, ref: str) -> str:
    """Drop leading tokens (<= 8 chars in all: 'V/v', 'Về việc') where that brings the
    text closer to the label; the same rule for every reader."""
    from rapidfuzz.distance import Levenshtein

    toks = nfc(text).split(" ")
    best, best_d = nfc(text), Levenshtein.distance(nfc(text), ref)
    dropped = 0
    for k in range(1, min(3, len(toks)) + 1):
        dropped += len(toks[k - 1]) + (1 if k > 1 else 0)
        if dropped > 8:
            break
        cand = " ".join(toks[k:])
        d = Levenshtein.distance(cand, ref)
        if d < best_d:
            best, best_d = cand, d
    return best


# ---------------------------------------------------------------- tesseract
def tesseract_version() -> str:
    import pytesseract

    return str(pytesseract.get_tesseract_version())


def render_page1(pdf_path: Path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return pdf[0].render(scale=DPI / 72).to_pil()
    finally:
        pdf.close()


def tesseract_page(pdf_path: Path, img, use_cache: bool) -> tuple[dict, float, bool]:
    import pytesseract
    from pytesseract import Output

    key = hashlib.sha256(pdf_path.read_bytes()).hexdigest()[:16] + "-" + tesseract_version()
    cached = CACHE / f"{pdf_path.name}.{key}.json"
    if use_cache and cached.exists():
        blob = json.loads(cached.read_text())
        return blob["data"], blob["ms"], True
    t0 = time.perf_counter()
    data = pytesseract.image_to_data(img, lang="vie", config="--psm 3", output_type=Output.DICT)
    ms = (time.perf_counter() - t0) * 1000
    CACHE.mkdir(parents=True, exist_ok=True)
    cached.write_text(json.dumps({"data": data, "ms": ms}, ensure_ascii=False))
    return data, ms, False


def page_lines(data: dict) -> list[dict]:
    """Tesseract lines split at column gaps, as the pipeline splits them. Each: words
    (``OcrWord``), box, text."""
    words = words_from_data(data)
    out = []
    for seg in line_segments(words):
        ws = [words[i] for i in seg]
        box = (min(w.left for w in ws), min(w.top for w in ws),
               max(w.right for w in ws), max(w.bottom for w in ws))
        out.append({"words": ws, "box": box, "text": nfc(" ".join(w.text for w in ws))})
    return out


def locate(lines: list[dict], exp: dict, page_h: int) -> dict[str, list[dict]]:
    from rapidfuzz import fuzz

    found: dict[str, list[dict]] = {}
    top = [ln for ln in lines if ln["box"][1] < 0.5 * page_h]
    for kind, ref in (("number", f"Số: {exp['number']['raw']}"),
                      ("date", date_line(exp["place"], exp["issued_date"]))):
        scored = [(fuzz.ratio(canon_line(ln["text"]), ref), ln) for ln in top]
        if scored:
            score, ln = max(scored, key=lambda s: s[0])
            if score >= 50:
                found[kind] = [ln]
    subj = nfc(exp["subject"])
    cands = [ln for ln in top if len(ln["text"]) >= 4 and ln not in found.get("number", [])
             and ln not in found.get("date", [])
             and fuzz.partial_ratio(ln["text"], subj) >= 70]
    clusters: list[list[dict]] = []
    for ln in cands:  # sorted by y
        if clusters:
            prev = clusters[-1][-1]
            h = prev["box"][3] - prev["box"][1]
            overlap = min(prev["box"][2], ln["box"][2]) - max(prev["box"][0], ln["box"][0])
            if ln["box"][1] - prev["box"][3] <= 1.2 * h and overlap > 0:
                clusters[-1].append(ln)
                continue
        clusters.append([ln])
    if clusters:
        best = max(clusters, key=lambda c: fuzz.ratio(
            strip_lead_in(" ".join(ln["text"] for ln in c), subj), subj))
        if fuzz.ratio(strip_lead_in(" ".join(ln["text"] for ln in best), subj), subj) >= 50:
            found["subject"] = best
    return found


# ---------------------------------------------------------------- readers
class TessLine:
    name = "tess-psm7"

    def read(self, img, line):
        import pytesseract

        return nfc(pytesseract.image_to_string(img.crop(padded(line["box"], img.size)),
                                               lang="vie", config="--psm 7"))


class Aster:
    """asterocr as the pipeline loads it (bundled model, telemetry off) and reads a line."""

    name = "asterocr"

    def __init__(self):
        self.reader = line_reader()
        if self.reader is None:
            raise RuntimeError("asterocr or its bundled assets/asternet.onnx missing "
                               "(a download is refused)")

    def read(self, img, line):
        return read_line(img, line["words"], self.reader)


class True_:
    name = "trueocr"

    def __init__(self):
        import trueocr
        from trueocr import Recognizer

        models = Path(trueocr.__file__).parent / "models"
        if not (models / "rec.onnx").is_file():
            raise RuntimeError("trueocr wheel without models/rec.onnx")
        self.rec = Recognizer(models, threads=2)

    def read(self, img, line):
        import numpy as np

        gray = img.convert("L")
        crops = [np.asarray(gray.crop(b), dtype=np.uint8)  # it pads itself
                 for b in line_chunks(line["words"])]
        return nfc(" ".join(p.text for p in self.rec.predict(crops)))


def combine(kind: str, tess: str, second: str) -> tuple[str, str]:
    """(text, how) by the pipeline's rule; how in keep / agree / second / disagree."""
    how = decide(kind, tess, second)
    return (replacement_line(kind, tess, second) if how == "second" else tess), how


# ---------------------------------------------------------------- main
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("scans", nargs="?", default=str(DEFAULT_SCANS))
    ap.add_argument("--readers", default=",".join(SECOND_READERS))
    ap.add_argument("--no-cache", action="store_true")
    ap.add_argument("--lines", action="store_true", help="print every line read")
    args = ap.parse_args(argv)

    scans = Path(args.scans)
    if not scans.is_dir() or not sorted(scans.glob("*.pdf")):
        print(f"SKIP: no scans at {scans}")
        return 0
    wanted = [r.strip() for r in args.readers.split(",") if r.strip()]
    present = [r for r in wanted if importlib.util.find_spec(r) is not None]
    if not present:
        print(f"SKIP: none of the second readers is installed ({', '.join(wanted)}); "
              "e.g. .venv/bin/pip install asterocr")
        return 0
    for mod in ("pytesseract", "pypdfium2", "rapidfuzz"):
        if importlib.util.find_spec(mod) is None:
            print(f"SKIP: {mod} missing")
            return 0
    from rapidfuzz.distance import Levenshtein

    readers = [TessLine()]
    for r in present:
        try:
            readers.append({"asterocr": Aster, "trueocr": True_}[r]())
        except Exception as exc:  # noqa: BLE001 - report and go on with the others
            print(f"{r}: cannot load ({exc}); left out")
    seconds = [r.name for r in readers if r.name in SECOND_READERS]
    if not seconds:
        print("SKIP: no second reader could be loaded")
        return 0

    expected = json.loads(EXPECTED.read_text())
    names = ["tesseract"] + [r.name for r in readers] + [f"combo:{n}" for n in seconds]
    rows: dict[tuple[str, str], list] = {(n, k): [] for n in names for k in LINE_TYPES}
    times: dict[tuple[str, str], list[float]] = {(n, k): [] for n in names for k in LINE_TYPES}
    chunk_ms: dict[str, list[float]] = {n: [] for n in seconds}
    how_counts: dict[str, dict[str, int]] = {n: {} for n in seconds}
    located = {k: 0 for k in LINE_TYPES}
    page_ms, extra_ms = [], {n: [] for n in seconds}
    pdfs = [p for p in sorted(scans.glob("*.pdf")) if p.name in expected]
    cached_any = False

    for pdf in pdfs:
        exp = expected[pdf.name]
        img = render_page1(pdf)
        data, ms, cached = tesseract_page(pdf, img, not args.no_cache)
        cached_any |= cached
        lines = page_lines(data)
        page_ms.append(ms)
        tess_line_ms = ms / max(1, len(lines))
        found = locate(lines, exp, img.size[1])
        refs = {"number": canon_line(f"Số: {exp['number']['raw']}"),
                "date": canon_line(date_line(exp["place"], exp["issued_date"])),
                "subject": nfc(exp["subject"])}
        page_extra = {n: 0.0 for n in seconds}
        for kind in LINE_TYPES:
            if kind not in found:
                if args.lines:
                    print(f"{pdf.name:22} {kind:8} NOT LOCATED")
                continue
            located[kind] += 1
            texts = {"tesseract": " ".join(ln["text"] for ln in found[kind])}
            how_of: dict[str, str] = {}
            times[("tesseract", kind)] += [tess_line_ms] * len(found[kind])
            for r in readers:
                parts = []
                for ln in found[kind]:
                    t0 = time.perf_counter()
                    parts.append(r.read(img, ln))
                    dt = (time.perf_counter() - t0) * 1000
                    times[(r.name, kind)].append(dt)
                    if r.name in chunk_ms:
                        n_chunks = len(line_chunks(ln["words"]))
                        chunk_ms[r.name] += [dt / n_chunks] * n_chunks
                        page_extra[r.name] += dt
                texts[r.name] = nfc(" ".join(parts))
            for n in seconds:
                if kind == "subject":
                    texts[f"combo:{n}"], how = texts["tesseract"], "keep"
                else:
                    texts[f"combo:{n}"], how = combine(kind, texts["tesseract"], texts[n])
                how_of[f"combo:{n}"] = how
                how_counts[n][f"{kind}:{how}"] = how_counts[n].get(f"{kind}:{how}", 0) + 1
                extra = 0.0 if kind == "subject" else times[(n, kind)][-1]
                times[(f"combo:{n}", kind)] += [tess_line_ms + extra] * len(found[kind])
            for name, text in texts.items():
                ref = refs[kind]
                got = strip_lead_in(text, ref) if kind == "subject" else canon_line(text)
                flagged = name.startswith("combo:") and kind != "subject" and \
                    how_of[name] == "disagree"
                if kind == "number":
                    value = parse_number(text)
                    field = value == exp["number"]["raw"]
                elif kind == "date":
                    value = date_iso(text)
                    field = value == exp["issued_date"]
                else:
                    value, field = None, got == ref
                wrong = value is not None and not field and not flagged
                rows[(name, kind)].append((got == ref, field, Levenshtein.normalized_distance(got, ref),
                                           wrong, flagged and not field, flagged and field))
                if args.lines:
                    mark = "=" if got == ref else "≠"
                    print(f"{pdf.name:22} {kind:8} {name:16} {mark} {got}")
            if args.lines:
                print(f"{pdf.name:22} {kind:8} {'EXPECTED':16}   {refs[kind]}")
        for n in seconds:
            extra_ms[n].append(page_extra[n])

    n_pages = len(pdfs)
    print(f"\nSecond line reader vs Tesseract 'vie' — page 1 of {n_pages} real scans, {DPI} dpi")
    print("located (of %d): " % n_pages + ", ".join(f"{k} {v}" for k, v in located.items()))
    print(f"{'reader':18} {'line':8} {'n':>3} {'exact':>6} {'field':>6} {'wrong':>6} {'flag':>5} "
          f"{'CER':>7} {'ms/line':>8}")
    for name in names:
        for kind in LINE_TYPES:
            r = rows[(name, kind)]
            if not r:
                continue
            ex, fi = sum(x[0] for x in r), sum(x[1] for x in r)
            wr, fl = sum(x[3] for x in r), sum(x[4] for x in r)
            fi -= sum(x[5] for x in r)  # a flagged value is not counted right
            cer = sum(x[2] for x in r) / len(r)
            ms = statistics.mean(times[(name, kind)]) if times[(name, kind)] else float("nan")
            dash = kind == "subject"
            print(f"{name:18} {kind:8} {len(r):3d} {ex:6d} {fi:6d} {'-' if dash else wr:>6} "
                  f"{'-' if dash else fl + sum(x[5] for x in r):>5} {cer:7.3f} {ms:8.0f}")
    print("\nms/line: tesseract = page pass / lines on the page (amortised); tess-psm7 and the "
          "second readers = reading the one line crop; combo = both (number/date lines).")
    tp = statistics.mean(page_ms)
    print(f"Tesseract page pass: {tp:.0f} ms/page (mean{', partly from cache' if cached_any else ''})")
    for n in seconds:
        print(f"{n}: {statistics.mean(chunk_ms[n]):.0f} ms/chunk, {statistics.mean(sum((times[(n, k)] for k in LINE_TYPES), [])):.0f} ms/line; "
              f"extra per page for the located lines {statistics.mean(extra_ms[n]):.0f} ms "
              f"({100 * statistics.mean(extra_ms[n]) / tp:.1f}% of the page pass)")
        print("  combo decisions: " + ", ".join(f"{k} {v}" for k, v in sorted(how_counts[n].items())))
    print("exact: line text equals the label's line; field: parsed number/date equals the label "
          "(subject: same as exact); wrong: a number/date parsed from the line that differs from "
          "the label and is not flagged; flag: combo lines where both readers parse but disagree "
          "(a pipeline would leave the field for review; not counted in field or wrong); "
          "CER: mean normalised Levenshtein distance.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
