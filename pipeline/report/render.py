"""The review site of a run: ``write_report(run_dir)`` → ``run_dir/report/index.html``.

``index.html`` lists the run's documents (type, number, date, issuer, status, warnings, OCR)
with filters (inline vanilla JS, works offline) and the chart of open deadlines;
``docs/<id>.html`` shows one document: its normalised text with each extracted field marked
at its provenance span (displaCy), the page images, the record as a table (field, value,
page, span, confidence), its warnings and its tables. Documents are untrusted input: every
text is escaped.

The normalised text comes from what the run saved: ``RUN_DIR/readings/<doc_id>/reading.json``
(``pipeline.extract.reading``, with the page images beside it), else the older
``RUN_DIR/texts/<doc_id>.txt``. Only when neither is there (a run of an older version) is the
source file read again (``pipeline.extract.load_document``: OCR'd again, if a scan); when
the file has changed since the run (another sha256) the text is shown without marks.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pipeline.extract import load_document, load_reading, page_image_path
from pipeline.extract.paths import get_dotted
from pipeline.report.deadline_chart import deadline_chart_svg, open_deadlines
from pipeline.report.highlight import render_highlighted
from pipeline.text.errors import DispatchError

RECORDS_FILE = "records.jsonl"
TEXTS_DIR = "texts"

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:1.5rem;color:#1f2933}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#f3f4f6}tr.hidden{display:none}
.status-failed{color:#b91c1c;font-weight:bold}.status-partial{color:#b45309}
.filters{display:flex;gap:1rem;flex-wrap:wrap;margin:.8rem 0;align-items:center}
.text{white-space:pre-line;border:1px solid #d0d7de;padding:1rem;max-width:70rem;background:#fff}
.text .spans{white-space:pre-line;display:inline}
.warn{color:#b45309}.muted{color:#6b7280}
pre.json{white-space:pre-wrap;font-size:.8rem;background:#f8fafc;padding:.5rem;max-width:70rem}
.pages img{display:block;max-width:100%;width:48rem;height:auto;border:1px solid #d0d7de;margin:.5rem 0}
"""

FILTER_JS = """
(function(){
  var rows=[].slice.call(document.querySelectorAll('#documents tbody tr'));
  var q=document.getElementById('f-text'),t=document.getElementById('f-type'),
      s=document.getElementById('f-status'),o=document.getElementById('f-ocr'),
      w=document.getElementById('f-warn'),n=document.getElementById('shown');
  function apply(){
    var text=q.value.trim().toLowerCase(),shown=0;
    rows.forEach(function(r){
      var ok=(!text||r.dataset.search.indexOf(text)>=0)&&(!t.value||r.dataset.type===t.value)
        &&(!s.value||r.dataset.status===s.value)&&(!o.value||r.dataset.ocr===o.value)
        &&(!w.checked||r.dataset.warnings!=='0');
      r.classList.toggle('hidden',!ok);if(ok){shown++;}
    });
    n.textContent=shown;
  }
  // filters can be preset in the address: index.html#type=cong_van&status=ok&ocr=no&warn=1&q=1452
  location.hash.replace(/^#/,'').split('&').forEach(function(kv){
    var p=kv.split('='),k=p[0],v=decodeURIComponent(p[1]||'');
    if(k==='q'){q.value=v;}else if(k==='type'){t.value=v;}else if(k==='status'){s.value=v;}
    else if(k==='ocr'){o.value=v;}else if(k==='warn'){w.checked=v==='1';}
  });
  [q,t,s,o,w].forEach(function(el){el.addEventListener('input',apply);el.addEventListener('change',apply);});
  apply();
})();
"""


@dataclass
class DocumentText:
    """The normalised text of a record's document, or why it is missing."""

    text: str | None
    note: str | None = None
    exact: bool = True  # False: the source changed, provenance spans do not apply
    images: tuple[Path, ...] = ()  # the saved page images, in page order


def page_name(record: Mapping[str, Any]) -> str:
    return f"{str(record.get('doc_id') or 'unknown')[:16]}.html"


def read_records(run_dir: Path) -> list[dict[str, Any]]:
    return list(iter_records(run_dir))


