"""The build's model staging: chunking, hashes, recorded sources, and a fetch that cannot reach."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import socket
from pathlib import Path
from types import ModuleType

import pytest

from backgrone.core.engines import find_engine
from support.server import ROOT


@pytest.fixture()
def build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    spec = importlib.util.spec_from_file_location("backgrone_build", ROOT / "build" / "build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
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
