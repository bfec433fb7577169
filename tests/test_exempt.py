"""Exempt material never reaches a public agenda pack, by any route (issue 19, Deliver 1).

A file is what it is, not what it is called: each route below names an exempt document under
another name or from another place, and the public pack (.docx, and PDF where LibreOffice is
installed) must hold none of its text, while keeping every genuinely public paper.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import reportgen, snapshot
from pdfread import text as pdf_text
from exempt_project import agenda, all_text, appendix, cover, marker, rezip, write_docx, write_pdf, write_yaml
from reportgen.features.pack import build_pack, read_agenda

SECRET, PUBLIC, OPEN, CLOSED = (marker(n) for n in ("secret", "public", "open report", "closed report"))


@dataclass
class Case:
    """A project for one route: its agenda, and the markers that must (not) be in the public pack."""

    agenda: Path
    exempt: list[str]
    public: list[str]
    drawn: list[str] | None = None
    """Markers of public PDF appendices: in the PDF pack only (the .docx has their divider pages)."""


def _base(content: Path, *, extra: list[dict] | None = None, cover_appendices: list[dict] | None = None) -> Path:
    """An open (public) cover with an exempt appendix (secret.docx) and a public one (public.docx)."""
    write_docx(content / "appendices" / "secret.docx", SECRET)
    write_docx(content / "appendices" / "public.docx", PUBLIC)
    write_yaml(content / "open.yaml", cover("open report", appendices=[
        appendix("Case details", "appendices/secret.docx", public=False),
        appendix("Public figures", "appendices/public.docx"), *(cover_appendices or [])]))
    return write_yaml(content / "agenda.yaml", agenda([{"report": "open.yaml"}, *(extra or [])]))


def _closed(content: Path, *, report_appendix: bool = True) -> None:
    """A non-public cover whose own (in itself public-flagged) appendix is closed.docx."""
    write_docx(content / "appendices" / "closed.docx", marker("closed"))
    appendices = [appendix("Closed figures", "appendices/closed.docx")] if report_appendix else []
    write_yaml(content / "closed.yaml", cover("closed report", public=False, appendices=appendices))


def item_appendix(content: Path) -> Case:
    return Case(_base(content, extra=[{"appendices": ["appendices/secret.docx"]}]), [SECRET], [PUBLIC, OPEN])


def named_by_an_earlier_item(content: Path) -> Case:
    path = _base(content)
    write_yaml(path, agenda([{"appendices": ["appendices/secret.docx"]}, {"report": "open.yaml"}]))
    return Case(path, [SECRET], [PUBLIC, OPEN])


def listed_twice_by_the_cover(content: Path) -> Case:
    return Case(_base(content, cover_appendices=[appendix("Again", "appendices/secret.docx")]), [SECRET],
                [PUBLIC, OPEN])


def symbolic_link(content: Path) -> Case:
    path = _base(content, extra=[{"appendices": ["appendices/renamed.docx"]}])
    (content / "appendices" / "renamed.docx").symlink_to("secret.docx")
    return Case(path, [SECRET], [PUBLIC, OPEN])


def linked_folder(content: Path) -> Case:
    path = _base(content, extra=[{"appendices": ["alias/secret.docx"]}])
    (content / "alias").symlink_to("appendices", target_is_directory=True)
    return Case(path, [SECRET], [PUBLIC, OPEN])


def spelled_differently(content: Path) -> Case:
    return Case(_base(content, extra=[{"appendices": ["./appendices//secret.docx"]},
                                      {"appendices": ["appendices/../appendices/./secret.docx"]}]),
                [SECRET], [PUBLIC, OPEN])


def byte_identical_copy(content: Path) -> Case:
    path = _base(content, extra=[{"appendices": ["appendices/copy.docx"]}])
    shutil.copy(content / "appendices" / "secret.docx", content / "appendices" / "copy.docx")
    return Case(path, [SECRET], [PUBLIC, OPEN])


def zipped_again(content: Path) -> Case:
    path = _base(content, extra=[{"appendices": ["appendices/copy.docx"]}])
    rezip(content / "appendices" / "secret.docx", content / "appendices" / "copy.docx")
    assert (content / "appendices" / "copy.docx").read_bytes() != (content / "appendices" / "secret.docx").read_bytes()
    return Case(path, [SECRET], [PUBLIC, OPEN])


def other_public_report(content: Path) -> Case:
    path = _base(content, extra=[{"report": "other.yaml"}])
    write_yaml(content / "other.yaml", cover("other report", appendices=[
        appendix("Borrowed", "appendices/secret.docx")]))
    return Case(path, [SECRET], [PUBLIC, OPEN, marker("other report")])


def non_public_report_appendix(content: Path) -> Case:
    _closed(content)
    path = _base(content, extra=[{"report": "closed.yaml"}, {"appendices": ["appendices/closed.docx"]}])
    return Case(path, [SECRET, marker("closed"), CLOSED], [PUBLIC, OPEN])


def non_public_item_appendix(content: Path) -> Case:
    _closed(content, report_appendix=False)
    write_docx(content / "appendices" / "closed-item.docx", marker("closed item"))
    path = _base(content, extra=[{"report": "closed.yaml", "appendices": ["appendices/closed-item.docx"]},
                                 {"appendices": ["appendices/closed-item.docx"]}])
    return Case(path, [SECRET, marker("closed item"), CLOSED], [PUBLIC, OPEN])


def pdf_copy(content: Path) -> Case:
    path = _base(content, extra=[{"appendices": ["appendices/copy.pdf", "appendices/open.pdf"]}],
                 cover_appendices=[appendix("Secret scan", "appendices/secret.pdf", public=False)])
    write_pdf(content / "appendices" / "secret.pdf", marker("secret pdf"))
    shutil.copy(content / "appendices" / "secret.pdf", content / "appendices" / "copy.pdf")
    write_pdf(content / "appendices" / "open.pdf", marker("open pdf"))
    return Case(path, [SECRET, marker("secret pdf")], [PUBLIC, OPEN], [marker("open pdf")])


# fourteen words found nowhere else: the text an exempt document shares with one rewritten from it
PASSAGE = "EXAMPLE the family moved twice during the review period and the school was not told"
SHORT = "EXAMPLE the family moved twice during the review"  # eight of them: not evidence


def rewritten_by_word(content: Path) -> Case:
    """Saved again by Word: other bytes, other parts; the same words."""
    path = _base(content, extra=[{"appendices": ["appendices/retyped.docx", "appendices/quotes-a-little.docx"]}],
                 cover_appendices=[appendix("Chronology", "appendices/chronology.docx", public=False)])
    write_docx(content / "appendices" / "chronology.docx", marker("chronology"), PASSAGE)
    write_docx(content / "appendices" / "retyped.docx", marker("retyped"), "A new first paragraph.", PASSAGE)
    write_docx(content / "appendices" / "quotes-a-little.docx", marker("quotes a little"), SHORT)
    return Case(path, [SECRET, marker("chronology"), marker("retyped")],
                [PUBLIC, OPEN, marker("quotes a little")])


def printed_to_pdf(content: Path) -> Case:
    path = _base(content, extra=[{"appendices": ["appendices/printed.pdf"]}],
                 cover_appendices=[appendix("Chronology", "appendices/chronology.docx", public=False)])
    write_docx(content / "appendices" / "chronology.docx", marker("chronology"), PASSAGE)
    write_pdf(content / "appendices" / "printed.pdf", marker("printed"), PASSAGE)
    return Case(path, [SECRET, marker("chronology"), marker("printed")], [PUBLIC, OPEN])


def non_public_report_text_in_an_appendix(content: Path) -> Case:
    write_yaml(content / "closed.yaml", cover("closed report", public=False, paragraphs=[PASSAGE]))
    write_docx(content / "appendices" / "pasted.docx", marker("pasted"), PASSAGE)
    path = _base(content, extra=[{"report": "closed.yaml"}, {"appendices": ["appendices/pasted.docx"]}])
    return Case(path, [SECRET, CLOSED, marker("pasted")], [PUBLIC, OPEN])


def built_non_public_report(content: Path) -> Case:
    """A non-public report's built .docx, dropped into appendices/ and named as a public appendix."""
    from reportgen.pipeline.build import build_one

    write_yaml(content / "closed.yaml", cover("closed report", public=False))
    built = build_one(content / "closed.yaml", content.parent / "elsewhere").output
    (content / "appendices").mkdir(parents=True, exist_ok=True)
    shutil.copy(built, content / "appendices" / "briefing.docx")
    (content / "closed.yaml").unlink()  # not on the agenda at all: the document says what it is
    return Case(_base(content, extra=[{"appendices": ["appendices/briefing.docx"]}]), [SECRET, CLOSED],
                [PUBLIC, OPEN])


