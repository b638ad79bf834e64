"""Exports for people and other systems: the sổ đăng ký văn bản đến as the paper register
(XLSX, CSV) and each document's metadata in the names of Decree 30's Phụ lục VI (JSON, CSV)."""
from pipeline.export.metadata import document_metadata, write_metadata
from pipeline.export.register import REGISTER_COLUMNS, register_rows, write_register

__all__ = ["REGISTER_COLUMNS", "document_metadata", "register_rows", "write_metadata",
           "write_register"]
