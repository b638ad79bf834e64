"""``cached_when_short``: short strings are computed once, long ones every time and never kept."""
from pipeline.text.keys import tone_key
from pipeline.text.short_cache import cached_when_short


def test_short_strings_are_kept_and_long_ones_computed_each_time():
    calls: list[str] = []

    @cached_when_short(5, 16)
    def upper(s: str) -> str:
        calls.append(s)
        return s.upper()

    assert [upper("abc"), upper("abc"), upper("abcdef"), upper("abcdef")] == \
        ["ABC", "ABC", "ABCDEF", "ABCDEF"]
    assert calls == ["abc", "abcdef", "abcdef"]
    assert upper.cache_info().currsize == 1  # the long string was not kept
    upper.cache_clear()
    upper("abc")
    assert calls[-1] == "abc" and upper.__name__ == "upper"


def test_a_cached_key_equals_the_one_computed_afresh():
    tone_key.cache_clear()
    short, long = "Ủy ban nhân dân tỉnh Hoà Bình", "hoà " * 100
    first = (tone_key(short), tone_key(long))
    assert first == (tone_key(short), tone_key(long)) == ("ủy ban nhân dân tỉnh hòa bình",
                                                          ("hòa " * 100).strip())
    assert tone_key.cache_info().hits == 1