ROUTES: dict[str, Callable[[Path], Case]] = {f.__name__: f for f in [
    built_non_public_report, rewritten_by_word, printed_to_pdf, non_public_report_text_in_an_appendix,
    item_appendix, named_by_an_earlier_item, listed_twice_by_the_cover, symbolic_link, linked_folder,
    spelled_differently, byte_identical_copy, zipped_again, other_public_report, non_public_report_appendix,
    non_public_item_appendix, pdf_copy]}


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> dict[str, tuple[Case, Path, list[str]]]:
    """Every route's pack (.docx), built once; and, where LibreOffice is installed, its PDF, all in one run."""
    built = {}
    for name, make in ROUTES.items():
        folder = tmp_path_factory.mktemp(name)
        case = make(folder / "content")
        result = build_pack(case.agenda, folder / "build", pdf=False)
        built[name] = (case, result.docx, [str(w) for w in result.warnings])
    if shutil.which("soffice"):
        from reportgen.features.publish import convert

        with request.getfixturevalue("office_server").used():
            convert([docx for _, docx, _ in built.values()])
    return built


@pytest.mark.parametrize("route", ROUTES)
def test_no_exempt_text_in_the_public_docx(packs: dict, route: str) -> None:
    case, docx, warnings = packs[route]
    text = all_text(docx)
    for word in case.exempt:
        assert word not in text, f"exempt {word} reached the public pack by the route {route}"
    for word in case.public:
        assert word in text, f"the public paper {word} was left out too"
    assert "circulated separately" in text, "the front sheet says what was left out"
    assert any("non-public" in w and "left out of the public pack" in w for w in warnings), warnings


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("route", ROUTES)
def test_no_exempt_text_in_the_public_pdf(packs: dict, route: str) -> None:
    """The PDF pack is the converted .docx with the PDF appendices the pack kept drawn in: neither holds it."""
    case, docx, _ = packs[route]
    drawn = [paper.path for packed in read_agenda(case.agenda)[1] for paper in packed.appendices if paper.is_pdf]
    texts = [_pdf_text(docx.with_suffix(".pdf"))] + [_pdf_text(path) for path in drawn]
    for word in case.exempt:
        assert not any(word in text for text in texts), f"exempt {word} reached the public PDF by {route}"
    for word in case.public + (case.drawn or []):
        assert any(word in text for text in texts), f"the public paper {word} is missing from the PDF"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_the_whole_pdf_pack_leaves_out_a_copied_pdf_appendix(tmp_path: Path, warm_office: Path) -> None:
    case = pdf_copy(tmp_path / "content")
    result = build_pack(case.agenda, tmp_path / "build")
    text = _pdf_text(result.pdf)
    assert marker("open pdf") in text and OPEN in text
    assert marker("secret pdf") not in text and SECRET not in text


