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
like a scan; ``pdf_overlay`` and ``annotation_overlay`` find such a layer on a PDF page
(drawn on the page, or in a signature widget) and the boxes to blank before OCR.
"""
from __future__ import annotations

import datetime as dt
import unicodedata

import regex

from pipeline.text.keys import fold_diacritics
from schemas import ESignature

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


def parse_e_signature(text: str) -> ESignature | None:
    """Signer, email, organisation and signing time of a signing stamp, or ``None``.

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
    return ESignature(**out)


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


# a text layer longer than this is a real text page, whatever overlay it also carries
MAX_OVERLAY_CHARS = 600
LOGO_MAX_COVER = 0.10  # a small picture beside the stamp text is the portal's logo
LOGO_BAND = 20.0  # points above/below the stamp text where its logo may sit


def pdf_overlay(page, words: list[dict]) -> tuple[ESignature | None, list[tuple]] | None:
    """A pdfplumber page whose text layer is only an overlay (the portal's signing stamp).

    Returns ``(e-signature or None, boxes to blank before OCR)`` — the overlay's words
    and the small logo picture beside them, in points — or ``None`` for a page whose
    text is the document.
    """
    visible = sum(len(w["text"]) for w in words)
    if not words or visible > MAX_OVERLAY_CHARS:
        return None
    text = page.extract_text() or ""
    if not is_overlay_only(text):
        return None
    boxes = [(w["x0"], w["top"], w["x1"], w["bottom"]) for w in words]
    top = min(b[1] for b in boxes) - LOGO_BAND
    bottom = max(b[3] for b in boxes) + LOGO_BAND
    area = float(page.width * page.height) or 1.0
    for im in page.images:
        cover = (im["x1"] - im["x0"]) * (im["bottom"] - im["top"]) / area
        if cover <= LOGO_MAX_COVER and im["bottom"] >= top and im["top"] <= bottom:
            boxes.append((im["x0"], im["top"], im["x1"], im["bottom"]))
    return parse_e_signature(text), boxes


def annotation_overlay(data: bytes, number: int) -> tuple[ESignature | None, list[tuple]] | None:
    """The signing stamp drawn in an annotation (a signature widget) rather than the page.

    pdfplumber does not read annotation appearances; pdfium does once the page is
    flattened (on a private copy of the document). Returns like ``pdf_overlay``.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    doc = pdfium.PdfDocument(data)
    try:
        page = doc[number - 1]
        if pdfium_c.FPDFPage_Flatten(page, pdfium_c.FLAT_NORMALDISPLAY) != pdfium_c.FLATTEN_SUCCESS:
            return None
        page.close()
        page = doc[number - 1]
        height = page.get_height()
        textpage = page.get_textpage()
        text = textpage.get_text_range().replace("\r\n", "\n")
        if not is_overlay_only(text):
            return None
        # pdfium gives (left, bottom, right, top) from the bottom: turn to (x0, top, x1, bottom)
        boxes = [(l, height - t, r, height - b)
                 for l, b, r, t in (textpage.get_rect(i) for i in range(textpage.count_rects()))]
        if not boxes:
            return None
        band_top = min(b[1] for b in boxes) - LOGO_BAND
        band_bottom = max(b[3] for b in boxes) + LOGO_BAND
        area = page.get_width() * height or 1.0
        # the flattened appearance is a form object holding the logo and the text; nested
        # objects have bounds in their form's own coordinates, so only the top two levels
        for obj in page.get_objects(max_depth=1):
            if obj.type not in (pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_FORM):
                continue
            l, b, r, t = obj.get_bounds()
            top, bottom = height - t, height - b
            if (r - l) * (t - b) / area <= LOGO_MAX_COVER and bottom >= band_top \
                    and top <= band_bottom:
                boxes.append((l, top, r, bottom))
        return parse_e_signature(text), boxes
    finally:
        doc.close()
