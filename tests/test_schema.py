"""`reportgen schema`: JSON Schemas from the content model, committed under schemas/ and kept up to date."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from conftest import CASES, ROOT, reportgen
from reportgen.kinds import MODELS
from reportgen.features.authoring.schema import json_schema, schema_text

SEED = CASES / "committee-cover-2020-02-qa-audits.yaml"


@pytest.mark.parametrize("kind", list(MODELS))
def test_committed_schema_is_up_to_date(kind: str) -> None:
    committed = ROOT / "schemas" / f"{kind}.schema.json"
    assert committed.exists(), f"run `reportgen schema -o schemas` and commit {committed.name}"
    assert committed.read_text(encoding="utf-8") == schema_text(kind), \
        f"schemas/{kind}.schema.json is out of date: run `reportgen schema -o schemas`"


@pytest.mark.parametrize("kind", list(MODELS))
def test_every_field_has_a_description(kind: str) -> None:
    schema = json_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    for model in [schema, *schema.get("$defs", {}).values()]:
        for option in [model, *model.get("anyOf", [])]:
            for name, field in option.get("properties", {}).items():
                assert field.get("description"), f"{kind}: {name} has no docstring"


def test_cli_prints_the_schema(tmp_path: Path) -> None:
    run = reportgen("schema", "cover", cwd=tmp_path)
    assert run.status == 0, run.err
    printed = json.loads(run.out)
    assert printed["properties"]["dated"]["description"] == "The meeting date, dd/mm/yyyy: 10/02/2020."
    assert printed["additionalProperties"] is False


def test_cli_writes_every_schema(tmp_path: Path) -> None:
    run = reportgen("schema", "-o", "schemas", cwd=tmp_path)
    assert run.status == 0, run.err
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(f"{k}.schema.json" for k in MODELS)


def _yaml(text: str):
    # as an editor reads it: plain YAML values, dates left as the text typed
    return json.loads(json.dumps(YAML(typ="safe", pure=True).load(text), default=str))


def test_schema_accepts_real_content_and_flags_mistakes() -> None:
    validator = jsonschema.Draft202012Validator(json_schema("cover"))
    text = SEED.read_text(encoding="utf-8")
    assert list(validator.iter_errors(_yaml(text))) == []
    wrong = _yaml(text.replace("committee:", "comittee:").replace("purpose: information", "purpose: informaton"))
    messages = " ".join(e.message for e in validator.iter_errors(wrong))
    assert "comittee" in messages and "informaton" in messages


def test_schema_checks_dates_as_typed() -> None:
    validator = jsonschema.Draft202012Validator(json_schema("cover"))
    text = SEED.read_text(encoding="utf-8")
    assert not validator.is_valid(_yaml(text.replace("dated: 10/02/2020", "dated: 10 February")))
    assert validator.is_valid(_yaml(text.replace("dated: 10/02/2020", "dated: 2020-02-10")))
