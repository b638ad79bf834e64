"""Validation: OCR review and confidence gating (``review``), checks across fields (``checks``).

Runs on what the extractors produced; adds warnings, and for OCR'd fields may leave a
doubtful value out, but never invents one.
"""
