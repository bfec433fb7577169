"""Stage 2, validate: fit loaded values to the content model, collecting every problem before stopping once."""

from __future__ import annotations

import re
from typing import Any

from reportgen.checks.linked_files import resolve_paths
from reportgen.errors import ContentError, Problem
from reportgen.kinds import KINDS, WRITTEN
from reportgen.model import Node, attach_source
from reportgen.model.common import PathKey, describe, did_you_mean, format_path
from reportgen.pipeline.load import LoadedContent

# How pydantic's error types read for someone editing YAML: "expected X".
_EXPECTED = {
    "string_type": "text", "int_type": "a whole number", "int_parsing": "a whole number",
    "int_from_float": "a whole number", "float_type": "a number", "float_parsing": "a number",
    "bool_type": "yes or no (true/false)", "bool_parsing": "yes or no (true/false)",
    "list_type": "a list (lines starting with '- ')", "dict_type": "a mapping of fields",
    "model_type": "a mapping of fields", "model_attributes_type": "a mapping of fields",
    "date_type": "a date", "none_required": "nothing",
}


def validate(loaded: LoadedContent) -> Node:
    """The validated report model, with source positions attached; raises ContentError listing every problem."""
    values = loaded.values
    source = loaded.source
    if not isinstance(values, dict):
        raise ContentError([Problem(f"expected a mapping of fields starting with `kind:`, got {describe(values)}",
                                    source.position(()))])
    kind = values.get("kind")
    if not isinstance(kind, str) or kind not in WRITTEN:  # a list or mapping cannot even be looked up
        known = ", ".join(WRITTEN)
        if kind is None:
            message = f"expected `kind:` naming the kind of report ({known}), got nothing"
            raise ContentError([Problem(message, source.position(()), "kind")])
        hint = did_you_mean(str(kind), list(WRITTEN))
        raise ContentError([Problem(f"expected one of {known}, got {describe(kind)}{hint}",
                                    source.position(("kind",)), "kind")])
    return validate_as(KINDS[kind].model, values, loaded)


def validate_as(model: type[Node], values: Any, loaded: LoadedContent) -> Node:
    from pydantic import ValidationError

    try:
        report = model.model_validate(values)
    except ValidationError as exc:
        problems = [_problem(error, model, loaded) for error in exc.errors(include_url=False)]
        raise ContentError(_unique(_drop_misspelt_missing(problems))) from None
    attach_source(report, loaded.source)
    # names that must refer to something elsewhere in the file (a kind may define this check)
    cross_checks = getattr(report, "reference_problems", None)
    if cross_checks is not None and (problems := cross_checks()):
        raise ContentError(_unique(problems))
    resolve_paths(report, loaded.path)
    return report


def _problem(error: dict[str, Any], model: type[Node], loaded: LoadedContent) -> Problem:
    loc: PathKey = _clean_loc(error["loc"], loaded.values, error["type"] == "missing")
    kind = error["type"]
    got = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        allowed = _fields_at(model, loaded.values, loc[:-1])
        hint = did_you_mean(str(loc[-1]), allowed)
        listed = f"; fields here: {', '.join(allowed)}" if allowed and not hint else ""
        return Problem(f"unknown field {loc[-1]!r}{hint}{listed}",
                       loaded.source.position(loc, key=True), format_path(loc))
    if kind == "missing":
        return Problem(f"expected the field {loc[-1]!r}, got nothing: it is required",
                       loaded.source.position(loc[:-1]), format_path(loc))
    if kind == "content_rule" and ctx.get("field"):
        loc = loc + (ctx["field"],)
        message = error["msg"]
    elif kind in ("content_rule", "text", "date"):
        message = error["msg"]
    elif kind == "literal_error":
        message = f"expected {ctx.get('expected', 'one of the listed values')}, got {describe(got)}"
        options = [o.strip(" '") for o in str(ctx.get("expected", "")).replace(" or ", ",").split(",")]
        message += did_you_mean(str(got), [o for o in options if o])
    elif kind == "too_short":
        message = f"expected at least {ctx.get('min_length', 1)} item(s), got {len(got) if got else 'none'}"
    elif kind in _EXPECTED:
        message = f"expected {_EXPECTED[kind]}, got {describe(got)}"
        if kind == "string_type" and isinstance(got, (int, float)):
            message += ": put it in quotes to keep it as text"
    else:
        message = f"{error['msg'][0].lower()}{error['msg'][1:]}, got {describe(got)}"
    return Problem(message, loaded.source.position(loc), format_path(loc))


def _clean_loc(loc: tuple, values: Any, missing: bool = False) -> PathKey:
    # pydantic adds the member of a union or a validator's function name to the location; the user
    # wrote neither, so keep only the keys and indexes that appear in the YAML (following the values,
    # since a user's own key may look like pydantic's: "-committee", "list[1]", "date"), and, for a
    # required field the content leaves out, that field
    out: list[str | int] = []
    current = values
    for n, part in enumerate(loc):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        elif not (missing and n == len(loc) - 1 and isinstance(current, dict)):
            continue
        out.append(part)
    return tuple(out)


def _fields_at(model: type[Node], values: Any, loc: PathKey) -> list[str]:
    """The field names the model allows at `loc`, found by following the model's annotations (and, where
    a list holds several kinds of item, the one whose fields the YAML there uses)."""
    candidates: list[Any] = [model]
    current_values: Any = values
    for part in loc:
        if isinstance(current_values, dict):
            current_values = current_values.get(part)
        elif isinstance(current_values, list) and isinstance(part, int) and 0 <= part < len(current_values):
            current_values = current_values[part]
        else:
            current_values = None
        if isinstance(part, int):
            continue
        found = next((c for c in candidates if part in getattr(c, "model_fields", {})), None)
        if found is None:
            return []
        candidates = _models_in(found.model_fields[part].annotation)
    if not candidates:
        return []
    written = set(current_values) if isinstance(current_values, dict) else set()
    best = max(candidates, key=lambda c: len(written & set(c.model_fields)))
    return [f.alias or n for n, f in best.model_fields.items()]


def _models_in(annotation: Any) -> list[Any]:
    """Every content model an annotation may hold (a list's items, each member of a union)."""
    from typing import get_args

    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models_in(arg)]


def _drop_misspelt_missing(problems: list[Problem]) -> list[Problem]:
    # 'comittee' unknown and 'committee' missing are one mistake: keep the did-you-mean
    suggested = {(p.path.rpartition(".")[0], m.group(1)) for p in problems
                 if (m := re.search(r"did you mean '([^']+)'", p.message))}
    return [p for p in problems
            if not (p.message.startswith("expected the field") and
                    (p.path.rpartition(".")[0], p.path.rpartition(".")[2]) in suggested)]


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple] = set()
    out = []
    for p in sorted(problems, key=lambda p: (p.position or (), p.path)):
        key = (p.position, p.path, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
