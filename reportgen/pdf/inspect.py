"""Reading a PDF's properties through pypdf, within bounds: the one way reportgen reads a PDF.

A PDF's catalogue, structure elements and metadata may sit in compressed object streams (PDF 1.5), where
no search of the file's bytes sees them: everything here asks pypdf, which reads those streams like any
other object. What `reportgen check` is given comes from elsewhere, so it is hostile: its size, page
count, page-tree and structure-tree depth, and the number of objects walked are bounded, and a PDF
beyond them is a `PdfProblem` saying which bound, never a hang. The XMP packet is parsed with no DTD,
entities or network.
`make pdf-check` asks `Pdf.claims_pdf_ua` (through .ci/claims_pdfua.py) which PDFs must pass the PDF/UA checker.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_BYTES = 200 * 1024 * 1024
"""Largest PDF read (200 MB: an agenda pack with many appendices is tens of MB)."""
MAX_PAGES = 10_000
"""Most pages a PDF read may have."""
MAX_DEPTH = 64
"""Deepest page tree or structure tree walked (a real one is a handful of levels; nested lists a few more)."""
MAX_OBJECTS = 1_000_000
"""Most objects (structure elements, strings, resources) one walk visits."""
MAX_CONTENT_BYTES = 128 * 1024 * 1024
"""Most page content (drawing instructions, decompressed) read from one PDF: a few KB of compressed stream
can decompress to far more, and reading the text of it takes time in proportion."""
MAX_XMP_BYTES = 4 * 1024 * 1024
"""Largest XMP metadata packet read."""
PDFUA_NAMESPACE = "http://www.aiim.org/pdfua/ns/id/"
"""The XMP namespace of the PDF/UA identifier (ISO 14289-1, 5)."""
STANDARD_TYPES = frozenset(
    "/Document /Part /Art /Sect /Div /BlockQuote /Caption /TOC /TOCI /Index /NonStruct /Private /P /H /H1 /H2 "
    "/H3 /H4 /H5 /H6 /L /LI /Lbl /LBody /Table /TR /TH /TD /THead /TBody /TFoot /Span /Quote /Note /Reference "
    "/BibEntry /Code /Link /Annot /Ruby /RB /RT /RP /Warichu /WT /WP /Figure /Formula /Form".split())
"""PDF 1.7's standard structure types (ISO 32000-1, 14.8.4)."""


class PdfProblem(ValueError):
    """A PDF cannot be read within the bounds: too big, too deep, damaged or encrypted (says which)."""


class Encrypted(PdfProblem):
    """The PDF is encrypted: what it records cannot be read without its password."""


@dataclass(frozen=True)
class Element:
    """One structure element: the standard type it stands for (`kind`, through the role map), the type as
    written (`tag`), how deep it sits under the structure tree root (1 for the root's children), and
    the pypdf dictionary itself (for what this does not name: attributes, kids)."""

    kind: str
    tag: str
    depth: int
    node: Any

    @property
    def alt(self) -> str:
        """Its alternative text (/Alt, else /ActualText), '' when it has none."""
        return str(self.node.get("/Alt") or self.node.get("/ActualText") or "").strip()

    @property
    def heading_level(self) -> int | None:
        """1-6 for H1-H6, 0 for a plain H, None for what is not a heading."""
        if self.kind == "/H":
            return 0
        if len(self.kind) == 3 and self.kind.startswith("/H") and self.kind[2] in "123456":
            return int(self.kind[2])
        return None


