"""Generated damage to Word files from elsewhere, for the property tests: XML parts torn or given DTDs, entities
and stray markup; relationships added, removed or pointed outside; content types changed; parts added,
removed, enlarged or misdeclared; macros added. Each draws a package (its parts) and how to zip it."""

from __future__ import annotations

import functools
import struct
import zlib
from typing import Any

from hypothesis import strategies as st

from reportgen.oxml.package import MAIN

R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# Pieces that break XML, or hide something in it
XML_PIECES = [b"<", b">", b"&", b"&lol;", b"&#0;", b"&#xD800;", b"</w:p>", b"<w:p>", b'"', b"\x00", b"\xff\xfe",
              b"<![CDATA[x]]>", b"<!-- -->", b"<?pi x?>", b"<x:y/>", b'<w:t xml:space="preserve">{{ 7*7 }}</w:t>',
              b'<!DOCTYPE x [<!ENTITY lol "lol">]>', b'<?xml version="1.0" encoding="UTF-16"?>',
              b"<w:vanish/>", b'<w:moveFrom w:id="1" w:author="a"><w:r><w:t>x</w:t></w:r></w:moveFrom>',
              b"<a>" * 300 + b"</a>" * 300, b"<w:body>", b"</w:body>", b"]]>", b"\xc3\x28"]
REL_TYPES = ["image", "hyperlink", "attachedTemplate", "oleObject", "subDocument", "frame", "package", "styles",
             "http://schemas.microsoft.com/office/2006/relationships/vbaProject"]
TARGETS = ["file:///etc/hostname", "/etc/hostname", "../../../../etc/hostname", "\\\\server\\share\\x.png",
           "https://www.example.org/", "mailto:clerk@example.org", "http://169.254.169.254/", "media/none.png",
           "", "styles.xml", "C:\\Users\\jsmith\\Normal.dotm"]
MAIN_TYPES = [b"application/vnd.ms-word.document.macroEnabled.main+xml",
              b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
              b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
              b"application/vnd.example.sheet+xml", b""]


def _xml_parts(parts: dict[str, bytes]) -> list[str]:
    return sorted(n for n in parts if n.endswith((".xml", ".rels")))


def _tear(parts: dict[str, bytes], draw: Any) -> None:
    name = draw(st.sampled_from(_xml_parts(parts)))
    data = parts[name]
    at = draw(st.integers(0, len(data)))
    piece = draw(st.sampled_from(XML_PIECES))
    how = draw(st.sampled_from(["insert", "replace", "cut", "truncate"]))
    if how == "insert":
        data = data[:at] + piece + data[at:]
    elif how == "replace":
        data = data[:at] + piece + data[at + len(piece):]
    elif how == "cut":
        data = data[:at] + data[at + draw(st.integers(1, 200)):]
    else:
        data = data[:at]
    parts[name] = data


def _relationship(parts: dict[str, bytes], draw: Any) -> None:
    rels = draw(st.sampled_from(sorted(n for n in parts if n.endswith(".rels"))))
    kind = draw(st.sampled_from(REL_TYPES))
    kind = kind if kind.startswith("http") else f"{R}/{kind}"
    target = draw(st.sampled_from(TARGETS)).replace("&", "&amp;").replace('"', "&quot;")
    mode = ' TargetMode="External"' if draw(st.booleans()) else ""
    rel_id = draw(st.sampled_from(["rIdHostile", "rId1", "rId2"]))  # rId1/rId2: an Id used twice
    parts[rels] = parts[rels].replace(b"</Relationships>", f'<Relationship Id="{rel_id}" Type="{kind}" '
                                      f'Target="{target}"{mode}/></Relationships>'.encode())
    if draw(st.booleans()):  # and something in the document pointing at it
        parts["word/document.xml"] = parts["word/document.xml"].replace(
            b"<w:body>", f'<w:body><w:p><w:hyperlink r:id="{rel_id}"><w:r><w:t>x</w:t></w:r></w:hyperlink>'
                         f'<w:subDoc r:id="{rel_id}"/></w:p>'.encode(), 1)


def _content_type(parts: dict[str, bytes], draw: Any) -> None:
    if draw(st.integers(0, 9)) == 0:
        del parts["[Content_Types].xml"]
        return
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(MAIN.encode(), draw(st.sampled_from(MAIN_TYPES)))


