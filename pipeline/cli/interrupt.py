"""Ctrl-C: one line on stderr and exit code 130, not tracebacks. What the interrupted
command had committed stays (the loader commits batch by batch), so ``dispatches run`` says
that the same command goes on from there."""
from __future__ import annotations

from flows.interrupt import interrupted

__all__ = ["EXIT_INTERRUPTED", "interrupted", "interrupted_message"]

EXIT_INTERRUPTED = 130  # 128 + SIGINT: what a shell reports for a command Ctrl-C stopped
_GOES_ON = {
    "run": " The batches loaded before it stay in the dataset; the same command goes on "
           "from there (the files already loaded are skipped).",
}


def interrupted_message(command: str) -> str:
    return f"dispatches {command}: interrupted.{_GOES_ON.get(command, '')}"