class Pdf:
    """A PDF as pypdf reads it (a PdfReader, or a PdfWriter being finished), asked for its properties."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self._pages: list[Any] | None = None
        self._content_read: dict[int, int] = {}

    @classmethod
    def open(cls, path: str | Path) -> Pdf:
        """The PDF at `path`, opened within the size bound; PdfProblem when it is too big, not a PDF or encrypted."""
        path = Path(path)
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PdfProblem(f"the PDF is {size / 1048576:.1f} MB; at most {MAX_BYTES // 1048576} MB is read")
        return cls.from_bytes(path.read_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> Pdf:
        from pypdf import PdfReader

        with reading():
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise Encrypted("the PDF is encrypted: what it records cannot be read without its password")
            reader.trailer["/Root"].get_object()
        return cls(reader)

    # -- the catalogue and metadata --------------------------------------------------------------------

    @property
    def catalog(self) -> Any:
        return self.document.root_object

    @property
    def language(self) -> str:
        """The document language (/Lang in the catalogue), '' when it says none."""
        return str(self.catalog.get("/Lang") or "").strip()

    @property
    def info(self) -> dict[str, str]:
        """The document information dictionary (/Info: /Title, /Author, /Producer ...) as text."""
        info = self.document.metadata or {}
        return {str(key): str(value) for key, value in info.items()}

    @property
    def title(self) -> str:
        """The title in the document information dictionary, '' when it has none."""
        return self.info.get("/Title", "").strip()

    @property
    def marked(self) -> bool:
        """The PDF says it is tagged (/MarkInfo /Marked true)."""
        return _flag(self.catalog, "/MarkInfo", "/Marked")

    @property
    def has_structure_tree(self) -> bool:
        return "/StructTreeRoot" in self.catalog

    @property
    def displays_title(self) -> bool:
        """The viewer is asked to show the title, not the file name (/ViewerPreferences /DisplayDocTitle)."""
        return _flag(self.catalog, "/ViewerPreferences", "/DisplayDocTitle")

    @property
    def xmp(self) -> str:
        """The XMP metadata packet as text ('' when there is none)."""
        stream = self.catalog.get("/Metadata")
        if stream is None:
            return ""
        data = stream.get_object().get_data()  # pypdf bounds what one stream may decompress to
        if len(data) > MAX_XMP_BYTES:
            raise PdfProblem(f"its XMP metadata is over {MAX_XMP_BYTES // 1048576} MB")
        return data.decode("utf-8", "replace")

    @property
    def pdf_ua_part(self) -> str:
        """The PDF/UA part the XMP metadata claims ('1' for PDF/UA-1), '' when it claims none. Read from the
        parsed XMP, as an element or as the attribute shorthand XMP allows."""
        from lxml import etree

        text = self.xmp.strip()
        if not text:
            return ""
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
        try:
            root = etree.fromstring(text.encode("utf-8"), parser)
        except etree.XMLSyntaxError:
            return ""
        name = f"{{{PDFUA_NAMESPACE}}}part"
        for element in root.iter():
            if element.tag == name and (element.text or "").strip():
                return (element.text or "").strip()
            if element.get(name):
                return element.get(name).strip()
        return ""

    @property
    def claims_pdf_ua(self) -> bool:
        return bool(self.pdf_ua_part)

    # -- pages -----------------------------------------------------------------------------------------

    def pages(self) -> list[Any]:
        """The pages in order (pypdf's page objects, inherited resources and boxes filled in). The page tree
        is walked within bounds first (a page tree can be a loop, share kids, or claim 10,000 pages in 2 KB),
        so pypdf's own walk only ever sees a proper tree."""
        if self._pages is None:
            page_tree(self.catalog["/Pages"].get_object())
            self._pages = list(self.document.pages)
        return self._pages

    @property
    def page_count(self) -> int:
        return len(self.pages())

    def page_sizes(self) -> list[tuple[float, float]]:
        """Each page's width and height in points (its media box, inherited when the page has none)."""
        return [page_size(page) for page in self.pages()]

    def content(self, page: Any) -> bytes:
        """A page's content stream decoded (its drawing instructions); PdfProblem once the pages read hold
        more than MAX_CONTENT_BYTES between them."""
        contents = page.get_contents()
        data = contents.get_data() if contents is not None else b""
        self._content_read[id(page)] = len(data)
        if sum(self._content_read.values()) > MAX_CONTENT_BYTES:
            raise PdfProblem(f"its pages hold more than {MAX_CONTENT_BYTES // 1048576} MB of drawing instructions")
        return data

    def page_text(self, index: int) -> str:
        """The text of page `index` (from 0) as pypdf extracts it."""
        page = self.pages()[index]
        self.content(page)  # within the bound before pypdf reads it
        return page.extract_text() or ""

    def text(self) -> str:
        """Every page's text, pages separated by a form feed."""
        return "\f".join(self.page_text(index) for index in range(len(self.pages())))

    def fonts(self) -> dict[str, bool]:
        """Every font the pages draw with (by /BaseFont), and whether its program is embedded in the file."""
        found: dict[str, bool] = {}
        budget = Budget(MAX_OBJECTS, "font resources")
        seen: set[int] = set()
        for page in self.pages():
            _fonts_in(page.get("/Resources"), found, budget, seen, 0)
        return found

    # -- structure ---------------------------------------------------------------------------------------

    @property
    def role_map(self) -> dict[str, str]:
        if not self.has_structure_tree:
            return {}
        role_map = self.catalog["/StructTreeRoot"].get_object().get("/RoleMap")
        return {str(k): str(v) for k, v in role_map.get_object().items()} if role_map is not None else {}

    def structure(self) -> list[Element]:
        """Every structure element in reading order (depth first), bounded ([] when the PDF is not tagged)."""
        if not self.has_structure_tree:
            return []
        role_map = self.role_map
        return [Element(role_map.get(str(node["/S"]), str(node["/S"])), str(node["/S"]), depth, node)
                for node, depth in elements(self.catalog["/StructTreeRoot"])]

    def strings(self) -> Iterator[str]:
        """Every string, name and dictionary key in the objects of a PDF read from a file, stream contents left
        out (pages, fonts, pictures): what the catalogue, /Info, annotations, links and the structure tree
        record, wherever they are stored, object streams included."""
        from pypdf.generic import IndirectObject

        document = self.document
        # every object stored: in the cross-reference table (number by generation) or in an object stream
        stored = {(number, generation) for generation, table in getattr(document, "xref", {}).items()
                  for number in table} | {(number, 0) for number in getattr(document, "xref_objStm", {})}
        if len(stored) > MAX_OBJECTS:
            raise PdfProblem(f"it has more than {MAX_OBJECTS} objects")
        budget = Budget(MAX_OBJECTS * 4, "objects")
        for number, generation in sorted(stored):
            try:
                value = document.get_object(IndirectObject(number, generation, document))
            except Exception:  # a damaged or free object: nothing recorded in it to read
                continue
            yield from _strings_in(value, budget, 0)
        yield from _strings_in(self.document.trailer, budget, 0)


@contextmanager
def reading() -> Iterator[None]:
    """Reading a PDF from elsewhere: what a damaged one makes pypdf (or a walk over its objects) raise, such
    as a dictionary where a number belongs, becomes a PdfProblem saying so."""
    from pypdf.errors import PyPdfError

    # pypdf logs what it repairs in a damaged file ("EOF marker not found"): noise beside the one error
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    except PdfProblem:
        raise
    except (PyPdfError, KeyError, IndexError, TypeError, AttributeError, ValueError, RecursionError) as exc:
        raise PdfProblem(f"not a readable PDF ({exc or type(exc).__name__})") from None
    finally:
        log.setLevel(level)


def _flag(catalog: Any, holder: str, key: str) -> bool:
    """Whether the catalogue's dictionary `holder` sets `key` to true (pypdf's BooleanObject(False) is truthy
    as a Python object: its value is what counts)."""
    found = catalog.get(holder)
    value = found.get_object().get(key) if found is not None else None
    return value is not None and getattr(value.get_object(), "value", None) is True


class Budget:
    """A count of objects a walk may still visit; PdfProblem naming `what` when it runs out."""

    def __init__(self, limit: int, what: str) -> None:
        self.left = limit
        self.what = what

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise PdfProblem(f"it has more {self.what} than the {MAX_OBJECTS} reportgen reads")


def _deeper(depth: int, what: str) -> int:
    if depth >= MAX_DEPTH:
        raise PdfProblem(f"its {what} is nested more than {MAX_DEPTH} levels deep")
    return depth + 1


def page_tree(root: Any, *, max_pages: int = MAX_PAGES, max_depth: int = MAX_DEPTH) -> list[Any]:
    """The pages under the page tree node `root`, in order; PdfProblem when there are more than `max_pages`,
    the tree is deeper than `max_depth`, or a node comes twice (a loop, or a page listed over and over)."""
    pages: list = []
    seen: set[int] = set()
    budget = [max_pages * 4]

    def walk(node: Any, depth: int) -> None:
        if depth > max_depth:
            raise PdfProblem(f"the PDF's page tree is nested more than {max_depth} levels deep")
        budget[0] -= 1
        if budget[0] < 0:
            raise PdfProblem(f"the PDF has more than {max_pages} pages")
        if id(node) in seen:
            raise PdfProblem("the PDF's page tree refers to the same node twice")
        seen.add(id(node))
        if node.get("/Type") == "/Page" or "/Kids" not in node:
            pages.append(node)
            if len(pages) > max_pages:
                raise PdfProblem(f"the PDF has more than {max_pages} pages")
            return
        for kid in node["/Kids"]:
            walk(kid.get_object(), depth + 1)

    walk(root, 0)
    return pages


def page_size(page: Any) -> tuple[float, float]:
    """Width and height of a page's media box (inherited from the tree when the page has none), 0 x 0 when
    no node above it has one."""
    node, box = page, None
    for _ in range(MAX_DEPTH + 1):
        box = node.get("/MediaBox")
        if box is not None or "/Parent" not in node:
            break
        node = node["/Parent"].get_object()
    if box is None:
        return 0.0, 0.0
    x0, y0, x1, y1 = (float(v) for v in box.get_object())
    return abs(x1 - x0), abs(y1 - y0)


def elements(node: Any) -> Iterator[tuple[Any, int]]:
    """Every structure element under `node` (a structure tree root or element) with its depth below it,
    depth first, each once; bounded in depth and count (a hostile tree can loop or nest without end)."""
    seen: set[int] = set()
    budget = Budget(MAX_OBJECTS, "structure elements")

    def walk(parent: Any, depth: int) -> Iterator[tuple[Any, int]]:
        for kid in kids(parent):
            if id(kid) in seen:
                raise PdfProblem("its structure tree holds the same element twice")
            seen.add(id(kid))
            budget.spend()
            yield kid, depth
            yield from walk(kid, _deeper(depth, "structure tree"))

    yield from walk(node.get_object(), 1)


def kids(element: Any) -> list[Any]:
    """The structure elements directly under `element` (its /K, leaving out marked content and object
    references)."""
    found = element.get_object().get("/K")
    if found is None:
        return []
    found = found.get_object()
    out = []
    for kid in found if isinstance(found, list) else [found]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "keys") and "/S" in kid:
            out.append(kid)
    return out


