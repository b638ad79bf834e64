"""A run folder built from the bundled samples, as ``dispatches run`` writes it."""
from __future__ import annotations

import pytest
from fixtures.report_run import SAMPLE_FILES, TODAY, write_run


@pytest.fixture(scope="session")
def samples_run(tmp_path_factory):
    """(run_dir, records, index.html) for the samples, report written once per session."""
    from pipeline.report.render import write_report

    run_dir = tmp_path_factory.mktemp("run")
    records = write_run(run_dir, SAMPLE_FILES)
    index = write_report(run_dir, today=TODAY)
    return run_dir, records, index