def _pdf_text(path: Path) -> str:
    return pdf_text(path)


def test_the_pack_says_what_it_left_out(tmp_path: Path) -> None:
    case = non_public_report_appendix(tmp_path / "content")
    run = reportgen("pack", "content/agenda.yaml", "--no-pdf", cwd=tmp_path)
    assert run.status == 0, run.err
    assert "left out of the public pack as non-public" in run.out
    listed = run.out.split("left out of the public pack", 1)[1]
    for name in ("content/appendices/secret.docx", "content/closed.yaml", "content/appendices/closed.docx"):
        assert name in listed, run.out
    assert "public.docx" not in listed
    # the warning is located where the public route names the file, and says what it is the same as
    assert "(3 file(s))" in run.out
    line = next(line for line in run.err.splitlines() if "items[3].appendices[1]" in line)
    assert line.startswith("content/agenda.yaml:23:5: warning: ")
    assert "the same file as the non-public file named at content/closed.yaml:" in line
    front = all_text(tmp_path / "build" / "agenda.docx")
    assert ("Non-Public report: circulated separately, with its 1 appendix document(s) (by virtue of "
            "paragraph(s) 3") in front
    assert "Appendix 1 \u2013 Case details (Non-Public: circulated separately)" in front
    from reportgen.oxml.text import document_text

    sheet = document_text(tmp_path / "build" / "agenda.docx")
    assert sheet.index("Appendix 1 \u2013 Case details (Non-Public") < sheet.index("Appendix 2 \u2013 Public figures")
    assert case.exempt


