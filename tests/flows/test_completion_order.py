"""``in_completion_order``: batches handed out as they finish, none kept once handed out.

Prefect's ``as_completed`` held every future (with its state and result) until the last one,
so a run's memory grew with every batch's records; these tests fail on that behaviour."""
from __future__ import annotations

import gc
import threading
import uuid
import weakref
from concurrent.futures import ThreadPoolExecutor

from prefect.futures import PrefectConcurrentFuture

from flows.ingest import in_completion_order


class Payload:
    """Stands for a batch's records: something whose lifetime we can watch."""


def _futures(pool: ThreadPoolExecutor, gates: list[threading.Event]):
    def work(gate: threading.Event) -> Payload:
        gate.wait(10)
        return Payload()
    return [PrefectConcurrentFuture(uuid.uuid4(), pool.submit(work, g)) for g in gates]


def test_futures_come_in_the_order_they_finish_and_the_list_is_emptied():
    gates = [threading.Event() for _ in range(3)]
    with ThreadPoolExecutor(3) as pool:
        futures = _futures(pool, gates)
        order = {id(f): k for k, f in enumerate(futures)}
        given = futures
        handed = in_completion_order(given)
        seen = []
        for k in (2, 0, 1):
            gates[k].set()
            seen.append(order[id(next(handed))])
        assert seen == [2, 0, 1]
        assert given == []  # the caller's list does not keep them either
        assert list(handed) == []


def test_a_future_handed_out_is_not_kept_by_the_iteration():
    gates = [threading.Event() for _ in range(3)]
    with ThreadPoolExecutor(3) as pool:
        handed = in_completion_order(_futures(pool, gates))
        gates[0].set()
        first = next(handed)
        result = weakref.ref(first.wrapped_future.result())
        del first
        gc.collect()
        # two batches still pending: the one handed out, and its result, are already gone
        assert result() is None
        for gate in gates[1:]:
            gate.set()
        assert len(list(handed)) == 2
