"""The .docx zip package: opened safely (every .docx from elsewhere comes in through open_docx), its
parts read in order, and written back byte-for-byte reproducibly."""

from __future__ import annotations

import hashlib
import html
import io
import posixpath
import re
import struct
import threading
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, TypeVar
from urllib.parse import unquote

from reportgen.errors import NotADocx, Position, Problem

T = TypeVar("T")

# Every entry gets this timestamp, so the same parts always give the same bytes.
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# Limits on a .docx from elsewhere, checked against the zip's directory before anything is inflated (and
# zipfile never inflates more than an entry declares, checking its CRC), so a small file that would
# inflate to gigabytes is refused at once. A council's report with photographs is a few MB.
MAX_DOCX_BYTES = 100 * 1024 * 1024
"""The .docx file itself."""
MAX_PARTS = 2000
"""Parts (zip entries) in one package; Word writes about 20, a document with many pictures a few hundred."""
MAX_PART_BYTES = 64 * 1024 * 1024
"""One part once inflated (a large photograph, or the XML of a very long document)."""
MAX_TOTAL_BYTES = 256 * 1024 * 1024
"""All parts together once inflated."""
MAX_RATIO = 200
"""How many times larger than its compressed size a part over RATIO_FROM bytes may inflate (Word's XML
compresses about 10-40 times; a zip bomb, about 1,000 times)."""
RATIO_FROM = 1024 * 1024

MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
"""The content type of a plain Word document's main part: the only one a .docx may carry."""
_CONVERTED_MAIN = (
    b"application/vnd.ms-word.document.macroEnabled.main+xml",  # .docm
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",  # .dotx
    b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",  # .dotm
)
# Parts that hold macros (Visual Basic) and their data: never run, never copied into an output.
_MACRO_TYPES = ("vbaProject", "vbaData", "keyMapCustomizations")
_RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# External targets a document may keep: links a reader follows by clicking. Every other external
# target (a linked picture, an attached template, a linked object or frame) is something LibreOffice
# or Word would fetch while opening the file: from the building machine's disk, or the network.
_SAFE_LINK = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
_HYPERLINK = _R_NS + "/hyperlink"


@dataclass
class Package:
    """A .docx's parts, made safe to use, and what was removed or converted on the way (as warnings)."""

    parts: dict[str, bytes]
    warnings: list[Problem] = field(default_factory=list)


def read_parts(source: str | Path | bytes, name: str | None = None) -> dict[str, bytes]:
    """Every part of a .docx, in the order they are stored, opened the one safe way (see open_docx)."""
    return open_docx(source, name).parts


def open_docx(source: str | Path | bytes, name: str | None = None, *, check_xml: bool = True) -> Package:
    """A .docx from anywhere, opened safely: the one way reportgen reads a Word file.

    Refused (NotADocx, located at `name` and the part): a file that is not a zip or has no Word
    document in it; more than MAX_PARTS parts, a part over MAX_PART_BYTES or MAX_RATIO, the whole over
    MAX_TOTAL_BYTES (all judged before inflating anything); with `check_xml`, an XML part that is not
    well-formed (the line and column given) or that holds a DTD (<!DOCTYPE>, entities).
    Converted, with a warning: a macro-enabled document or a template (.docm, .dotx, .dotm) becomes a
    plain document, its macros removed; external relationships other than web and mail links removed.
    `check_xml=False` is for reading only what reportgen wrote (fingerprints), never for parsing parts.
    """
    name = name or ("the document" if isinstance(source, bytes) else str(source))
    if not isinstance(source, bytes):  # refused from the directory before the file is read whole and hashed
        _unzipped(source, name, inflate=False)  # (bytes already in memory are judged once, by _opened)
    data = _file_bytes(source, name)
    key = (hashlib.blake2b(data, digest_size=20).digest(), name)
    with _packages_lock:
        found = _packages.pop(key, None)
        if found is not None:
            _packages[key] = found  # the most recently used is forgotten last
    if found is None:
        found = _opened(data, name, check_xml)
        if check_xml:  # (a package opened unchecked, only to be fingerprinted, is not kept for a checked open)
            _remember(key, found)
    return Package(dict(found.parts), list(found.warnings))  # the caller's to change


