"""Compares two rendered documents and writes the new one carrying Word tracked changes from the old.

Blocks (paragraphs, tables) are aligned with difflib over their texts; paragraphs that were changed
rather than replaced are then diffed word by word, keeping each run's formatting, and words whose
formatting alone changed carry a w:rPrChange with the old formatting. Pictures compare by their
images; a paragraph whose picture changed is the old paragraph deleted and the new one inserted (the
old image comes along). Whole paragraphs and table rows that appear or disappear become
paragraph-mark and row revisions, the marks placed as Word places them (revisions.place_paragraph_marks). Both documents'
own tracked changes are accepted first, so the comparison is between what each one says.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import hashlib
import posixpath
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from lxml import etree

from reportgen.lib.alignment import pair, word_similarity
from reportgen.oxml.ns import qn
from reportgen.oxml.numbering import ListDefinitions, numbering_of
from reportgen.oxml.package import xml_parser
from reportgen.oxml.revisions import (W_P, W_PPR, W_R, W_RPR, W_RPR_CHANGE, W_T, W_TBL, W_TR, Reviser, accept_all,
                                      place_paragraph_marks,
                                      mark_paragraph, mark_row, record_old_properties, wrap)
from reportgen.oxml.text import paragraph_text

W_TC, W_TCPR, W_NUMID, W_NUM = qn("w:tc"), qn("w:tcPr"), qn("w:numId"), qn("w:num")
W_ABSTRACT_ID = qn("w:abstractNumId")
W_VAL = qn("w:val")
W_DOCPR, W_DRAWING = qn("wp:docPr"), qn("w:drawing")
_R_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_SKIPPED = {qn("w:proofErr"), qn("w:lastRenderedPageBreak")}
_REVISION_MARKS = {qn("w:ins"), qn("w:del"), qn("w:rPrChange"), qn("w:moveFrom"), qn("w:moveTo")}
_MARKERS = {qn(f"w:{t}") for t in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd",
                                   "permStart", "permEnd")}
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")
PAIRING_THRESHOLD = 0.4
"""Two paragraphs at least this alike (word-level difflib ratio) are one paragraph reworded, not two."""


def compare_parts(old: dict[str, bytes], new: dict[str, bytes], reviser: Reviser) -> dict[str, bytes]:
    """NEW's parts, its body, headers and footers carrying tracked changes that lead back to OLD."""
    out = dict(new)
    old_body = accept_all(etree.fromstring(old["word/document.xml"], xml_parser()))
    new_body = accept_all(etree.fromstring(new["word/document.xml"], xml_parser()))
    numbering = _Numbering(old, new.get("word/numbering.xml"))
    numbering.align(list(old_body.iter(W_P)), list(new_body.iter(W_P)))
    comparer = _Comparer(reviser, numbering, _Relations(old, out, "word/document.xml"))
    _compare_root(comparer, old_body.find(qn("w:body")), new_body.find(qn("w:body")))
    comparer.relations.finish()
    used_ids: set[str] = set()
    _unique_drawing_ids(new_body, used_ids)
    out["word/document.xml"] = _serialise(new_body)
    for name in new:
        if re.fullmatch(r"word/(header|footer)\d*\.xml", name) and name in old:
            old_root = accept_all(etree.fromstring(old[name], xml_parser()))
            new_root = accept_all(etree.fromstring(new[name], xml_parser()))
            comparer.relations = _Relations(old, out, name)
            _compare_root(comparer, old_root, new_root)
            comparer.relations.finish()
            _unique_drawing_ids(new_root, used_ids)
            out[name] = _serialise(new_root)
    if numbering.new_root is not None and (_independent_lists(numbering.new_root) or numbering.changed):
        out["word/numbering.xml"] = _serialise(numbering.new_root)
    return out


