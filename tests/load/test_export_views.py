"""The views are exported beside the tables (what dashboards read), in DuckDB and PostgreSQL."""
from __future__ import annotations

import pyarrow.parquet as pq

from fixtures.records import dispatch_record, failed_dispatch
from schemas import Arrival
from schemas.dataset import EXPORTED_TABLES, EXPORTED_VIEWS


def arriving(i: int, date: str, due: str):
    record = dispatch_record(i, due=due)
    return record.model_copy(update={"arrival": Arrival(number=str(500 + i), date=date)})


def test_views_are_exported_as_parquet_in_their_natural_order(store, tmp_path):
    # natural order is the reverse of doc_id order (the order rows are inserted in)
    store.load_records([arriving(1, "2024-06-03", "2024-09-01"),
                        arriving(2, "2024-06-02", "2024-08-01"),
                        arriving(3, "2024-06-01", "2024-07-01"), failed_dispatch(4)], run_id="r")
    out = tmp_path / "out"
    written = store.export_parquet(out)
    assert [p.name for p in written] == [f"{n}.parquet" for n in (*EXPORTED_TABLES, *EXPORTED_VIEWS)]
    assert not list(out.glob("*.tmp"))

    register = pq.read_table(out / "v_incoming_register.parquet")
    expected = store.query("SELECT * FROM v_incoming_register "
                           "ORDER BY so_dang_ky, nam, so_den NULLS LAST")
    assert register.num_rows == 4
    assert register.column_names[:2] == ["ngay_den", "so_den"]
    assert [tuple(r.values()) for r in register.to_pylist()] == expected
    # số đến follow ngày đến; the failed file gets none and comes last
    assert register.column("so_den").to_pylist() == [1, 2, 3, None]
    assert register.column("so_tren_dau_den").to_pylist() == ["503", "502", "501", None]

    deadlines = pq.read_table(out / "v_open_deadlines.parquet")
    expected = store.query("SELECT * FROM v_open_deadlines ORDER BY due_date")
    assert [tuple(r.values()) for r in deadlines.to_pylist()] == expected
    assert deadlines.column("source_number").to_pylist() == [
        "103/UBND-VP", "102/UBND-VP", "101/UBND-VP"]

    # the same dataset gives the same files
    before = {p.name: pq.read_table(p) for p in written}
    store.export_parquet(out)
    assert all(pq.read_table(out / name).equals(table) for name, table in before.items())
