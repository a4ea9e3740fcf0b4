"""The build's model staging: chunking, hashes, recorded sources, a fetch that cannot reach, and
the model a recipe makes."""
from __future__ import annotations

import hashlib
import json
import os
import socket
from pathlib import Path
from types import ModuleType

import onnx
import pytest

from backgrone.core.engines import find_engine
from support import modules
from support.models import tiny_fp16_model
from support.server import ROOT


@pytest.fixture()
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    module = modules.load(ROOT / "build" / "staging.py", "backgrone_staging")
    monkeypatch.setattr(module, "PUBLIC", tmp_path / "public")
    monkeypatch.setattr(module, "MANIFEST", tmp_path / "public" / "models" / "manifest.json")
    monkeypatch.setattr(module, "MODEL_CACHE", tmp_path / "cache")
    monkeypatch.setattr(module, "SOURCES", tmp_path / "sources.json")
    return module


def test_a_fetched_model_is_split_into_verified_chunks(build: ModuleType, tmp_path: Path) -> None:
    balanced = find_engine("balanced")
    data = os.urandom(2 * build.CHUNK_BYTES + 12345)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "balanced.onnx").write_bytes(data)
    entry = build.stage_model(balanced, build.file_pieces(tmp_path / "cache" / "balanced.onnx"))
    assert entry["bytes"] == len(data)
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert [c["bytes"] for c in entry["chunks"]] == [build.CHUNK_BYTES, build.CHUNK_BYTES, 12345]
    joined = b""
    for chunk in entry["chunks"]:
        piece = (tmp_path / "public" / "models" / chunk["file"]).read_bytes()
        assert hashlib.sha256(piece).hexdigest() == chunk["sha256"]
        joined += piece
    assert joined == data


def test_a_model_that_differs_from_its_recorded_hash_fails_the_build(
        build: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build, "ENGINES", [find_engine("balanced")])
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "balanced.onnx").write_bytes(b"not the recorded model")
    (tmp_path / "sources.json").write_text(json.dumps({"balanced": {"sha256": "0" * 64}}))
    with pytest.raises(build.BuildError, match="does not match"):
        build.stage_models()


def test_fetch_where_the_network_refuses_leaves_the_engine_unbundled(
        build: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    balanced = find_engine("balanced")
    monkeypatch.setattr(balanced, "source", f"http://127.0.0.1:{closed}/model_quantized.onnx")
    build.fetch_models()
    out = capsys.readouterr().out
    assert "cannot fetch Balanced" in out and "pick their own .onnx" in out
    assert not build.fetched_path(balanced).exists()
    assert not list((build.MODEL_CACHE).glob("*.part"))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_a_recipe_model_is_made_once_per_source_and_staged(
        build: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Lightweight recipe on a tiny fp16 model standing in for the package's weights: made
    into models/cache/ under the source's sha256, reused while that source stays, remade when it
    changes, and staged as chunks that replace an earlier model's."""
    lightweight = find_engine("lightweight")
    monkeypatch.setattr(lightweight, "size_bytes", 0)  # the tiny model's size, not ISNet's
    monkeypatch.setattr(build, "ENGINES", [lightweight])
    source = [tiny_fp16_model().SerializeToString()]
    monkeypatch.setattr(build, "package_pieces", lambda engine: iter(source))
    first = build.derived_model(lightweight)
    assert first.parent == tmp_path / "cache" and hashlib.sha256(source[0]).hexdigest()[:16] in first.name
    assert "QuantizeLinear" in [n.op_type for n in onnx.load(str(first)).graph.node]
    assert not list((tmp_path / "cache").glob("*.part"))
    made = first.stat().st_mtime_ns
    assert build.derived_model(lightweight) == first and first.stat().st_mtime_ns == made
    # A chunk of an earlier model, left in the folder by a previous build.
    stale = tmp_path / "public" / "models" / "lightweight" / ("ab" * 32 + ".bin")
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    build.stage_models()
    manifest = json.loads((tmp_path / "public" / "models" / "manifest.json").read_text())
    entry = manifest["engines"]["lightweight"]
    assert entry["sha256"] == hashlib.sha256(first.read_bytes()).hexdigest()
    staged = sorted(p.name for p in stale.parent.iterdir())
    assert staged == sorted(c["file"].split("/")[1] for c in entry["chunks"]) and stale.name not in staged
    changed = tiny_fp16_model()
    changed.graph.initializer[0].raw_data = bytes(len(changed.graph.initializer[0].raw_data))
    source[0] = changed.SerializeToString()
    assert build.derived_model(lightweight) != first
