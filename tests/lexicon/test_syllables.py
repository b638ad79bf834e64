"""The shipped syllable model (``pipeline/lexicon/syllables.tsv.gz``)."""
from __future__ import annotations

from pipeline.lexicon.syllables import SYLLABLE_FILE, count_syllables, syllable_model


def test_the_data_file_loads_and_knows_common_bigrams():
    assert SYLLABLE_FILE.exists() and SYLLABLE_FILE.stat().st_size < 400_000
    model = syllable_model()
    assert model is syllable_model()  # cached
    for a, b in [("chính", "phủ"), ("tư", "vấn"), ("quốc", "tế"), ("ổn", "định"),
                 ("chuyển", "giao"), ("thẩm", "quyền"), ("ủy", "ban")]:
        assert model.bigram(a, b) > 10, (a, b)
    assert model.bigram("Chính", "Phủ") == model.bigram("chính", "phủ")  # keys: lower case
    assert model.bigram("tư", "vẫn") == 0
    assert model.unigram("của") > 1000


def test_variants_share_the_letters():
    variants = syllable_model().variants("van")
    assert {"vấn", "văn", "vẫn", "vân"} <= set(variants)
    assert "thủy" in syllable_model().variants("thuỷ")  # old tone placement is keyed


def test_counting_keys_syllables_and_keeps_bigrams_within_a_line():
    uni, bi = count_syllables(["Hoà bình, Chính phủ\nphủ Chính"])
    assert uni["hòa"] == 1 and uni["phủ"] == 2
    assert bi["hòa", "bình"] == 1 and bi["chính", "phủ"] == 1 and bi["phủ", "chính"] == 1
    assert ("bình", "chính") not in bi  # a comma between
    assert ("phủ", "phủ") not in bi  # a line break between
