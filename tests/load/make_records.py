"""Records built in code for the loader tests (the loader never parses text)."""
from __future__ import annotations

from schemas import (
    Arrival, Deadline, Issuer, NumberSymbol, Record, RecordWarning, Reference, Signer, Source,
    Table,
)


def dispatch_record(i: int, *, number: str | None = None, issuer: str = "Ủy ban nhân dân tỉnh Nghệ An",
                    issued: str = "2024-05-{day:02d}", references: tuple[str, ...] = (),
                    recipients: tuple[str, ...] = ("Sở Nội vụ", "Sở Tài chính"),
                    due: str = "2024-06-30", version: str = "test-1") -> Record:
    number = number or f"{100 + i}/UBND-VP"
    return Record(
        doc_id=f"{i:064x}", pipeline_version=version,
        source=Source(path=f"inbox/cv-{i}.txt", format="txt", pages=1, encoding="utf-8"),
        arrival=Arrival(number=str(500 + i), date="2024-06-01"),
        doc_type="cong_van",
        number=NumberSymbol(raw=number, number=int(number.split("/")[0]), issuer_code="UBND",
                            unit_code="VP"),
        issuer=Issuer(name=issuer), place="Nghệ An", issued_date=issued.format(day=1 + i % 28),
        subject=f"triển khai nhiệm vụ {i}", recipients=list(recipients),
        cc=["Như trên", "Lưu: VT, VP"],
        signer=Signer(name="Nguyễn Văn A", title="Phó Chủ tịch", authority="KT",
                      on_behalf_of="Chủ tịch"),
        references=[Reference(raw=f"Công văn số {r}", doc_type="cong_van", number=r)
                    for r in references],
        deadlines=[Deadline(kind="absolute", due_date=due, assignee="Sở Nội vụ",
                            action="báo cáo UBND tỉnh", text=f"chậm nhất ngày {due}")],
        tables=[Table(title="Phụ lục", columns=["Stt", "Cơ quan"],
                      rows=[{"Stt": "1", "Cơ quan": "Sở Nội vụ", "section": "I. KHỐI SỞ"},
                            {"Stt": "2", "Cơ quan": "Sở Tài chính", "section": "I. KHỐI SỞ"}])],
        warnings=[RecordWarning(code="needs_review", message="signer uncertain", field="signer")],
    )


def failed_dispatch(i: int, version: str = "test-1") -> Record:
    return Record(doc_id=f"f{i:063x}", status="failed", pipeline_version=version,
                  error=f"inbox/bad-{i}.txt: empty file (0 bytes)",
                  source=Source(path=f"inbox/bad-{i}.txt", format="txt"))