MAX_REMEMBERED = 16
"""Opened packages remembered (by a digest of the file's bytes and its name): a pack, a batch or watch mode
opens the same template and appendices again and again."""
MAX_REMEMBERED_BYTES = 64 * 1024 * 1024
"""Their parts' bytes at most, all together; a larger package is not remembered."""
_packages: dict[tuple[bytes, str], Package] = {}
_packages_lock = threading.Lock()


def _remember(key: tuple[bytes, str], opened: Package) -> None:
    """Keep `opened` (checked) for the next open_docx of the same bytes under the same name, checked or not:
    the result is decided by them alone (the limits, the checks, what is converted and the warnings' wording),
    so it is never stale."""
    size = sum(len(data) for data in opened.parts.values())
    if size > MAX_REMEMBERED_BYTES:
        return
    with _packages_lock:
        _packages[key] = opened
        while len(_packages) > MAX_REMEMBERED or \
                sum(len(d) for p in _packages.values() for d in p.parts.values()) > MAX_REMEMBERED_BYTES:
            del _packages[next(iter(_packages))]  # the oldest first (dicts keep insertion order)


def _file_bytes(source: str | Path | bytes, name: str) -> bytes:
    """The .docx file's bytes, all of them (their digest is the key of what opening them gave). Read no further
    than the size limit: the file may have been replaced since its directory was judged."""
    if isinstance(source, bytes):
        return source
    try:
        with open(source, "rb") as file:
            data = file.read(MAX_DOCX_BYTES + 1)
    except OSError as exc:
        raise _refused(name, "", f"not a Word .docx file ({exc})") from None
    if len(data) > MAX_DOCX_BYTES:
        raise _refused(name, "", f"the file is larger than {_size(MAX_DOCX_BYTES)}")
    return data


def _opened(data: bytes, name: str, check_xml: bool) -> Package:
    """open_docx's work on the file's bytes."""
    parts = _unzipped(data, name)
    if "[Content_Types].xml" not in parts or "word/document.xml" not in parts or \
            not re.search(rb"""Target\s*=\s*["']/?word/document\.xml["']""", parts.get("_rels/.rels", b"")):
        raise _refused(name, "", "it has no word/document.xml: not a Word document; save it from Word "
                                 "as 'Word Document (*.docx)'")
    if check_xml:
        for part, xml in parts.items():
            if part.endswith((".xml", ".rels")):
                _check_xml(xml, name, part)
    warnings: list[Problem] = []
    types = parts["[Content_Types].xml"]
    if MAIN.encode() not in types and not any(t in types for t in _CONVERTED_MAIN):
        raise _refused(name, "[Content_Types].xml", "the main part is not a Word document's: save it from Word "
                                                   "as 'Word Document (*.docx)'")
    if any(t in types for t in _CONVERTED_MAIN) or any(m.encode() in types for m in _MACRO_TYPES) or \
            any(m.lower() in p.lower() for p in parts for m in _MACRO_TYPES) or \
            any(m.encode() in parts[p] for p in parts if p.endswith(".rels") for m in _MACRO_TYPES):
        _plain_document(parts, name, warnings)
    for part in [p for p in parts if p.endswith(".rels") and _unsafe_targets(parts, p)]:
        _drop_relationships(parts, part, name, warnings)
    return Package(parts, warnings)


