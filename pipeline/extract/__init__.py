"""One file in, one record out (the ``extract`` layer): read → normalise → extract → review → check."""
from pipeline.extract.record import (REGISTER_FIELDS, extract_file, failed_record, load_document,
                                     record_from_document, record_status, sha256_bytes)
from pipeline.extract.version import PIPELINE_VERSION

__all__ = ["PIPELINE_VERSION", "REGISTER_FIELDS", "extract_file", "failed_record",
           "load_document", "record_from_document", "record_status", "sha256_bytes"]
