"""`reportgen new KIND NAME`: a skeleton with every field, commented from the model, that builds once filled."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import reportgen, snapshot
from reportgen.kinds import MODELS
from reportgen.features.authoring.schema import json_schema, resolve
from reportgen.features.authoring.skeleton import skeleton_text, yaml_writer

NEW_KINDS = [kind for kind in ("cover", "annual", "agenda") if kind in MODELS]


def fill(schema: dict[str, Any], node: dict[str, Any], value: Any) -> Any:
    """`value` (a skeleton's YAML, round-trip) with every required blank filled the way its schema asks."""
    node = resolve(schema, node)
    options = [resolve(schema, o) for o in node.get("anyOf", [])]
    if options:
        node = next((o for o in options if isinstance(value, dict) and o.get("type") == "object"), None) or \
            next((o for o in options if isinstance(value, list) and o.get("type") == "array"), None) or options[0]
    if isinstance(value, dict):
        required = set(node.get("required", []))
        for key, field in node.get("properties", {}).items():
            if key in value and (value[key] != "" or key in required):
                value[key] = fill(schema, field, value[key])
        return value
    if isinstance(value, list):
        for i, item in enumerate(value):  # in place: the list carries comments
            value[i] = fill(schema, node.get("items", {}), item)
        return value
    if value != "":
        return value
    return example_value(node)


def example_value(node: dict[str, Any]) -> Any:
    if "enum" in node:
        return node["enum"][0]
    if node.get("type") == "integer":
        return 1
    if "pattern" in node and "/" in node["pattern"]:
        return "10/02/2020"
    if "pattern" in node:
        return "August 2019"
    return "Filled in by the test"


def filled_text(kind: str, text: str) -> str:
    yaml = yaml_writer()
    document = yaml.load(text)
    fill(json_schema(kind), json_schema(kind), document)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_skeleton_has_every_field_with_its_docstring(kind: str) -> None:
    text = skeleton_text(kind, "x")
    assert text.startswith(f"# yaml-language-server: $schema=../schemas/{kind}.schema.json\n")
    schema = json_schema(kind)

    def check(node: dict[str, Any], value: Any) -> None:
        node = resolve(schema, node)
        for option in node.get("anyOf", []):
            if resolve(schema, option).get("type") == "object":
                node = resolve(schema, option)
        if isinstance(value, dict) and "properties" in node:  # not a free mapping such as statistics
            assert list(value) == list(node["properties"]), "every field, in the model's order"
            for key, field in node["properties"].items():
                words = resolve(schema, field)["description"].split()[:4]
                assert " ".join(words) in " ".join(text.split()), (key, words)
                check(field, value[key])
        elif isinstance(value, list) and value and "items" in node:
            check(node["items"], value[0])

    check(schema, YAML(typ="safe", pure=True).load(text))


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_round_trip_keeps_comments_and_order(kind: str) -> None:
    text = skeleton_text(kind, "x")
    yaml = yaml_writer()
    out = io.StringIO()
    yaml.dump(yaml.load(text), out)
    assert out.getvalue() == text
    filled = filled_text(kind, text)
    comments = [line.strip() for line in text.splitlines() if line.strip().startswith("#")]
    assert comments == [line.strip() for line in filled.splitlines() if line.strip().startswith("#")]


def test_new_cover_refuses_blanks_then_builds_once_filled(project: Path) -> None:
    run = reportgen("new", "cover", "committee-cover-2020-03-example", cwd=project)
    assert run.status == 0, run.err
    target = project / "content" / "committee-cover-2020-03-example.yaml"
    assert (project / "schemas" / "cover.schema.json").exists()
    blank = reportgen("check", str(target), cwd=project)
    assert blank.status == 2
    assert "subject: expected text, got a blank value" in blank.err
    target.write_text(filled_text("cover", target.read_text(encoding="utf-8")), encoding="utf-8")
    built = reportgen("build", str(target), cwd=project)
    assert built.status == 0, built.err
    assert (project / "build" / "committee-cover-2020-03-example.docx").exists()


@pytest.mark.parametrize("kind", [k for k in NEW_KINDS if k != "cover"])
def test_other_kinds_build_once_filled(project: Path, kind: str) -> None:
    assert reportgen("new", kind, f"new-{kind}", cwd=project).status == 0
    target = project / "content" / f"new-{kind}.yaml"
    filled = filled_text(kind, target.read_text(encoding="utf-8"))
    if kind == "agenda":  # an item needs a title or a report, so the schema requires neither alone
        assert "title: ''" in filled
        target.write_text(filled, encoding="utf-8")
        refused = reportgen("build", str(target), cwd=project)
        assert refused.status == 2 and "items[1].title: expected a title" in refused.err, refused.err
        filled = filled.replace("title: ''", "title: Filled in by the test", 1)
    target.write_text(filled, encoding="utf-8")
    built = reportgen("build", str(target), cwd=project)
    assert built.status == 0, built.err
    assert (project / "build" / f"new-{kind}.docx").exists()


def test_new_never_overwrites(project: Path) -> None:
    existing = project / "content" / "committee-cover-2020-02-qa-audits.yaml"
    before = snapshot(project)
    run = reportgen("new", "cover", existing.stem, cwd=project)
    assert run.status == 2
    assert "already exists; not overwriting it" in run.err
    assert snapshot(project) == before


def test_new_refuses_a_path_for_a_name(project: Path) -> None:
    run = reportgen("new", "cover", "../elsewhere", cwd=project)
    assert run.status == 2
    assert "expected a file name" in run.err
    assert not (project / "elsewhere.yaml").exists()