def _macros(parts: dict[str, bytes], draw: Any) -> None:
    parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\0" * draw(st.integers(0, 100))
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/'
                             b'vbaProject" Target="vbaProject.bin"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(MAIN.encode(), MAIN_TYPES[0]).replace(
        b"</Types>", b'<Override PartName="/word/vbaProject.bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                     b"</Types>")


def _remove_part(parts: dict[str, bytes], draw: Any) -> None:
    del parts[draw(st.sampled_from(sorted(parts)))]


def _add_parts(parts: dict[str, bytes], draw: Any) -> None:
    for i in range(draw(st.sampled_from([1, 5, 2500]))):
        parts[f"customXml/item{i}.xml"] = draw(st.sampled_from([b"<x/>", b"<p>C:\\Users\\jsmith\\x.docx</p>"]))


def _big_part(parts: dict[str, bytes], draw: Any) -> None:
    parts["word/media/big.bin"] = _zeros(draw(st.sampled_from([1024, 2 * 1024 * 1024, 70 * 1024 * 1024])))


@functools.lru_cache(maxsize=None)
def _zeros(size: int) -> bytes:
    """`size` zero bytes, one object per size (made once, and hashed once by _deflated's cache)."""
    return b"\0" * size


MUTATIONS = [_tear, _tear, _relationship, _relationship, _content_type, _macros, _remove_part, _add_parts, _big_part]


class Damaged:
    """A damaged package: its parts, the inflated sizes its zip's directory misstates, and what was done.
    (Not a dataclass: hypothesis would print every part of a failing case, a megabyte, not this repr.)"""

    def __init__(self, parts: dict[str, bytes]) -> None:
        self.parts = parts
        self.declared: dict[str, int] = {}
        self.done: list[str] = []

    def __repr__(self) -> str:  # the parts are a megabyte: say what was done to them instead
        return f"Damaged(done={self.done}, declared={self.declared}, parts={sorted(self.parts)})"

    @property
    def zipped(self) -> bytes:
        return zipped(self.parts, self.declared)


@st.composite
def damaged(draw: Any, parts: dict[str, bytes]) -> Damaged:
    """A package made from `parts` with one to three kinds of damage, perhaps with a misstated size."""
    case = Damaged(dict(parts))
    for mutate in draw(st.lists(st.sampled_from(MUTATIONS), min_size=1, max_size=3)):
        needs = {"_tear": _xml_parts(case.parts), "_relationship": [n for n in case.parts if n.endswith(".rels")],
                 "_remove_part": list(case.parts)}.get(mutate.__name__, [True])
        if needs and all(n in case.parts for n in ("word/document.xml", "[Content_Types].xml",
                                                   "word/_rels/document.xml.rels")):
            before = dict(case.parts)
            mutate(case.parts, draw)
            changed = sorted(n for n in set(before) | set(case.parts) if before.get(n) != case.parts.get(n))
            case.done.append(f"{mutate.__name__[1:]}: {', '.join(changed[:3])}{' ...' if len(changed) > 3 else ''}")
    if case.parts and draw(st.integers(0, 4)) == 0:
        name = draw(st.sampled_from(sorted(case.parts)))
        case.declared[name] = draw(st.sampled_from([0, 10, 2 * 1024 ** 3 - 1, len(case.parts[name]) + 1]))
    return case


@functools.lru_cache(maxsize=128)
def _deflated(data: bytes) -> tuple[int, bytes]:
    """A part's CRC-32 and deflated bytes, worked out once: most of a damaged package's parts are the
    undamaged template's, and the enlarged part is one of three runs of zeros (70 MB takes a while)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return zlib.crc32(data), compressor.compress(data) + compressor.flush()


def zipped(parts: dict[str, bytes], declared: dict[str, int] | None = None) -> bytes:
    """The package as a zip written by hand, its directory stating `declared` sizes where given."""
    local, central, offset = [], [], 0
    for name, data in parts.items():
        crc, compressed = _deflated(data)
        encoded = name.encode()
        size = (declared or {}).get(name, len(data))
        fields = (20, 0, 8, 0, 33, crc, len(compressed), size, len(encoded))
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields, 0) + encoded
        central.append(struct.pack("<IH", 0x02014B50, 20) + struct.pack("<HHHHHIIIHH", *fields, 0)
                       + struct.pack("<HHHII", 0, 0, 0, 0, offset) + encoded)
        local.append(header + compressed)
        offset += len(header) + len(compressed)
    directory = b"".join(central)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(parts), len(parts), len(directory), offset, 0)
    return b"".join(local) + directory + end
