"""Lines with their offsets: ``split_lines`` gives what reading line by line gives."""
import random

import pytest

from extractors.lines import Line, split_lines


def _line_by_line(text: str, start: int, end: int) -> list[Line]:
    """The plain reading: each line stripped, its offset after its leading white space."""
    out, pos = [], start
    for raw in text[start:end].split("\n"):
        lead = len(raw) - len(raw.lstrip())
        out.append(Line(raw.strip(), pos + lead, pos + lead + len(raw.strip())))
        pos += len(raw) + 1
    return out


@pytest.mark.parametrize("seed", range(30))
def test_split_lines_is_the_line_by_line_reading(seed):
    rng = random.Random(seed)
    pieces = ["Sở", "a", " ", "  ", "\t", "\n", "\n\n", "\u00a0", "\u2003", "\x1c", "1.", "ệ"]
    for _ in range(100):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        assert split_lines(text, start, end) == _line_by_line(text, start, end)
        lines = split_lines(text)
        assert lines == _line_by_line(text, 0, len(text))
        assert all(type(ln) is Line for ln in lines)
        for ln in lines:  # every offset points at the line's text
            assert text[ln.start:ln.end] == ln.text
