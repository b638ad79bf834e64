"""`dispatches extract`: JSON Lines out, failed records for bad files, exit code 1 if any failed."""
import json
import subprocess
import sys
from pathlib import Path

from pipeline.cli import main

LETTER = """ỦY BAN NHÂN DÂN
TỈNH AN GIANG

Số: 88/UBND-VP

An Giang, ngày 02 tháng 02 năm 2024

V/v báo cáo số liệu

Kính gửi: Sở Tài chính.

Đề nghị báo cáo.

Nơi nhận:
- Như trên;
- Lưu: VT.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Trần Văn An
"""


def run(args, capsys):
    code = main(args)
    out = capsys.readouterr()
    return code, [json.loads(line) for line in out.out.splitlines()], out.err


def test_extract_folder_prints_one_record_per_file(tmp_path, capsys):
    (tmp_path / "a.txt").write_text(LETTER, encoding="utf-8")
    (tmp_path / "b.md").write_bytes(b"\xef\xbb\xbf" + LETTER.encode())  # with a BOM
    (tmp_path / "notes.xyz").write_text("ignored: not a dispatch format")
    code, records, _ = run(["extract", str(tmp_path)], capsys)
    assert code == 0
    assert [Path(r["source"]["path"]).name for r in records] == ["a.txt", "b.md"]
    a, b = records
    assert a["number"]["raw"] == "88/UBND-VP" and a["signer"]["name"] == "Trần Văn An"
    assert b["source"]["encoding"] == "utf-8-sig"
    assert {k: v for k, v in a.items() if k not in {"doc_id", "source", "provenance"}} == \
        {k: v for k, v in b.items() if k not in {"doc_id", "source", "provenance"}}
    # provenance points at the text the value was read from
    assert a["provenance"]["number"]["page"] == 1


def test_bad_files_get_failed_records_and_the_batch_goes_on(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(LETTER, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02garbage")
    odd = tmp_path / "scan.xyz"
    odd.write_text("?")
    missing = tmp_path / "missing.txt"
    code, records, err = run(["extract", str(empty), str(good), str(binary), str(odd),
                              str(missing)], capsys)
    assert code == 1
    status = {Path(r["source"]["path"]).name: (r["status"], r["error"]) for r in records}
    assert status["good.txt"] == ("ok", None)
    assert "empty file" in status["empty.txt"][1]
    assert "binary" in status["binary.txt"][1] or "UTF-8" in status["binary.txt"][1]
    assert "unsupported file type" in status["scan.xyz"][1]
    assert "cannot read" in status["missing.txt"][1]
    for name in ("empty.txt", "binary.txt", "scan.xyz", "missing.txt"):
        assert status[name][0] == "failed" and name in status[name][1]
    assert "4 failed" in err


def test_out_file_and_console_script(tmp_path):
    (tmp_path / "a.txt").write_text(LETTER, encoding="utf-8")
    out = tmp_path / "r.jsonl"
    exe = Path(sys.executable).with_name("dispatches")
    proc = subprocess.run([str(exe), "extract", str(tmp_path / "a.txt"), "--out", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    [record] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert record["doc_type"] == "cong_van"



def test_a_link_out_of_the_folder_is_not_read_and_is_said(tmp_path, capsys):
    inbox, secret = tmp_path / "inbox", tmp_path / "secret.txt"
    inbox.mkdir()
    secret.write_text(LETTER, encoding="utf-8")
    (inbox / "a.txt").write_text(LETTER, encoding="utf-8")
    (inbox / "link.txt").symlink_to(secret)
    assert main(["extract", str(inbox)]) == 0
    out, err = capsys.readouterr()
    assert len(out.splitlines()) == 1  # a.txt only
    assert f"not read: {inbox / 'link.txt'}" in err and "1 not read" in err
