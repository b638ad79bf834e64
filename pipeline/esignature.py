"""The portal's digital-signature stamp (chữ ký số) found in a PDF's text layer.

Documents published on the government portal carry a stamp drawn as text over the
scan::

    Người ký: CỔNG THÔNG TIN ĐIỆN TỬ CHÍNH PHỦ
    Email: thongtinchinhphu@chinhphu.vn
    Cơ quan: VĂN PHÒNG CHÍNH PHỦ
    Thời gian ký: 06.10.2025 16:20:48 +07:00

That text is not the document: the signer there is the portal, not the person who
signed the paper, and the signing time is not the issue date (it is an upper bound
for it). ``parse_e_signature`` reads the stamp; ``is_overlay_only`` tells a reader
that a page's text layer holds nothing but such overlays, so the page must be OCR'd
like a scan. Pure functions.
"""
from __future__ import annotations

import datetime as dt
import unicodedata

import regex

from pipeline.normalize import fold_diacritics

# labels as printed, matched on diacritic-folded, case-folded text (OCR of the stamp
# and old tone placement both occur)
_FIELDS = {
    "signer": r"nguoi\s*ky",
    "email": r"e-?mail",
    "organisation": r"co\s*quan",
    "signed_at": r"thoi\s*gian\s*ky",
}
_LABEL = regex.compile(
    r"(?P<label>" + "|".join(f"(?P<{k}>{v})" for k, v in _FIELDS.items()) + r")\s*[:：]\s*",
    regex.I)
_TIME = regex.compile(
    r"(?P<d>\d{1,2})[./\-](?P<m>\d{1,2})[./\-](?P<y>\d{4})"
    r"(?:[ T,]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
    r"(?:\s*(?P<tz>[+\-]\d{2}:?\d{2}|Z))?")
_EMAIL = regex.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
_DOMAIN_TAIL = regex.compile(r"\s*\S+\.(?:vn|VN|com|COM|gov|GOV)\S*$")
# other overlays portals and scanners print over a page: "Ký bởi:", "Ngày ký:", "Signature Valid"
_OTHER_OVERLAY = regex.compile(
    r"^(?:ky\s*boi|ngay\s*ky|signature\s*valid|digitally\s*signed|signed\s*by|date|reason|"
    r"location|chinhphu\.vn|vgp)\b", regex.I)


def signing_time(text: str) -> str | None:
    """``06.10.2025 10:34:22 +07:00`` → ``2025-10-06T10:34:22+07:00`` (ISO 8601)."""
    m = _TIME.search(text)
    if not m:
        return None
    try:
        day = dt.date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None
    if m["H"] is None:
        return day.isoformat()
    hour, minute, second = int(m["H"]), int(m["M"]), int(m["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return day.isoformat()
    out = f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}"
    tz = m["tz"]
    if tz == "Z":
        out += "+00:00"
    elif tz:
        tz = tz.replace(":", "")
        out += f"{tz[:3]}:{tz[3:]}"
    return out


def _labels(text: str) -> list[tuple[str, int, int]]:
    """``(field, label start, value start)`` for each stamp label, in order."""
    folded = fold_diacritics(unicodedata.normalize("NFC", text))
    # fold_diacritics keeps one character per precomposed character, so offsets agree
    # with the NFC text
    out = []
    for m in _LABEL.finditer(folded):
        name = next(k for k in _FIELDS if m.group(k))
        out.append((name, m.start(), m.end()))
    return out


def parse_e_signature(text: str) -> dict | None:
    """``{"signer", "email", "organisation", "signed_at"}`` of a signing stamp, or ``None``.

    Needs the signing time and at least one other label: a body sentence that happens
    to contain "Cơ quan:" is not a stamp.
    """
    text = unicodedata.normalize("NFC", text)
    labels = _labels(text)
    names = {name for name, _, _ in labels}
    if "signed_at" not in names or len(names) < 2:
        return None
    out: dict[str, str | None] = dict.fromkeys(_FIELDS)
    for i, (name, _, value_start) in enumerate(labels):
        value_end = labels[i + 1][1] if i + 1 < len(labels) else len(text)
        value = text[value_start:value_end]
        # the value ends at the line's end
        value = value.split("\n", 1)[0].strip()
        if out[name] is not None or not value:
            continue
        if name == "signed_at":
            out[name] = signing_time(value)
        elif name == "email":
            m = _EMAIL.search(value)
            out[name] = m.group(0) if m else None
        else:
            # the portal's logo text ("CHINHPHU.VN") can be glued to the next label
            value = _DOMAIN_TAIL.sub("", value)
            out[name] = " ".join(value.split()) or None
    if out["signed_at"] is None:
        return None
    return out


def overlay_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of ``text`` that are signing-stamp or other overlay lines."""
    spans: list[tuple[int, int]] = []
    labels = _labels(text)
    label_lines = set()
    for _, start, _ in labels:
        label_lines.add(text.rfind("\n", 0, start) + 1)
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        key = fold_diacritics(line).strip()
        if pos in label_lines or any(pos <= s < end for _, s, _ in labels) \
                or _OTHER_OVERLAY.match(key) or _EMAIL.fullmatch(key):
            spans.append((pos, end))
        pos = end + 1
    return spans


def is_overlay_only(text: str, *, max_other_chars: int = 20) -> bool:
    """The text layer holds only a signing stamp / overlay (the page is really a scan).

    True when at most ``max_other_chars`` visible characters lie outside overlay lines;
    an empty text layer is not called an overlay (the reader already treats it as a scan).
    """
    if not text.strip():
        return False
    spans = overlay_spans(text)
    if not spans:
        return False
    rest = list(text)
    for start, end in spans:
        rest[start:end] = [" "] * (end - start)
    return len("".join(rest).split()) == 0 or \
        sum(len(w) for w in "".join(rest).split()) <= max_other_chars


def issue_date_after_signing(issued_date: str | None, signed_at: str | None) -> bool:
    """The issue date is later than the signing time: one of them was misread.

    Compared at the issue date's precision (``2025-10`` against ``2025-10-06T…``).
    """
    if not issued_date or not signed_at:
        return False
    return issued_date > signed_at[:len(issued_date)]
