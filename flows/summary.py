"""What a run did, as a plain dataclass: printed by the CLI, published as a Prefect artifact."""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import asdict, dataclass, field


@dataclass
class RunSummary:
    run_id: str
    inbox: str
    target: str
    pipeline_version: str
    files_seen: int = 0
    skipped: int = 0          # already in the dataset with this pipeline version
    extracted: int = 0
    loaded: int = 0
    ok: int = 0
    partial: int = 0
    failed: int = 0
    quarantined: int = 0
    timed_out: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str]] = field(default_factory=list)      # (path, reason)
    # inputs left unread: links out of the inbox, dangling links, unreadable folders
    not_read: list[tuple[str, str]] = field(default_factory=list)      # (path, reason)
    excluded: list[str] = field(default_factory=list)   # the run's own folders inside the inbox
    interrupted_runs: list[str] = field(default_factory=list)  # earlier runs found killed
    overdue: list[tuple] = field(default_factory=list)   # (assignee, due, days_left, number, subject)
    overdue_total: int = 0
    dataset_rows: dict[str, int] = field(default_factory=dict)
    readings: int = 0             # readings saved to OUT/readings/ (text, page images)
    # the dataset follows the inbox: files gone (marked withdrawn), moved, back again
    withdrawn: list[str] = field(default_factory=list)
    copies: list[tuple[str, str]] = field(default_factory=list)  # (path, same bytes as path)
    moved: int = 0
    restored: int = 0
    report: str | None = None     # OUT/report/index.html when the flow wrote it
    report_error: str | None = None  # why it could not (the run itself is complete)

    @property
    def skipped_outside(self) -> int:
        """Inputs not read because reading them would leave the inbox (or cannot be done)."""
        return len(self.not_read)

    @property
    def counts(self) -> dict[str, int]:
        return {"files_seen": self.files_seen, "skipped": self.skipped,
                "extracted": self.extracted, "loaded": self.loaded, "failed": self.failed,
                "quarantined": self.quarantined, "not_read": self.skipped_outside}

    def as_dict(self) -> dict:
        return asdict(self)

    def counts_rows(self) -> list[tuple[str, object]]:
        return [("files in inbox", self.files_seen),
                ("skipped (unchanged, already loaded)", self.skipped),
                ("extracted", self.extracted), ("loaded", self.loaded),
                ("ok", self.ok), ("partial", self.partial), ("failed", self.failed),
                ("quarantined", self.quarantined), ("timed out", self.timed_out),
                ("not read (outside the inbox, dangling, unreadable)", self.skipped_outside),
                ("withdrawn (gone from the inbox)", len(self.withdrawn)),
                ("copies of another file (one document)", len(self.copies)),
                ("moved within the inbox", self.moved), ("back in the inbox", self.restored),
                ("readings saved", self.readings),
                ("seconds", f"{self.seconds:.1f}")]

    @staticmethod
    def _listed(label: str, items: list[tuple[str, str]], what: str, limit: int = 20) -> list[str]:
        # a failure's reason already names its file: say the path once
        lines = [f"  {label} {reason if reason.startswith(path) else f'{path}: {reason}'}"
                 for path, reason in items[:limit]]
        if len(items) > limit:
            lines.append(f"  … and {len(items) - limit} more {what}")
        return lines

    def to_text(self) -> str:
        """The table the CLI prints at the end of a run."""
        width = max(len(k) for k, _ in self.counts_rows())
        lines = [f"run {self.run_id} → {self.target}"]
        lines += [f"  {k:<{width}}  {v}" for k, v in self.counts_rows()]
        lines += self._listed("FAILED", self.failures, "failures")
        lines += self._listed("NOT READ", self.not_read, "not read")
        lines += [f"  left out of the inbox: the {f}" for f in self.excluded]
        lines += self._listed("WITHDRAWN", [(p, "no longer in the inbox") for p in self.withdrawn],
                              "withdrawn")
        lines += self._listed("COPY", [(p, f"the same bytes as {first}: one document")
                                       for p, first in self.copies], "copies")
        if self.interrupted_runs:
            lines.append(f"  earlier runs marked interrupted (killed before they finished): "
                         f"{', '.join(self.interrupted_runs)}")
        if self.overdue_total:
            lines.append(f"  overdue deadlines: {self.overdue_total} (see v_open_deadlines)")
        if self.report_error:
            lines.append(f"  review report not written: {self.report_error}")
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """The Prefect artifact: counts, failures, overdue deadlines."""
        def cell(v: object) -> str:
            return str("" if v is None else v).replace("|", "\\|").replace("\n", " ")

        md = [f"# Ingest run `{self.run_id}`", "",
              f"Inbox `{self.inbox}` → `{self.target}`, pipeline {self.pipeline_version}", "",
              "| | count |", "|---|---:|"]
        md += [f"| {k} | {cell(v)} |" for k, v in self.counts_rows()]
        if self.report:
            md += ["", f"Review report: `{self.report}`"]
        elif self.report_error:
            md += ["", f"Review report not written: {cell(self.report_error)}"]
        md += ["", f"## Failures ({len(self.failures)})", ""]
        if self.failures:
            md += ["| file | reason |", "|---|---|"]
            md += [f"| {cell(p)} | {cell(r)} |" for p, r in self.failures[:100]]
        else:
            md.append("None.")
        md += ["", f"## Not read ({len(self.not_read)})", ""]
        if self.not_read:
            md += ["| path | reason |", "|---|---|"]
            md += [f"| {cell(p)} | {cell(r)} |" for p, r in self.not_read[:100]]
        else:
            md.append("None.")
        if self.excluded:
            md += ["", "Left out of the inbox: " + "; ".join(f"the {f}" for f in self.excluded)]
        if self.interrupted_runs:
            md += ["", "Earlier runs marked interrupted: "
                   + ", ".join(f"`{r}`" for r in self.interrupted_runs)]
        md += ["", f"## Overdue deadlines ({self.overdue_total}, earliest first)", ""]
        if self.overdue:
            md += ["| assignee | due | days | document | subject |", "|---|---|---:|---|---|"]
            md += ["| " + " | ".join(cell(v) for v in row) + " |" for row in self.overdue]
        else:
            md.append("None.")
        return "\n".join(md) + "\n"


def add_dataset_figures(summary: RunSummary, store) -> None:
    """What the summary says of the dataset as a whole: overdue deadlines, rows per table."""
    summary.overdue = [tuple(str(v) if v is not None else None for v in row)
                       for row in store.overdue_deadlines()]
    summary.overdue_total = store.overdue_count()
    summary.dataset_rows = store.count_rows()


def stale_run_age() -> dt.timedelta:
    """How old a run still 'running' on a shared database (PostgreSQL) must be to count as
    killed: ``$DISPATCHES_STALE_RUN_HOURS`` (default 24); runs there may overlap. On DuckDB
    every such run counts (one process writes the file at a time)."""
    return dt.timedelta(hours=float(os.environ.get("DISPATCHES_STALE_RUN_HOURS") or 24))
