"""What importing the command line costs: every extraction worker process of ``dispatches
run`` imports it again (multiprocessing runs the ``dispatches`` script in each child), so
the package loads no progress display and no Prefect until a command runs."""
from __future__ import annotations

import subprocess
import sys


def modules_after(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", code + "\nimport sys\n"
                           "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split())


def test_the_cli_package_imports_neither_rich_nor_prefect():
    loaded = modules_after("import pipeline.cli")
    assert "pipeline" in loaded
    assert not loaded & {"rich", "prefect", "spacy", "duckdb"}, loaded


def test_a_worker_started_from_the_console_script_does_not_load_rich(tmp_path):
    # the main-module fix-up of multiprocessing, as an extraction worker of `dispatches run`
    # started from the console script meets it
    exe = tmp_path / "dispatches"
    exe.write_text("import sys\nfrom pipeline.cli import main\n"
                   "if __name__ == '__main__':\n    sys.exit(main())\n", encoding="utf-8")
    loaded = modules_after(f"import runpy\nrunpy.run_path({str(exe)!r}, run_name='__mp_main__')")
    assert "pipeline" in loaded and "rich" not in loaded, loaded
