"""Field-by-field evaluation of records against hand-written gold files (đánh giá).

A gold file (``GOLD_DIR/<anything>.json``) has the shape of ``../shared/gold/*.json``: the
key ``file`` names the source file; the other keys are the expected values of the record
fields they name. A key that is absent is not scored; a key whose gold value is ``null``
asks for a null (or empty) answer.

Every check yields one *score* in [0, 1] (as the shared scorer does: scalar fields 1 or 0
after normalisation, list fields set F1) and counts of true positives, false positives and
false negatives, from which each field gets micro precision, recall and F1. The overall
score is the mean of all check scores, the shared scorer's figure (except that a record with
``status: failed`` scores 0 on the ``record`` check, where the shared scorer counts it present).

    >>> report = evaluate(load_gold_dir(Path("samples/expected")), records)
    >>> report.overall, report.fields["signer.name"].f1
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.extract.paths import get_dotted
from pipeline.text.keys import tone_key

SCALAR_FIELDS = (
    "doc_type", "number.raw", "number.number", "number.type_code", "number.issuer_code",
    "number.unit_code", "issuer.name", "place", "issued_date", "subject", "urgency",
    "confidentiality", "signer.name", "signer.title", "signer.authority", "signer.on_behalf_of",
)


def norm_text(value: Any) -> str | None:
    """Compare-form of a text: NFC, lower case, one space, dashes and tone placement unified."""
    if value is None:
        return None
    s = tone_key(str(value).replace("**", "").replace("\u00a0", " "))
    s = re.sub(r"\s*[-\u2013\u2014]\s*", "-", s)
    s = re.sub(r"\s+", " ", s).strip()
    s = re.sub(r"^[-+•*]\s*", "", s)
    s = s.rstrip(" ;,.:")
    return s or None


def norm_number(value: Any) -> str | None:
    """Compare-form of a number and symbol (số, ký hiệu): no spaces, upper case."""
    if value is None:
        return None
    s = re.sub(r"\s+", "", unicodedata.normalize("NFC", str(value))).upper()
    return s or None


@dataclass(frozen=True)
class Check:
    """One scored comparison for one document and field."""

    file: str
    field: str
    score: float
    tp: int
    fp: int
    fn: int
    detail: str = ""


@dataclass
class FieldScore:
    """All checks of one field: mean score and micro precision/recall/F1."""

    field: str
    n: int = 0
    score_sum: float = 0.0
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, check: Check) -> None:
        self.n += 1
        self.score_sum += check.score
        self.tp, self.fp, self.fn = self.tp + check.tp, self.fp + check.fp, self.fn + check.fn

    @property
    def score(self) -> float:
        return self.score_sum / self.n if self.n else 0.0

    @property
    def precision(self) -> float:
        # nothing predicted: no false claim was made
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"n": self.n, "score": round(self.score, 4), "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class EvalReport:
    fields: dict[str, FieldScore] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)

    @property
    def overall(self) -> float:
        """Mean of every check's score (the shared scorer's "overall")."""
        return sum(c.score for c in self.checks) / len(self.checks) if self.checks else 0.0

    @property
    def micro(self) -> FieldScore:
        total = FieldScore("all")
        for c in self.checks:
            total.add(c)
        return total

    @property
    def misses(self) -> list[Check]:
        return [c for c in self.checks if c.score < 1.0]

    def as_dict(self) -> dict[str, Any]:
        micro = self.micro
        return {"overall": round(self.overall, 4),
                "micro": {"precision": round(micro.precision, 4), "recall": round(micro.recall, 4),
                          "f1": round(micro.f1, 4)},
                "fields": {name: fs.as_dict() for name, fs in self.fields.items()},
                "misses": [[c.file, c.field, round(c.score, 4), c.detail] for c in self.misses]}


def _scalar_check(name: str, fld: str, want: Any, got: Any) -> Check:
    if fld == "number.raw":
        want_n, got_n = norm_number(want), norm_number(got)
    elif fld == "number.number":
        want_n = None if want is None else str(want)
        got_n = None if got in (None, "") else str(got)
    else:
        want_n, got_n = norm_text(want), norm_text(got)
    ok = want_n == got_n
    tp = int(ok and want_n is not None)
    fp = int(not ok and got_n is not None)
    fn = int(not ok and want_n is not None)
    return Check(name, fld, 1.0 if ok else 0.0, tp, fp, fn, f"want {want!r} got {got!r}")


def _set_check(name: str, fld: str, want: set, got: set, detail: str | None = None) -> Check:
    tp, fp, fn = len(want & got), len(got - want), len(want - got)
    if not want and not got:
        score = 1.0
    elif tp == 0:
        score = 0.0
    else:
        p, r = tp / len(got), tp / len(want)
        score = 2 * p * r / (p + r)
    if detail is None:
        detail = f"missing {sorted(want - got)} extra {sorted(got - want)}"
    return Check(name, fld, score, tp, fp, fn, detail)


def _hit(name: str, fld: str, hit: bool, detail: str) -> Check:
    return Check(name, fld, 1.0 if hit else 0.0, int(hit), 0, int(not hit), detail)


def _row_text(row: Any) -> str:
    if isinstance(row, Mapping):
        cells: Iterable[Any] = row.values()
    elif isinstance(row, (list, tuple)):
        cells = row
    else:
        cells = [row]
    return norm_text(" | ".join("" if c is None else str(c) for c in cells)) or ""


def _score_scalars(name: str, gold: Mapping[str, Any], record: Mapping[str, Any]) -> Iterator[Check]:
    """One check per scalar field the gold names (``signer.title`` only if gold has it)."""
    for fld in SCALAR_FIELDS:
        head, _, leaf = fld.partition(".")
        if head not in gold or (leaf and leaf not in (gold[head] or {})):
            continue
        yield _scalar_check(name, fld, get_dotted(gold, fld), get_dotted(record, fld))


def _score_issuer_contains(name: str, gold: Mapping[str, Any],
                           record: Mapping[str, Any]) -> Iterator[Check]:
    """``issuer_contains``: the words must occur in the issuer's name or its parent."""
    if "issuer_contains" not in gold:
        return
    want = norm_text(gold["issuer_contains"]) or ""
    got = norm_text(" ".join(str(get_dotted(record, k) or "")
                             for k in ("issuer.name", "issuer.parent"))) or ""
    ok = want in got
    yield Check(name, "issuer.contains", 1.0 if ok else 0.0, int(ok),
                int(not ok and bool(got)), int(not ok), f"want {want!r} in {got!r}")