def iter_records(run_dir: Path) -> Iterator[dict[str, Any]]:
    """The records of ``run_dir/records.jsonl`` one at a time (a dataset may hold many)."""
    with open(run_dir / RECORDS_FILE, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def document_text(record: Mapping[str, Any], run_dir: Path) -> DocumentText:
    """The text the record's offsets refer to (saved by the run, or re-read from the file)."""
    doc_id = str(record.get("doc_id") or "")
    reading = load_reading(run_dir, doc_id)
    if reading is not None:
        images = (page_image_path(run_dir, doc_id, p.page) for p in reading.pages if p.image)
        return DocumentText(reading.text, images=tuple(p for p in images if p is not None))
    saved = run_dir / TEXTS_DIR / f"{doc_id}.txt"
    if doc_id and saved.is_file():
        return DocumentText(saved.read_text(encoding="utf-8"))
    src = (record.get("source") or {}).get("path")
    if not src:
        return DocumentText(None, "no source path in the record")
    # a relative path is relative to where the run started: usually here, or beside RUN_DIR
    candidates = [Path(src)] + ([run_dir / src, run_dir.parent / src]
                                if not Path(src).is_absolute() else [])
    path = next((p for p in candidates if p.is_file()), None)
    if path is None:
        return DocumentText(None, f"source file {src} not found")
    try:
        doc = load_document(path)
    except DispatchError as exc:
        return DocumentText(None, str(exc))
    if doc.sha256 and doc_id and doc.sha256 != doc_id:
        return DocumentText(doc.text, f"{src} changed since the run: fields are not marked",
                            exact=False)
    return DocumentText(doc.text)


def _value_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """``(dotted path, scalar)`` pairs of a record, skipping nulls and empty lists."""
    if isinstance(value, Mapping):
        out = []
        for k, v in value.items():
            out.extend(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list):
        out = []
        for i, v in enumerate(value):
            out.extend(flatten(v, f"{prefix}.{i}"))
        return out
    if value is None:
        return []
    return [(prefix, value)]


def provenance_of(path: str, provenance: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The provenance of a dotted path or of its nearest parent (``number.raw`` → ``number``)."""
    parts = path.split(".")
    while parts:
        hit = provenance.get(".".join(parts))
        if hit:
            return hit
        parts.pop()
    return None


RECORD_TABLE_SKIP = ("doc_id", "provenance", "warnings", "tables", "error", "pipeline_version")


def record_table(record: Mapping[str, Any]) -> str:
    provenance = record.get("provenance") or {}
    rows = []
    for key in record:
        if key in RECORD_TABLE_SKIP:
            continue
        for path, value in flatten(record[key], key):
            prov = provenance_of(path, provenance) if key != "source" else None
            page = span = conf = ""
            if prov:
                page = _value_text(prov.get("page", ""))
                span = f"{prov.get('start')}–{prov.get('end')}"
                conf = f"{float(prov.get('confidence', 1.0)):.2f}"
            rows.append(f"<tr><td>{escape(path)}</td><td>{escape(_value_text(value))}</td>"
                        f"<td>{escape(page)}</td><td>{escape(span)}</td><td>{escape(conf)}</td></tr>")
    return ('<table class="record"><thead><tr><th>field</th><th>value</th><th>page</th>'
            '<th>span</th><th>confidence</th></tr></thead><tbody>' + "".join(rows)
            + "</tbody></table>")


def warnings_html(record: Mapping[str, Any]) -> str:
    items = record.get("warnings") or []
    if record.get("error"):
        items = [{"code": "error", "message": record["error"]}] + list(items)
    if not items:
        return '<p class="muted">No warnings.</p>'
    lis = []
    for w in items:
        where = " ".join(x for x in (f"field {w['field']}" if w.get("field") else "",
                                     f"page {w['page']}" if w.get("page") else "") if x)
        lis.append(f'<li class="warn"><b>{escape(str(w.get("code", "")))}</b>'
                   f'{" (" + escape(where) + ")" if where else ""}: '
                   f'{escape(str(w.get("message", "")))}</li>')
    return "<ul>" + "".join(lis) + "</ul>"


def tables_html(record: Mapping[str, Any]) -> str:
    tables = record.get("tables") or []
    if not tables:
        return '<p class="muted">No tables.</p>'
    out = []
    for t in tables:
        columns = list(t.get("columns") or [])
        rows = t.get("rows") or []
        extra = [k for r in rows if isinstance(r, Mapping) for k in r if k not in columns]
        columns += list(dict.fromkeys(extra))  # e.g. "section" from merged section rows
        pages = f"pages {t.get('page_start')}–{t.get('page_end')}" if t.get("page_start") else ""
        out.append(f"<h3>{escape(str(t.get('title') or '(untitled table)'))}</h3>")
        if t.get("attached_to") or pages:
            out.append(f'<p class="muted">{escape(str(t.get("attached_to") or ""))} '
                       f'{escape(pages)}</p>')
        head = "".join(f"<th>{escape(str(c))}</th>" for c in columns)
        body = []
        for r in rows:
            cells = ([r.get(c) for c in columns] if isinstance(r, Mapping) else list(r))
            body.append("<tr>" + "".join(f"<td>{escape('' if c is None else str(c))}</td>"
                                         for c in cells) + "</tr>")
        out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    return "".join(out)


def _page(title: str, body: str, script: str = "") -> str:
    return ("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head><body>{body}"
            + (f"<script>{script}</script>" if script else "") + "</body></html>\n")


def pages_html(hrefs: list[str]) -> str:
    """The page images (links relative to the document page, so the site can move with its run)."""
    if not hrefs:
        return ""
    links = [escape(quote(h)) for h in hrefs]
    images = "".join(f'<a href="{h}"><img src="{h}" loading="lazy" alt="page {i}"></a>'
                     for i, h in enumerate(links, start=1))
    return (f'<details class="pages"><summary>Page images ({len(hrefs)})</summary>'
            f"{images}</details>")


def document_page(record: Mapping[str, Any], text: DocumentText,
                  image_hrefs: list[str] | None = None) -> str:
    name = Path(str(get_dotted(record, "source.path") or "?")).name
    number = get_dotted(record, "number.raw") or "—"
    status = str(record.get("status") or "")
    parts = ['<p><a href="../index.html">← all documents</a></p>',
             f"<h1>{escape(name)}</h1>",
             f'<p>{escape(str(record.get("doc_type") or "?"))} · <b>{escape(str(number))}</b> · '
             f'{escape(str(record.get("issued_date") or "?"))} · '
             f'<span class="status-{escape(status)}">{escape(status)}</span></p>',
             "<h2>Text</h2>"]
    if text.note:
        parts.append(f'<p class="warn">{escape(text.note)}</p>')
    if text.text is not None:
        provenance = record.get("provenance") or {} if text.exact else {}
        parts.append(f'<div class="text">{render_highlighted(text.text, provenance)}</div>')
    parts.append(pages_html(image_hrefs or []))
    parts += ["<h2>Record</h2>", record_table(record),
              "<h2>Warnings</h2>", warnings_html(record),
              "<h2>Tables</h2>", tables_html(record),
              "<h2>JSON</h2><details><summary>record</summary>"
              f'<pre class="json">{escape(json.dumps(record, ensure_ascii=False, indent=1))}</pre>'
              "</details>"]
    return _page(f"{name} — {number}", "".join(parts))


def _options(values: list[str]) -> str:
    return "".join(f'<option value="{escape(v)}">{escape(v)}</option>' for v in sorted(set(values)))


@dataclass(frozen=True)
class IndexRow:
    """A record's row of the index: its HTML, and what the filters offer."""

    html: str
    doc_type: str | None
    status: str | None


def index_row(rec: Mapping[str, Any]) -> IndexRow:
    src = Path(str(get_dotted(rec, "source.path") or "?")).name
    issuer = get_dotted(rec, "issuer.name") or ""
    cells = [src, rec.get("doc_type") or "", get_dotted(rec, "number.raw") or "",
             rec.get("issued_date") or "", issuer, rec.get("status") or ""]
    ocr = "yes" if get_dotted(rec, "source.ocr") else "no"
    n_warn = len(rec.get("warnings") or []) + (1 if rec.get("error") else 0)
    search = " ".join(str(c) for c in cells + [rec.get("subject") or ""]).lower()
    link = f'<a href="docs/{escape(page_name(rec))}">{escape(src)}</a>'
    tds = [link] + [escape(str(c)) for c in cells[1:5]]
    html = (f'<tr data-type="{escape(str(rec.get("doc_type") or ""))}" '
            f'data-status="{escape(str(rec.get("status") or ""))}" data-ocr="{ocr}" '
            f'data-warnings="{n_warn}" data-search="{escape(search)}">'
            + "".join(f"<td>{t}</td>" for t in tds)
            + f'<td class="status-{escape(str(rec.get("status") or ""))}">'
              f'{escape(str(rec.get("status") or ""))}</td><td>{n_warn}</td><td>{ocr}</td></tr>')
    return IndexRow(html, rec.get("doc_type"), rec.get("status"))


def index_page(records: Iterable[Mapping[str, Any] | IndexRow], chart_svg: str,
               title: str) -> str:
    """The list of documents (records, or their ``index_row``s) and the deadline chart."""
    records = [r if isinstance(r, IndexRow) else index_row(r) for r in records]
    rows = [r.html for r in records]
    filters = (
        '<div class="filters">'
        '<label>Search <input id="f-text" type="search" placeholder="file, number, subject…"></label>'
        f'<label>Type <select id="f-type"><option value="">all</option>'
        f'{_options([str(r.doc_type) for r in records if r.doc_type])}</select></label>'
        f'<label>Status <select id="f-status"><option value="">all</option>'
        f'{_options([str(r.status) for r in records if r.status])}</select></label>'
        '<label>OCR <select id="f-ocr"><option value="">all</option><option value="yes">yes</option>'
        '<option value="no">no</option></select></label>'
        '<label><input id="f-warn" type="checkbox"> with warnings</label>'
        f'<span><span id="shown">{len(records)}</span> of {len(records)} shown</span></div>')
    body = (f"<h1>{escape(title)}</h1>"
            f"<h2>Documents</h2>{filters}"
            '<table id="documents"><thead><tr><th>file</th><th>type</th><th>number</th>'
            '<th>date</th><th>issuer</th><th>status</th><th>warnings</th><th>OCR</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>'
            f'<h2>What is due</h2><div class="chart">{chart_svg}</div>')
    return _page(title, body, FILTER_JS)


def write_report(run_dir: str | Path, out_dir: str | Path | None = None,
                 today: dt.date | None = None,
                 records: list[dict[str, Any]] | None = None) -> Path:
    """Write the review site of ``run_dir`` (its ``records.jsonl``); returns ``index.html``.

    ``out_dir`` defaults to ``run_dir/report``; ``today`` (default: the current date) decides
    which deadlines are overdue; ``records`` may be passed instead of reading the file.
    The file is read a record at a time (twice: pages, then deadlines), so memory is that of
    one record and of the index's rows, whatever the size of the dataset.
    """
    run_dir = Path(run_dir)
    out = Path(out_dir) if out_dir else run_dir / "report"

    def each_record() -> Iterable[Mapping[str, Any]]:
        return records if records is not None else iter_records(run_dir)

    today = today or dt.date.today()
    (out / "docs").mkdir(parents=True, exist_ok=True)
    docs = (out / "docs").resolve()
    rows = []
    for rec in each_record():
        text = document_text(rec, run_dir)
        hrefs = [os.path.relpath(p, docs).replace(os.sep, "/") for p in text.images]
        page = document_page(rec, text, hrefs)
        (out / "docs" / page_name(rec)).write_text(page, encoding="utf-8")
        rows.append(index_row(rec))
    items, undated = open_deadlines(each_record())
    index = out / "index.html"
    index.write_text(index_page(rows, deadline_chart_svg(items, today, undated),
                                f"Dispatches review — {run_dir.name or run_dir.resolve().name}"),
                     encoding="utf-8")
    return index
