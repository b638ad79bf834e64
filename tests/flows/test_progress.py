"""The run's display on stderr: phases, files with rate and time left, on a terminal (rich)
and in a log (plain lines, throttled), and the events that drive it from any thread."""
from __future__ import annotations

import io
import re
import threading

from rich.console import Console

from flows.progress import (RunProgress, announce, active, file_extracted, files_progress,
                            showing)


class FakeClock:
    def __init__(self, monkeypatch, start: float = 1000.0):
        self.now = start
        monkeypatch.setattr("flows.progress.time.perf_counter", lambda: self.now)


def terminal() -> tuple[Console, io.StringIO]:
    out = io.StringIO()
    return Console(file=out, force_terminal=True, width=80, color_system=None), out


def log_stream() -> io.StringIO:
    return io.StringIO()  # not a terminal


def test_a_log_gets_one_line_per_phase_and_a_throttled_files_line(monkeypatch):
    clock = FakeClock(monkeypatch)
    out = log_stream()
    progress = RunProgress(stream=out, interval=5.0)
    assert not progress.tty
    progress.phase("starting Prefect")
    clock.now += 12.3
    progress.files(100)
    for i in range(100):
        clock.now += 0.5  # 2 files/s: a line at most every 5 s, i.e. every 10 files
        progress.file_done(f"f{i}.txt", failed=(i == 7))
    progress.batch_loaded([(f"f{i}.txt", i == 7) for i in range(100)], 100)
    progress.phase("exporting")
    clock.now += 0.8
    progress.close()
    lines = out.getvalue().splitlines()
    assert lines[0] == "dispatches: starting Prefect…"
    assert lines[1] == "dispatches: starting Prefect: 12.3 s"
    assert lines[2] == "dispatches: extracting 100 files…"
    files = [line for line in lines if "files extracted" in line]
    assert 10 <= len(files) <= 12  # throttled: not one per file
    # the first 5 s after the "extracting" line
    assert files[0] == ("dispatches: 10/100 files extracted, 1 failed, 2.0 files/s, "
                        "about 0:00:45 left")
    assert files[-2] == "dispatches: 100/100 files extracted, 1 failed, 2.0 files/s"
    assert files[-1].endswith("; 100 documents loaded")
    assert lines[-2:] == ["dispatches: exporting…", "dispatches: exporting: 0.8 s"]


def test_the_last_files_line_is_written_even_inside_the_interval(monkeypatch):
    clock = FakeClock(monkeypatch)
    out = log_stream()
    progress = RunProgress(stream=out, interval=60.0)
    progress.files(3)
    for i in range(3):
        clock.now += 1
        progress.file_done(f"f{i}")
    progress.close()
    files = [line for line in out.getvalue().splitlines() if "files extracted" in line]
    assert [f.split(",")[0] for f in files] == ["dispatches: 3/3 files extracted"]


def test_a_terminal_shows_the_bar_rate_time_left_and_finished_phases(monkeypatch):
    clock = FakeClock(monkeypatch)
    console, out = terminal()
    progress = RunProgress(console=console)
    assert progress.tty and console.width == 80  # the narrowest usual terminal
    progress.phase("starting Prefect")
    clock.now += 3
    progress.files(4)
    clock.now += 2
    progress.file_done("a.pdf")
    progress.file_done("b.pdf", failed=True)
    assert progress.counts() == ("2/4 files extracted, 1 failed, 1.0 files/s, "
                                 "about 0:00:02 left")
    progress.batch_loaded([("a.pdf", False), ("b.pdf", True), ("c.pdf", False)], 3)
    progress.phase("writing the report")
    progress.close()
    screen = out.getvalue()
    assert "\x1b[" in screen  # drawn in place, with terminal control codes
    final = screen.rsplit("\x1b[?25h", 1)[0]  # after the last redraw
    assert "✓ starting Prefect" in final
    # on 80 columns the line keeps the bar, the elapsed time and the counts up to "failed"
    assert re.search(r"extracting +━+.* 0:00:\d\d 3/4 files, 1\.5/s, ETA 0:00:00, 1 failed",
                     final)
    assert "✓ writing the report" in final


def test_quiet_writes_nothing(monkeypatch):
    out = log_stream()
    progress = RunProgress(enabled=False, stream=out)
    progress.phase("starting Prefect")
    progress.files(2)
    progress.file_done("a")
    progress.batch_loaded([("a", False), ("b", False)], 2)
    progress.close()
    assert out.getvalue() == ""
    assert progress.done == 2  # still counted


def test_events_from_many_threads_count_each_file_once():
    out = log_stream()
    progress = RunProgress(stream=out, interval=3600)
    with showing(progress):
        assert active() is progress
        progress.files(400)
        threads = [threading.Thread(target=lambda k=k: [file_extracted(f"f{i}", i % 50 == 0)
                                                        for i in range(k, 400, 4)])
                   for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        file_extracted("f3")  # reported again (a retried batch): counted once
        progress.batch_loaded([(f"f{i}", False) for i in range(400)], 400)
    assert active() is None
    assert progress.done == 400 and progress.failed == 8


def test_a_batch_without_events_counts_its_files_when_loaded(monkeypatch):
    """Dask workers and cached batches report nothing per file: the batch fills in."""
    out = log_stream()
    with files_progress(5, enabled=True) as progress:
        progress.console.file = out
        progress.file_done("a")
        progress.batch_loaded([("a", False), ("b", True)], 2)
        progress.batch_loaded([("c", False), ("d", False), ("e", False)], 3)
        assert (progress.done, progress.failed, progress.loaded) == (5, 1, 5)
    assert active() is None  # its own display, for the extraction only


def test_phases_reach_the_active_display_only():
    out = log_stream()
    announce("exporting")  # no display: nothing happens
    with showing(RunProgress(stream=out)):
        announce("exporting")
    assert out.getvalue().splitlines()[0] == "dispatches: exporting…"
