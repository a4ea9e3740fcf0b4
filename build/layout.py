"""Where the build reads and writes, and the small file helpers every build step shares."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "frontend_py"
CACHE = ROOT / "build" / ".cache"
PUBLIC = ROOT / "public"
NODE_MODULES = ROOT / "node_modules"
BIN = Path(sys.executable).parent
MANIFEST = PUBLIC / "models" / "manifest.json"
# Weights fetched by `make models` (git-ignored), and their recorded sha256 (committed).
MODEL_CACHE = ROOT / "models" / "cache"
SOURCES = ROOT / "models" / "sources.json"

if str(SOURCE) not in sys.path:
    sys.path.insert(0, str(SOURCE))


class BuildError(Exception):
    pass


def newest(paths: list[Path]) -> float:
    return max((p.stat().st_mtime for p in paths if p.exists()), default=0.0)


def up_to_date(outputs: list[Path], inputs: list[Path]) -> bool:
    if not all(o.exists() for o in outputs):
        return False
    return min(o.stat().st_mtime for o in outputs) >= newest(inputs)


def copy_if_changed(source: Path, target: Path) -> None:
    if target.exists() and target.stat().st_size == source.stat().st_size \
            and target.stat().st_mtime >= source.stat().st_mtime:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def write_if_changed(path: Path, data: bytes) -> None:
    """Leave an identical file alone, so that mtimes (and the steps that read them) stay put."""
    if path.exists() and path.read_bytes() == data:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