def parse_xml(data: bytes, name: str = "the document", part: str = "") -> Any:
    """An XML part's root element, parsed the one safe way: no DTD, no entities, nothing from the network.

    A part that is not well-formed, or holds a DTD, is a located NotADocx (the file, the part, the line).
    """
    from lxml import etree

    dtd = data.find(b"<!DOCTYPE")  # refused before parsing: libxml2 would read the entities it declares
    if dtd < 0:
        try:
            root = etree.fromstring(data, xml_parser())
        except etree.XMLSyntaxError as exc:
            line, col = exc.position if exc.position else (0, 0)
            said = re.sub(r", line \d+, column \d+$", "", exc.msg or "")
            raise _refused(name, part, f"line {line}, column {col}: the part is not well-formed XML ({said}): the "
                                       "file is damaged; open it in Word and save it again") from None
        except ValueError as exc:  # e.g. a Unicode string with an encoding declaration
            raise _refused(name, part, f"the part is not well-formed XML ({exc})") from None
        info = root.getroottree().docinfo
        if not info.doctype and info.internalDTD is None:
            return root
    line = data[:dtd].count(b"\n") + 1 if dtd >= 0 else 1  # (a DOCTYPE in UTF-16 is found only by parsing)
    raise _refused(name, part, f"line {line}: the XML holds a document type declaration (<!DOCTYPE>), which "
                               "Word never writes: it can define entities that expand without limit; open the "
                               "file in Word and save it again")


MAX_CHECKED = 4096
"""XML parts remembered as well-formed (by a digest of their bytes: 20 bytes each, whatever the part's size)."""
_checked: dict[bytes, None] = {}
_checked_lock = threading.Lock()


def _check_xml(data: bytes, name: str, part: str) -> None:
    """parse_xml's check of a part, made once per distinct part: the same template, appendix or unchanged
    part is opened again and again (each build of a batch or a pack, each save in watch mode), and hashing
    its bytes takes a fraction of the time parsing them does. Only parts that passed are remembered, under
    a digest of their bytes, so a remembered answer is the answer parsing those bytes would give again."""
    digest = hashlib.blake2b(data, digest_size=20).digest()
    if digest in _checked:
        return
    parse_xml(data, name, part)  # raises for a part that is not well-formed or holds a DTD
    with _checked_lock:
        if len(_checked) >= MAX_CHECKED:  # the oldest forgotten first (dicts keep insertion order)
            del _checked[next(iter(_checked))]
        _checked[digest] = None


_PARSER: Any = None  # one parser: lxml keeps a copy per thread


def xml_parser() -> Any:
    """The lxml parser every part is read with: nothing expanded, loaded or fetched."""
    global _PARSER
    if _PARSER is None:
        from lxml import etree

        # no entity is expanded, no DTD loaded, nothing fetched; lxml's own limits on depth and text stay
        _PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                                  huge_tree=False)
    return _PARSER


def _refused(name: str, part: str, message: str) -> NotADocx:
    return NotADocx([Problem(message, Position(name), part, rule="unsafe-docx")])


def _unzipped(source: str | Path | bytes, name: str, inflate: bool = True) -> dict[str, bytes]:
    """The zip's entries, each judged against the limits from the zip's directory before it is inflated
    (with `inflate` False, only judged: a file refused is refused having read no more than its directory)."""
    try:
        if not isinstance(source, bytes) and Path(source).stat().st_size > MAX_DOCX_BYTES:
            raise _refused(name, "", f"the file is larger than {_size(MAX_DOCX_BYTES)}")
        if isinstance(source, bytes) and len(source) > MAX_DOCX_BYTES:
            raise _refused(name, "", f"the file is larger than {_size(MAX_DOCX_BYTES)}")
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as zf:
            entries = [info for info in zf.infolist() if not info.is_dir()]
            if len(entries) > MAX_PARTS:
                raise _refused(name, "", f"it has {len(entries):,} parts, more than the {MAX_PARTS:,} a Word "
                                         "document has")
            total = 0
            seen: set[str] = set()
            for info in entries:
                if info.filename in seen:
                    raise _refused(name, info.filename, "the package holds two parts of this name: it has been "
                                                        "tampered with; save it again from Word")
                seen.add(info.filename)
                total += info.file_size
                if info.file_size > MAX_PART_BYTES:
                    raise _refused(name, info.filename, f"the part inflates to {_size(info.file_size)}, "
                                                        f"more than the {_size(MAX_PART_BYTES)} allowed")
                if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                    raise _refused(name, info.filename, f"the part inflates {info.file_size // max(info.compress_size, 1):,} "
                                                        f"times (more than {MAX_RATIO}): a zip bomb")
            if total > MAX_TOTAL_BYTES:
                raise _refused(name, "", f"its parts inflate to {_size(total)}, more than the "
                                         f"{_size(MAX_TOTAL_BYTES)} allowed")
            return {info.filename: _inflated(zf, info) for info in entries} if inflate else {}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError,
            RuntimeError, zlib.error) as exc:
        # NotImplementedError: a compression method zipfile lacks; RuntimeError: an encrypted entry
        raise _refused(name, "", f"not a Word .docx file ({exc})") from None