def _fonts_in(resources: Any, found: dict[str, bool], budget: Budget, seen: set[int], depth: int) -> None:
    """The fonts in a resource dictionary and in the form XObjects it draws (which have resources of their own);
    resources shared between pages or forms (`seen`) are read once."""
    if resources is None:
        return
    resources = resources.get_object()
    if id(resources) in seen:
        return
    seen.add(id(resources))
    fonts = resources.get("/Font")
    for font in (fonts.get_object().values() if fonts is not None else []):
        budget.spend()
        font = font.get_object()
        descendants = font.get("/DescendantFonts")
        for described in [font] + ([d.get_object() for d in descendants.get_object()] if descendants else []):
            descriptor = described.get("/FontDescriptor")
            if descriptor is None:
                continue
            descriptor = descriptor.get_object()
            name = str(font.get("/BaseFont") or described.get("/BaseFont") or "").lstrip("/")
            found[name] = found.get(name, False) or any(k in descriptor for k in ("/FontFile", "/FontFile2",
                                                                                   "/FontFile3"))
        if font.get("/Subtype") == "/Type3" or (not descendants and font.get("/FontDescriptor") is None):
            name = str(font.get("/BaseFont") or "Type3").lstrip("/")
            # a Type 3 font's glyphs are drawn in the file; a standard 14 font without a descriptor is not embedded
            found.setdefault(name, font.get("/Subtype") == "/Type3")
    xobjects = resources.get("/XObject")
    for xobject in (xobjects.get_object().values() if xobjects is not None else []):
        budget.spend()
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            _fonts_in(xobject.get("/Resources"), found, budget, seen, _deeper(depth, "drawing"))


def _strings_in(value: Any, budget: Budget, depth: int) -> Iterator[str]:
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, TextStringObject
    from pypdf.generic import ByteStringObject

    budget.spend()
    if isinstance(value, IndirectObject):
        return  # read where it is stored (every stored object is visited once)
    if isinstance(value, (TextStringObject, NameObject)):
        yield str(value)
    elif isinstance(value, ByteStringObject):
        yield bytes(value).decode("latin-1")
    elif isinstance(value, DictionaryObject):  # a stream's dictionary, not its data
        for key, item in value.items():
            yield str(key)
            yield from _strings_in(item, budget, _deeper(depth, "objects"))
    elif isinstance(value, ArrayObject):
        for item in value:
            yield from _strings_in(item, budget, _deeper(depth, "objects"))
