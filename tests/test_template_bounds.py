"""A hostile template (from another department, say) cannot hang a build or take the machine's memory.

Each case is a tag that, unbounded, runs for hours or builds gigabytes; each must end in a located
template error (the template, the part and paragraph, the words around the tag) naming the bound it
broke, quickly and without the memory it asked for. The command-line cases run under an address-space
limit, so a bound that failed would show as a crash rather than pass unnoticed.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from conftest import reportgen

from reportgen.errors import TemplateError
from reportgen.oxml.properties import DocumentProperties
from reportgen.pipeline.render import fill, sandbox
from reportgen.pipeline.render.template import load_template

# name: (the tag, words the error must use; a|b: either, as the bound met first depends on the machine)
HOSTILE = {
    "chained **": ("{{ 9 ** 99 ** 99 }}", "too large for a template"),
    "power of a power": ("{{ ((10 ** 64) ** 64) ** 64 }}", "too large for a template"),
    "squaring in a loop": ("{% set ns = namespace(x=2 ** 64) %}{% for i in range(40) %}"
                           "{% set ns.x = ns.x * ns.x %}{% endfor %}{{ ns.x }}", "too large for a template"),
    "nested loops, silent": ("{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
                             "took longer than"),
    "nested loops, printing": ("{% for a in range(100000) %}{% for b in range(100000) %}xxxxxxxxxxxxxxxxxxxx"
                               "{% endfor %}{% endfor %}", "characters into one part|took longer than"),
    "lipsum": ("{{ lipsum(100000, max=100000) }}", "lipsum() would write"),
    "lipsum in a loop": ("{% for i in range(100000) %}{{ lipsum(100) }}{% endfor %}", "took longer than"),
    "center filter": ("{{ 'x'|center(10 ** 9) }}", "pads to a width of 1,000,000,000"),
    "center method": ("{{ 'x'.center(10 ** 9) }}", "pads to a width of 1,000,000,000"),
    "ljust": ("{{ 'x'.ljust(10 ** 9) }}", "pads to a width"),
    "zfill": ("{{ 'x'.zfill(10 ** 9) }}", "pads to a width"),
    "% width": ("{{ '%0999999999d' % 1 }}", "'%' format pads to a width"),
    "% width from *": ("{{ '%*d' % (999999999, 1) }}", "'%' format pads to a width"),
    "% precision": ("{{ '%.999999999f' % 1.0 }}", "'%' format pads to a width"),
    "format width": ("{{ '{:>999999999}'.format(1) }}", "'{}' format pads to a width"),
    "format width from an argument": ("{{ '{:{w}}'.format(1, w=999999999) }}", "'{}' format pads to a width"),
    "format filter": ("{{ '%999999999s'|format(1) }}", "'%' format pads to a width"),
    "~ doubling": ("{% set ns = namespace(s='x' * 100000) %}{% for i in range(100) %}{% set ns.s = ns.s ~ ns.s %}"
                   "{% endfor %}", "joining text with '~'"),
    "+ doubling": ("{% set ns = namespace(s='x' * 100000) %}{% for i in range(100) %}{% set ns.s = ns.s + ns.s %}"
                   "{% endfor %}", "joining text with '+'"),
    "* of a long item": ("{{ ['x' * 100000] * 100000 }}", "repeating text"),
    "replace": ("{{ ('x' * 100000)|replace('x', 'y' * 100000) }}", "the 'replace' filter"),
    "indent": ("{{ ('\\n' * 100000)|indent(10000) }}", "the 'indent' filter"),
    "join": ("{{ ('x' * 100000).join(['a'] * 100000) }}", "'.join()'"),
    "expandtabs": ("{{ ('\\t' * 100000).expandtabs(100000) }}", "'.expandtabs()'"),
    "batch": ("{{ [1]|batch(10 ** 9, 0)|list }}", "the 'batch' filter"),
    "slice": ("{{ [1]|slice(10 ** 9)|list }}", "the 'slice' filter"),
    "list growing in place": ("{% set l = [1] %}{% for i in range(100) %}{{ l.extend(l) }}{% endfor %}", "unsafe"),
    "nested lists": ("{% set ns = namespace(l=['x']) %}{% for i in range(60) %}{% set ns.l = [ns.l, ns.l] %}"
                     "{% endfor %}{{ ns.l|string }}", "a list in the template"),
    "nested dicts": ("{% set ns = namespace(l='x') %}{% for i in range(60) %}{% set ns.l = dict(a=ns.l, b=ns.l) %}"
                     "{% endfor %}{{ ns.l|string }}", "dict()"),
    "endless macro": ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "recurses too deeply"),
}

SHORT_LIMIT = 0.5
"""The render time limit for a case only the time limit can stop: it spins until then, whatever the length."""
LONG_LIMIT = 10.0
"""The limit for the others (the default): a render takes milliseconds, so their own bound always comes first."""


def _limit(case: str) -> float:
    """The time limit to render `case` under: short where the watchdog must stop it, so the suite does not spin
    for the default 10 s, and long where a size bound must, so a loaded machine cannot cut that render off first."""
    return SHORT_LIMIT if HOSTILE[case][1] == "took longer than" else LONG_LIMIT


def _template(folder: Path, tag: str) -> Path:
    doc = Document()
    doc.add_paragraph("An introduction")
    doc.add_paragraph(f"Before the tag {tag} after the tag")
    path = folder / "hostile.docx"
    doc.save(str(path))
    return path


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_template_stops_at_a_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", _limit(case))
    tag, expect = HOSTILE[case]
    template = load_template(_template(tmp_path, tag))
    with pytest.raises(TemplateError) as caught:
        fill(template, {}, DocumentProperties(title="", author="", date=dt.date(2020, 2, 10)))
    message = str(caught.value)
    assert "hostile.docx: error: word/document.xml, paragraph 2: " in message, message
    assert any(words in message for words in expect.split("|")), message
    assert "Before the tag" in message or "An introduction" in message, message


def test_a_render_in_time_is_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The watchdog fires only on the render it times: one that finishes leaves nothing pending."""
    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.2)
    template = load_template(_template(tmp_path, "{{ 'a' * 3 }}"))
    for _ in range(5):
        parts = fill(template, {}, DocumentProperties(title="", author="", date=dt.date(2020, 2, 10)))
        assert b"Before the tag aaa after the tag" in parts["word/document.xml"]
    import time

    time.sleep(0.4)  # past the limit: a stray timer would raise here


