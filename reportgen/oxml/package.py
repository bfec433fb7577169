"""The .docx zip package: read its parts in order, and write them back byte-for-byte reproducibly."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

# Every entry gets this timestamp, so the same parts always give the same bytes.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class NotADocx(Exception):
    """The file is not a Word .docx package."""


def read_parts(source: str | Path | bytes) -> dict[str, bytes]:
    """Every part of a .docx, in the order they are stored."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            parts = {info.filename: zf.read(info) for info in zf.infolist() if not info.is_dir()}
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise NotADocx(str(exc)) from None
    if "[Content_Types].xml" not in parts or "word/document.xml" not in parts:
        raise NotADocx("it has no word/document.xml: not a Word document")
    return parts


def pack(parts: dict[str, bytes]) -> bytes:
    """The .docx bytes of `parts`: content types first, fixed timestamps, deflated."""
    buffer = io.BytesIO()
    names = ["[Content_Types].xml"] + [n for n in parts if n != "[Content_Types].xml"]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in names:
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, parts[name], compresslevel=6)
    return buffer.getvalue()