def _independent_lists(root: etree._Element) -> bool:
    """Each restarting list gets its own copy of the list definition it shares with other lists.

    Numbers stay as they were (every level of such a list restarts at its first paragraph anyway),
    but LibreOffice ties a restart to the list's first paragraph: when Reject removes a new first
    item, the list would go on counting from the list before it. A list of its own starts at 1
    wherever it starts. True if anything changed.
    """
    numbering = ListDefinitions(root)
    fresh = numbering.max_definition_id
    users = numbering.users()
    changed = False
    for instance in numbering.lists.values():
        levels = numbering.definitions.get(instance.definition, {})
        if not levels or users[instance.definition] < 2 or len(instance.restarts) < len(levels):
            continue
        fresh += 1
        definition = copy.deepcopy(numbering.definition_elements[str(instance.definition)])
        definition.set(W_ABSTRACT_ID, str(fresh))
        nsid = definition.find(qn("w:nsid"))
        if nsid is not None:
            nsid.set(W_VAL, f"{0x52450000 + fresh:08X}")  # a list's own identity: 'RE' and its number
        for link in definition.findall(qn("w:numStyleLink")) + definition.findall(qn("w:styleLink")):
            definition.remove(link)  # a style's list definition is the shared one; the copy is plain
        _add_definition(root, definition)
        instance.element.find(W_ABSTRACT_ID).set(W_VAL, str(fresh))
        changed = True
    return changed


def _add_definition(root: etree._Element, definition: etree._Element) -> None:
    """Put a list definition (w:abstractNum) into a numbering part: before the lists, as the schema orders them."""
    first_num = root.find(W_NUM)
    if first_num is not None:
        first_num.addprevious(definition)
    else:
        root.append(definition)


def _unique_drawing_ids(root: etree._Element, used: set[str]) -> None:
    """A picture brought back from OLD may share its drawing id with NEW's: Word wants each id once."""
    found = list(root.iter(W_DOCPR))
    taken = used | {d.get("id") for d in found}
    for d in found:
        if d.get("id") in used:
            fresh = str(max((int(i) for i in taken if i and i.isdigit()), default=0) + 1)
            d.set("id", fresh)
            taken.add(fresh)
        used.add(d.get("id"))


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _compare_root(comparer: "_Comparer", old: etree._Element, new: etree._Element) -> None:
    """Replace the block children of `new` with the compared blocks (a trailing sectPr stays last)."""
    tail = [c for c in new if c.tag == qn("w:sectPr")]
    old_blocks = [c for c in old if c.tag != qn("w:sectPr")]
    new_blocks = [c for c in new if c.tag != qn("w:sectPr")]
    merged = comparer.blocks(old_blocks, new_blocks)
    for child in list(new):
        new.remove(child)
    for child in merged + tail:
        new.append(child)


# -- relationships: a picture or link copied from OLD takes its target with it ---------------------

