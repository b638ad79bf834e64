"""What the review app says, in Vietnamese (the default) and English.

Document types are named as their type line is printed (``QUYẾT ĐỊNH`` → "Quyết định",
from the lexicon), dates as an archivist writes them (dd/mm/yyyy, keeping a partial date's
precision: ``2024-03`` → ``03/2024``, ``pipeline.corrections.display_date``).
"""
from __future__ import annotations

from pipeline.lexicon.display import doc_type_names, printed_marks

LANGUAGES = ("vi", "en")

TEXT: dict[str, dict[str, str]] = {
    "vi": {
        "app": "Rà soát văn bản đến", "queue": "Danh sách cần rà soát", "search": "Tìm kiếm",
        "search_hint": "số, cơ quan, trích yếu… (gõ không dấu cũng được)",
        "shown": "đang hiện", "of": "trên", "all": "tất cả",
        "arrival": "Số đến", "arrival_date": "Ngày đến", "doc_type": "Loại văn bản",
        "number": "Số, ký hiệu", "issued_date": "Ngày văn bản", "issuer": "Cơ quan ban hành",
        "subject": "Trích yếu", "urgency": "Độ khẩn", "status": "Trạng thái",
        "warnings": "Cảnh báo", "assigned_to": "Đơn vị/người nhận xử lý", "file": "Tệp",
        "received_by": "Ký nhận",
        "review": "Cần xem", "ok": "Đủ", "partial": "Thiếu", "failed": "Lỗi",
        "needs_review": "cần kiểm tra", "fields": "Các trường", "page": "Trang",
        "text": "Văn bản đã đọc", "value": "Giá trị", "confidence": "Độ tin cậy",
        "save": "Lưu", "accept": "Đúng", "saved": "Đã lưu hiệu chỉnh", "accepted": "Đã xác nhận",
        "corrected_by": "Hiệu chỉnh bởi", "extracted": "Máy đọc được",
        "applied": "đang áp dụng", "extraction_agrees": "lần đọc mới trùng với hiệu chỉnh",
        "not_applicable": "lần đọc mới không còn trường này",
        "deadlines": "Thời hạn", "done": "Đã xong", "due": "Hạn",
        "reviewer": "Người rà soát", "back": "← Danh sách", "next": "Văn bản sau →",
        "prev": "← Văn bản trước", "no_image": "Không có ảnh trang (văn bản số hóa sẵn)",
        "no_reading": "Lượt chạy chưa lưu văn bản đã đọc của tài liệu này",
        "keys": "Phím tắt: j/k văn bản sau/trước · / tìm kiếm · e sửa trường đầu · "
                "Enter lưu · Esc bỏ", "place": "Nơi ban hành",
        "signer.name": "Người ký", "signer.title": "Chức vụ người ký",
        "issuer.name": "Cơ quan ban hành", "issuer.parent": "Cơ quan chủ quản",
        "recipients": "Kính gửi", "cc": "Nơi nhận", "confidentiality": "Độ mật",
        "arrival.number": "Số đến", "arrival.date": "Ngày đến", "error": "Lỗi",
        "bad_date": "ngày không hợp lệ (nhập dd/mm/yyyy)", "bad_choice": "giá trị không hợp lệ",
        "locked": "Một lượt chạy đang ghi vào dữ liệu; thử lại sau ít phút.",
        "not_found": "Không tìm thấy", "none": "—", "lang": "English",
        "one_per_line": "mỗi dòng một đơn vị", "correction_count": "Đã hiệu chỉnh",
        "forbidden": "Yêu cầu không hợp lệ (mã bảo vệ sai); tải lại trang rồi thử lại.",
    },
    "en": {
        "app": "Incoming correspondence review", "queue": "Review queue", "search": "Search",
        "search_hint": "number, issuer, subject… (diacritics optional)",
        "shown": "shown", "of": "of", "all": "all",
        "arrival": "Arrival no.", "arrival_date": "Arrival date", "doc_type": "Type",
        "number": "Number", "issued_date": "Date", "issuer": "Issuer",
        "subject": "Subject", "urgency": "Urgency", "status": "Status",
        "warnings": "Warnings", "assigned_to": "Assigned to", "file": "File",
        "received_by": "Signed for by",
        "review": "To review", "ok": "Complete", "partial": "Partial", "failed": "Failed",
        "needs_review": "needs review", "fields": "Fields", "page": "Page",
        "text": "Text as read", "value": "Value", "confidence": "Confidence",
        "save": "Save", "accept": "Correct", "saved": "Correction saved", "accepted": "Confirmed",
        "corrected_by": "Corrected by", "extracted": "Extracted",
        "applied": "applied", "extraction_agrees": "the new extraction agrees",
        "not_applicable": "the new extraction no longer has this field",
        "deadlines": "Deadlines", "done": "Done", "due": "Due",
        "reviewer": "Reviewer", "back": "← Queue", "next": "Next document →",
        "prev": "← Previous document", "no_image": "No page image (born-digital document)",
        "no_reading": "The run did not save what it read of this document",
        "keys": "Keys: j/k next/previous document · / search · e edit first field · "
                "Enter save · Esc cancel", "place": "Place",
        "signer.name": "Signer", "signer.title": "Signer's title",
        "issuer.name": "Issuer", "issuer.parent": "Parent body",
        "recipients": "To (Kính gửi)", "cc": "Distribution (Nơi nhận)",
        "confidentiality": "Confidentiality",
        "arrival.number": "Arrival no.", "arrival.date": "Arrival date", "error": "Error",
        "bad_date": "not a date (type dd/mm/yyyy)", "bad_choice": "not a valid value",
        "locked": "A run is writing to the dataset; try again in a few minutes.",
        "not_found": "Not found", "none": "—", "lang": "Tiếng Việt",
        "one_per_line": "one per line", "correction_count": "Corrected",
        "forbidden": "Invalid request (bad form token); reload the page and try again.",
    },
}

# the Vietnamese marks are the lexicon's, as stamped; these are their English names
MARKS_EN = {"hoa_toc": "FLASH", "thuong_khan": "MOST URGENT", "khan": "URGENT",
            "mat": "CONFIDENTIAL", "toi_mat": "SECRET", "tuyet_mat": "TOP SECRET"}
DOC_TYPES_EN = {
    "cong_van": "Official letter", "quyet_dinh": "Decision", "thong_bao": "Notice",
    "bao_cao": "Report", "ke_hoach": "Plan", "to_trinh": "Submission", "giay_moi": "Invitation",
    "cong_dien": "Telegram", "nghi_quyet": "Resolution", "chi_thi": "Directive",
    "huong_dan": "Guidance", "chuong_trinh": "Programme", "bien_ban": "Minutes",
    "nghi_dinh": "Decree", "thong_tu": "Circular", "luat": "Law", "quy_che": "Regulation",
    "quy_dinh": "Rules", "hop_dong": "Contract", "de_an": "Scheme", "du_an": "Project",
    "phuong_an": "Option plan",
}


def language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "vi"


def t(lang: str, key: str) -> str:
    return TEXT[language(lang)].get(key) or TEXT["en"].get(key) or key


def doc_type_name(lang: str, code: str | None) -> str:
    if not code:
        return ""
    if language(lang) == "vi":
        return doc_type_names().get(code, code)
    return DOC_TYPES_EN.get(code, code.replace("_", " ").capitalize())


def mark_name(lang: str, code: str | None) -> str:
    """Urgency or confidentiality mark as printed (``hoa_toc`` → ``HỎA TỐC``)."""
    if not code:
        return ""
    names = printed_marks() if language(lang) == "vi" else MARKS_EN
    return names.get(code, code)
