"""The document's properties (title, author, dates, language) written from content, never from the machine."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import lru_cache

from reportgen.oxml.xml import escape

_CORE = "docProps/core.xml"
_APP = "docProps/app.xml"
_CUSTOM = "docProps/custom.xml"
_REL_TYPES = {
    _CORE: "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
    _APP: "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
    _CUSTOM: "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties",
}
_CONTENT_TYPES = {
    _CORE: "application/vnd.openxmlformats-package.core-properties+xml",
    _APP: "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    _CUSTOM: "application/vnd.openxmlformats-officedocument.custom-properties+xml",
}


@dataclass
class DocumentProperties:
    """What File > Properties shows: all of it taken from the content."""

    title: str
    author: str
    date: _dt.date
    language: str = "en-GB"
    subject: str = ""
    keywords: str = ""
    description: str = ""
    identifier: str = ""
    custom: dict[str, str] = field(default_factory=dict)


TEMPLATED_PROPERTIES = {"title": "dc:title", "author": "dc:creator", "subject": "dc:subject",
                        "description": "dc:description", "identifier": "dc:identifier",
                        "language": "dc:language"}
"""The core properties a template may fill with tags (docxtpl's: title, author, subject, comments,
identifier, language), by DocumentProperties field, with the element holding each."""


def core_properties(parts: dict[str, bytes]) -> dict[str, str]:
    """The text of the template's core properties named in TEMPLATED_PROPERTIES (those it has)."""
    from lxml import etree

    xml = parts.get(_CORE)
    if not xml:
        return {}
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError:
        return {}  # properties a template cannot hold are replaced from content anyway
    namespaces = {"dc": "http://purl.org/dc/elements/1.1/"}
    found = {}
    for name, tag in TEMPLATED_PROPERTIES.items():
        element = root.find(tag, namespaces)
        if element is not None and element.text:
            found[name] = element.text
    return found


def core_property(parts: dict[str, bytes], tag: str) -> str | None:
    """The text of one core property ('dc:title', 'cp:lastModifiedBy'); None when the document has no such
    property (or no core properties)."""
    xml = parts.get(_CORE)
    if xml is None or tag.partition(":")[2].encode() not in xml:
        return None  # (most properties are not there: found so, without parsing)
    from lxml import etree

    from reportgen.oxml.ns import qn
    from reportgen.oxml.package import xml_parser

    return etree.fromstring(xml, xml_parser()).findtext(qn(tag))


def set_properties(parts: dict[str, bytes], props: DocumentProperties) -> dict[str, bytes]:
    """Replace core, app and custom properties; drop what Word leaves behind (attached template path)."""
    stamp = f"{props.date.isoformat()}T00:00:00Z"
    parts[_CORE] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(props.title)}</dc:title>"
        + (f"<dc:subject>{escape(props.subject)}</dc:subject>" if props.subject else "")
        + f"<dc:creator>{escape(props.author)}</dc:creator>"
        + (f"<cp:keywords>{escape(props.keywords)}</cp:keywords>" if props.keywords else "")
        + (f"<dc:description>{escape(props.description)}</dc:description>" if props.description else "")
        + (f"<dc:identifier>{escape(props.identifier)}</dc:identifier>" if props.identifier else "")
        + f"<dc:language>{escape(props.language)}</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
        "</cp:coreProperties>").encode("utf-8")
    parts[_APP] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Application>reportgen</Application><DocSecurity>0</DocSecurity></Properties>").encode("utf-8")
    set_custom(parts, props.custom)
    drop_leftovers(parts)
    if "word/settings.xml" in parts:
        settings = parts["word/settings.xml"].decode("utf-8")
        # the template a document was made from (a path on someone's machine), written either way Word may
        # and document variables (values a macro stored, unseen): neither belongs in a report
        settings = re.sub(r"<w:attachedTemplate\b[^>]*/>|<w:attachedTemplate\b[^>]*>.*?</w:attachedTemplate>"
                          r"|<w:docVars\b[^>]*/>|<w:docVars\b[^>]*>.*?</w:docVars>", "", settings, flags=re.DOTALL)
        parts["word/settings.xml"] = settings.encode("utf-8")
    return parts


_EMPTY_BIBLIOGRAPHY = re.compile(rb"^(<\?xml[^>]*\?>)?\s*<(\w+:)?Sources\b[^>]*(/>|>\s*</(\w+:)?Sources>)\s*$")