def _score_addressees(name: str, gold: Mapping[str, Any],
                      record: Mapping[str, Any]) -> Iterator[Check]:
    """``recipients`` and ``cc``: set F1 of the normalised entries."""
    for fld in ("recipients", "cc"):
        if fld in gold:
            want = {norm_text(x) for x in gold[fld]} - {None}
            got = {norm_text(x) for x in (record.get(fld) or [])} - {None}
            yield _set_check(name, fld, want, got)


def _found_references(record: Mapping[str, Any], ignore: set) -> dict[str, Any]:
    """Normalised number → date of the record's references (first date wins)."""
    found: dict[str, Any] = {}
    for r in record.get("references") or []:
        n = norm_number(r.get("number"))
        if n and n not in ignore:
            found.setdefault(n, r.get("date"))
    return found


def _score_references(name: str, gold: Mapping[str, Any],
                      record: Mapping[str, Any]) -> Iterator[Check]:
    """Set F1 of the cited numbers, then the dates of those the gold dates and we found."""
    if "references" not in gold:
        return
    ignore = {norm_number(x) for x in gold.get("references_ignore", [])}
    want_refs = {norm_number(r["number"]): r.get("date") for r in gold["references"]}
    got_refs = _found_references(record, ignore)
    yield _set_check(name, "references", set(want_refs), set(got_refs))
    dated = [n for n, d in want_refs.items() if d and n in got_refs]
    if dated:
        wrong = [(n, want_refs[n], got_refs[n]) for n in dated
                 if str(got_refs[n] or "")[:10] != want_refs[n]]
        right = len(dated) - len(wrong)
        yield Check(name, "references.date", right / len(dated), right, len(wrong),
                    len(wrong), f"wrong {wrong}")


def _score_deadlines(name: str, gold: Mapping[str, Any],
                     record: Mapping[str, Any]) -> Iterator[Check]:
    """Due dates (set F1), recurring phrases and assignees (one hit check each)."""
    if "deadlines" not in gold:
        return
    spec = gold["deadlines"]
    found = record.get("deadlines") or []
    optional = set(spec.get("optional_due_dates", []))
    got_dates = {str(d.get("due_date"))[:10] for d in found if d.get("due_date")} - optional
    yield _set_check(name, "deadlines.due_dates", set(spec.get("due_dates", [])), got_dates)
    for phrase in spec.get("recurring_text", []):
        hit = any(d.get("kind") == "recurring"
                  and norm_text(phrase) in (norm_text(d.get("text")) or "") for d in found)
        yield _hit(name, "deadlines.recurring", hit, phrase)
    for item in spec.get("assignees", []):
        due, who = item["due_date"], norm_text(item["assignee_contains"]) or ""
        hit = any(str(d.get("due_date"))[:10] == due
                  and who in (norm_text(d.get("assignee")) or "") for d in found)
        yield _hit(name, "deadlines.assignee", hit, f"{due} {who}")


