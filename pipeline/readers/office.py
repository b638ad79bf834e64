"""Old office files — Word 97 ``.doc`` and ``.rtf`` — converted to ``.docx`` by LibreOffice,
then read by the DOCX reader, so run fonts (``.VnTime``, ``VNI-Times``) survive and legacy
text is converted run by run as for a ``.docx``.

Each conversion is a LibreOffice process of its own: a private profile directory (two
instances sharing a profile wait on each other's lock or fail), its own process group (a
timeout kills ``soffice.bin`` too, not only the ``soffice`` wrapper script) and its own
temporary folder, removed afterwards. Several conversions may run at once from threads or
processes.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from pipeline.readers.docx import read_docx
from pipeline.settings import DEFAULT_SETTINGS, Settings
from pipeline.text.document import RawDocument
from pipeline.text.errors import MissingProgram, UnreadableFile

#: seconds a conversion may take (a 2000s dispatch converts in 2-5 s on one core)
CONVERT_TIMEOUT_S = 120
INSTALL_HINT = "install libreoffice-writer-nogui (scripts/install-system-deps.sh does)"
_KINDS = {".doc": "a Word 97-2003 (.doc)", ".rtf": "an RTF (.rtf)"}


def office_program() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(path: Path, data: bytes, suffix: str, *,
                    timeout: float = CONVERT_TIMEOUT_S) -> bytes:
    """The bytes of ``data`` (a ``suffix`` file) converted to .docx by LibreOffice."""
    kind = _KINDS.get(suffix, suffix)
    office = office_program()
    if office is None:
        raise MissingProgram(path, f"{kind} file needs LibreOffice to convert it, and "
                                   f"'soffice' is not installed ({INSTALL_HINT})")
    with tempfile.TemporaryDirectory(prefix="dispatch-office-") as tmp:
        work = Path(tmp)
        src = work / f"in{suffix}"
        src.write_bytes(data)
        out_dir = work / "out"
        command = [office, "--headless", "--norestore", "--nologo", "--nodefault",
                   "--nolockcheck", f"-env:UserInstallation={(work / 'profile').as_uri()}",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out_dir), str(src)]
        # HOME too: some LibreOffice builds write a cache under it even with a private profile
        env = {**os.environ, "HOME": str(work)}
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, env=env, start_new_session=True)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc)
            raise UnreadableFile(path, f"LibreOffice took over {timeout:g} s to convert "
                                       f"{kind} file; stopped") from exc
        finally:
            _kill_group(proc)  # a helper left behind by a finished conversion, if any
        out = out_dir / "in.docx"
        if not out.is_file() or out.stat().st_size == 0:
            raise UnreadableFile(path, f"LibreOffice could not convert this file: damaged, or "
                                       f"not {kind} file{_why(proc, err)}")
        return out.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def _why(proc: subprocess.Popen, err: bytes) -> str:
    lines = [line for line in err.decode("utf-8", "replace").splitlines()
             if line.strip() and "javaldx" not in line]
    detail = f"exit code {proc.returncode}" + (f": {lines[-1].strip()}" if lines else "")
    return f" [{detail}]"


def read_office(path: Path, data: bytes, *, settings: Settings = DEFAULT_SETTINGS
                ) -> RawDocument:
    """``.doc`` or ``.rtf``: convert with LibreOffice (headless), then read as .docx."""
    suffix = path.suffix.lower() if path.suffix.lower() in _KINDS else ".doc"
    raw = read_docx(path, convert_to_docx(path, data, suffix), settings=settings)
    raw.format = suffix.lstrip(".")
    return raw
