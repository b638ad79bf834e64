"""Corrections a person made (hiệu chỉnh): which fields can be corrected, how a typed value is
read, and how the latest correction of each field wins over the extraction.

Pure functions over records; the loader stores corrections and applies them on every load,
the review app parses what the archivist typed.
"""
from pipeline.corrections.apply import Corrected, apply_corrections, latest_corrections
from pipeline.corrections.fields import (
    CORRECTABLE, CorrectionValueError, FieldSpec, UnknownFieldError, display_date, field_spec,
    parse_value, value_of,
)

__all__ = ["CORRECTABLE", "Corrected", "CorrectionValueError", "FieldSpec", "UnknownFieldError",
           "apply_corrections", "display_date", "field_spec", "latest_corrections", "parse_value", "value_of"]