class _Relations:
    """One part's relationships in OLD and NEW: what a reference points at (an image's bytes, a link's
    address), and OLD's targets brought into NEW for the pictures and links a redline copies from OLD."""

    def __init__(self, old: dict[str, bytes], out: dict[str, bytes], part: str) -> None:
        self.old, self.out, self.part = old, out, part
        folder, base = posixpath.split(part)
        self.folder = folder
        self.rels_name = posixpath.join(folder, "_rels", base + ".rels")
        self.old_rels = _read_rels(old.get(self.rels_name))
        self.new_root = etree.fromstring(out[self.rels_name]) if self.rels_name in out else None
        self.new_rels = _read_rels(out.get(self.rels_name))
        self.map: dict[str, str] = {}
        self.changed = False
        self._keys: dict[tuple[str, bool], str] = {}

    def key(self, rel_id: str, old: bool) -> str:
        """What the reference stands for, so two pictures compare by their images, not their ids."""
        if (rel_id, old) not in self._keys:
            rels, parts = (self.old_rels, self.old) if old else (self.new_rels, self.out)
            found = rels.get(rel_id)
            if found is None:
                key = rel_id
            elif found[2]:
                key = f"{found[0]} {found[1]}"
            else:
                data = parts.get(self._resolve(found[1]))
                key = f"{found[0]} {hashlib.sha256(data).hexdigest() if data is not None else found[1]}"
            self._keys[(rel_id, old)] = key
        return self._keys[(rel_id, old)]

    def _resolve(self, target: str) -> str:
        return posixpath.normpath(posixpath.join(self.folder, target)).lstrip("/")

    def adopt(self, element: etree._Element) -> etree._Element:
        """`element` (copied from OLD) with its references pointing at NEW's relationships."""
        for el in element.iter():
            for attr, value in el.attrib.items():
                if attr.startswith(_R_NS):
                    el.set(attr, self._new_id(value))
        return element

    def _new_id(self, old_id: str) -> str:
        if old_id in self.map:
            return self.map[old_id]
        wanted = self.key(old_id, old=True)
        same = next((rid for rid in self.new_rels if self.key(rid, old=False) == wanted), None)
        if same is None and self.new_root is not None and self._portable(old_id):
            same = self._bring(old_id)
        self.map[old_id] = same or old_id
        return self.map[old_id]

    def _portable(self, old_id: str) -> bool:
        """Only what a copied run can hold comes along: a link's address, or an image in the package."""
        found = self.old_rels.get(old_id)
        if found is None:
            return False
        kind, target, external = found
        return external or (kind.endswith("/image") and self._resolve(target) in self.old)

    def _bring(self, old_id: str) -> str:
        kind, target, external = self.old_rels[old_id]
        n = 1
        while f"rIdRedline{n}" in self.new_rels:
            n += 1
        rel_id = f"rIdRedline{n}"
        rel = etree.SubElement(self.new_root, qn("rel:Relationship"), Id=rel_id, Type=kind)
        if external:
            rel.set("Target", target)
            rel.set("TargetMode", "External")
        else:
            source = self._resolve(target)
            ext = posixpath.splitext(source)[1]
            name = f"word/media/redline{n}{ext}"
            k = n
            while name in self.out:
                k += 1
                name = f"word/media/redline{k}{ext}"
            self.out[name] = self.old[source]
            _declare_content_type(self.old, self.out, source, name)
            rel.set("Target", posixpath.relpath(name, self.folder))
        self.new_rels[rel_id] = (kind, rel.get("Target"), external)
        self.changed = True
        return rel_id

    def finish(self) -> None:
        if self.changed and self.new_root is not None:
            self.out[self.rels_name] = _serialise(self.new_root)


def _read_rels(xml: bytes | None) -> dict[str, tuple[str, str, bool]]:
    if not xml:
        return {}
    return {r.get("Id"): (r.get("Type", ""), r.get("Target", ""), r.get("TargetMode") == "External")
            for r in etree.fromstring(xml).iter(qn("rel:Relationship"))}


def _declare_content_type(old: dict[str, bytes], out: dict[str, bytes], source: str, name: str) -> None:
    """NEW's [Content_Types].xml names the type of a part brought from OLD (by extension, or its own)."""
    old_types = etree.fromstring(old["[Content_Types].xml"])
    new_types = etree.fromstring(out["[Content_Types].xml"])
    ext = posixpath.splitext(name)[1].lstrip(".").lower()
    defaults = {d.get("Extension", "").lower() for d in new_types.iter(qn("ct:Default"))}
    override = next((o for o in old_types.iter(qn("ct:Override")) if o.get("PartName") == "/" + source), None)
    if override is not None:
        etree.SubElement(new_types, qn("ct:Override"), PartName="/" + name, ContentType=override.get("ContentType"))
    elif ext not in defaults:
        default = next((d for d in old_types.iter(qn("ct:Default")) if d.get("Extension", "").lower() == ext), None)
        if default is None:
            return
        new_types.insert(0, copy.deepcopy(default))
    else:
        return
    out["[Content_Types].xml"] = _serialise(new_types)


# -- numbering: old list paragraphs keep their own numbers when brought back by reject ------------

