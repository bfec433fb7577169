"""`reportgen import`: a report in the house format read back from Word into content.

Readers, in pandoc's manner: oxml/blocks.py reads any .docx into blocks (styles, outline levels, list
labels, tables, inline markup); a reader per report kind here maps the blocks to the kind's fields.
The result is written as a content file that validates, with comments where the importer guessed and
an `unmapped:` comment block holding what found no field, so nothing is dropped silently.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from reportgen.errors import ContentError
from reportgen.features.importer.annual import read_annual
from reportgen.features.importer.common import Import
from reportgen.features.importer.cover import read_cover
from reportgen.oxml.blocks import Block, Paragraph, Table, read_blocks

READERS: dict[str, Callable[[list[Block], Import], dict]] = {"cover": read_cover, "annual": read_annual}
"""Each importable kind and its reader."""


def guess_kind(blocks: list[Block]) -> str | None:
    """A covering report starts with its header grid; an annual report with a title page."""
    first = next((b for b in blocks if not (isinstance(b, Paragraph) and not b.plain)), None)
    if isinstance(first, Table) and any(c.lower().startswith("committee") for row in first.plain_rows()
                                        for c in row):
        return "cover"
    if isinstance(first, Paragraph) and first.style in ("Title", "Subtitle"):
        return "annual"
    if isinstance(first, Paragraph) and first.plain.lower().startswith("committee"):
        return "cover"  # a header grid some program flattened into paragraphs
    return None


def import_blocks(blocks: list[Block], kind: str | None, name: str) -> Import:
    kind = kind or guess_kind(blocks)
    if kind is None:
        raise ContentError.at("cannot tell what kind of report this is (no header grid, no title page): "
                              f"give --kind ({' or '.join(READERS)})", name)
    if kind not in READERS:
        raise ContentError.at(f"expected --kind to be one of {', '.join(READERS)}, got {kind!r}", name)
    found = Import()
    found.data = READERS[kind](blocks, found)
    return found


def unreadable_as_content(read: Callable[[], dict[str, bytes]]) -> dict[str, bytes]:
    """The parts `read` gives; a damaged or unsafe file (the safe opener's NotADocx, located by file, part and
    line) said as a Word document that cannot be read."""
    from dataclasses import replace

    from reportgen.errors import NotADocx

    try:
        return read()
    except NotADocx as exc:
        raise ContentError([replace(p, message=f"cannot read it as a Word document: {p.message}")
                            for p in exc.problems]) from None


def import_docx(path: Path, kind: str | None = None, *, accept: bool = True) -> Import:
    """Read FILE.docx (from anywhere: opened with the safe opener) into content values."""
    from reportgen.errors import display_path
    from reportgen.oxml.package import read_parts

    name = display_path(Path(path))
    try:
        with open(path, "rb") as handle:
            magic = handle.read(8)
    except OSError as exc:
        raise ContentError.at(f"cannot read the file: {exc.strerror or exc}", name) from None
    if magic.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE compound file: Word 97-2003, or an encrypted .docx
        raise ContentError.at("this is not a .docx: it is a password-protected Word file or an old .doc; open "
                              "it in Word and save it as a Word Document (.docx) without a password", name)
    if magic.startswith(b"PK"):
        import zipfile

        try:
            with zipfile.ZipFile(path) as package:
                mimetype = b""
                if "mimetype" in package.namelist():
                    with package.open("mimetype") as entry:  # 64 bytes, however much it would inflate to
                        mimetype = entry.read(64)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError):
            mimetype = b""
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            raise ContentError.at("this is an OpenDocument file (.odt), not a .docx: open it in LibreOffice and "
                                  "save it as Word 2007-365 (.docx)", name)
    parts = unreadable_as_content(lambda: read_parts(Path(path), name))
    if "word/document.xml" not in parts:
        raise ContentError.at("cannot read it as a Word document: it has no main document part", name)
    return import_blocks(read_blocks(parts, accept=accept), kind, name)
