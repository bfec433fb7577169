"""Time limits a user (or a test) may change from the environment: one mechanism for all of them.

`seconds("RENDER", 10.0)` is 10.0 unless $REPORTGEN_RENDER_SECONDS holds another number of seconds.
The defaults are the product's; a slow machine may need longer, a test of what happens at the limit
may want it short instead of waiting out the default."""

from __future__ import annotations

import math
import os

from reportgen.errors import SettingError

def seconds(name: str, default: float) -> float:
    """The time limit `name`: $REPORTGEN_<NAME>_SECONDS when set (a number above 0), else `default`."""
    variable = f"REPORTGEN_{name}_SECONDS"
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not (value > 0 and math.isfinite(value)):
        raise SettingError.at(f"expected a number of seconds above 0, got {raw!r}", path=f"${variable}")
    return value


def check_environment() -> None:
    """Every $REPORTGEN_*_SECONDS set is usable: checked once at the start of a command, so a bad value is
    reported before any work rather than deep inside it (or in a worker process)."""
    for variable in sorted(os.environ):
        if variable.startswith("REPORTGEN_") and variable.endswith("_SECONDS"):
            seconds(variable[len("REPORTGEN_"):-len("_SECONDS")], 1.0)