class _Numbering:
    """Maps OLD's list instances (w:num) to NEW's, adding OLD's where NEW has no counterpart."""

    def __init__(self, old: dict[str, bytes], new_xml: bytes | None) -> None:
        self.old = numbering_of(old)
        self.new_root = etree.fromstring(new_xml, xml_parser()) if new_xml else None  # changed here: a copy
        self.map: dict[str, str] = {}
        self.changed = False

    def align(self, old_ps: list[etree._Element], new_ps: list[etree._Element]) -> None:
        """Pair list instances through paragraphs that say the same in both documents."""
        old_keys = [paragraph_text(p) for p in old_ps]
        new_keys = [paragraph_text(p) for p in new_ps]
        matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
        for block in matcher.get_matching_blocks():
            for k in range(block.size):
                a, b = _num_id(old_ps[block.a + k]), _num_id(new_ps[block.b + k])
                if a is not None and b is not None:
                    self.map.setdefault(a, b)

    def pair(self, old_p: etree._Element, new_p: etree._Element) -> None:
        """A paragraph changed in words keeps its list: its list instances are the same list."""
        a, b = _num_id(old_p), _num_id(new_p)
        if a is not None and b is not None and a not in self.map and b not in self.map.values():
            self.map[a] = b

    def remap(self, element: etree._Element) -> etree._Element:
        """`element` (copied from OLD) with its list references pointing at NEW's numbering."""
        for ref in element.iter(W_NUMID):
            old_id = ref.get(W_VAL)
            if old_id and old_id != "0":
                ref.set(W_VAL, self._new_id(old_id))
        return element

    def _new_id(self, old_id: str) -> str:
        if old_id in self.map:
            return self.map[old_id]
        old_num = self.old.list_elements.get(old_id)
        if old_num is None or self.new_root is None:
            return old_id
        num = copy.deepcopy(old_num)
        fresh = str(ListDefinitions(self.new_root).max_list_id + 1)
        num.set(qn("w:numId"), fresh)
        abstract_ref = num.find(W_ABSTRACT_ID)
        if abstract_ref is not None:
            abstract_ref.set(W_VAL, self._abstract(abstract_ref.get(W_VAL)))
        self.new_root.append(num)
        self.map[old_id] = fresh
        self.changed = True
        return fresh

    def _abstract(self, old_abstract: str) -> str:
        """NEW's id for OLD's abstract list definition, copying the definition when NEW lacks it."""
        new = ListDefinitions(self.new_root)
        found = new.definition_elements
        old_def = self.old.definition_elements.get(old_abstract)
        if old_abstract in found and (old_def is None or _canonical(found[old_abstract]) == _canonical(old_def)):
            return old_abstract
        if old_def is None:
            return old_abstract
        fresh = str(max((int(a) for a in found), default=0) + 1)
        definition = copy.deepcopy(old_def)
        definition.set(W_ABSTRACT_ID, fresh)
        _add_definition(self.new_root, definition)
        return fresh


def _num_id(p: etree._Element) -> str | None:
    ref = p.find(f"{W_PPR}/{qn('w:numPr')}/{W_NUMID}")
    return ref.get(W_VAL) if ref is not None else None


# -- blocks ---------------------------------------------------------------------------------------

def _block_key(el: etree._Element) -> tuple:
    if el.tag == W_P:
        return ("p", paragraph_text(el))
    if el.tag == W_TBL:
        return ("tbl", tuple(_row_key(tr) for tr in el.iter(W_TR)))
    return ("other", _canonical(el))


def _row_key(tr: etree._Element) -> tuple[str, ...]:
    return tuple("\n".join(paragraph_text(p) for p in tc.iter(W_P)) for tc in tr.iter(W_TC))


def _text_of(key: tuple) -> str:
    if key[0] == "p":
        return key[1]
    if key[0] == "tbl":
        return " ".join(cell for row in key[1] for cell in row)
    if key[0] == "row":
        return " ".join(key[1])
    return ""


def similarity(a: tuple, b: tuple) -> float:
    """How alike two blocks are (0..1): the word-level difflib ratio of their texts, 0 across kinds."""
    if a[0] != b[0]:
        return 0.0
    if a == b:
        return 1.0
    return word_similarity(_text_of(a), _text_of(b), PAIRING_THRESHOLD)


def _rows_by_label(old_keys: list[tuple], new_keys: list[tuple]) -> list[tuple[int, int]]:
    """Rows of a changed stretch that keep their label (first cell): the same row, its figures
    changed ('Total 60 37' -> 'Total 75 44'), tracked cell by cell where it stands. A row replaced
    whole would move a Total row off the table's last row, and LibreOffice, which holds the table
    style's last-row bold as the text's own, would lose it on Reject."""
    labels = [[k[1][0] if k[1] and k[1][0].strip() else None for k in keys] for keys in (old_keys, new_keys)]
    matcher = difflib.SequenceMatcher(None, labels[0], labels[1], autojunk=False)
    return [(block.a + k, block.b + k) for block in matcher.get_matching_blocks() for k in range(block.size)
            if labels[0][block.a + k] is not None]


