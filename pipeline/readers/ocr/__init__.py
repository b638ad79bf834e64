"""OCR of scanned pages: Tesseract ``vie`` (``engine``), page preparation and facts
(``page``: red ink, furniture, stamps, digit re-reads), and the repairs of OCR confusions.

Imported only by the readers that need OCR (PDF pages without text, images).
"""
