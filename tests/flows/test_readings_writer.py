"""``ReadingsWriter``: the readings of loaded batches are written on a thread of their own
while the loader goes on, at most ``pending`` groups waiting; every reading is written (or
its failure logged) by the time the block is left, and a Ctrl-C drops only what waits."""
from __future__ import annotations

import logging
import threading

import pytest

import flows.readings as readings_module
from flows.readings import ReadingsWriter
from pipeline.extract import ReadingBundle, load_reading
from schemas import PageReading, Reading


def bundle(n: int, doc_id: str | None = None) -> ReadingBundle:
    reading = Reading(doc_id=doc_id or f"{n:064x}", source_path=f"inbox/cv-{n}.txt",
                      source_format="txt", text=f"Số: {n}/UBND-VP",
                      pages=[PageReading(page=1, start=0)])
    return ReadingBundle(reading)


class GatedSave:
    """``save_reading`` that waits until ``gate`` is set, noting the thread it ran on."""

    def __init__(self):
        self.gate, self.threads = threading.Event(), []
        self.real = readings_module.save_reading

    def __call__(self, out_dir, bundle):
        self.threads.append(threading.current_thread())
        assert self.gate.wait(10), "never let through"
        return self.real(out_dir, bundle)


@pytest.fixture
def gated(monkeypatch):
    save = GatedSave()
    monkeypatch.setattr(readings_module, "save_reading", save)
    return save


def test_readings_are_written_while_the_caller_goes_on(tmp_path, gated):
    writer = ReadingsWriter(str(tmp_path), logging.getLogger("test"))
    writer.write([bundle(1), bundle(2)])  # returns with the writing held at the gate
    assert load_reading(tmp_path, bundle(1).reading.doc_id) is None
    gated.gate.set()
    assert writer.close() == 2 and writer.saved == 2
    assert load_reading(tmp_path, bundle(2).reading.doc_id) == bundle(2).reading
    assert threading.main_thread() not in gated.threads


def test_a_writer_behind_holds_the_caller_back(tmp_path, gated):
    writer = ReadingsWriter(str(tmp_path), logging.getLogger("test"), pending=1)
    writer.write([bundle(1)])
    second = threading.Thread(target=writer.write, args=([bundle(2)],))
    second.start()
    second.join(0.5)
    assert second.is_alive(), "a second group was queued while the first one was waiting"
    gated.gate.set()
    second.join(10)
    assert not second.is_alive() and writer.close() == 2


def test_a_reading_that_cannot_be_written_is_logged_and_the_others_are_written(tmp_path,
                                                                               caplog):
    bad = bundle(3, doc_id="not-a-sha256")
    with (caplog.at_level(logging.WARNING),
          ReadingsWriter(str(tmp_path), logging.getLogger("test")) as writer):
        writer.write([bundle(1), bad, bundle(2)])
    assert writer.saved == 2
    assert "reading of inbox/cv-3.txt not saved" in caplog.text
    assert load_reading(tmp_path, bundle(2).reading.doc_id) is not None


def test_a_ctrl_c_finishes_the_group_being_written_and_drops_the_waiting_ones(tmp_path,
                                                                              gated):
    with pytest.raises(KeyboardInterrupt):
        with ReadingsWriter(str(tmp_path), logging.getLogger("test"), pending=3) as writer:
            writer.write([bundle(1), bundle(2)])
            writer.write([bundle(3)])
            threading.Timer(0.2, gated.gate.set).start()  # the first group is let through
            raise KeyboardInterrupt
    assert writer.saved == 2
    assert load_reading(tmp_path, bundle(2).reading.doc_id) is not None
    assert load_reading(tmp_path, bundle(3).reading.doc_id) is None
