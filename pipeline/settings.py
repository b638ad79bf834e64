"""One confidence scale and one settings object for the whole pipeline.

``Confidence``: the levels every extracted value's provenance confidence is drawn from,
each named for what it means, so "0.8" says the same thing in every extractor. OCR'd
fields are then scaled by their words' OCR confidence (``pipeline.validate.review``).

``Settings``: every tunable — review thresholds, character and line windows, OCR
resolution — in one documented, frozen object with sane defaults. A caller overrides
what it needs, the way pdfplumber's ``TableSettings`` works::

    from pipeline.extract import extract_file
    from pipeline.settings import Settings

    record = extract_file("scan.pdf", settings=Settings(min_field_confidence=0.6))

Imports nothing of ours: every layer may read it.
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace


class Confidence:
    """The confidence levels of extracted values (provenance ``confidence``, 0–1)."""

    #: read from clean text at the place Decree 30/2020 puts it ("Số:", the date line)
    READ = 1.0
    #: read from a structured block by a rule that rarely errs (a signer title line)
    STRUCTURED = 0.95
    #: found behind an explicit cue word in running text ("trước ngày 18 hằng tháng")
    CUED = 0.9
    #: behind a cue, with one step of interpretation (a weekday, an ordinal)
    CUED_LOOSELY = 0.85
    #: inferred from a secondary place: a catalogue title, the symbol's type code, a stamp
    INFERRED = 0.8
    #: behind a weak cue ("trước", a relative offset): likely, not certain
    WEAK = 0.7
    #: guessed: a period's last day standing for a deadline, a name without its title
    GUESSED = 0.6


@dataclass(frozen=True)
class Settings:
    """Tunables of reading, extraction and review. Defaults are what the tests and the
    benchmarks were measured with; change one only with a measurement behind it."""

    # --- review of OCR'd fields (pipeline.validate.review) -------------------------------
    #: number (số) and issue day/month: their digit words' OCR confidence must reach this,
    #: else the field is left empty with a ``needs_review`` warning
    min_handwritten_confidence: float = 0.80
    #: any other OCR'd field under this is more likely noise than text (a scribble above
    #: the letterhead read as the issuer): left out and flagged
    min_field_confidence: float = 0.50
    #: characters of page 1 searched for a number or date line that gave no value
    header_chars: int = 1500

    # --- stamps (extractors.stamps) --------------------------------------------------------
    #: OCR confidence under which a handwritten slot of the arrival stamp is not trusted
    min_slot_confidence: float = 0.70
    #: the arrival stamp's slots sit on at most this many lines after "ĐẾN"
    stamp_window_lines: int = 4

    def override(self, **changes) -> Settings:
        """A copy with ``changes``; an unknown name is an error, not a silent no-op."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        return replace(self, **changes)


DEFAULT_SETTINGS = Settings()
