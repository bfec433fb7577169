"""Redline never puts non-public text into a public redline unless asked, and then marks it (issue 19).

Also: `--since` takes only a git revision, never an option git would act on.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import reportgen, snapshot
from exempt_project import all_text, cover, marker, write_yaml
from reportgen.errors import ContentError
from reportgen.pipeline.history import old_version
from reportgen.oxml.package import read_parts
from reportgen.oxml.properties import custom_properties
from reportgen.oxml.text import read_lines

SECRET = marker("secret paragraph")
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]


def _report(public: bool, *, secret: bool = True, confidential: bool = False) -> dict:
    paragraphs = ["EXAMPLE paragraph that stays in every version."]
    if secret:
        paragraphs.append({"text": f"EXAMPLE exempt paragraph {SECRET}.", "public": False} if confidential
                          else f"EXAMPLE exempt paragraph {SECRET}.")
    report = cover("redline report", public=public, paragraphs=paragraphs)
    return report


@pytest.fixture
def versions(tmp_path: Path) -> Path:
    write_yaml(tmp_path / "draft.yaml", _report(False))                  # non-public, with the secret
    write_yaml(tmp_path / "public.yaml", _report(True, secret=False))    # public, without it
    write_yaml(tmp_path / "closed-later.yaml", _report(False, secret=False))
    return tmp_path


def test_non_public_old_against_public_new_is_refused(versions: Path) -> None:
    before = snapshot(versions)
    run = reportgen("redline", "draft.yaml", "public.yaml", "-o", "red.docx", cwd=versions)
    assert run.status == 2, run.err
    first = run.err.splitlines()[0]
    line = next(n for n, text in enumerate((versions / "draft.yaml").read_text().splitlines(), start=1)
                if '"access"' in text)
    assert first.startswith(f"draft.yaml:{line}:"), first  # located at the old version's access
    assert "non-public" in first and "public.yaml is public" in first and "--include-exempt" in first
    assert snapshot(versions) == before, "nothing written"


def test_include_exempt_writes_it_marked_not_for_publication(versions: Path) -> None:
    run = reportgen("redline", "draft.yaml", "public.yaml", "-o", "red.docx", "--include-exempt", cwd=versions)
    assert run.status == 0, run.err
    assert "NOT FOR PUBLICATION" in run.out
    out = versions / "red.docx"
    assert SECRET in all_text(out), "the deletion is there: the user asked for it"
    lines = [line for line in read_lines(out) if line.text.strip()]
    assert lines[0].text.startswith("NOT FOR PUBLICATION: this redline shows non-public (exempt) text")
    assert custom_properties(read_parts(out))["reportgen.access"] == "non-public"
    # python-docx, a real client, reads the mark first too
    from docx import Document

    assert Document(str(out)).paragraphs[0].text.startswith("NOT FOR PUBLICATION")


@pytest.mark.parametrize("old, new", [("public.yaml", "closed-later.yaml"), ("draft.yaml", "closed-later.yaml")])
def test_a_non_public_new_version_may_show_anything(versions: Path, old: str, new: str) -> None:
    """The redline of a non-public report is itself non-public (as its cover says): nothing to refuse."""
    run = reportgen("redline", old, new, "-o", "red.docx", cwd=versions)
    assert run.status == 0, run.err
    assert custom_properties(read_parts(versions / "red.docx"))["reportgen.access"] == "non-public"
    assert "NOT FOR PUBLICATION" not in all_text(versions / "red.docx")


def test_a_built_non_public_docx_counts_too(versions: Path) -> None:
    assert reportgen("build", "draft.yaml", "-o", "build", cwd=versions).status == 0
    assert custom_properties(read_parts(versions / "build" / "draft.docx"))["reportgen.access"] == "non-public"
    run = reportgen("redline", "build/draft.docx", "public.yaml", "-o", "red.docx", cwd=versions)
    assert run.status == 2 and run.err.startswith("build/draft.docx: error: the document is non-public"), run.err
    assert not (versions / "red.docx").exists()


def test_a_public_build_carries_no_access_property(versions: Path) -> None:
    assert reportgen("build", "public.yaml", "-o", "build", cwd=versions).status == 0
    assert "reportgen.access" not in custom_properties(read_parts(versions / "build" / "public.docx"))


def _repo(folder: Path, first: dict, then: dict) -> None:
    write_yaml(folder / "report.yaml", first)
    subprocess.run(GIT + ["init", "-q"], cwd=folder, check=True)
    subprocess.run(GIT + ["add", "report.yaml"], cwd=folder, check=True)
    subprocess.run(GIT + ["commit", "-qm", "first"], cwd=folder, check=True)
    write_yaml(folder / "report.yaml", then)


def test_since_a_version_with_a_confidential_paragraph_is_refused(tmp_path: Path) -> None:
    """A public report can never build with `public: false` text, but git may hold a version that had it."""
    _repo(tmp_path, _report(True, confidential=True), _report(True, secret=False))
    run = reportgen("redline", "report.yaml", "--since", "HEAD", "-o", "red.docx", cwd=tmp_path)
    assert run.status == 2, run.err
    assert run.err.startswith("report.yaml@HEAD:"), run.err
    assert "marked `public: false`" in run.err and "--include-exempt" in run.err
    assert not (tmp_path / "red.docx").exists()
    run = reportgen("redline", "report.yaml", "--since", "HEAD", "-o", "red.docx", "--include-exempt", cwd=tmp_path)
    assert run.status == 0, run.err
    assert SECRET in all_text(tmp_path / "red.docx") and "NOT FOR PUBLICATION" in all_text(tmp_path / "red.docx")


@pytest.mark.parametrize("revision", ["--output=stolen.txt", "-p", "--", "HEAD\n--output=x", "HEAD:report.yaml",
                                      " ", "x" * 300])
def test_since_takes_only_a_revision(tmp_path: Path, revision: str) -> None:
    _repo(tmp_path, _report(True, secret=False), _report(True, secret=False))
    before = snapshot(tmp_path)
    run = reportgen("redline", "report.yaml", f"--since={revision}", "-o", "red.docx", cwd=tmp_path)
    assert run.status == 2, (run.out, run.err)
    assert "error: --since: expected a git revision" in run.err and "Traceback" not in run.err
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "stolen.txt").exists()


def test_a_revision_is_passed_after_end_of_options(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reportgen.pipeline.history as history

    _repo(tmp_path, _report(True, secret=False), _report(True, secret=False))
    seen: list[list[str]] = []
    real = history._git
    monkeypatch.setattr(history, "_git", lambda args, folder: seen.append(args) or real(args, folder))
    assert "EXAMPLE paragraph" in old_version(tmp_path / "report.yaml", "HEAD")
    for args in seen:
        user = next(i for i, a in enumerate(args) if "HEAD" in a or len(a) > 30 and ":" in a)
        assert args.index("--end-of-options") < user, args
    with pytest.raises(ContentError):
        old_version(tmp_path / "report.yaml", "-c")


def test_sides_made_in_memory_know_their_access(versions: Path) -> None:
    """A caller (the editor) that makes a Side from a rendered report gets the same rule without saying so."""
    from reportgen.pipeline.build import read_report
    from reportgen.features.redline import Side, read_side, redline
    from reportgen.pipeline.render import render

    closed, _ = read_report(versions / "closed-later.yaml")
    unsaved = Side("closed-later.yaml (unsaved)", render(closed), closed)
    assert unsaved.exempt, "a non-public report is non-public however its Side was made"
    result = redline(read_side(versions / "draft.yaml"), unsaved, versions / "red.docx")
    assert not result.non_public  # non-public against non-public: nothing to refuse, nothing to mark
    public, _ = read_report(versions / "public.yaml")
    with pytest.raises(ContentError):
        redline(read_side(versions / "draft.yaml"), Side("public (unsaved)", render(public), public),
                versions / "red2.docx")
    assert not (versions / "red2.docx").exists()
