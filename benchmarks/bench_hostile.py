"""Hostile input is refused quickly and without the memory it asks for: a 2 MB template whose part inflates to
2 GB, and YAML nested 30,000 deep, against opening the factory template and reading the annual report."""

from __future__ import annotations

import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

from timing import median_seconds, row

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "report_templates" / "committee-cover.docx"
ANNUAL = ROOT / "content" / "annual-qa-report-2018-19.yaml"
INFLATED = 2 * 1024 ** 3 - 1


def zip_bomb(path: Path) -> None:
    """The factory template with word/styles.xml replaced by a stream of zeros that inflates to 2 GB
    (its directory states that size honestly): about 2 MB on disk."""
    from reportgen.oxml.package import read_parts

    parts = read_parts(TEMPLATE)
    local, central, offset = [], [], 0
    for name, data in parts.items():
        compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
        if name == "word/styles.xml":
            chunk, crc, compressed = b"\0" * 2 ** 26, 0, []
            left = INFLATED
            while left:
                piece = chunk[:min(left, len(chunk))]
                crc = zlib.crc32(piece, crc)
                compressed.append(compressor.compress(piece))
                left -= len(piece)
            stream, size = b"".join(compressed) + compressor.flush(), INFLATED
        else:
            stream, size, crc = compressor.compress(data) + compressor.flush(), len(data), zlib.crc32(data)
        encoded = name.encode()
        fields = (20, 0, 8, 0, 33, crc, len(stream), size, len(encoded))
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded
        central.append(struct.pack("<IH", 0x02014B50, 20) + struct.pack("<HHHHHIIIHH", *fields, 0)
                       + struct.pack("<HHHII", 0, 0, 0, 0, offset) + encoded)
        local.append(header + stream)
        offset += len(header) + len(stream)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), offset, 0)
    path.write_bytes(b"".join(local) + directory + end)


def _open(path: Path) -> None:
    from reportgen.errors import NotADocx
    from reportgen.oxml.package import open_docx

    try:
        open_docx(path)
    except NotADocx:
        pass


def _open_afresh(path: Path) -> None:
    """_open as a process's first open of `path`: what open_docx remembers of earlier opens (the same file's
    parts, checked) forgotten, so the work of opening is timed, not a lookup."""
    from reportgen.oxml import package

    package._packages.clear()
    package._checked.clear()
    _open(path)


def peak_mb(path: Path) -> float:
    """Peak memory of a new process that opens `path` (refused or not), in MB."""
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec
    code = ("import re, sys; from pathlib import Path; sys.path.insert(0, sys.argv[2]); "
            "from bench_hostile import _open; _open(Path(sys.argv[1])); "
            "print(int(re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1)) / 1024)")
    done = subprocess.run([sys.executable, "-c", code, str(path), str(Path(__file__).parent)],
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip())


def rows() -> list[dict]:
    from reportgen.pipeline.load import parse_text

    with tempfile.TemporaryDirectory() as tmp:
        bomb = Path(tmp) / "bomb.docx"
        zip_bomb(bomb)
        size_mb = bomb.stat().st_size / 2 ** 20
        refuse = median_seconds(lambda: _open_afresh(bomb))
        open_factory = median_seconds(lambda: _open_afresh(TEMPLATE))
        bomb_mb, factory_mb = peak_mb(bomb), peak_mb(TEMPLATE)
    deep = "kind: cover\nx: " + "[" * 30_000 + "]" * 30_000 + "\n"
    annual = ANNUAL.read_text(encoding="utf-8")

    def refuse_deep() -> None:
        try:
            parse_text(deep, "deep.yaml")
        except Exception:
            pass

    deep_seconds = median_seconds(refuse_deep)
    annual_seconds = median_seconds(lambda: parse_text(annual, "annual.yaml"))
    return [
        row(f"refuse a {size_mb:.0f} MB template inflating to 2 GB", refuse * 1000, "ms",
            "open the factory template", open_factory * 1000, "<= 1"),
        row("peak memory refusing it", bomb_mb, "MB", "peak memory opening the factory template", factory_mb,
            "<= 1.2"),
        row("refuse 30,000 nested brackets (60 kB of YAML)", deep_seconds * 1000, "ms",
            "read the annual report's YAML (45 kB)", annual_seconds * 1000, "<= 2"),
    ]


if __name__ == "__main__":
    for r in rows():
        print(r)
