"""Duplicates, reference links and agencies are recomputed only for what a batch touches:
after every batch they must equal what the rules give over the whole dataset.

The oracle below is the loader's former whole-dataset refresh, in Python (Decree 30: số +
ký hiệu + issuer identify a document; the first by issued date, path, doc_id is the
document; a reference links to the one live non-duplicate document with its số/ký hiệu
whose date and issuer do not disagree). Batches come in a random (seeded) order, with
reloads that change a document's number, edited files (another document at the same
path), failed documents, partial dates, citations with and without date and issuer.
"""
from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter, defaultdict

import pytest

from fixtures.records import dispatch_record, failed_dispatch
from pipeline.load.flatten import agency_key, number_key
from schemas import Reference

NUMBERS = ["7/UBND-VP", "7/ubnd-vp", "8/UBND-VP", "9/UBND-SNV", "10/UBND-VP"]
ISSUERS = ["Ủy ban nhân dân tỉnh Nghệ An", "UỶ BAN NHÂN DÂN TỈNH NGHỆ AN",
           "Ủy ban nhân dân tỉnh Cà Mau", "Sở Nội vụ tỉnh Cà Mau"]
DATES = ["2024-05-01", "2024-05-02", "2024-05"]


def expected(store) -> tuple[dict, dict, set, dict]:
    """(duplicate_of by doc_id, link by reference, loader warnings, agencies): the rules
    applied to the whole dataset as it is stored."""
    docs = store.query("SELECT doc_id, number_raw, issuer_agency_id, issued_on, source_path, "
                       "number, issued_date FROM documents WHERE status <> 'failed'")
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for doc_id, raw, issuer, issued_on, path, number, _ in docs:
        if number_key(raw) and number is not None:
            groups[(number_key(raw), issuer)].append((issued_on or dt.date.max, path or "",
                                                      doc_id))
    dups = {}
    for members in groups.values():
        members.sort()
        dups.update({doc_id: members[0][2] for _, _, doc_id in members[1:]})
    by_key = defaultdict(list)
    for doc_id, raw, issuer, _, _, _, issued in docs:
        if doc_id not in dups and number_key(raw):
            by_key[number_key(raw)].append((doc_id, issuer, issued))
    links = {}
    for doc_id, ordinal, number, issuer, date in store.query(
            'SELECT doc_id, ordinal, number, issuer, date FROM "references"'):
        found = [c for c in by_key.get(number_key(number) or "", ())
                 if c[0] != doc_id and (not date or not c[2] or c[2] == date)
                 and (not issuer or not c[1] or (agency_key(issuer) or "") in c[1]
                      or c[1] in (agency_key(issuer) or ""))]
        links[(doc_id, ordinal)] = found[0][0] if len(found) == 1 else None
    names: dict[str, Counter] = defaultdict(Counter)
    for agency_id, name in store.query("SELECT issuer_agency_id, issuer_name FROM documents "
                                       "WHERE issuer_agency_id IS NOT NULL "
                                       "AND issuer_name IS NOT NULL"):
        names[agency_id][name] += 1
    agencies = {}
    for agency_id, spellings in names.items():
        ranked = sorted(spellings.items(), key=lambda kv: (-kv[1], kv[0]))
        agencies[agency_id] = (ranked[0][0], [s for s, _ in ranked[1:]])
    return dups, links, set(dups), agencies


def stored(store) -> tuple[dict, dict, set, dict]:
    dups = {d: dup for d, dup in store.query("SELECT doc_id, duplicate_of FROM documents")
            if dup is not None}
    links = {(d, o): link for d, o, link in store.query(
        'SELECT doc_id, ordinal, referenced_doc_id FROM "references"')}
    warned = [d for d, in store.query("SELECT doc_id FROM warnings WHERE origin = 'loader' "
                                      "AND code = 'duplicate_number'")]
    assert len(warned) == len(set(warned))
    agencies = {a: (name, aliases if isinstance(aliases, list) else json.loads(aliases))
                for a, name, aliases in store.query(
                    "SELECT agency_id, canonical_name, aliases FROM agencies")}
    return dups, links, set(warned), agencies


def name_counts(store) -> tuple[Counter, Counter]:
    """(kept by the loader in agency_names, counted from the documents): documents per
    (issuer id, spelling of its name)."""
    kept = Counter({(a, name): n for a, name, n in store.query(
        "SELECT agency_id, name, documents FROM agency_names")})
    counted = Counter(store.query("SELECT issuer_agency_id, issuer_name FROM documents "
                                  "WHERE issuer_agency_id IS NOT NULL "
                                  "AND issuer_name IS NOT NULL"))
    return kept, counted


def unregistered(store) -> set[str]:
    """Live documents that are neither failed nor duplicates, without a số đến."""
    return {d for d, in store.query(
        "SELECT doc_id FROM documents d WHERE status <> 'failed' AND duplicate_of IS NULL "
        "AND withdrawn_at IS NULL AND doc_id NOT IN "
        "(SELECT doc_id FROM register_entries WHERE register = 'chung')")}


def random_record(rng: random.Random, i: int, path: int | None = None):
    citations = []
    for _ in range(rng.randint(0, 3)):
        citations.append(Reference(raw="Công văn", doc_type="cong_van",
                                   number=rng.choice(NUMBERS + ["99/UBND-VP"]),
                                   date=rng.choice([None, *DATES]),
                                   issuer=rng.choice([None, *ISSUERS, "Nghệ An"])))
    record = dispatch_record(i, number=rng.choice(NUMBERS), issuer=rng.choice(ISSUERS),
                             issued=rng.choice(DATES))
    source = record.source.model_copy(update={"path": f"inbox/cv-{path or i}.txt"})
    return record.model_copy(update={"references": citations, "source": source})


