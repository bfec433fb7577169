"""Reading PDFs back in tests with readers independent of reportgen's own (`reportgen.pdf.inspect`), which
read objects in compressed object streams as any PDF viewer does, and need no poppler: a page's text through
PDFium (pypdfium2), the PDF engine of Chrome, a real client and some twenty times faster than pypdf's text
extraction; the file's structure (catalogue, XMP, outline, fonts, drawing scale) through pypdf.
`with_object_streams` saves a PDF again the way Acrobat or qpdf do, to prove that what reportgen reads is
found wherever a PDF stores it."""

from __future__ import annotations

import functools
import io
import re
import zlib
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import StreamObject


def reader(path: Path) -> PdfReader:
    return PdfReader(str(path))


def catalog(path: Path) -> Any:
    return reader(path).trailer["/Root"].get_object()


def xmp(path: Path) -> str:
    """The XMP metadata packet as text ('' when there is none)."""
    stream = catalog(path).get("/Metadata")
    return stream.get_object().get_data().decode("utf-8") if stream is not None else ""


def page_texts(path: Path) -> list[str]:
    """Each page's text as PDFium extracts it, a line of the page per line (see `_plain`)."""
    found = Path(path).stat()
    return list(_page_texts(str(Path(path).resolve()), found.st_mtime_ns, found.st_size, found.st_ino))


@functools.lru_cache(maxsize=64)
def _page_texts(path: str, mtime_ns: int, size: int, inode: int) -> tuple[str, ...]:
    """Tests read the same PDF many times: kept while the file is the same file (its path, inode, size and
    modification time), read again once it is written anew."""
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        texts = []
        for number in range(len(document)):
            page = document[number]
            textpage = page.get_textpage()
            try:
                # every character the page draws, inside its box or not (text drawn off the page is still in
                # the file for anyone to copy out): bounds far past any page rather than the page's own box
                texts.append(_plain(textpage.get_text_bounded(-_FAR, -_FAR, _FAR, _FAR)))
            finally:
                textpage.close()
                page.close()
        return tuple(texts)
    finally:
        document.close()


_FAR = 1e9
"""Further from the page, in points, than anything a PDF draws."""


def _plain(extracted: str) -> str:
    r"""PDFium's text in the plain form the tests read: lines end in "\n" (PDFium writes "\r\n"); a hyphen
    ending a line before the word goes on, which PDFium marks as U+0002 and joins to the next line, is the
    "-" the page shows, the line broken after it; no spaces at a line's end (where a line breaks is layout)."""
    lines = extracted.replace("\r\n", "\n").replace("\r", "\n").replace("\x02", "-\n").split("\n")
    return "\n".join(line.rstrip(" ") for line in lines)


def text(path: Path) -> str:
    """The whole document's text, pages joined by a form feed."""
    return "\f".join(page_texts(path))


def page_lines(path: Path) -> list[list[str]]:
    """Each page's non-blank lines, stripped."""
    return [[line.strip() for line in page.splitlines() if line.strip()] for page in page_texts(path)]


def word_heights(path: Path, page: int) -> dict[str, float]:
    """The height each word is drawn at on page `page` (from 1), in points: its font size times the vertical
    scale of the text and drawing matrices (the drawing scale a page was placed at)."""
    heights: dict[str, float] = {}

    def visit(shown: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        # the text space's vertical unit, through the text matrix then the current transformation matrix
        a, b, c, d = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3], \
            tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
        scale = (c * c + d * d) ** 0.5
        for word in shown.split():
            heights.setdefault(word, size * scale)

    reader(path).pages[page - 1].extract_text(visitor_text=visit)
    return heights


def with_object_streams(source: Path, target: Path) -> Path:
    """`source` saved again as PDF 1.5 tools save it: every object that is not a stream (the catalogue with
    /Lang and /MarkInfo, /Info, the structure tree) inside one Flate-compressed object stream, every stream
    compressed (the XMP packet too), and a cross-reference stream for the table. Nothing of those is left for
    a search of the file's bytes to find."""
    writer = PdfWriter(clone_from=reader(source))
    objects = writer._objects
    number_of = {id(o): n for n, o in enumerate(objects, start=1) if o is not None}
    plain = [(n, o) for n, o in enumerate(objects, start=1) if o is not None and not isinstance(o, StreamObject)]
    streams = [(n, o) for n, o in enumerate(objects, start=1) if isinstance(o, StreamObject)]
    packed_number, xref_number = len(objects) + 1, len(objects) + 2

    def serial(obj: Any) -> bytes:
        out = io.BytesIO()
        obj.write_to_stream(out)
        return out.getvalue()

    header, bodies = [], b""
    for n, obj in plain:
        header.append(f"{n} {len(bodies)}")
        bodies += serial(obj) + b"\n"
    first = (" ".join(header) + "\n").encode()
    packed = zlib.compress(first + bodies)

    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for n, obj in streams:
        if "/Filter" not in obj:
            obj = obj.flate_encode()
        offsets[n] = len(out)
        out += f"{n} 0 obj\n".encode() + serial(obj) + b"\nendobj\n"
    offsets[packed_number] = len(out)
    out += (f"{packed_number} 0 obj\n<< /Type /ObjStm /N {len(plain)} /First {len(first)} /Filter /FlateDecode "
            f"/Length {len(packed)} >>\nstream\n").encode() + packed + b"\nendstream\nendobj\n"
    index_in = {n: i for i, (n, _) in enumerate(plain)}
    rows = b""
    for n in range(xref_number + 1):
        if n == xref_number:
            rows += bytes([1]) + len(out).to_bytes(4, "big") + (0).to_bytes(2, "big")
        elif n in offsets:
            rows += bytes([1]) + offsets[n].to_bytes(4, "big") + (0).to_bytes(2, "big")
        elif n in index_in:
            rows += bytes([2]) + packed_number.to_bytes(4, "big") + index_in[n].to_bytes(2, "big")
        else:
            rows += bytes([0]) + (0).to_bytes(4, "big") + (65535 if n == 0 else 0).to_bytes(2, "big")
    root = number_of[id(writer.root_object)]
    info = number_of.get(id(writer._info))
    xref_at = len(out)
    out += (f"{xref_number} 0 obj\n<< /Type /XRef /Size {xref_number + 1} /W [1 4 2] /Root {root} 0 R "
            + (f"/Info {info} 0 R " if info else "") + f"/Length {len(rows)} >>\nstream\n").encode()
    out += rows + b"\nendstream\nendobj\n" + f"startxref\n{xref_at}\n%%EOF\n".encode()
    target.write_bytes(bytes(out))
    return target


def raw_finds(path: Path, pattern: bytes) -> bool:
    """Whether a search of the file's bytes finds `pattern` (what the old checks did)."""
    return re.search(pattern, path.read_bytes()) is not None



def everything(path: Path) -> str:
    """Every object the file stores (object streams included), streams decoded, as text: for asserting that
    something is nowhere in a PDF, however it is stored or compressed."""
    from pypdf.generic import IndirectObject

    pdf = reader(path)
    numbers = {(n, g) for g, table in pdf.xref.items() for n in table} | {(n, 0) for n in pdf.xref_objStm}
    out = []
    for number, generation in sorted(numbers):
        obj = pdf.get_object(IndirectObject(number, generation, pdf))
        out.append(repr(obj))
        if isinstance(obj, StreamObject):
            out.append(obj.get_data().decode("latin-1"))
    return "\n".join(out)
