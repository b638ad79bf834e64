"""The archivist's review loop (``dispatches review OUT_DIR``): a local web app over a run's
dataset to see each page, correct a value and keep the correction."""
from pipeline.review.app import ReviewConfig, create_app

__all__ = ["ReviewConfig", "create_app"]
