"""``finished_batches``: batches handed out as they finish (every one finished by then, for
one transaction), at most ``ahead`` submitted and not yet handed out, none kept once handed
out.

Prefect's ``as_completed`` held every future (with its state and result) until the last one,
and submitting every batch at once let finished batches pile up in memory while the loader
lagged behind, so a run's memory grew with every batch's records; these tests fail on that
behaviour."""
from __future__ import annotations

import gc
import threading
import uuid
import weakref
from concurrent.futures import ThreadPoolExecutor

from prefect.futures import PrefectConcurrentFuture

from flows.ingest import finished_batches


class Payload:
    """Stands for a batch's records: something whose lifetime we can watch."""


class Submitter:
    """Submits batch ``k`` as work that finishes when ``gates[k]`` is set; counts what is
    submitted and not yet handed out."""

    def __init__(self, pool: ThreadPoolExecutor, gates: list[threading.Event]):
        self.pool, self.gates, self.submitted = pool, gates, []
        # weakly: whether a batch is kept once handed out is what a test may watch
        self.futures: dict[int, weakref.ref] = {}

    def __call__(self, batch: list[int]) -> PrefectConcurrentFuture:
        def work() -> Payload:
            self.gates[batch[0]].wait(10)
            return Payload()
        self.submitted.append(batch[0])
        future = PrefectConcurrentFuture(uuid.uuid4(), self.pool.submit(work))
        self.futures[batch[0]] = weakref.ref(future)
        return future

    def finished(self, *batches: int) -> None:
        """Wait until these batches are done and handed to the iteration: a callback added
        now runs after the one ``finished_batches`` added as it submitted them."""
        for k in batches:
            done = threading.Event()
            self.futures[k]().add_done_callback(lambda _: done.set())
            assert done.wait(10)


def test_batches_come_in_the_order_they_finish():
    gates = [threading.Event() for _ in range(3)]
    with ThreadPoolExecutor(3) as pool:
        handed = finished_batches([[0], [1], [2]], Submitter(pool, gates), ahead=3)
        seen = []
        for k in (2, 0, 1):
            gates[k].set()
            [(_, batch)] = next(handed)  # the loader was free: the one batch done
            seen.append(batch[0])
        assert seen == [2, 0, 1]
        assert list(handed) == []


def test_batches_done_while_the_loader_is_busy_are_handed_out_together():
    gates = [threading.Event() for _ in range(5)]
    with ThreadPoolExecutor(5) as pool:
        submit = Submitter(pool, gates)
        handed = finished_batches([[k] for k in range(5)], submit, ahead=3)
        gates[1].set()
        assert [b[0] for _, b in next(handed)] == [1]
        # while batch 1 is loaded, 2 then 0 finish; 3, started as 1 was handed out, does not
        for k in (2, 0):
            gates[k].set()
            submit.finished(k)
        together = next(handed)
        assert [b[0] for _, b in together] == [2, 0]  # in the order they finished
        assert all(future.result() is not None for future, _ in together)
        # as many started as handed out: the window stays ``ahead`` deep
        assert submit.submitted == [0, 1, 2, 3, 4]
        for gate in gates[3:]:
            gate.set()
        assert sorted(b[0] for group in handed for _, b in group) == [3, 4]


def test_no_more_than_ahead_batches_wait_unloaded():
    gates = [threading.Event() for _ in range(6)]
    with ThreadPoolExecutor(6) as pool:
        submit = Submitter(pool, gates)
        handed = finished_batches([[k] for k in range(6)], submit, ahead=2)
        for gate in gates:  # every batch could finish at once: only two were started
            gate.set()
        first = next(handed)
        # two submitted before the first batches were handed out, as many more as they were
        assert {b[0] for _, b in first} <= {0, 1}
        assert submit.submitted == list(range(2 + len(first)))
        assert all(future.result() is not None for future, _ in first)
        rest = [b[0] for group in handed for _, b in group]
        assert sorted([*(b[0] for _, b in first), *rest]) == list(range(6))
        assert submit.submitted == list(range(6))


def test_a_batch_handed_out_is_not_kept_by_the_iteration():
    gates = [threading.Event() for _ in range(3)]
    with ThreadPoolExecutor(3) as pool:
        handed = finished_batches([[0], [1], [2]], Submitter(pool, gates), ahead=3)
        gates[0].set()
        [(future, _)] = next(handed)
        result = weakref.ref(future.wrapped_future.result())
        del future
        gc.collect()
        # two batches still pending: the one handed out, and its result, are already gone
        assert result() is None
        for gate in gates[1:]:
            gate.set()
        assert sorted(b[0] for group in handed for _, b in group) == [1, 2]
