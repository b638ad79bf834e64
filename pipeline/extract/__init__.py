"""One file in, one record out (the ``extract`` layer): read → normalise → extract → review → check;
and what was read (``reading``), for a run to save beside its records."""
from pipeline.extract.reading import (READINGS_DIR, ReadingBundle, build_reading, load_reading,
                                      page_image_path, save_reading)
from pipeline.extract.record import (REGISTER_FIELDS, extract_file, extract_file_with_reading,
                                     failed_record, load_document, record_from_document,
                                     record_status, sha256_bytes)
from pipeline.extract.version import PIPELINE_VERSION

__all__ = ["PIPELINE_VERSION", "READINGS_DIR", "REGISTER_FIELDS", "ReadingBundle",
           "build_reading", "extract_file", "extract_file_with_reading", "failed_record",
           "load_document", "load_reading", "page_image_path", "record_from_document",
           "record_status", "save_reading", "sha256_bytes"]
