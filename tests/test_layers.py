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
    ("reportgen.pipeline",),
    ("reportgen.kinds",),
    ("reportgen.checks",),
    ("reportgen.model", "reportgen.oxml", "reportgen.pdf"),
    ("reportgen.errors", "reportgen.lib"),
]
"""Top to bottom: a module imports from its own layer or below, never above. The bottom two layers'
parts are independent of each other: the content model knows no XML, the Word layer and the PDF layer
know no report words."""

INDEPENDENT = {"reportgen.model", "reportgen.oxml", "reportgen.pdf"}

DYNAMIC = {
    "reportgen.pipeline.render": "{__name__}.",
    "reportgen.lib.lazy": "{package}.",
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


def is_module(dotted: str) -> bool:
    where = PACKAGE.parent / Path(*dotted.split("."))
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def longest_module(dotted: str) -> str:
    """The longest prefix of `reportgen.a.b.c` that is a module: what an attribute chain reaches into."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        if is_module(".".join(parts[:n])):
            return ".".join(parts[:n])
    return parts[0]


def imports_of(path: Path, name: str) -> tuple[list[Import], list[ast.Call], list[int]]:
    """The reportgen modules `path` (module `name`) imports (a `from X import name` counts as X.name when
    that is a module; `pkg.sub.f` reached as an attribute of an imported package counts as pkg.sub),
    its dynamic imports, and the lines where it prints."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            child._parent = parent  # type: ignore[attr-defined]
    found: list[Import] = []
    dynamic: list[ast.Call] = []
    prints: list[int] = []
    bound: dict[str, str] = {}  # a local name -> the reportgen module (or importing function) it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("reportgen"):
                    found.append(Import(name, a.name, node.lineno))
                    bound[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
                elif a.name == "importlib":
                    bound[a.asname or a.name] = "importlib"
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([node.module] if node.module else []))
            if base.startswith("reportgen"):
                for alias in node.names:
                    as_module = f"{base}.{alias.name}"
                    found.append(Import(name, as_module if is_module(as_module) else base, node.lineno))
                    if is_module(as_module):
                        bound[alias.asname or alias.name] = as_module
            for alias in node.names:  # importlib's import_module, click's echo, sys's stdout under any name
                if (base, alias.name) in (("importlib", "import_module"), ("click", "echo"), ("click", "secho")):
                    bound[alias.asname or alias.name] = f"{base}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and not isinstance(getattr(node, "_parent", None), ast.Attribute):
            chain = ast.unparse(node)
            head = chain.split(".")[0]
            if head in bound and bound[head].startswith("reportgen") and chain.replace(".", "").isidentifier():
                reached = longest_module(bound[head] + chain[len(head):])
                if reached != bound[head]:
                    found.append(Import(name, reached, node.lineno))
        if isinstance(node, ast.Call):
            func = node.func
            called = ast.unparse(func)
            resolved = bound.get(called, called)
            if resolved in ("importlib.import_module", "__import__") or called.endswith(".import_module"):
                dynamic.append(node)
            if resolved in ("print", "click.echo", "click.secho") or called in ("sys.stdout.write", "sys.stderr.write"):
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
            if allowed is None:
                found.append(f"{where}:{call.lineno}: {module} imports {text} dynamically: declare it in DYNAMIC")
            elif not text.startswith(("f'" + allowed, 'f"' + allowed)):
                found.append(f"{where}:{call.lineno}: {module} imports {text}, not under {allowed}")
        if module not in PRINTS:
            found += [f"{where}:{line}: {module} prints: return the text and let the command line show it"
                      for line in prints]
    return found


def test_every_layer_imports_only_its_own_and_those_below() -> None:
    assert violations(MODULES) == []


def test_lazy_exports_stay_inside_their_package() -> None:
    """Each package's lazily exported names come from that package's own modules, which exist."""
    import importlib

    packages = [module for module, path in MODULES if "lazy_exports(" in path.read_text(encoding="utf-8")
                and path.name == "__init__.py"]
    assert "reportgen.pipeline" in packages
    for package in packages:
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
    ("reportgen.pipeline.planted", "import sys\nsys.stdout.write('hello')\n", "prints"),
    ("reportgen.pipeline.planted", "from click import echo as say\nsay('hello')\n", "prints"),
    ("reportgen.pipeline.planted", "from importlib import import_module as im\nim('reportgen.cli')\n", "DYNAMIC"),
    ("reportgen.pipeline.render", "import importlib\nimportlib.import_module(f'reportgen.{x}')\n", "not under"),
    ("reportgen.features.planted", "from reportgen import pipeline\npipeline.load.load('x')\n", "public entry"),
    ("reportgen.features.planted", "import reportgen.features.publish\nreportgen.features.publish.office.x()\n",
     "internals"),
    ("reportgen.kinds", "from reportgen.pipeline import build_one\n", "a layer above it"),
])
def test_the_contract_catches_what_it_forbids(tmp_path: Path, module: str, bad: str, expected: str) -> None:
    """A module holding each forbidden thing is reported: the contract can fail."""
    planted = tmp_path / "planted.py"
    planted.write_text(bad, encoding="utf-8")
    found = violations([(module, planted)])
    assert len(found) == 1 and expected in found[0] and found[0].startswith("planted.py:"), found
