"""The layers import one way (CONTRIBUTING.md): core imports only core; the workers and the page
meet only through core (core/protocol); the service worker is a bundle of its own."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "frontend_py" / "backgrone"

# What each layer may import from the package. `web` and `jsglobals` are the browser helpers
# and names every bundle shares; `sw.contract` is plain data (the service worker's script and
# cache names) that the page needs to find and talk to it.
ALLOWED = {
    "core": ("backgrone.core",),
    "worker": ("backgrone.core", "backgrone.worker", "backgrone.web", "backgrone.jsglobals"),
    "ui": ("backgrone.core", "backgrone.ui", "backgrone.web", "backgrone.jsglobals",
           "backgrone.sw.contract"),
    "sw": ("backgrone.core", "backgrone.sw", "backgrone.web", "backgrone.jsglobals"),
}


def imported(path: Path) -> list[str]:
    """The package modules `path` imports (skip blocks included: mypy reads them too)."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from backgrone.sw import contract` imports backgrone.sw.contract.
            names.extend(node.module + "." + alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
    return [name for name in names if name == "backgrone" or name.startswith("backgrone.")]


def allowed(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_each_layer_imports_only_what_it_may(layer: str) -> None:
    modules = sorted((PACKAGE / layer).glob("*.py"))
    assert modules, layer
    wrong = [f"{path.name} imports {name}" for path in modules for name in imported(path)
             if not allowed(name, ALLOWED[layer])]
    assert not wrong, wrong


def test_the_shared_helpers_import_no_layer() -> None:
    for helper in ("web.py", "jsglobals.py"):
        assert all(allowed(name, ("backgrone.core", "backgrone.jsglobals"))
                   for name in imported(PACKAGE / helper)), helper


def test_the_check_sees_a_wrong_import(tmp_path: Path) -> None:
    module = tmp_path / "bad.py"
    module.write_text("from backgrone.ui import app\nimport backgrone.worker.loop\n")
    names = imported(module)
    assert names == ["backgrone.ui.app", "backgrone.worker.loop"]
    assert not any(allowed(name, ALLOWED["core"]) for name in names)
