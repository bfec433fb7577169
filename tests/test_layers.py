"""The layers' contract: which part of reportgen may import which (README "How it works").

Read from the source with `ast`, so imports inside functions count as much as those at the top, and a
dynamic import (importlib.import_module) must be declared here with where it may lead.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "reportgen"

LAYERS: list[tuple[str, ...]] = [
    ("reportgen.cli", "reportgen.__main__"),
    ("reportgen.features",),
    ("reportgen.pipeline", "reportgen.kinds"),
    ("reportgen.checks",),
    ("reportgen.model", "reportgen.oxml", "reportgen.pdf"),
    ("reportgen.errors", "reportgen.lib"),
]
"""Top to bottom: a module imports from its own layer or below, never above. The bottom two layers'
parts are independent of each other: the content model knows no XML, the Word layer and the PDF layer
know no report words."""

INDEPENDENT = {"reportgen.model", "reportgen.oxml", "reportgen.pdf"}

DYNAMIC = {
    "reportgen.kinds": "reportgen.pipeline.render.",
    "reportgen.lib.lazy": "",
    "reportgen.features.importer": "reportgen.features.importer.",
}
"""The modules that import by name at run time, and the prefix every such name has. (lib.lazy imports a
package's own modules for it: test_lazy_exports_stay_inside_their_package holds it to that.)"""

PRINTS = {"reportgen.cli", "reportgen.features.publish.office_bridge"}
"""Only the command line prints for the user (the LibreOffice bridge answers its caller on stdout)."""


@dataclass(frozen=True)
class Import:
    module: str
    target: str
    line: int


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, name: str) -> tuple[list[Import], list[ast.Call], list[int]]:
    """The reportgen modules `path` (module `name`) imports (a `from X import name` counts as X.name when
    that is a module), its dynamic imports, and the lines where it prints."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[Import] = []
    dynamic: list[ast.Call] = []
    prints: list[int] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [Import(name, a.name, node.lineno) for a in node.names if a.name.startswith("reportgen")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            if base.startswith("reportgen"):
                for alias in node.names:
                    as_module = f"{base}.{alias.name}"
                    is_module = (PACKAGE.parent / Path(*as_module.split("."))).with_suffix(".py").exists() or \
                        (PACKAGE.parent / Path(*as_module.split("."))).is_dir()
                    found.append(Import(name, as_module if is_module else base, node.lineno))
        elif isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__"):
                dynamic.append(node)
            if called == "print" or (called == "echo" and isinstance(func, ast.Attribute)
                                     and getattr(func.value, "id", "") == "click"):
                prints.append(node.lineno)
    return found, dynamic, prints


MODULES = [(module_name(p), p) for p in sorted(PACKAGE.rglob("*.py"))]


def layer_of(module: str) -> tuple[int, str]:
    for depth, layer in enumerate(LAYERS):
        for part in layer:
            if module == part or module.startswith(part + "."):
                return depth, part
    if module == "reportgen":
        return len(LAYERS) - 1, "reportgen"
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_layers.py")


def feature_of(module: str) -> str | None:
    parts = module.split(".")
    return ".".join(parts[:3]) if len(parts) >= 3 and parts[1] == "features" else None


def violations(modules: list[tuple[str, Path]]) -> list[str]:
    found: list[str] = []
    for module, path in modules:
        imports, dynamic, prints = imports_of(path, module)
        depth, part = layer_of(module)
        where = path.name if not path.is_relative_to(PACKAGE.parent) else str(path.relative_to(PACKAGE.parent))
        for imp in imports:
            target_depth, target_part = layer_of(imp.target)
            if target_depth < depth:
                found.append(f"{where}:{imp.line}: {module} ({part}) imports {imp.target}, a layer above it")
            elif target_depth == depth and part in INDEPENDENT and target_part != part:
                found.append(f"{where}:{imp.line}: {module} imports {imp.target}: {part} and {target_part} "
                             "are independent")
            outside_pipeline = not module.startswith("reportgen.pipeline")
            if outside_pipeline and imp.target.startswith("reportgen.pipeline."):
                found.append(f"{where}:{imp.line}: {module} imports {imp.target}: outside the pipeline, "
                             "import its public entry `reportgen.pipeline`")
            mine, theirs = feature_of(module), feature_of(imp.target)
            if mine and theirs and mine != theirs and imp.target != theirs:  # (the command line may)
                found.append(f"{where}:{imp.line}: {module} imports {imp.target}, another feature's "
                             f"internals: import {theirs}")
        for call in dynamic:
            allowed = DYNAMIC.get(module)
            target = call.args[0] if call.args else None
            text = ast.unparse(target) if target is not None else ""
            literal = "".join(v.value for v in getattr(target, "values", []) if isinstance(v, ast.Constant)) \
                if isinstance(target, ast.JoinedStr) else getattr(target, "value", "")
            if allowed is None:
                found.append(f"{where}:{call.lineno}: {module} imports {text} dynamically: declare it in DYNAMIC")
            elif isinstance(literal, str) and literal and not (allowed.startswith(literal)
                                                               or literal.startswith(allowed)):
                found.append(f"{where}:{call.lineno}: {module} imports {text}, outside {allowed}")
        if module not in PRINTS:
            found += [f"{where}:{line}: {module} prints: return the text and let the command line show it"
                      for line in prints]
    return found


def test_every_layer_imports_only_its_own_and_those_below() -> None:
    assert violations(MODULES) == []


def test_lazy_exports_stay_inside_their_package() -> None:
    """Each package's lazily exported names come from that package's own modules, which exist."""
    import importlib

    for package in ("reportgen.pipeline", "reportgen.features.authoring"):
        exports = importlib.import_module(package)._EXPORTS
        for name, (module, attribute) in exports.items():
            assert "." not in module.split(".")[0] and not module.startswith("."), (package, name)
            assert hasattr(importlib.import_module(f"{package}.{module}"), attribute), (package, name)


def test_the_pipeline_imports_no_feature_and_no_command_line() -> None:
    for module, path in MODULES:
        if not module.startswith("reportgen.pipeline"):
            continue
        for imp in imports_of(path, module)[0]:
            assert not imp.target.startswith(("reportgen.features", "reportgen.cli")), (path, imp)


@pytest.mark.parametrize("module, bad, expected", [
    ("reportgen.pipeline.planted", "from reportgen.features.redline import redline_paths\n", "a layer above it"),
    ("reportgen.oxml.planted", "from reportgen.model.inline import plain\n", "are independent"),
    ("reportgen.features.planted", "def f():\n    from reportgen.pipeline.load import load\n", "public entry"),
    ("reportgen.features.planted", "from reportgen.features.publish.office import Office\n", "internals"),
    ("reportgen.pipeline.planted", "import importlib\nimportlib.import_module('reportgen.cli')\n", "DYNAMIC"),
    ("reportgen.pipeline.planted", "print('hello')\n", "prints"),
])
def test_the_contract_catches_what_it_forbids(tmp_path: Path, module: str, bad: str, expected: str) -> None:
    """A module holding each forbidden thing is reported: the contract can fail."""
    planted = tmp_path / "planted.py"
    planted.write_text(bad, encoding="utf-8")
    found = violations([(module, planted)])
    assert len(found) == 1 and expected in found[0] and found[0].startswith("planted.py:"), found
