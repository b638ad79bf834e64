"""The pipeline version: part of every cache key and stored with every row."""
from importlib.metadata import PackageNotFoundError, version

try:
    PIPELINE_VERSION = version("dispatches")
except PackageNotFoundError:  # running from a checkout without install
    PIPELINE_VERSION = "0.0.0+local"
