"""``pipeline.cli.lean``: the run's process loads and exports a dataset without pandas.

DuckDB's client imports pandas at the first query binding a parameter (and pyarrow when it
builds arrays from Python values): about 85 MB resident in the process of ``dispatches run``.
These fail when pandas comes back in, or when leaving it out breaks the loader."""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LOAD = """
import sys
from pathlib import Path
{lean}
from pipeline.load import open_store
from schemas import Record
sys.path.insert(0, "tests")
from fixtures.dispatches import write_inbox
from pipeline.extract import extract_file
out = Path(sys.argv[1])
records = [extract_file(p) for p in write_inbox(out / "inbox", 3)]
with open_store(str(out / "d.duckdb")) as store:
    store.ensure_schema()
    store.load_records(records, run_id="r")
    store.export_records(out / "records.jsonl")
    store.export_parquet(out)
print("pandas" in sys.modules)
"""


def _load(tmp_path: Path, lean: bool) -> tuple[bool, str]:
    code = LOAD.format(lean=("from pipeline.cli.lean import without_unused_packages\n"
                             "without_unused_packages()") if lean else "")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    text = (tmp_path / "records.jsonl").read_text().replace(str(tmp_path), "RUN")
    return done.stdout.split()[-1] == "True", text


def test_the_loader_works_without_unused_packages_and_writes_the_same_records(tmp_path):
    pytest.importorskip("pandas")  # only meaningful where pandas is installed
    (tmp_path / "lean").mkdir()
    (tmp_path / "full").mkdir()
    lean_imported, lean_records = _load(tmp_path / "lean", lean=True)
    full_imported, full_records = _load(tmp_path / "full", lean=False)
    assert not lean_imported
    assert full_imported  # what the lean process avoids: the test would pass for nothing else
    assert lean_records == full_records and len(lean_records.splitlines()) == 3
    assert all(json.loads(line)["status"] for line in lean_records.splitlines())
    names = sorted(p.name for p in (tmp_path / "lean").glob("*.parquet"))
    assert names == sorted(p.name for p in (tmp_path / "full").glob("*.parquet")) and names


def test_pandas_and_the_unused_packages_look_not_installed_and_the_finder_is_added_once():
    """pandas and ``UNUSED`` answer ``ModuleNotFoundError`` (submodules too), and Prefect's
    client and flow engine, which try them, import without them."""
    code = ("from pipeline.cli.lean import UNUSED, without_unused_packages, Absent\n"
            "import sys\n"
            "assert without_unused_packages() and without_unused_packages()\n"
            "assert sum(isinstance(f, Absent) for f in sys.meta_path) == 1\n"
            "for name in ('pandas', 'pandas.core', 'trio', 'trio.lowlevel', 'httpx._main',"
            " 'amplitude'):\n"
            "    try:\n        __import__(name)\n"
            "    except ModuleNotFoundError as e:\n        print(e.name)\n"
            "import httpx, prefect, prefect.flows, flows.ingest\n"
            "print(sorted(m for m in UNUSED if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    # a submodule's import fails at its package
    assert done.stdout.split("\n")[:-1] == ["pandas", "pandas", "trio", "trio", "httpx._main",
                                           "amplitude", "[]"]


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc's mallopt")
def test_malloc_arenas_are_capped_where_glibc_is():
    from pipeline.cli.lean import few_arenas

    assert few_arenas() is True  # mallopt returns 1 when it took the setting


FREEZE = """
import gc
from pipeline.cli.lean import freeze_startup_objects
class Node: pass
kept = Node(); kept.me = kept  # alive, in a cycle: every full collection would scan it
frozen = freeze_startup_objects()
later = Node(); later.me = later
gc.collect()
print(frozen, gc.get_freeze_count() == frozen, any(o is kept for o in gc.get_objects()),
      any(o is later for o in gc.get_objects()))
"""


def test_the_objects_alive_at_the_start_are_left_out_of_later_collections():
    """``freeze_startup_objects``: what is alive then is out of the collector's scans
    (``gc.get_objects`` lists what it tracks and scans); what the run makes after is not."""
    done = subprocess.run([sys.executable, "-c", FREEZE], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    frozen, counted, kept_scanned, later_scanned = done.stdout.split()
    assert int(frozen) > 10_000
    assert (counted, kept_scanned, later_scanned) == ("True", "False", "True")


RARE = """
import collections, gc
from pipeline.cli.lean import FULL_COLLECTION_EVERY, rare_full_collections
full = []
gc.callbacks.append(lambda phase, info: full.append(1)
                    if phase == "stop" and info["generation"] == 2 else None)
def batches():  # batches in flight, as a run holds them: they outlive the young collections
    flight = collections.deque(maxlen=4)
    for _ in range(200):
        flight.append([{"n": i, "text": [i]} for i in range(5_000)])
gc.collect(); full.clear(); batches(); default = len(full)
young = gc.get_threshold()[:2]
before = rare_full_collections()
gc.collect(); full.clear(); batches(); rare = len(full)
print(default, rare, before[:2] == young, gc.get_threshold() == (*young, FULL_COLLECTION_EVERY))
"""


def test_batches_in_flight_bring_far_fewer_full_collections():
    """``rare_full_collections``: the same allocations (batches that outlive the young
    collections, then are freed) run a full collection a tenth as often or less; the young
    generations' thresholds are left as they were."""
    done = subprocess.run([sys.executable, "-c", RARE], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    default, rare, young_kept, set_ = done.stdout.split()
    assert int(default) >= 10  # the workload does reach the oldest generation
    assert int(rare) * 10 <= int(default)
    assert (young_kept, set_) == ("True", "True")


def test_pyarrow_allocates_with_the_system_allocator_unless_told_otherwise():
    code = ("from pipeline.cli.lean import system_arrow_pool\nsystem_arrow_pool()\n"
            "import pyarrow as pa\nprint(pa.default_memory_pool().backend_name)\n")
    for env, backend in (({}, "system"), ({"ARROW_DEFAULT_MEMORY_POOL": "mimalloc"}, "mimalloc")):
        environ = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              timeout=120, cwd=ROOT, env=environ | env)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == backend


@pytest.mark.slow
def test_dispatches_run_on_its_command_line_loads_without_importing_pandas(tmp_path):
    """The command as a user types it (``without_unused_packages`` is applied only when the run owns
    its process): ``-X importtime`` lists every module the process loads. A blocked import
    is listed as the bare package ``pandas``; one that went through loads its submodules."""
    pytest.importorskip("pandas")
    sys.path.insert(0, str(ROOT / "tests"))
    from fixtures.dispatches import write_inbox

    write_inbox(tmp_path / "inbox", 4)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pipeline.cli", "run",
         str(tmp_path / "inbox"), "--out", str(tmp_path / "out"), "--quiet"],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
              if line.startswith("import time:")]
    assert "duckdb" in loaded and "prefect" in loaded  # the run's own imports are listed
    assert not [m for m in loaded if m.startswith("pandas.")]
    assert len((tmp_path / "out" / "records.jsonl").read_text().splitlines()) == 4