def test_a_symlink_to_a_missing_exempt_file_is_still_refused_as_missing(tmp_path: Path) -> None:
    """Identity needs the file: a public route naming a dangling link is an error, nothing written."""
    content = tmp_path / "content"
    _base(content, extra=[{"appendices": ["appendices/gone.docx"]}])
    (content / "appendices" / "gone.docx").symlink_to("nowhere.docx")
    before = snapshot(tmp_path)
    run = reportgen("pack", "content/agenda.yaml", "--no-pdf", cwd=tmp_path)
    assert run.status == 2 and "expected an existing file" in run.err, run.err
    assert snapshot(tmp_path) == before


def test_build_of_an_agenda_leaves_out_the_same_way(tmp_path: Path) -> None:
    """`reportgen build` of an agenda file makes the same pack, by the same selection."""
    case = symbolic_link(tmp_path / "content")
    run = reportgen("build", "content/agenda.yaml", cwd=tmp_path)
    assert run.status == 0, run.err
    text = all_text(tmp_path / "build" / "agenda.docx")
    assert SECRET not in text and PUBLIC in text
    assert "is the same file as the non-public file named at" in run.err
    assert case.exempt == [SECRET]


@pytest.mark.skipif(os.name == "nt", reason="symbolic links")
def test_identity_is_real_path_or_content(tmp_path: Path) -> None:
    from reportgen.checks.linked_files import identify

    a = write_docx(tmp_path / "a.docx", "one")
    b = write_docx(tmp_path / "b.docx", "two")
    (tmp_path / "l.docx").symlink_to("a.docx")
    shutil.copy(a, tmp_path / "c.docx")
    assert identify(tmp_path / "l.docx").same_as(identify(a))
    assert identify(tmp_path / "c.docx").same_as(identify(a))
    assert identify(tmp_path / "c.docx").real_path != identify(a).real_path
    assert not identify(b).same_as(identify(a))


def test_the_pack_holds_the_appendix_as_it_was_checked(tmp_path: Path) -> None:
    """A public appendix replaced by the exempt one after the agenda was read (and its papers checked)
    does not go into the pack: the pack composes the bytes it checked, not the file read again."""
    from reportgen.pipeline.agenda import compose

    content = tmp_path / "content"
    _base(content)
    agenda_, items, _ = read_agenda(content / "agenda.yaml")
    assert [paper.path.name for packed in items for paper in packed.appendices] == ["public.docx"]
    shutil.copy(content / "appendices" / "secret.docx", content / "appendices" / "public.docx")
    from reportgen.oxml.text import document_text

    text = document_text(compose(agenda_, items))
    assert PUBLIC in text and SECRET not in text


def test_a_huge_file_is_identified_without_being_read_into_memory(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A non-public appendix can be any file, of any size: its identity (a hash of its bytes) is read a piece
    at a time once it is too large to be a Word document reportgen would open."""
    import hashlib
    import tracemalloc

    from reportgen.checks.linked_files import content_hash
    from reportgen.oxml import package

    huge = tmp_path / "recording.docx"
    huge.write_bytes(b"\0" * (16 * 1024 * 1024))
    monkeypatch.setattr(package, "MAX_DOCX_BYTES", 1024 * 1024)
    tracemalloc.start()
    try:
        found = content_hash(huge)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found == hashlib.sha256(b"file\0" + huge.read_bytes()).hexdigest()  # the same identity as before
    assert peak < 4 * 1024 * 1024, peak
