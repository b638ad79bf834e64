"""PostgreSQL: every statement a batch's load runs can be answered through an index, so a
batch costs about the same in a big dataset as in a small one. With sequential scans
disabled, the planner still picks one only where no index serves the statement."""
from __future__ import annotations

import re

import pytest

from fixtures.records import dispatch_record, failed_dispatch
from pipeline.load import open_store


@pytest.fixture
def pg_store(pg_url):
    s = open_store(pg_url)
    s.ensure_schema()
    yield s
    s.close()


def batch(start: int) -> list:
    """New documents, a duplicate of a stored one, citations of stored numbers, a failure."""
    return ([dispatch_record(i, references=(f"{100 + i - 20}/UBND-VP",))
             for i in range(start, start + 8)]
            + [dispatch_record(start + 8, number=f"{100 + start - 20}/UBND-VP"),
               failed_dispatch(start + 9)])


def test_a_batch_load_scans_no_table(pg_store):
    for start in range(1, 60, 10):
        pg_store.load_records(batch(start), run_id="r")
    statements = []
    real_query, real_execute = pg_store.query, pg_store.execute

    def capture(run):
        def run_and_keep(sql, params=None):
            statements.append((sql, params))
            return run(sql, params)
        return run_and_keep

    with pg_store.transaction():
        pg_store.query, pg_store.execute = capture(real_query), capture(real_execute)
        try:
            pg_store.load_records(batch(61), run_id="r2")  # and one edited file
            pg_store.load_records([dispatch_record(500).model_copy(
                update={"source": dispatch_record(3).source})], run_id="r2")
        finally:
            pg_store.query, pg_store.execute = real_query, real_execute
        real_execute("SET LOCAL enable_seqscan = off")
        scans = {}
        for sql, params in statements:
            if not re.match(r"\s*(SELECT|WITH|UPDATE|DELETE)\b", sql) or "pg_advisory" in sql:
                continue
            plan = "\n".join(r[0] for r in real_query("EXPLAIN " + sql, params))
            for table in re.findall(r"Seq Scan on (\S+)", plan):
                scans.setdefault(table.strip('"'), []).append(sql[:80])
    assert len(statements) > 20
    assert scans == {}
