"""OCR words placed in the page text by runs of their line (the boxes a reviewer sees)."""
from __future__ import annotations

from pipeline.text.scan import OcrWord, align_words
from pipeline.text.word_runs import align_runs

# the page text after layout: letterhead left column, then right; the recipient line below
TEXT = ("ỦY BAN NHÂN DÂN\nTỈNH HÒA BÌNH\n\nSố: 188/UBND-VP\n\n"
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\nKính gửi: Sở Nội vụ tỉnh Hòa Bình.\n\n"
        "Nơi nhận:\n- Như trên;")


def line(n: int, text: str, top: int) -> list[OcrWord]:
    """The words of one Tesseract line, left to right."""
    return [OcrWord(t, 0.9, 100 * i, top, 100 * i + 80, top + 40, (1, 1, n))
            for i, t in enumerate(text.split())]


# Tesseract's order: row by row across both columns
WORDS = (line(1, "ỦY BAN NHÂN DÂN", 0) + line(2, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 0)
         + line(3, "TỈNH HÒA BÌNH", 50) + line(4, "Số: 188/UBND-VP", 100)
         + line(5, "Kính gửi: Sở Nội vụ tỉnh Hòa Bình.", 300) + line(6, "- Như trên;", 500))


def positions(words: list[OcrWord]) -> list[int]:
    return [w.start for w in words]


def test_each_line_lands_on_its_own_text():
    placed = align_runs(TEXT, WORDS)
    assert all(TEXT[w.start:w.end] == w.text for w in placed)
    at = {(w.line[2], w.text): w.start for w in placed}
    assert at[(3, "TỈNH")] == TEXT.index("TỈNH HÒA")        # the letterhead, not Kính gửi's
    assert at[(5, "tỉnh")] == TEXT.index("tỉnh Hòa")
    assert at[(4, "Số:")] == TEXT.index("Số:")             # not "Sở"
    assert at[(5, "Sở")] == TEXT.index("Sở ")
    assert at[(6, "-")] == TEXT.index("- Như")            # not the dash of UBND-VP
    # every token is claimed once
    assert len(set(positions(placed))) == len(placed)


def test_the_cursor_alignment_slips_where_runs_do_not():
    """Why the reading does not reuse ``align_words``: its boxes would be on the wrong line."""
    slipped = {(w.line[2], w.text): w.start for w in align_words(TEXT, WORDS)}
    assert slipped[(3, "TỈNH")] != TEXT.index("TỈNH HÒA")


def test_changed_spellings_match_by_letters_and_unknown_words_stay_unplaced():
    words = line(1, "Kinh gui: So Noi vu", 0) + line(2, "xyzzy", 50)
    placed = align_runs(TEXT, words)
    assert TEXT[placed[0].start:placed[0].end] == "Kính"
    assert TEXT[placed[4].start:placed[4].end] == "vụ"
    assert placed[5].start == placed[5].end == -1
