"""Field-by-field scoring (``pipeline.evaluate``) and the ``dispatches eval`` command."""
from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.evaluate import evaluate, load_gold_dir, norm_number, norm_text, read_records_jsonl

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "samples"
EXPECTED = SAMPLES / "expected"
# the command tests read the text samples only: the scans would need OCR (seconds a page)
TEXT_SAMPLES = [str(p) for p in sorted(SAMPLES.iterdir()) if p.suffix in {".md", ".txt"}]


def rec(file="a.txt", **fields):
    return {"doc_id": "x", "status": "ok", "source": {"path": f"in/{file}"}, **fields}


def field(report, name):
    return report.fields[name]


@pytest.mark.parametrize("a, b", [
    # case and spaces
    ("Phó Chủ tịch", "PHÓ  CHỦ TỊCH"),
    # old and new tone placement
    ("Ủy ban nhân dân tỉnh Khánh Hoà", "ủy ban nhân dân tỉnh khánh hòa"),
    # dashes and spaces around them
    ("giai đoạn 2024 - 2026", "giai đoạn 2024–2026"),
    # list bullet and trailing punctuation
    ("- Lưu: VT, NV.", "Lưu: VT, NV"),
    # NFD input
    (unicodedata.normalize("NFD", "Sở Nội vụ"), "Sở Nội vụ"),
])
def test_norm_text_equates_spelling_variants(a, b):
    assert norm_text(a) == norm_text(b)


def test_norm_text_keeps_different_words_apart():
    assert norm_text("Chủ tịch") != norm_text("Phó Chủ tịch")


def test_norm_number_ignores_spaces_and_case():
    assert norm_number("7338 /UBND-SNV") == norm_number("7338/ubnd-snv")


def test_scalar_fields_count_true_and_false_positives():
    golds = [{"file": "a.txt", "place": "Cần Thơ", "urgency": None, "subject": "X"},
             {"file": "b.txt", "place": "Huế", "urgency": None, "subject": "Y"}]
    records = [rec("a.txt", place="cần thơ", urgency="khan", subject=None),
               rec("b.txt", place="Hà Nội", urgency=None, subject="Y")]
    report = evaluate(golds, records)
    place = field(report, "place")
    assert (place.tp, place.fp, place.fn, place.score) == (1, 1, 1, 0.5)
    # a value where the gold says null is a false positive, never a true one
    urgency = field(report, "urgency")
    assert (urgency.tp, urgency.fp, urgency.fn) == (0, 1, 0)
    assert urgency.precision == 0.0 and urgency.score == 0.5
    subject = field(report, "subject")
    assert (subject.precision, subject.recall) == (1.0, 0.5)


def test_nested_key_absent_from_gold_is_not_scored():
    report = evaluate([{"file": "a.txt", "signer": {"name": "Lê Văn A"}}],
                      [rec("a.txt", signer={"name": "Lê Văn A", "title": "Giám đốc"})])
    assert "signer.title" not in report.fields
    assert field(report, "signer.name").f1 == 1.0


def test_list_fields_score_set_f1_with_micro_counts():
    gold = {"file": "a.txt", "cc": ["Như trên", "Sở Nội vụ", "Lưu: VT, SNV"]}
    report = evaluate([gold], [rec("a.txt", cc=["- Như trên;", "Lưu: VT, SNV.", "Sở Tài chính"])])
    cc = field(report, "cc")
    assert (cc.tp, cc.fp, cc.fn) == (2, 1, 1)
    assert cc.score == pytest.approx(2 / 3)


def test_references_ignore_own_number_and_check_dates():
    gold = {"file": "a.txt", "references_ignore": ["12/KH-UBND"],
            "references": [{"number": "1/QĐ-UBND", "date": "2024-01-02"},
                           {"number": "2/TB-UBND", "date": "2024-02-03"}]}
    got = [{"raw": "", "number": "12/KH-UBND", "date": None},
           {"raw": "", "number": "1 /QĐ-UBND", "date": "2024-01-02"},
           {"raw": "", "number": "2/TB-UBND", "date": "2024-03-02"}]
    report = evaluate([gold], [rec("a.txt", references=got)])
    assert field(report, "references").f1 == 1.0
    assert field(report, "references.date").score == 0.5


