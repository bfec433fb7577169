"""Word tracked changes in the XML: marking runs, paragraphs and rows as inserted or deleted, and accepting or rejecting them all.

A revision is w:ins or w:del around runs, w:ins/w:del inside a paragraph mark's w:pPr/w:rPr (the
paragraph itself was inserted or deleted), inside w:trPr (a table row), w:pPrChange holding a
paragraph's old properties, or w:rPrChange holding a run's old formatting. Accept-all and
reject-all here follow Word's rules, so tests can prove that a redline gives exactly the new text one
way and the old text the other.
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass, field
from itertools import count
from typing import Iterator

from lxml import etree

from reportgen.oxml.ns import qn
from reportgen.oxml.package import xml_parser

W_P, W_R, W_T, W_PPR, W_RPR, W_TBL, W_TR, W_TRPR = (qn(f"w:{t}") for t in ("p", "r", "t", "pPr", "rPr", "tbl", "tr", "trPr"))
W_INS, W_DEL, W_DELTEXT = qn("w:ins"), qn("w:del"), qn("w:delText")
W_INSTR, W_DELINSTR = qn("w:instrText"), qn("w:delInstrText")
W_MOVE_FROM, W_MOVE_TO = qn("w:moveFrom"), qn("w:moveTo")
W_PPR_CHANGE, W_RPR_CHANGE = qn("w:pPrChange"), qn("w:rPrChange")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
# pPr children that must stay after the paragraph mark's w:rPr (schema order)
_AFTER_MARK_RPR = {qn("w:sectPr"), W_PPR_CHANGE}
REVISED_PARTS = ("word/document.xml",)
"""Parts whose revisions accept/reject handle besides headers and footers."""


@dataclass
class Reviser:
    """Who made the changes and when: stamped on every revision, each with its own id."""

    author: str
    date: str
    """ISO 8601 with a Z, as Word writes it: 2020-02-10T00:00:00Z."""
    _ids: Iterator[int] = field(default_factory=lambda: count(1))

    def mark(self, tag: str) -> etree._Element:
        """A new, empty w:ins or w:del (tag 'ins'/'del') stamped with the author, date and a fresh id."""
        el = etree.Element(qn(f"w:{tag}"))
        el.set(qn("w:id"), str(next(self._ids)))
        el.set(qn("w:author"), self.author)
        el.set(qn("w:date"), self.date)
        return el


def as_deleted(run: etree._Element) -> etree._Element:
    """The run with its text turned into deleted text (w:delText, w:delInstrText), in place."""
    for el in run.iter(W_T, W_INSTR):
        el.tag = W_DELTEXT if el.tag == W_T else W_DELINSTR
        el.set(_XML_SPACE, "preserve")
    return run


def wrap(runs: list[etree._Element], tag: str, reviser: Reviser) -> etree._Element:
    """One w:ins or w:del holding `runs` (deleted runs get their text turned into deleted text)."""
    mark = reviser.mark(tag)
    for run in runs:
        mark.append(as_deleted(run) if tag == "del" else run)
    return mark


def mark_paragraph(p: etree._Element, tag: str, reviser: Reviser) -> None:
    """Record that the paragraph mark of `p` was inserted or deleted (tag 'ins'/'del')."""
    ppr = p.find(W_PPR)
    if ppr is None:
        ppr = etree.Element(W_PPR)
        p.insert(0, ppr)
    rpr = ppr.find(W_RPR)
    if rpr is None:
        rpr = etree.Element(W_RPR)
        at = next((i for i, child in enumerate(ppr) if child.tag in _AFTER_MARK_RPR), len(ppr))
        ppr.insert(at, rpr)
    rpr.insert(0, reviser.mark(tag))


def mark_row(tr: etree._Element, tag: str, reviser: Reviser) -> None:
    """Record that the table row was inserted or deleted."""
    trpr = tr.find(W_TRPR)
    if trpr is None:
        trpr = etree.Element(W_TRPR)
        at = 1 if len(tr) and tr[0].tag == qn("w:tblPrEx") else 0
        tr.insert(at, trpr)
    trpr.append(reviser.mark(tag))


def record_old_properties(new_ppr: etree._Element, old_ppr: etree._Element | None, reviser: Reviser) -> None:
    """Add w:pPrChange to `new_ppr` holding the paragraph's properties before the change."""
    change = reviser.mark("pPrChange")
    old = etree.SubElement(change, W_PPR)
    for child in (old_ppr if old_ppr is not None else []):
        if child.tag not in (W_RPR, qn("w:sectPr"), W_PPR_CHANGE):
            old.append(deepcopy(child))
    new_ppr.append(change)


