"""What makes builds fast changes nothing they give: the cache (chart pictures, prepared templates) never
changes a byte of the output, survives damage and an unwritable folder, and spares a rebuild lxml and
matplotlib; field docstrings still reach the JSON Schema although pydantic no longer reads them on
import; the publication scan's shortcut past clean parts misses nothing."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from reportgen.pipeline import cache
from reportgen.pipeline.build import build_one
from reportgen.kinds import MODELS
from reportgen.model.common import Node, field_docstrings
from reportgen.pipeline.render import charts, template

ANNUAL = ROOT / "content" / "annual-qa-report-2018-19.yaml"


def fresh_build(out: Path) -> bytes:
    """The annual report built as a new process would build it: nothing remembered in this one."""
    charts._DRAWN.clear()
    template._CACHE.clear()
    result = build_one(ANNUAL, out, templates=ROOT / "report_templates")
    return result.output.read_bytes()


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def uncached(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The annual report built with the cache turned off: what every cached build must equal."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(cache.CACHE_ENV, "")
        return fresh_build(tmp_path_factory.mktemp("uncached"))


def test_a_rebuild_takes_charts_and_template_from_the_cache_and_gives_the_same_bytes(
        uncached: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    assert fresh_build(tmp_path / "first") == uncached
    kinds = {p.relative_to(tmp_path / "cache").parts[0] for p in entries(tmp_path / "cache")}
    assert kinds == {"charts", "templates"}

    def must_not_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("worked out again although it is in the cache")

    monkeypatch.setattr(charts, "_draw", must_not_run)
    monkeypatch.setattr(template, "_jinja_source", must_not_run)
    monkeypatch.setattr(template, "_index_styles", must_not_run)
    assert fresh_build(tmp_path / "second") == uncached


def test_a_damaged_entry_is_worked_out_again(uncached: bytes, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    fresh_build(tmp_path / "first")
    stored = entries(tmp_path / "cache")
    for entry in stored:
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0xFF  # one flipped byte, as a bad disk or an interrupted copy leaves
        entry.write_bytes(bytes(data))
    assert fresh_build(tmp_path / "second") == uncached
    assert all(cache.lookup(p.parent.parent.name, p.name) is not None for p in stored)  # repaired


def test_an_unusable_cache_folder_costs_time_only(uncached: bytes, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocked))
    assert fresh_build(tmp_path / "out") == uncached
    assert blocked.read_text() == "a file where the cache folder should be"


def test_every_input_of_a_chart_is_in_its_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    drawn: list[tuple] = []
    monkeypatch.setattr(charts, "_draw", lambda *args: drawn.append(args) or b"png")
    for args in [("bar", ["A", "B"], [1, 2]), ("pie", ["A", "B"], [1, 2]), ("bar", ["A", "C"], [1, 2]),
                 ("bar", ["A", "B"], [1, 3]), ("bar", ["A", "B"], [1, 2])]:
        charts._DRAWN.clear()
        charts.chart_png(charts.drawing(*args))
    assert len(drawn) == 4  # the last one repeats the first
    assert cache.key_of("x", [1]) != cache.key_of("x", [1.5]) and cache.key_of("x", [1]) == cache.key_of("x", [1])


def test_a_chart_drawn_in_another_process_has_the_same_bytes() -> None:
    # what makes it right to reuse a picture drawn by an earlier build
    script = textwrap.dedent("""
        import sys
        from reportgen.pipeline.render.charts import _draw
        from reportgen.pipeline.render.charts import drawing
        sys.stdout.buffer.write(_draw(drawing("bar", ["Replied", "Did not"], [39, 23])))
    """)
    other = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True, cwd=ROOT,
                           env={**os.environ, cache.CACHE_ENV: ""}).stdout
    assert other.startswith(b"\x89PNG") and other == charts._draw(charts.drawing("bar", ["Replied", "Did not"], [39, 23]))


def test_a_rebuild_imports_neither_lxml_nor_matplotlib(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from reportgen.pipeline.build import build_one
        build_one(Path({str(ANNUAL)!r}), Path({str(tmp_path / "out")!r}))
        print(sorted({{"lxml", "matplotlib"}} & {{name.split(".")[0] for name in sys.modules}}))
    """)
    env = {**os.environ, cache.CACHE_ENV: str(tmp_path / "cache")}
    first, again = (subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                                   cwd=ROOT, env=env).stdout.strip() for _ in range(2))
    assert first == "['lxml', 'matplotlib']"  # the first build draws the chart and reads the template
    assert again == "[]"


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_field_docstrings_are_the_json_schema_descriptions(kind: str) -> None:
    schema = MODELS[kind].model_json_schema()
    models = {name: model for name, model in _models(MODELS[kind]).items()}
    assert len(models) >= 2  # the kind and the models its fields hold
    for name, model in models.items():
        shown = schema if model is MODELS[kind] else schema["$defs"][name]
        # a node that may be written as a bare string is `anyOf: [string, {the object}]`
        shown = next((s for s in shown.get("anyOf", []) if "properties" in s), shown)
        docs = field_docstrings(model)
        assert docs, name
        for field, info in model.model_fields.items():
            assert shown["properties"][info.alias or field].get("description") == docs.get(field), (name, field)
    cover = MODELS["cover"].model_json_schema()
    assert cover["properties"]["dated"]["description"] == "The meeting date, dd/mm/yyyy: 10/02/2020."