def test_deadlines_due_dates_recurring_and_assignees():
    gold = {"file": "a.txt", "deadlines": {
        "due_dates": ["2024-03-25"], "optional_due_dates": ["2024-06-30"],
        "recurring_text": ["trước ngày 18 hằng tháng"],
        "assignees": [{"due_date": "2024-03-25", "assignee_contains": "Sở Tài chính"}]}}
    found = [{"kind": "absolute", "due_date": "2024-03-25T17:00", "assignee": "Giao Sở Tài chính",
              "text": "…"},
             {"kind": "absolute", "due_date": "2024-06-30", "text": "optional: not penalised"},
             {"kind": "recurring", "due_date": None, "recurrence": "monthly:18",
              "text": "báo cáo trước ngày 18 hằng tháng."}]
    report = evaluate([gold], [rec("a.txt", deadlines=found)])
    assert field(report, "deadlines.due_dates").f1 == 1.0
    assert field(report, "deadlines.recurring").score == 1.0
    assert field(report, "deadlines.assignee").score == 1.0
    report = evaluate([gold], [rec("a.txt", deadlines=[])])
    assert field(report, "deadlines.recurring").recall == 0.0


def test_tables_rows_cells_and_markup():
    gold = {"file": "a.txt", "tables": [{"title_contains": "Phụ lục", "rows": 4, "no_markup": True,
                                         "check_rows": [["1", "Sở Tư pháp"], ["9", "Sở Y tế"]]}]}
    table = {"title": "Phụ lục 01", "columns": ["STT", "Đơn vị"],
             "rows": [{"STT": "1", "Đơn vị": "Sở Tư pháp"}, {"STT": "2", "Đơn vị": "<i>x</i>"}]}
    report = evaluate([gold], [rec("a.txt", tables=[table])])
    assert field(report, "tables.rows").score == 0.5
    assert (field(report, "tables.rows").tp, field(report, "tables.rows").fn) == (2, 2)
    assert field(report, "tables.cells").score == 0.5
    assert field(report, "tables.clean").score == 0.0


def test_missing_and_failed_records_score_zero():
    golds = [{"file": "a.txt", "place": "Huế"}, {"file": "b.txt", "place": "Huế"}]
    report = evaluate(golds, [rec("b.txt", status="failed", error="b.txt: empty file")])
    assert field(report, "record").score == 0.0
    assert {c.file for c in report.misses} == {"a.txt", "b.txt"}


def test_overall_is_the_mean_of_all_checks():
    report = evaluate([{"file": "a.txt", "place": "Huế", "subject": "X"}],
                      [rec("a.txt", place="Huế", subject="Z")])
    assert report.overall == pytest.approx(2 / 3)  # record present, place right, subject wrong


def test_scores_match_the_shared_scorer_on_the_seeds(shared_dir, tmp_path):
    """Our reimplementation gives the shared scorer's overall figure on real documents."""
    records = tmp_path / "seeds.jsonl"
    assert main(["extract", str(shared_dir / "seeds"), "--out", str(records)]) == 0
    out = subprocess.run([sys.executable, str(shared_dir / "eval" / "score.py"),
                          str(shared_dir / "gold"), str(records), "--json"],
                         capture_output=True, text=True, check=True)
    theirs = json.loads(out.stdout)
    ours = evaluate(load_gold_dir(shared_dir / "gold"), read_records_jsonl(records))
    assert ours.overall == pytest.approx(theirs["overall"])
    for name, value in theirs["fields"].items():
        assert ours.fields[name].score == pytest.approx(value), name


def test_eval_command_prints_a_table_and_json(tmp_path, capsys):
    assert main(["eval", str(EXPECTED), *TEXT_SAMPLES]) == 0
    out = capsys.readouterr().out
    assert "signer.name" in out and "F1" in out and "overall " in out
    assert main(["eval", str(EXPECTED), *TEXT_SAMPLES, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["fields"]["issued_date"]) >= {"precision", "recall", "f1", "n"}
    assert data["fields"]["record"]["n"] == len(list(EXPECTED.glob("*.json")))


def test_eval_command_reads_a_records_file_and_enforces_min(tmp_path, capsys):
    records = tmp_path / "records.jsonl"
    assert main(["extract", *TEXT_SAMPLES, "--out", str(records)]) == 0
    assert main(["eval", str(EXPECTED), str(records), "--min", "1.01"]) == 1
    assert "below --min" in capsys.readouterr().err


def test_eval_command_rejects_a_missing_gold_folder(tmp_path, capsys):
    assert main(["eval", str(tmp_path / "nope"), *TEXT_SAMPLES]) == 2
    assert "not a folder of gold files" in capsys.readouterr().err