def _mark_of(p: etree._Element) -> etree._Element | None:
    """The w:ins/w:del on the paragraph's mark, if it has one."""
    rpr = p.find(f"{W_PPR}/{W_RPR}")
    return next((m for m in rpr if m.tag in (W_INS, W_DEL)), None) if rpr is not None else None


def _content(p: etree._Element) -> list[etree._Element]:
    """The paragraph's runs (and run-level revisions) in order, hyperlinks and fields looked into."""
    return [el for el in p.iter(W_R) if not any(a.tag == W_PPR for a in el.iterancestors())]


def _ends_in(p: etree._Element, tag: str) -> bool:
    runs = _content(p)
    return bool(runs) and runs[-1].getparent().tag == tag


def _wholly(p: etree._Element, tag: str) -> bool:
    mark = _mark_of(p)
    return mark is not None and mark.tag == tag and all(r.getparent().tag == tag for r in _content(p))


def place_paragraph_marks(blocks: list[etree._Element], reviser: Reviser) -> list[etree._Element]:
    """Inserted paragraph marks where Word puts them when a paragraph is typed after an edited one.

    Pressing Enter at the end of a paragraph and typing inserts the mark that ends *that* paragraph,
    then the new text; the new paragraph ends with the old mark. So when paragraphs are inserted
    right after a paragraph that ends in inserted text, the inserted marks are those of the edited
    paragraph and of every new paragraph but the last: the insertion is one unbroken stretch, and
    rejecting it leaves the edited paragraph whole (LibreOffice joined it to the next paragraph
    otherwise). Deleted paragraphs keep their own marks: LibreOffice accepts those exactly, and moving
    them would leave a deleted list paragraph's numbering to a change of properties, which
    LibreOffice restores as a list of its own (tests/test_redline_libreoffice.py shows both).
    """
    k = 0
    while k < len(blocks):
        p = blocks[k]
        mark = _mark_of(p) if p.tag == W_P else None
        if mark is None or mark.tag != W_INS or not _wholly(p, W_INS) or k == 0 or blocks[k - 1].tag != W_P:
            k += 1
            continue
        before = blocks[k - 1]
        end = k
        while end + 1 < len(blocks) and blocks[end + 1].tag == W_P and _wholly(blocks[end + 1], W_INS):
            end += 1
        if _mark_of(before) is None and _ends_in(before, W_INS):
            last = _mark_of(blocks[end])
            last.getparent().remove(last)
            _tidy_mark(blocks[end])
            mark_paragraph(before, "ins", reviser)
            _survivor_properties(before, blocks[end], reviser)
        k = end + 1
    return blocks


def _survivor_properties(before: etree._Element, survivor: etree._Element, reviser: Reviser) -> None:
    """Where the two paragraphs' properties differ, the new paragraph whose mark survives a Reject
    holds the edited paragraph's as its old ones (w:pPrChange): whichever paragraph's properties a
    client gives the joined paragraph (Word's mark that survives, or LibreOffice's first paragraph),
    Reject All gives the edited paragraph its own."""
    if _properties_key(before) == _properties_key(survivor):
        return
    ppr = survivor.find(W_PPR)
    if ppr is None:
        ppr = etree.Element(W_PPR)
        survivor.insert(0, ppr)
    record_old_properties(ppr, before.find(W_PPR), reviser)


def _properties_key(p: etree._Element) -> list[bytes]:
    ppr = p.find(W_PPR)
    return [etree.tostring(c) for c in (ppr if ppr is not None else [])
            if c.tag not in (W_RPR, qn("w:sectPr"), W_PPR_CHANGE)]


def _tidy_mark(p: etree._Element) -> None:
    rpr = p.find(f"{W_PPR}/{W_RPR}")
    if rpr is not None and len(rpr) == 0:
        rpr.getparent().remove(rpr)


# -- accept and reject ----------------------------------------------------------------------------

