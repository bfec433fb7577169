"""Reading a template's house format settings: the YAML file beside it (committee-cover.yaml).

The file is input like any other (a council edits it): read with the content loader's limits and
checked against reportgen.model.house_format, every problem located in it.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.errors import ContentError, TemplateError
from reportgen.model.house_format import HouseFormat

_CACHE: dict[tuple[str, int, int], HouseFormat] = {}


def settings_path(template: Path) -> Path:
    """Where a template's settings live: beside it, with the same name ending .yaml."""
    return template.with_suffix(".yaml")


def house_format(template: Path) -> HouseFormat | None:
    """The settings beside `template`, or None when it has none. A broken file is a TemplateError."""
    from reportgen.pipeline.load import load
    from reportgen.pipeline.validate import validate_as

    path = settings_path(template)
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    found = _CACHE.get(key)
    if found is None:
        try:
            loaded = load(path)
            found = validate_as(HouseFormat, loaded.values, loaded)  # type: ignore[assignment]
        except ContentError as exc:
            raise TemplateError(exc.problems) from None
        _CACHE[key] = found  # type: ignore[assignment]
    return found