def _tables_matching(spec: Mapping[str, Any], tables: list) -> list:
    """The record's tables a gold table spec means: by title words or by column names."""
    if "title_contains" in spec:
        key = norm_text(spec["title_contains"]) or ""
        return [t for t in tables if key in (norm_text(t.get("title")) or "")]
    cols = [norm_text(c) for c in spec["columns_include"]]
    return [t for t in tables
            if all(any(c == norm_text(x) for x in (t.get("columns") or [])) for c in cols)]


def _score_table(name: str, spec: Mapping[str, Any], tables: list) -> Iterator[Check]:
    """One gold table: its row count, the rows it must contain, cells free of markup."""
    chosen = _tables_matching(spec, tables)
    rows = [_row_text(r) for t in chosen for r in (t.get("rows") or [])]
    label = spec.get("title_contains") or spec["columns_include"][0]
    want, got = spec["rows"], len(rows)
    yield Check(name, "tables.rows", max(0.0, 1 - abs(got - want) / want), min(got, want),
                max(0, got - want), max(0, want - got), f"{label}: want {want} rows got {got}")
    for check in spec.get("check_rows", []):
        parts = [norm_text(p) or "" for p in check]
        hit = any(all(p in r for p in parts) for r in rows)
        yield _hit(name, "tables.cells", hit, f"{label}: {check}")
    if spec.get("no_markup"):
        clean = bool(rows) and all("<" not in r for r in rows)
        yield Check(name, "tables.clean", 1.0 if clean else 0.0, int(clean),
                    int(not clean and bool(rows)), int(not rows), f"{label}: markup left in cells")


def _score_tables(name: str, gold: Mapping[str, Any], record: Mapping[str, Any]) -> Iterator[Check]:
    for spec in gold.get("tables", []):
        yield from _score_table(name, spec, record.get("tables") or [])


# the steps of ``score_document``, in the order their checks are reported
Step = Callable[[str, Mapping[str, Any], Mapping[str, Any]], Iterator[Check]]
DOCUMENT_STEPS: tuple[Step, ...] = (
    _score_scalars, _score_issuer_contains, _score_addressees, _score_references,
    _score_deadlines, _score_tables,
)


def score_document(gold: Mapping[str, Any], record: Mapping[str, Any]) -> Iterator[Check]:
    """Every check of one record against its gold file."""
    for step in DOCUMENT_STEPS:
        yield from step(gold["file"], gold, record)


def evaluate(golds: Iterable[Mapping[str, Any]], records: Iterable[Mapping[str, Any]]) -> EvalReport:
    """Score records (matched to gold by the base name of ``source.path``)."""
    by_name = {Path(get_dotted(r, "source.path") or "").name: r for r in records}
    report = EvalReport()

    def add(check: Check) -> None:
        report.checks.append(check)
        report.fields.setdefault(check.field, FieldScore(check.field)).add(check)

    for gold in golds:
        record = by_name.get(gold["file"])
        if record is None:
            add(Check(gold["file"], "record", 0.0, 0, 0, 1, "no record for this file"))
            continue
        failed = record.get("status") == "failed"
        add(Check(gold["file"], "record", 0.0 if failed else 1.0, int(not failed), 0, int(failed),
                  f"failed: {record.get('error')}" if failed else ""))
        for check in score_document(gold, record):
            add(check)
    return report


def load_gold_dir(gold_dir: Path) -> list[dict[str, Any]]:
    """Gold files of a folder, sorted by name; each must name its ``file``."""
    golds = []
    for path in sorted(Path(gold_dir).glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(gold, dict) or "file" not in gold:
            raise ValueError(f"{path}: not a gold file (no 'file' key)")
        golds.append(gold)
    return golds


def read_records_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()
            if line.strip()]


def format_table(report: EvalReport, misses: bool = False) -> str:
    """The report as a plain-text table (one row per field, then the overall figures)."""
    lines = []
    if misses:
        for c in report.misses:
            lines.append(f"miss  {c.file}  {c.field}  {c.score:.2f}  {c.detail[:300]}")
        lines.append("")
    lines.append(f"{'field':24s} {'n':>4s} {'score':>6s} {'P':>6s} {'R':>6s} {'F1':>6s}")
    for name, fs in report.fields.items():
        lines.append(f"{name:24s} {fs.n:4d} {fs.score:6.3f} {fs.precision:6.3f} "
                     f"{fs.recall:6.3f} {fs.f1:6.3f}")
    micro = report.micro
    lines.append(f"{'all (micro)':24s} {micro.n:4d} {report.overall:6.3f} {micro.precision:6.3f} "
                 f"{micro.recall:6.3f} {micro.f1:6.3f}")
    lines.append(f"overall {report.overall:.4f}")
    return "\n".join(lines)