def pair_blocks(old_keys: list[tuple], new_keys: list[tuple]) -> list[tuple[int, int]]:
    """Which blocks of a replaced stretch are the same block changed, rather than one out and one in."""
    if len(old_keys) == 1 and len(new_keys) == 1 and old_keys[0][0] == new_keys[0][0]:
        return [(0, 0)]  # one block became another: show it as a rewording, however deep
    return pair(old_keys, new_keys, similarity, PAIRING_THRESHOLD)


@dataclass
class _Comparer:
    reviser: Reviser
    numbering: _Numbering
    relations: _Relations

    def adopt(self, element: etree._Element) -> etree._Element:
        """A copy of OLD's `element` whose lists and pictures point at NEW's numbering and images."""
        return self.relations.adopt(self.numbering.remap(copy.deepcopy(element)))

    def atoms(self, p: etree._Element, old: bool) -> list[_Atom]:
        return _atoms(p, lambda rel_id: self.relations.key(rel_id, old))

    def blocks(self, old: list[etree._Element], new: list[etree._Element]) -> list[etree._Element]:
        """The merged blocks of one container (a body, a cell, a header)."""
        old_keys = [_block_key(b) for b in old]
        new_keys = [_block_key(b) for b in new]
        out: list[etree._Element] = []
        # between the blocks kept in place (a pair replaced whole joins them), what comes in, then
        # what goes out: LibreOffice's Reject joins paragraphs wrongly when an inserted paragraph
        # stands between two deleted ones, or after a deleted one that follows an edited paragraph
        gone: list[etree._Element] = []
        came: list[etree._Element] = []

        def in_place(old_block: etree._Element, new_block: etree._Element, kept: Callable) -> None:
            whole = self.replaced(old_block, new_block)
            if whole:
                gone.extend(whole[:-1])
                came.append(whole[-1])
                return
            out.extend(came + gone + [kept(old_block, new_block)])
            gone.clear()
            came.clear()

        matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    in_place(old[i], new[j], self.same)
                continue
            pairs = pair_blocks(old_keys[i1:i2], new_keys[j1:j2])
            i, j = i1, j1
            for pi, pj in pairs + [(i2 - i1, j2 - j1)]:
                gone.extend(d for k in range(i, i1 + pi) if (d := self.deleted(old[k])) is not None)
                came.extend(self.inserted(new[k]) for k in range(j, j1 + pj))
                if i1 + pi < i2:
                    in_place(old[i1 + pi], new[j1 + pj], self.changed)
                i, j = i1 + pi + 1, j1 + pj + 1
        out.extend(came + gone)
        return place_paragraph_marks(out, self.reviser)

    def replaced(self, old: etree._Element, new: etree._Element) -> list[etree._Element]:
        """A paragraph whose picture changed, or that joined or left a list, as the old paragraph
        deleted and the new one inserted.

        A reviewer sees the old chart (and its alt text) struck through above the new one. And both
        are changes LibreOffice cannot undo exactly otherwise: a picture revision that ends a
        paragraph it stretches over the paragraph mark, and a list restored by rejecting a change of
        paragraph properties it numbers as a list of its own.
        """
        if old.tag != W_P or new.tag != W_P:
            return []
        pictures = [[a.key for a in self.atoms(p, p is old) if a.kind == "item" and a.element.tag == W_DRAWING]
                    for p in (old, new)]
        new_picture = pictures[0] != pictures[1] and bool(pictures[0] and pictures[1])
        listed = [_num_id(p) not in (None, "0") for p in (old, new)]
        if not new_picture and listed[0] == listed[1]:
            return []
        gone = self.deleted(old)
        return ([gone] if gone is not None else []) + [self.inserted(new)]

    def same(self, old: etree._Element, new: etree._Element) -> etree._Element:
        """Blocks that say the same words: a change of formatting or picture still shows."""
        if old.tag == W_P:
            if _looks(self.atoms(old, True)) != _looks(self.atoms(new, False)):
                return self.paragraph(old, new)
            self._properties(old, new)
        elif old.tag == W_TBL:
            return self.table(old, new)
        return new

    def changed(self, old: etree._Element, new: etree._Element) -> etree._Element:
        if new.tag == W_P:
            return self.paragraph(old, new)
        if new.tag == W_TBL:
            return self.table(old, new)
        return new  # something else that is not text (a section break, a content control): NEW's

    # whole blocks in or out --------------------------------------------------------------------
    def deleted(self, old: etree._Element) -> etree._Element | None:
        block = self.adopt(old)
        for marker in [m for m in block.iter(*_MARKERS)]:
            marker.getparent().remove(marker)  # its twin in NEW keeps the name; two would clash
        # not text (a content control, a section break): nothing to track
        return block if self._whole_block(block, "del") else None

    def inserted(self, new: etree._Element) -> etree._Element:
        self._whole_block(new, "ins")
        return new

    def _whole_block(self, block: etree._Element, tag: str) -> bool:
        """Mark a paragraph or a table as wholly inserted or deleted (`tag`); False for anything else."""
        if block.tag == W_P:
            _wrap_runs(block, tag, self.reviser)
            mark_paragraph(block, tag, self.reviser)
        elif block.tag == W_TBL:
            for tr in block.iter(W_TR):
                self._whole_row(tr, tag)
        else:
            return False
        return True

    def _whole_row(self, tr: etree._Element, tag: str) -> None:
        mark_row(tr, tag, self.reviser)
        for p in tr.iter(W_P):
            _wrap_runs(p, tag, self.reviser)

    # tables ------------------------------------------------------------------------------------
    def table(self, old: etree._Element, new: etree._Element) -> etree._Element:
        old_rows = [tr for tr in old if tr.tag == W_TR]
        new_rows = [tr for tr in new if tr.tag == W_TR]
        old_keys = [("row", _row_key(tr)) for tr in old_rows]
        new_keys = [("row", _row_key(tr)) for tr in new_rows]
        merged: list[etree._Element] = []
        matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                for i, j in zip(range(i1, i2), range(j1, j2)):
                    merged.append(self.row(old_rows[i], new_rows[j]))
                continue
            pairs = [(a, b) for a, b in _rows_by_label(old_keys[i1:i2], new_keys[j1:j2])
                     or pair_blocks(old_keys[i1:i2], new_keys[j1:j2])
                     if len(old_keys[i1 + a][1]) == len(new_keys[j1 + b][1])]
            i, j = i1, j1
            for pi, pj in pairs + [(i2 - i1, j2 - j1)]:
                for k in range(i, i1 + pi):
                    row = self.adopt(old_rows[k])
                    self._whole_row(row, "del")
                    merged.append(row)
                for k in range(j, j1 + pj):
                    self._whole_row(new_rows[k], "ins")
                    merged.append(new_rows[k])
                if i1 + pi < i2:
                    merged.append(self.row(old_rows[i1 + pi], new_rows[j1 + pj]))
                i, j = i1 + pi + 1, j1 + pj + 1
        first_row = next((k for k, child in enumerate(new) if child.tag == W_TR), len(new))
        for child in [c for c in new if c.tag == W_TR]:
            new.remove(child)
        for k, row in enumerate(merged):
            new.insert(first_row + k, row)
        return new

    def row(self, old: etree._Element, new: etree._Element) -> etree._Element:
        """A row whose cells line up: each cell's paragraphs compared as a little document."""
        for old_tc, new_tc in zip(old.iter(W_TC), new.iter(W_TC)):
            blocks = self.blocks([c for c in old_tc if c.tag in (W_P, W_TBL)],
                                 [c for c in new_tc if c.tag in (W_P, W_TBL)])
            for child in [c for c in new_tc if c.tag in (W_P, W_TBL)]:
                new_tc.remove(child)
            for block in blocks:
                new_tc.append(block)
        return new

    # paragraphs --------------------------------------------------------------------------------
    def _properties(self, old: etree._Element, new: etree._Element) -> None:
        """Record a change of style or list (pPrChange) when the words stayed the same."""
        self.numbering.pair(old, new)
        old_ppr = old.find(W_PPR)
        old_ppr = self.numbering.remap(copy.deepcopy(old_ppr)) if old_ppr is not None else None
        if _ppr_key(old_ppr) == _ppr_key(new.find(W_PPR)):
            return
        ppr = new.find(W_PPR)
        if ppr is None:
            ppr = etree.Element(W_PPR)
            new.insert(0, ppr)
        record_old_properties(ppr, old_ppr, self.reviser)

    def paragraph(self, old: etree._Element, new: etree._Element) -> etree._Element:
        """NEW's paragraph with the words that changed since OLD as tracked insertions and deletions."""
        self._properties(old, new)
        old_atoms, new_atoms = self.atoms(old, True), self.atoms(new, False)
        ops = _opcodes([a.key for a in old_atoms], [a.key for a in new_atoms])
        content: list[tuple[str, _Atom]] = []
        # in a table LibreOffice holds the table style's formatting as the text's own, so rejecting a
        # change of formatting there would take the style's bold away too: words retyped instead
        in_table = any(a.tag == W_TC for a in new.iterancestors())
        for tag, i1, i2, j1, j2 in ops:
            if tag == "equal":
                for was, atom in zip(old_atoms[i1:i2], new_atoms[j1:j2]):
                    if was.group != atom.group and atom.kind in ("text", "item"):
                        if in_table:
                            content += [("del", dataclasses.replace(was, element=self.adopt(was.element))
                                         if was.element is not None else was), ("ins", atom)]
                            continue
                        atom = dataclasses.replace(atom, was=was.rpr if was.rpr is not None else _NO_RPR)
                    content.append(("same", atom))
            else:
                for atom in old_atoms[i1:i2]:
                    if atom.kind != "marker":
                        if atom.element is not None:
                            atom = dataclasses.replace(atom, element=self.adopt(atom.element))
                        content.append(("del", atom))
                content.extend(("ins", a) for a in new_atoms[j1:j2])
        for child in [c for c in new if c.tag != W_PPR]:
            new.remove(child)
        for el in _build(content, self.reviser):
            new.append(el)
        return new