def _models(model: type[Node]) -> dict[str, type[Node]]:
    """`model` and every model its fields hold, by name."""
    from typing import get_args

    found: dict[str, type[Node]] = {}

    def visit(annotation: object) -> None:
        if isinstance(annotation, type) and issubclass(annotation, Node):
            if annotation.__name__ not in found:
                found[annotation.__name__] = annotation
                for info in annotation.model_fields.values():
                    visit(info.annotation)
        for arg in get_args(annotation):
            visit(arg)

    visit(model)
    return found


@pytest.mark.parametrize("package", ["matplotlib", "lxml", "ruamel.yaml", "Jinja2", "python-docx"])
def test_a_library_version_in_a_key_is_the_installed_one(package: str) -> None:
    from importlib.metadata import version

    assert cache.installed_version(package) == version(package)
    assert cache.installed_version("no-such-package") == "?"


# The scan parses a story part only when a byte test finds a marker; each of these must still be found.
SCAN_EDGES = {
    "a comment anchored without a reference": (b'<w:commentRangeStart w:id="0"/>', "comments"),
    "hidden by specVanish alone": (b"<w:r><w:rPr><w:specVanish/></w:rPr><w:t>x</w:t></w:r>", "hidden-text"),
    "an empty tracked deletion": (b'<w:del w:id="1" w:author="x"/>', "tracked-changes"),
    "a tag spelt with character references": (b"<w:r><w:t>&#123;&#123; name &#125;&#125;</w:t></w:r>",
                                              "template-leftover"),
}


@pytest.mark.parametrize("edge", sorted(SCAN_EDGES))
def test_the_scan_shortcut_misses_nothing(edge: str) -> None:
    from reportgen.pipeline.build import read_report
    from reportgen.pipeline.render import render, template_path
    from reportgen.checks.scan import scan_parts

    report, _ = read_report(ROOT / "tests" / "cases" / "committee-cover-2020-02-qa-audits.yaml")
    parts = render(report, template_path(report, ROOT / "report_templates"))
    assert scan_parts(parts, Path("cover.docx")) == []
    inserted, rule = SCAN_EDGES[edge]
    document = parts["word/document.xml"]
    at = document.rindex(b"<w:sectPr")  # a paragraph of its own at the end of the body
    parts["word/document.xml"] = document[:at] + b"<w:p>" + inserted + b"</w:p>" + document[at:]
    assert rule in {p.rule for p in scan_parts(parts, Path("cover.docx"))}