@pytest.mark.parametrize("seed", [1, 2])
def test_each_batch_leaves_the_links_of_the_whole_dataset(store, seed):
    rng = random.Random(seed)
    loaded: dict[int, object] = {}
    checked = Counter()
    for step in range(14):
        batch = []
        for _ in range(rng.randint(1, 6)):
            i = rng.randint(1, 40)
            kind = rng.random()
            if kind < 0.1:
                batch.append(failed_dispatch(i))
            elif kind < 0.25 and loaded:  # an edited file: new bytes at a loaded path
                path = rng.choice(sorted(loaded))
                batch.append(random_record(rng, 100 + step * 10 + len(batch), path=path))
            else:  # new, or reloaded with other fields (same doc_id)
                batch.append(random_record(rng, i))
                loaded[i] = batch[-1]
        store.load_records(batch, run_id=f"r{step}")
        got, want = stored(store), expected(store)
        assert got == want, f"after batch {step}"
        kept, counted = name_counts(store)  # what agencies come from: added, replaced,
        assert kept == counted, f"after batch {step}"  # edited away, never counted again
        # số đến: after the first load only the documents a batch touched are looked at,
        # yet every live original has its entry (one that stopped being a duplicate too)
        assert unregistered(store) == set(), f"after batch {step}"
        checked["duplicates"] += len(want[0])
        checked["links"] += sum(v is not None for v in want[1].values())
        checked["unlinked"] += sum(v is None for v in want[1].values())
    # the sequence did exercise every rule
    assert checked["duplicates"] and checked["links"] and checked["unlinked"]


def test_a_dataset_loaded_before_the_keys_gets_them(store):
    records = [dispatch_record(i, number=n, references=("7/UBND-VP",))
               for i, n in enumerate(["7/UBND-VP", "7/UBND-VP", "8/UBND-VP"], start=1)]
    store.load_records(records, run_id="r")
    keys = sorted(store.query("SELECT * FROM document_keys")), \
        sorted(store.query("SELECT * FROM reference_keys"))
    assert keys[0] == sorted((r.doc_id, number_key(r.number.raw)) for r in records)
    with store.transaction():  # as a dataset written by the loader of before
        store.execute("DROP TABLE document_keys")
        store.execute("DROP TABLE reference_keys")
    store.ensure_schema()
    assert (sorted(store.query("SELECT * FROM document_keys")),
            sorted(store.query("SELECT * FROM reference_keys"))) == keys
    later = dispatch_record(4, number="7/UBND-VP", issued="2024-01-01")  # now the first
    store.load_records([later], run_id="r2")
    assert stored(store) == expected(store)
    assert stored(store)[0] == {records[0].doc_id: later.doc_id,
                                records[1].doc_id: later.doc_id}


def test_every_write_of_the_documents_changes_the_token(store):
    assert store.dataset_token() is None
    store.load_records([dispatch_record(1)], run_id="r")
    first = store.dataset_token()
    assert first
    store.finish_run("r", "completed", {})
    assert store.dataset_token() == first  # the runs table is not the documents
    store.add_correction(dispatch_record(1).doc_id, "subject", "đã sửa", "chuyên viên")
    assert store.dataset_token() not in (None, first)


def test_the_counts_of_issuer_names_are_made_again_where_they_are_missing_or_wrong(store):
    nghe_an, upper = ISSUERS[0], ISSUERS[1]  # one issuer id, two spellings
    records = [dispatch_record(i, issuer=issuer)
               for i, issuer in enumerate([nghe_an, nghe_an, upper, ISSUERS[2]], start=1)]
    store.load_records(records, run_id="r")
    before = stored(store)
    kept, counted = name_counts(store)
    assert kept == counted and sum(counted.values()) == 4
    with store.transaction():  # as a dataset written by the loader of before: no counts
        store.execute("DROP TABLE agency_names")
    store.ensure_schema()
    assert name_counts(store)[0] == counted
    with store.transaction():  # or counts some other writer left wrong
        store.execute("UPDATE agency_names SET documents = 7")
    store.ensure_schema()
    assert name_counts(store)[0] == counted
    with store.transaction():  # or agencies without their counts' rows
        store.execute("DELETE FROM agencies")
    store.ensure_schema()
    assert stored(store) == before
    # the next load counts from there: the upper-case spelling becomes the most used
    store.load_records([dispatch_record(i, issuer=upper) for i in (5, 6)], run_id="r2")
    kept, counted = name_counts(store)
    assert kept == counted
    assert stored(store) == expected(store)
    assert stored(store)[3] != before[3]


def test_the_whole_dataset_refreshed_gives_the_rows_the_batches_gave(store):
    rng = random.Random(3)
    for step in range(6):
        store.load_records([random_record(rng, rng.randint(1, 15)) for _ in range(4)],
                           run_id=f"r{step}")
    after_batches, counts = stored(store), name_counts(store)
    with store.transaction():
        store.execute("UPDATE documents SET duplicate_of = NULL")
        store.execute('UPDATE "references" SET referenced_doc_id = NULL')
        store.execute("DELETE FROM agencies")
        store.refresh_derived()
    assert stored(store) == after_batches == expected(store)
    assert name_counts(store) == counts