def accept_all(root: etree._Element) -> etree._Element:
    """Accept every tracked change in a part's XML tree, in place: what the author now wants."""
    _resolve(root, keep=(W_INS, W_MOVE_TO), drop=(W_DEL, W_MOVE_FROM))
    return root


def reject_all(root: etree._Element) -> etree._Element:
    """Reject every tracked change in a part's XML tree, in place: the document as it was."""
    _resolve(root, keep=(W_DEL, W_MOVE_FROM), drop=(W_INS, W_MOVE_TO))
    return root


def _resolve(root: etree._Element, keep: tuple[str, str], drop: tuple[str, str]) -> None:
    rejecting = W_DEL in keep
    # rows first: a row whose insertion (or deletion) is undone goes with everything in it
    for tr in list(root.iter(W_TR)):
        trpr = tr.find(W_TRPR)
        marks = [m for m in (trpr if trpr is not None else []) if m.tag in keep + drop]
        if any(m.tag in drop for m in marks):
            table = tr.getparent()
            table.remove(tr)
            if table.find(W_TR) is None:
                table.getparent().remove(table)
            continue
        for m in marks:
            trpr.remove(m)
    # paragraph marks: note which paragraphs lose their mark before the run-level marks go
    merging = []
    for p in list(root.iter(W_P)):
        rpr = p.find(f"{W_PPR}/{W_RPR}")
        if rpr is None:
            continue
        for m in [m for m in rpr if m.tag in keep + drop]:
            rpr.remove(m)
            if m.tag in drop:
                merging.append(p)
        if len(rpr) == 0:
            rpr.getparent().remove(rpr)
    # changes of properties: keep the new ones, or put the old ones back
    for change in list(root.iter(W_PPR_CHANGE, W_RPR_CHANGE)):
        owner = change.getparent()
        old = change.find(W_PPR if change.tag == W_PPR_CHANGE else W_RPR)
        owner.remove(change)
        if rejecting:
            kept = {W_RPR, qn("w:sectPr")} if change.tag == W_PPR_CHANGE else set()
            for child in [c for c in owner if c.tag not in kept]:
                owner.remove(child)
            for i, child in enumerate(list(old if old is not None else [])):
                owner.insert(i, child)
    # run-level marks: drop one kind with its content, unwrap the other
    for mark in list(root.iter(*drop)):
        if mark.getparent() is not None:
            mark.getparent().remove(mark)
    for mark in list(root.iter(*keep)):
        parent = mark.getparent()
        if parent is None:
            continue
        at = parent.index(mark)
        for child in list(mark):
            if rejecting:
                for el in child.iter(W_DELTEXT, W_DELINSTR):
                    el.tag = W_T if el.tag == W_DELTEXT else W_INSTR
            parent.insert(at, child)
            at += 1
        parent.remove(mark)
    # a paragraph whose mark is gone joins the next paragraph, whose mark (and so properties) survive
    for p in merging:
        parent = p.getparent()
        if parent is None:
            continue
        following = p.getnext()
        content = [c for c in p if c.tag != W_PPR]
        if following is not None and following.tag == W_P:
            ppr = following.find(W_PPR)
            at = 1 if ppr is not None else 0
            for child in content:
                following.insert(at, child)
                at += 1
            parent.remove(p)
        elif not content:
            parent.remove(p)


def resolve_parts(parts: dict[str, bytes], accept: bool) -> dict[str, bytes]:
    """A copy of the document's parts with every tracked change accepted (or rejected)."""
    out = dict(parts)
    for name in parts:
        if name in REVISED_PARTS or (name.startswith(("word/header", "word/footer")) and name.endswith(".xml")):
            root = etree.fromstring(parts[name], xml_parser())
            (accept_all if accept else reject_all)(root)
            out[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return out


def count_revisions(parts: dict[str, bytes]) -> dict[str, int]:
    """How many insertions, deletions and changes of formatting (paragraph or text) the document body carries."""
    root = etree.fromstring(parts["word/document.xml"], xml_parser())
    return {"ins": sum(1 for _ in root.iter(W_INS)), "del": sum(1 for _ in root.iter(W_DEL)),
            "formatting": sum(1 for _ in root.iter(W_PPR_CHANGE, W_RPR_CHANGE))}
