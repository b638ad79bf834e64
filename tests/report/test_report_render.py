"""The review site of a run: index with every document, one page per document."""
from __future__ import annotations

import re
from pathlib import Path

from fixtures.report_run import SAMPLE_FILES, TODAY, write_run

from pipeline.cli import main
from pipeline.report.render import (
    document_text, flatten, page_name, provenance_of, read_records, record_table, write_report,
)


def labels_on(page_html: str) -> set[str]:
    return set(re.findall(r'class="hl-label" data-label="([^"]+)"', page_html))


def test_index_lists_every_document_with_a_page(samples_run):
    run_dir, records, index = samples_run
    html = index.read_text(encoding="utf-8")
    assert index == run_dir / "report" / "index.html"
    for path, rec in zip(SAMPLE_FILES, records):
        assert path.name in html
        assert f'href="docs/{page_name(rec)}"' in html
        assert (index.parent / "docs" / page_name(rec)).is_file()
    assert html.count("<tr data-type=") == len(SAMPLE_FILES)
    assert 'class="deadline-chart"' in html
    # works offline: no CDN, no external script or style
    local = html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "http://" not in local and "https://" not in local and "<script src" not in local


def test_document_pages_mark_number_date_subject_and_signer(samples_run):
    run_dir, records, index = samples_run
    for rec in records:
        page = (index.parent / "docs" / page_name(rec)).read_text(encoding="utf-8")
        assert {"number", "issued_date", "subject", "signer"} <= labels_on(page), \
            rec["source"]["path"]
        assert "<h2>Record</h2>" in page and "<h2>Warnings</h2>" in page


def test_record_table_gives_page_span_and_confidence():
    rec = {"doc_id": "x", "number": {"raw": "7/CĐ-UBND", "number": 7},
           "recipients": ["Sở A", "Sở B"],
           "provenance": {"number": {"page": 2, "start": 10, "end": 19, "confidence": 0.97},
                          "recipients.1": {"page": 1, "start": 40, "end": 44}}}
    html = record_table(rec)
    assert "<td>number.raw</td><td>7/CĐ-UBND</td><td>2</td><td>10–19</td><td>0.97</td>" in html
    assert "<td>recipients.1</td><td>Sở B</td><td>1</td><td>40–44</td><td>1.00</td>" in html
    assert "<td>recipients.0</td><td>Sở A</td><td></td><td></td><td></td>" in html


def test_flatten_and_provenance_lookup():
    assert flatten({"a": {"b": 1, "c": None}, "d": [{"e": "x"}], "f": []}) == [("a.b", 1), ("d.0.e", "x")]
    prov = {"references.0": {"start": 1}}
    assert provenance_of("references.0.number", prov) == {"start": 1}
    assert provenance_of("references.1.number", prov) is None


def test_tables_and_warnings_are_shown(samples_run):
    run_dir, records, index = samples_run
    rec = dict(records[0])
    rec["warnings"] = [{"code": "needs_review", "message": "số <b>?</b>", "field": "number"}]
    rec["tables"] = [{"title": "Phụ lục 01", "columns": ["STT", "Đơn vị"],
                      "rows": [{"STT": "1", "Đơn vị": "Sở <i>Y tế</i>", "section": "I. KHỐI SỞ"}]}]
    out = write_report(run_dir, run_dir / "custom", today=TODAY, records=[rec])
    page = (out.parent / "docs" / page_name(rec)).read_text(encoding="utf-8")
    assert "needs_review" in page and "số &lt;b&gt;?&lt;/b&gt;" in page
    assert "<th>section</th>" in page and "<td>I. KHỐI SỞ</td>" in page
    assert "Sở &lt;i&gt;Y tế&lt;/i&gt;" in page


def test_hostile_document_text_is_escaped(tmp_path):
    src = tmp_path / "evil.txt"
    src.write_text("UBND TỈNH X\nSố: 5/UBND-VP\nV/v <script>alert(1)</script> thử\n"
                   "X, ngày 01 tháng 02 năm 2024\nKính gửi: <img src=x onerror=alert(2)>.\n",
                   encoding="utf-8")
    run = tmp_path / "run"
    records = write_run(run, [src])
    index = write_report(run, today=TODAY)
    for page in [index, index.parent / "docs" / page_name(records[0])]:
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html


def test_text_saved_by_the_run_is_preferred_and_a_changed_source_is_flagged(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text(SAMPLE_FILES[0].read_text(encoding="utf-8"), encoding="utf-8")
    run = tmp_path / "run"
    [rec] = write_run(run, [src])
    assert document_text(rec, run).exact and document_text(rec, run).text
    (run / "texts").mkdir()
    (run / "texts" / f"{rec['doc_id']}.txt").write_text("saved text", encoding="utf-8")
    assert document_text(rec, run).text == "saved text"
    (run / "texts" / f"{rec['doc_id']}.txt").unlink()
    src.write_text("changed", encoding="utf-8")
    changed = document_text(rec, run)
    assert not changed.exact and "changed since the run" in changed.note
    src.unlink()
    assert "not found" in document_text(rec, run).note


def test_failed_record_gets_a_page_with_its_error(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    run = tmp_path / "run"
    [rec] = write_run(run, [empty])
    index = write_report(run, today=TODAY)
    page = (index.parent / "docs" / page_name(rec)).read_text(encoding="utf-8")
    assert rec["status"] == "failed" and "empty file" in page
    assert 'data-status="failed"' in index.read_text(encoding="utf-8")


def test_report_command(samples_run, tmp_path, capsys):
    run_dir, records, _ = samples_run
    out = tmp_path / "site"
    assert main(["report", str(run_dir), "--out", str(out), "--today", "2024-04-01"]) == 0
    assert Path(capsys.readouterr().out.strip()) == out / "index.html"
    assert len(read_records(run_dir)) == len(records)
    assert main(["report", str(tmp_path)]) == 2
    assert "no records.jsonl" in capsys.readouterr().err
    assert main(["report", str(run_dir), "--today", "tomorrow"]) == 2
