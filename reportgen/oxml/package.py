"""The .docx zip package: read its parts in order, and write them back byte-for-byte reproducibly."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")

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
    """The .docx bytes of `parts`: content types first, fixed timestamps, deflated.

    Written by hand rather than with zipfile so that a part's compressed form can be reused: the
    template's large parts (styles.xml is ~350 kB) pass through every build unchanged, and deflating
    them again was most of the cost of writing a report in a batch. The bytes are what zipfile wrote.
    """
    names = ["[Content_Types].xml"] + [n for n in parts if n != "[Content_Types].xml"]
    local: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for name in names:
        data = parts[name]
        crc, compressed = _deflated(data)
        encoded = name.encode("utf-8")
        flags = 0x800 if not encoded.isascii() else 0  # bit 11: the name is UTF-8
        fields = (20, flags, 8, _DOS_TIME, _DOS_DATE, crc, len(compressed), len(data), len(encoded))
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded
        central.append(struct.pack("<IH", 0x02014B50, 0x0314) + struct.pack("<HHHHHIIIHH", *fields, 0)
                       + struct.pack("<HHHII", 0, 0, 0, 0o644 << 16, offset) + encoded)
        local.append(header)
        local.append(compressed)
        offset += len(header) + len(compressed)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(names), len(names), len(directory), offset, 0)
    return b"".join(local) + directory + end


_DOS_DATE = ((FIXED_ZIP_TIME[0] - 1980) << 9) | (FIXED_ZIP_TIME[1] << 5) | FIXED_ZIP_TIME[2]
_DOS_TIME = (FIXED_ZIP_TIME[3] << 11) | (FIXED_ZIP_TIME[4] << 5) | (FIXED_ZIP_TIME[5] // 2)
def per_part(compute: Callable[[bytes], T]) -> Callable[[bytes], T]:
    """`compute` remembered for parts that pass through every build unchanged (the template's own).

    Keyed by the bytes themselves: a template's part is the same bytes object build after build, so
    the lookup costs nothing once Python has hashed it. Small parts are not worth remembering; and
    once MEMO_SIZE parts are remembered no more are, so a long run of changing reports cannot crowd
    out the template's parts, which are met first.
    """
    remembered: dict[bytes, T] = {}

    def memo(data: bytes) -> T:
        if len(data) < MEMO_FROM:
            return compute(data)
        try:
            return remembered[data]  # (a result may be None: so no .get())
        except KeyError:
            found = compute(data)
            if len(remembered) < MEMO_SIZE:
                remembered[data] = found
            return found

    return memo


MEMO_FROM = 4096
MEMO_SIZE = 256


@per_part
def _deflated(data: bytes) -> tuple[int, bytes]:
    """The CRC-32 and raw deflate stream of `data`, as zipfile makes them (level 6)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()