def drop_leftovers(parts: dict[str, bytes]) -> dict[str, bytes]:
    """Remove what python-docx and Word leave in every file and no reader needs: the blank thumbnail
    (a picture of nothing, shown by file browsers) and an empty bibliography (customXml with no sources)."""
    doomed = [name for name in parts if re.fullmatch(r"docProps/thumbnail\.\w+", name)]
    for name in [n for n in parts if re.fullmatch(r"customXml/item\d+\.xml", n)]:
        if _EMPTY_BIBLIOGRAPHY.match(parts[name].strip()):
            number = re.search(r"\d+", name.rsplit("/", 1)[1]).group()
            doomed += [name, f"customXml/_rels/item{number}.xml.rels", f"customXml/itemProps{number}.xml"]
    if not doomed:
        return parts
    for name in doomed:
        parts.pop(name, None)
        for rels in ("_rels/.rels", "word/_rels/document.xml.rels"):
            if rels in parts:
                parts[rels] = re.sub(rf'<Relationship [^>]*Target="(/|\.\./)?{re.escape(name)}"[^>]*/>'.encode(),
                                     b"", parts[rels])
        parts["[Content_Types].xml"] = re.sub(rf'<Override [^>]*PartName="/{re.escape(name)}"[^>]*/>'.encode(),
                                              b"", parts["[Content_Types].xml"])
    return parts


def set_custom(parts: dict[str, bytes], custom: dict[str, str]) -> dict[str, bytes]:
    """Write the custom properties (reportgen's own: fingerprint, draft marks) as `custom`, sorted."""
    if custom:
        items = "".join(
            f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" name="{escape(k)}">'
            f"<vt:lpwstr>{escape(v)}</vt:lpwstr></property>"
            for i, (k, v) in enumerate(sorted(custom.items()), start=2))
        parts[_CUSTOM] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
            f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{items}</Properties>'
        ).encode("utf-8")
    else:
        parts.pop(_CUSTOM, None)
    _register(parts, [p for p in (_CORE, _APP, _CUSTOM) if p in parts], _CUSTOM if _CUSTOM not in parts else None)
    return parts


def with_custom_value(custom: bytes, name: str, value: str) -> bytes:
    """A custom properties part with the text of (text) property `name` made `value`, all else as it was
    ('' leaves a value out of a hash of the part, when the value kept there is that hash)."""
    return _custom_value(name).sub(lambda m: m.group(1) + escape(value).encode() + m.group(2), custom)


@lru_cache(maxsize=8)
def _custom_value(name: str) -> re.Pattern[bytes]:
    return re.compile(rb'(name="' + re.escape(escape(name).encode()) + rb'"><vt:lpwstr>)[^<]*(</vt:lpwstr>)')


def custom_properties(parts: dict[str, bytes]) -> dict[str, str]:
    """The custom properties' text values (name -> value), as File > Properties > Custom shows them."""
    from html import unescape

    xml = parts.get(_CUSTOM, b"").decode("utf-8", "replace")
    return {unescape(name): unescape(value) for name, value in
            re.findall(r'<property [^>]*name="([^"]*)"[^>]*>\s*<vt:lpwstr>([^<]*)</vt:lpwstr>', xml)}


def _register(parts: dict[str, bytes], present: list[str], absent: str | None) -> None:
    """Make the package's relationships and content types list exactly the property parts present."""
    rels = parts["_rels/.rels"].decode("utf-8")
    types = parts["[Content_Types].xml"].decode("utf-8")
    if absent:
        rels = re.sub(rf'<Relationship [^>]*Target="/?{re.escape(absent)}"[^>]*/>', "", rels)
        types = re.sub(rf'<Override [^>]*PartName="/{re.escape(absent)}"[^>]*/>', "", types)
    for part in present:
        if not re.search(rf'Target="/?{re.escape(part)}"', rels):
            rid = f"rIdProps{len(re.findall('<Relationship ', rels)) + 1}"
            rels = rels.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{_REL_TYPES[part]}" '
                                                    f'Target="{part}"/></Relationships>')
        if f'PartName="/{part}"' not in types:
            types = types.replace("</Types>", f'<Override PartName="/{part}" ContentType="{_CONTENT_TYPES[part]}"/></Types>')
    parts["_rels/.rels"] = rels.encode("utf-8")
    parts["[Content_Types].xml"] = types.encode("utf-8")