def _ppr_key(ppr: etree._Element | None) -> tuple:
    if ppr is None:
        return ()
    return tuple(_canonical(c) for c in ppr if c.tag not in (W_RPR, qn("w:sectPr"), qn("w:pPrChange")))


def _canonical(el: etree._Element, target: Callable[[str], str] | None = None) -> tuple:
    """An element's tag, attributes, text and children, whatever namespace declarations it carries;
    with `target`, a relationship id stands for what it points at (an image's bytes, a link)."""
    attrs = sorted((k, target(v) if target is not None and k.startswith(_R_NS) else v) for k, v in el.attrib.items())
    return (el.tag, tuple(attrs), (el.text or "").strip(), tuple(_canonical(c, target) for c in el))


def _wrap_runs(p: etree._Element, tag: str, reviser: Reviser) -> None:
    """Every run of the paragraph (also inside hyperlinks and fields) inside one w:ins/w:del per stretch."""
    for parent in [p] + [c for c in p.iter() if c is not p and c.tag != W_R and c.find(W_R) is not None]:
        stretch: list[etree._Element] = []
        for child in list(parent) + [None]:
            if child is not None and child.tag == W_R:
                stretch.append(child)
                continue
            if stretch:
                at = parent.index(stretch[0])
                for run in stretch:
                    parent.remove(run)
                parent.insert(at, wrap(stretch, tag, reviser))
                stretch = []


