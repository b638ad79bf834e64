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

    # --- deadlines and dates (extractors.deadlines, extractors.dates) ---
    #: characters before a due cue searched for a word that makes the date no due date
    #: ("có hiệu lực trước ngày …", "được ban hành trước ngày …")
    deadline_not_due_lookback_chars: int = 40
    #: characters before "trước ngày D tháng M" searched for a yearly cue ("số liệu năm")
    deadline_yearly_lookback_chars: int = 30
    #: characters before a plain "trong <period>" searched for a completion verb
    #: ("hoàn thành", "đưa vào sử dụng"): without one the period is no deadline
    deadline_completion_lookback_chars: int = 100
    #: at most this many characters of a relative deadline's anchor ("kể từ ngày nhận …")
    deadline_anchor_max_chars: int = 160
    #: a prose sentence shorter than this holds no deadline (a heading number, "Ghi chú:")
    deadline_min_sentence_chars: int = 8
    #: a heading line at least this long is prose, not a heading naming the assignee
    deadline_max_heading_chars: int = 120
    #: a subject longer than this is a clause, not the name of a body
    deadline_max_assignee_chars: int = 200
    #: a deadline's action is cut to this many characters
    deadline_max_action_chars: int = 300
    #: a table deadline's text (its row, cells joined) is cut to this many characters
    deadline_max_row_text_chars: int = 1000
    #: a hand-filled stamp date ("06/10/25"): at most this many non-digits between parts
    filled_in_date_max_gap: int = 4
    #: a hand-filled stamp date's year may be this many years off the issue year
    filled_in_year_tolerance: int = 1

    # --- header, parties, signer, references, tables (extractors) ---
    #: non-blank lines the header may run to before the body is taken to begin
    header_lines: int = 60
    #: lines of the text read at all for the header (blank lines included)
    header_scan_lines: int = 180
    #: lines searched for an urgency or secrecy mark (HỎA TỐC, MẬT) printed near the header
    mark_scan_lines: int = 120
    #: lines after a type line (QUYẾT ĐỊNH) looked at for the subject under it
    subject_lines_after_title: int = 3
    #: lines searched for the "Kính gửi" label: past them it is a quotation, not the label
    recipients_label_lines: int = 200
    #: a "Nơi nhận" item printed without its bullet is shorter than this many characters
    cc_item_max_chars: int = 120
    #: lines after the signer's position searched for the name (signature, seal, notes between)
    signer_name_lines: int = 8
    #: lines a signer's position block spans at most (KT. / CHỦ TỊCH / PHÓ CHỦ TỊCH)
    signer_block_lines: int = 6
    #: characters between "Nơi nhận" and the nearest signer block beyond which the list
    #: belongs to an annexed template, and the first block found is the signer
    signer_cc_distance: int = 3000
    #: a line in the signature block with at most this many letters is debris of the seal or
    #: the signature on a scan ("¬", "ae.", "^"), not a line of the block
    signer_junk_letters: int = 3
    #: characters before a cited symbol searched for the type word ("Công văn số …")
    reference_lookbehind_chars: int = 120
    #: characters allowed between that type word and the symbol ("số", "liên tịch", …)
    reference_type_gap: int = 40
    #: characters after a cited symbol searched for its date ("ngày 31/5/2024")
    reference_date_chars: int = 60
    #: characters before the type word searched for a date stated first ("Ngày 19/01/2024, …")
    reference_date_before_chars: int = 80
    #: characters after the symbol or date searched for the issuer ("của UBND tỉnh")
    reference_issuer_chars: int = 120
    #: share of a column's filled cells that must be numbers for the column to get "::num"
    table_numeric_share: float = 0.8

    # --- plausibility (pipeline.validate.plausibility) ---
    #: an issue date read on a scan more than this many days before the portal's signing
    #: time is a misread year or day ("năm 2023" on a 2025 document): left out and flagged
    max_days_before_signing: int = 90
    #: a subject read on a scan is registered only when every word's OCR confidence reaches
    #: this (measured on the labelled portal scans: bench/bench_real_scans.py)
    min_subject_word_confidence: float = 0.85
    #: a syllable of a subject read on a scan must occur at least this often in the syllable
    #: model's corpus (pipeline/lexicon/syllables.tsv.gz), else the subject goes to a person
    min_syllable_count: int = 2

    # --- OCR language model (pipeline.readers.ocr.language) ---
    #: an OCR'd syllable that forms no known bigram with its neighbours is given another
    #: tone-mark variant (same letters) only when that variant's bigram count with the
    #: neighbours reaches this (a syllable without neighbours on its line is never touched)
    ocr_lm_min_bigram: int = 5
    #: ... and is at least this many times that of the runner-up (the syllable as read
    #: included): the evidence must be strong and unambiguous
    ocr_lm_min_ratio: float = 5.0
    #: ... and forms with a neighbour a bigram this strong: its count over the smaller of
    #: the two syllables' counts (compounds like "ổn định", "tư vấn" are near 1; "đổi hộ"
    #: for "đổi họ", a chance neighbour, is far below). Measured by
    #: bench/bench_ocr_language.py: 0.6 keeps false repairs on clean text at ~0.4 per
    #: 10,000 syllables (0.2: 3.1, 0.4: 0.8) while most real misreads are still repaired
    ocr_lm_min_association: float = 0.6
    #: a suspect neighbour seen fewer times than this in the model's corpus (an OCR-made
    #: syllable like "quôc") may stand as any of its variants when its neighbour is scored,
    #: so two misread syllables in a row ("quôc tê") are repaired together; a common one
    #: stands as read ("sơ thẩm những" never becomes "sơ tham nhũng")
    ocr_lm_rare_count: int = 10

    # --- second OCR reader (pipeline.readers.ocr.second_reader) ---
    #: page 1's number line and place-date line are read again by asterocr (when it is
    #: installed) and combined with Tesseract's reading (bench/bench_second_reader.py)
    second_reader: bool = True

    # --- resource limits per file (pipeline.readers.limits, pipeline.extract.worker) ---
    #: a small hostile file must not take the machine: each limit refuses the file with a
    #: failed record naming the limit. Any file bigger than this is refused before it is
    #: read (standard input too)
    max_file_bytes: int = 500_000_000
    #: a text file bigger than this is refused (extraction
    #: needs about 120 bytes of memory per byte of text: 5 MB ≈ 600 MB)
    max_text_bytes: int = 5_000_000
    #: a .docx part (document.xml, an image…) that inflates to more than this is refused
    #: before python-docx opens the file (lxml needs several times a part's size)
    max_docx_part_bytes: int = 50_000_000
    #: ... and all its parts together
    max_docx_total_bytes: int = 200_000_000
    #: ... and a part over 1 MB that inflates more than this many times its compressed size
    #: is a zip bomb (real Word XML compresses 5–30×)
    max_docx_ratio: int = 100
    #: pixels of a PDF page rendered for OCR or for a reviewer: a page larger than this at
    #: 300 dpi (A4 is 8.7 million) is rendered at the lower resolution that fits
    max_render_pixels: int = 60_000_000
    #: an image file (a frame of a TIFF) with more pixels than this is refused (a 600-dpi A3
    #: scan is 70 million; memory is about 15 bytes per pixel through OCR)
    max_image_pixels: int = 100_000_000
    #: ``dispatches run``: each file is extracted in a worker process limited to this much
    #: address space (RLIMIT_AS, where the platform has it); 0: no limit
    max_memory_mb: int = 4096

    def override(self, **changes) -> Settings:
        """A copy with ``changes``; an unknown name is an error, not a silent no-op."""
        known = {f.name for f in fields(self)}
        unknown = set(changes) - known
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        return replace(self, **changes)


DEFAULT_SETTINGS = Settings()
