"""A one-line progress display on stderr (rewritten in place on a terminal)."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressLine:
    def __init__(self, total: int, enabled: bool = True, stream: TextIO | None = None,
                 width: int = 30):
        self.total, self.enabled, self.width = total, enabled, width
        self.stream = stream or sys.stderr
        self.done = self.failed = 0
        self.started = time.perf_counter()
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def advance(self, documents: int, failed: int = 0) -> None:
        self.done += documents
        self.failed += failed
        if not self.enabled:
            return
        fraction = self.done / self.total if self.total else 1.0
        filled = int(round(self.width * fraction))
        rate = self.done / max(time.perf_counter() - self.started, 1e-9)
        line = (f"dispatches: [{'#' * filled}{'.' * (self.width - filled)}] "
                f"{self.done}/{self.total} documents, {self.failed} failed, {rate:.1f} docs/s")
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.tty and self.done:
            self.stream.write("\n")
            self.stream.flush()
