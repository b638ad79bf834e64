"""Small synthetic dispatches (công văn) written in code, for flow tests and the benchmark.

Varied enough that documents differ (number, province, dates, recipients, a deadline, a cited
document); they exercise the flow and the loader, not extraction quality.
"""
from __future__ import annotations

from pathlib import Path

PROVINCES = ["Bà Rịa-Vũng Tàu", "Đồng Nai", "Nghệ An", "Lào Cai", "Cà Mau", "Hà Tĩnh"]
UNITS = ["VP", "SNV", "STC", "SXD", "SYT"]


def dispatch_text(i: int, *, number: int | None = None, province: str | None = None) -> str:
    province = province or PROVINCES[i % len(PROVINCES)]
    unit = UNITS[i % len(UNITS)]
    number = number if number is not None else 100 + i
    day, month = 1 + i % 28, 1 + i % 12
    cited = f"{50 + i}/UBND-{unit}"
    return f"""ỦY BAN NHÂN DÂN
TỈNH {province.upper()}
-------

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

Số: {number}/UBND-{unit}
V/v triển khai nhiệm vụ số {i} năm 2024

{province}, ngày {day} tháng {month} năm 2024

Kính gửi:
- Sở Nội vụ;
- Sở Tài chính;
- Ủy ban nhân dân các huyện, thị xã, thành phố.

Căn cứ Công văn số {cited} ngày 02/01/2024 của Ủy ban nhân dân tỉnh {province} về việc chuẩn bị;

Ủy ban nhân dân tỉnh yêu cầu các cơ quan, đơn vị triển khai thực hiện nhiệm vụ số {i}, báo cáo
kết quả về Sở Nội vụ chậm nhất ngày {day}/{1 + (month % 12)}/2024 để tổng hợp.

Nơi nhận:
- Như trên;
- Chủ tịch, các PCT UBND tỉnh;
- Lưu: VT, {unit}.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Nguyễn Văn {chr(65 + i % 26)}
"""


def write_inbox(folder: Path, count: int, *, start: int = 0, suffixes=(".txt", ".md")) -> list[Path]:
    """Write ``count`` dispatches into ``folder`` (alternating .txt/.md); returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"cv-{i:04d}{suffixes[i % len(suffixes)]}"
        path.write_text(dispatch_text(i), encoding="utf-8")
        paths.append(path)
    return paths