def _size(count: int) -> str:
    return f"{count / 2**20:,.0f} MB" if count >= 2**20 else f"{count / 1024:,.0f} kB"


def _inflated(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """One entry, inflated a chunk at a time: zipfile stops at the size the directory declares (judged
    above) and checks the CRC, but asked for all at once it would first inflate everything the
    compressed stream holds, however much a lying directory understates it."""
    chunks = []
    with zf.open(info) as stream:
        while chunk := stream.read(1024 * 1024):
            chunks.append(chunk)
    return b"".join(chunks)


def _plain_document(parts: dict[str, bytes], name: str, warnings: list[Problem]) -> None:
    """A macro-enabled document or a template made a plain document: its macros removed, its type plain."""
    tree = parse_xml(parts["[Content_Types].xml"], name, "[Content_Types].xml")
    macros = sorted(p for p in parts if any(m.lower() in p.lower() for m in _MACRO_TYPES))
    for entry in list(tree):
        content_type = entry.get("ContentType", "")
        target = (entry.get("PartName") or "").lstrip("/")
        if content_type.encode() in _CONVERTED_MAIN:
            entry.set("ContentType", MAIN)
        elif any(m in content_type for m in _MACRO_TYPES) or target in macros:
            if target and target not in macros:
                macros.append(target)
            if entry.get("Extension") is None:
                tree.remove(entry)
    parts["[Content_Types].xml"] = _serialised(tree)
    for part in macros:
        parts.pop(part, None)
    links = 0
    for part in [p for p in parts if p.endswith(".rels")]:
        rels = parts[part]
        if not any(m.encode() in rels for m in _MACRO_TYPES) and not any(
                m.rsplit("/", 1)[-1].encode() in rels for m in macros):
            continue
        root = parse_xml(rels, name, part)
        for rel in list(root):
            kind, target = rel.get("Type", ""), rel.get("Target", "")
            if any(m in kind for m in _MACRO_TYPES) or any(target.endswith(m.rsplit("/", 1)[-1]) for m in macros):
                root.remove(rel)
                links += 1
        parts[part] = _serialised(root)
    if not macros and not links:
        return
    warnings.append(Problem(f"macros removed ({', '.join(macros) or 'a link to them'}): reportgen never runs or "
                            "copies macros; save the file as 'Word Document (*.docx)'", Position(name), "",
                            "warning", "macros-removed"))


_RELATIONSHIP = re.compile(rb"<Relationship\b([^>]*)>")
_ATTRIBUTE = re.compile(rb"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _unsafe_targets(parts: dict[str, bytes], rels_part: str) -> bool:
    """Whether `rels_part` has a relationship _drop_relationships removes (read without an XML parser: this
    runs on every part of every .docx opened, and almost always finds nothing)."""
    for found in _RELATIONSHIP.finditer(parts[rels_part]):
        attributes = {m.group(1): (m.group(2) or m.group(3) or b"").decode("utf-8", "replace")
                      for m in _ATTRIBUTE.finditer(found.group(1))}
        if _unsafe(parts, rels_part, html.unescape(attributes.get(b"Type", "")),
                   html.unescape(attributes.get(b"Target", "")), attributes.get(b"TargetMode", "")):
            return True
    return False


def _unsafe(parts: dict[str, bytes], rels_part: str, kind: str, target: str, mode: str) -> str:
    """Why a relationship may not stay ('' when it may): external, other than a web or mail link; or
    internal, to a part the package does not hold (a path on someone's disk, or a part taken out)."""
    if mode == "External":
        return "" if kind == _HYPERLINK and _SAFE_LINK.match(target.strip()) else "external"
    folder = _owner(rels_part).rpartition("/")[0]
    part = posixpath.normpath(unquote(target) if target.startswith("/") else
                              posixpath.join("/" + folder, unquote(target))).lstrip("/")
    return "" if part in parts else "missing"


def _drop_relationships(parts: dict[str, bytes], rels_part: str, name: str, warnings: list[Problem]) -> None:
    """Remove the relationships of `rels_part` that point outside the package (other than web and mail
    links) or at parts it does not hold, and the references to them in the part they belong to: nothing
    opening the output can fetch a file from elsewhere, and no reader trips on a missing part."""
    root = parse_xml(parts[rels_part], name, rels_part)
    dropped: dict[str, str] = {}
    missing: list[str] = []
    for rel in list(root):
        target = rel.get("Target", "")
        why = _unsafe(parts, rels_part, rel.get("Type", ""), target, rel.get("TargetMode", ""))
        if not why:
            continue
        dropped[rel.get("Id", "")] = f"{rel.get('Type', '').rsplit('/', 1)[-1]} {target[:60]!r}"
        if why == "missing":
            missing.append(dropped[rel.get("Id", "")])
        root.remove(rel)
    if not dropped:
        return
    parts[rels_part] = _serialised(root)
    owner = _owner(rels_part)
    if owner in parts:
        document = parse_xml(parts[owner], name, owner)
        for element in list(document.iter()):
            for attribute in [a for a in element.attrib if a.startswith("{" + _R_NS + "}")]:
                if element.get(attribute) in dropped:
                    del element.attrib[attribute]
                    # an element that only points (w:attachedTemplate, w:headerReference, a:blip, w:subDoc)
                    # goes too; one that holds more (w:hyperlink and its text) stays, pointing nowhere
                    if len(element) == 0 and element.getparent() is not None:
                        element.getparent().remove(element)
                        break
        parts[owner] = _serialised(document)
    if len(missing) < len(dropped):
        external = [what for what in dropped.values() if what not in missing]
        warnings.append(Problem(f"external link(s) removed ({'; '.join(external)}): a document may not fetch "
                                "files from elsewhere when it is opened; embed pictures instead of linking them",
                                Position(name), rels_part, "warning", "external-removed"))
    if missing:
        warnings.append(Problem(f"link(s) to parts the file does not hold removed ({'; '.join(missing)}): the "
                                "file is damaged; open it in Word and save it again", Position(name), rels_part,
                                "warning", "missing-part"))


def _owner(rels_part: str) -> str:
    """The part a relationships part belongs to: word/_rels/document.xml.rels -> word/document.xml."""
    folder, _, file = rels_part.rpartition("_rels/")
    return folder + file[:-len(".rels")]


def _serialised(root: Any) -> bytes:
    from lxml import etree

    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


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


def with_pictures(parts: dict[str, bytes], pictures: list[tuple[str, str, bytes, str]]) -> dict[str, bytes]:
    """`parts` with pictures added as parts of the main document: each (part name under word/, relationship
    id, data, content type), related from document.xml and its file extension's content type declared."""
    if not pictures:
        return parts
    out = dict(parts)
    rels_name = "word/_rels/document.xml.rels"
    rels = out[rels_name].decode("utf-8")
    new = "".join(f'<Relationship Id="{rel_id}" Type="{_R_NS}/image" Target="{name[len("word/"):]}"/>'
                  for name, rel_id, _, _ in pictures)
    out[rels_name] = rels.replace("</Relationships>", new + "</Relationships>").encode("utf-8")
    types = out["[Content_Types].xml"].decode("utf-8")
    for name, _, data, content_type in pictures:
        ext = name.rsplit(".", 1)[1]
        if not re.search(rf'Extension="{ext}"', types, re.IGNORECASE):
            types = types.replace("</Types>", f'<Default Extension="{ext}" ContentType="{content_type}"/></Types>')
        out[name] = data
    out["[Content_Types].xml"] = types.encode("utf-8")
    return out
