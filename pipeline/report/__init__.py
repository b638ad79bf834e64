"""The review site of a run (``dispatches report RUN_DIR``): see ``render.write_report``."""
from pipeline.report.render import write_report

__all__ = ["write_report"]