# -- word-level diff inside a paragraph -----------------------------------------------------------

@dataclass
class _Atom:
    """One token of a paragraph: a word, a space, a punctuation mark, or one non-text thing."""

    key: str
    kind: str  # "text", "item" (tab, break, field char, drawing: inside a run), "box" (a hyperlink...), "marker"
    rpr: etree._Element | None = None
    text: str = ""
    element: etree._Element | None = None
    was: etree._Element | None = None
    """The run properties before a change of formatting (only on unchanged words whose formatting changed)."""

    @property
    def group(self) -> tuple:
        return _rpr_key(self.rpr)

    @property
    def was_group(self) -> tuple | None:
        return None if self.was is None else _rpr_key(self.was)


_NO_RPR = etree.Element(W_RPR)
"""The old properties of text that had none."""


def _rpr_key(rpr: etree._Element | None) -> tuple:
    """Run properties as they look: what a change of formatting compares (revision marks aside)."""
    if rpr is None:
        return ()
    return tuple(sorted(_canonical(c) for c in rpr if c.tag not in _REVISION_MARKS))


def _looks(atoms: list[_Atom]) -> list[tuple]:
    return [(a.key, a.group) for a in atoms]


def _atoms(p: etree._Element, target: Callable[[str], str] | None = None) -> list[_Atom]:
    atoms: list[_Atom] = []
    for child in p:
        if child.tag in (W_PPR,) or child.tag in _SKIPPED or not isinstance(child.tag, str):
            continue
        if child.tag == W_R:
            rpr = child.find(W_RPR)
            for item in child:
                if item.tag == W_RPR or item.tag in _SKIPPED:
                    continue
                if item.tag == W_T:
                    atoms.extend(_Atom(token, "text", rpr, token) for token in _TOKEN.findall(item.text or ""))
                else:
                    atoms.append(_Atom("\x00" + repr(_canonical(item, target)), "item", rpr, element=item))
        elif child.tag in _MARKERS:
            atoms.append(_Atom("\x01" + repr(_canonical(child)), "marker", element=child))
        else:
            atoms.append(_Atom("\x02" + repr(_canonical(child, target)), "box", element=child))
    return atoms


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes, a word or space left between two changes folded into them (reads as one change)."""
    ops = [list(op) for op in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()]
    for k in range(1, len(ops) - 1):
        tag, i1, i2, _, _ = ops[k]
        if tag == "equal" and ops[k - 1][0] != "equal" and ops[k + 1][0] != "equal" \
                and sum(1 for t in a[i1:i2] if t.strip()) <= 1 and i2 - i1 <= 2:
            ops[k][0] = "replace"
    merged: list[list] = []
    for op in ops:
        if merged and op[0] != "equal" and merged[-1][0] != "equal":
            merged[-1] = ["replace", merged[-1][1], op[2], merged[-1][3], op[4]]
        else:
            merged.append(op)
    return [tuple(op) for op in merged]  # type: ignore[misc]


def _build(content: list[tuple[str, _Atom]], reviser: Reviser) -> Iterable[etree._Element]:
    """Runs (grouped by formatting), wrapped in w:ins/w:del by stretch, from the tagged atoms."""
    out: list[etree._Element] = []
    pending: list[etree._Element] = []
    pending_status = "same"

    def flush() -> None:
        nonlocal pending
        if pending:
            out.extend(pending if pending_status == "same" else [wrap(pending, pending_status, reviser)])
        pending = []

    k = 0
    while k < len(content):
        status, atom = content[k]
        if atom.kind in ("box", "marker"):
            flush()
            element = copy.deepcopy(atom.element)
            if status != "same" and atom.kind == "box":
                _wrap_runs(element, status, reviser)
            out.append(element)
            k += 1
            continue
        # one run for the stretch of atoms with the same status and formatting
        run = etree.Element(W_R)
        if atom.rpr is not None or atom.was is not None:
            run.append(_run_properties(atom, reviser))
        text = ""
        while k < len(content) and content[k][0] == status and content[k][1].kind in ("text", "item") \
                and content[k][1].group == atom.group and content[k][1].was_group == atom.was_group:
            part = content[k][1]
            if part.kind == "text":
                text += part.text
            else:
                _add_text(run, text)
                text = ""
                run.append(copy.deepcopy(part.element))
            k += 1
        _add_text(run, text)
        if status != pending_status:
            flush()
            pending_status = status
        pending.append(run)
    flush()
    return out


def _run_properties(atom: _Atom, reviser: Reviser) -> etree._Element:
    """The run's properties; after a change of formatting, with w:rPrChange holding the old ones (last)."""
    rpr = copy.deepcopy(atom.rpr) if atom.rpr is not None else etree.Element(W_RPR)
    for old_mark in [c for c in rpr if c.tag == W_RPR_CHANGE]:
        rpr.remove(old_mark)
    if atom.was is not None:
        change = reviser.mark("rPrChange")
        before = etree.SubElement(change, W_RPR)
        for child in atom.was:
            if child.tag not in _REVISION_MARKS:
                before.append(copy.deepcopy(child))
        rpr.append(change)
    return rpr


def _add_text(run: etree._Element, text: str) -> None:
    if text:
        t = etree.SubElement(run, W_T)
        t.text = text
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

