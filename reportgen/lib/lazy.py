"""A package's public names, imported from its modules on first use (PEP 562).

So that a package can be the one entry its callers import (`from reportgen.pipeline import read_report`)
without importing every module behind it when any one name is asked for.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable


def exports_table(modules: dict[str, str]) -> dict[str, tuple[str, str]]:
    """{module: "name other=attribute ..."} as {name: (module, attribute)}: `other=attribute` exports
    the module's `attribute` under the name `other`."""
    table: dict[str, tuple[str, str]] = {}
    for module, names in modules.items():
        for word in names.split():
            name, _, attribute = word.partition("=")
            table[name] = (module, attribute or name)
    return table


def lazy_exports(package: str, exports: dict[str, tuple[str, str]],
                 into: dict[str, Any]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`: name -> (module under the package, attribute there).

    `into` is the package's globals(): a name, once imported, is kept there and not asked for again.
    """

    def __getattr__(name: str) -> Any:
        try:
            module, attribute = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{package}.{module}"), attribute)
        into[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
