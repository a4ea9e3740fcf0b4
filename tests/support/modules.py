"""A project script loaded as a module by its path (build/ and bench/ scripts are not packages),
fresh on every call so that a test's monkeypatching never leaks into another's."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