def test_time_limit_stops_a_render_in_any_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Watch mode and the editor render outside the main thread, where no signal could stop them."""
    import threading

    monkeypatch.setattr(sandbox, "RENDER_SECONDS", 0.3)
    template = load_template(_template(tmp_path, HOSTILE["nested loops, silent"][0]))
    caught: list[BaseException] = []

    def render() -> None:
        try:
            fill(template, {}, DocumentProperties(title="", author="", date=dt.date(2020, 2, 10)))
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            caught.append(exc)

    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert len(caught) == 2 and all(isinstance(exc, TemplateError) for exc in caught), caught
    assert all("took longer than 0.3 seconds" in str(exc) for exc in caught)


def _limited() -> None:
    limit = 2 * 1024 ** 3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


@pytest.mark.parametrize("case", ["nested loops, silent", "lipsum", "~ doubling", "center method"])
def test_hostile_template_in_a_build_is_exit_2(project: Path, case: str) -> None:
    """The real command, 2 GB of address space, the time limit set as a user sets it ($REPORTGEN_RENDER_SECONDS:
    short where only it stops the render, so two workers do not spin for 10 s each): a located exit 2, nothing
    written."""
    from docx import Document as open_docx

    template = project / "report_templates" / "committee-cover.docx"
    doc = open_docx(str(template))
    doc.add_paragraph(f"Hostile {HOSTILE[case][0]} tag")
    doc.save(str(template))
    # two reports, two worker processes (forked): each has its own watchdog
    seed = project / "content" / "committee-cover-2020-02-qa-audits.yaml"
    (project / "content" / "second-cover.yaml").write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "reportgen", "build", "--jobs", "2", "-o", "out", "content"],
                          cwd=project, capture_output=True, env={**os.environ, "REPORTGEN_RENDER_SECONDS": f"{_limit(case):g}"},
                          text=True, timeout=120, preexec_fn=_limited)
    assert done.returncode == 2, (done.returncode, done.stderr[-3000:])
    assert "report_templates/committee-cover.docx: error: word/document.xml, paragraph" in done.stderr
    assert any(words in done.stderr for words in HOSTILE[case][1].split("|")), done.stderr
    assert "Hostile" in done.stderr, done.stderr
    assert "second-cover" in done.stderr and "committee-cover-2020-02-qa-audits" in done.stderr, done.stderr
    assert not (project / "out").exists() or not any((project / "out").iterdir())
    if HOSTILE[case][1] == "took longer than":
        assert f"took longer than {SHORT_LIMIT:g} seconds" in done.stderr, done.stderr  # the limit the environment set


def test_the_render_time_limit_is_10_seconds_unless_the_environment_says(project: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REPORTGEN_RENDER_SECONDS", raising=False)
    assert sandbox.render_limit() == sandbox.RENDER_SECONDS == 10.0
    assert "took longer than 10 seconds" in sandbox.timeout_message()
    monkeypatch.setenv("REPORTGEN_RENDER_SECONDS", "2.5")
    assert sandbox.render_limit() == 2.5 and "took longer than 2.5 seconds" in sandbox.timeout_message()
    for bad in ("soon", "0", "-1", "nan", "inf"):
        run = reportgen("build", cwd=project, env={"REPORTGEN_RENDER_SECONDS": bad})
        assert run.status == 2, (bad, run.status, run.err)
        assert f"error: $REPORTGEN_RENDER_SECONDS: expected a number of seconds above 0, got '{bad}'" in run.err
        assert "Traceback" not in run.err and not (project / "build").exists()


def test_a_part_full_of_unclosed_tags_is_refused_briefly(tmp_path: Path) -> None:
    """Openers without closers cost a bounded look ahead each, and the message names the first few."""
    import random

    words = random.Random(0)  # varied words between the openers, so the file is no zip bomb for the opener
    doc = Document()
    for _ in range(40):
        doc.add_paragraph(" ".join(f"{{{{ {words.getrandbits(32):x} {{% {{# " for _ in range(5_000)))
    doc.save(str(tmp_path / "unclosed.docx"))
    with pytest.raises(TemplateError) as caught:
        load_template(tmp_path / "unclosed.docx")
    problems = caught.value.problems
    assert 1 <= len(problems) <= 20
    assert all("a tag is not closed" in p.message for p in problems)
    assert problems[0].path == "word/document.xml, paragraph 1"
