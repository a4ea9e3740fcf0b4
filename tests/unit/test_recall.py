"""worker/recall: the last KEPT photos' masks by content, the least recently used dropped."""
from __future__ import annotations

from backgrone.worker.recall import KEPT, Recall, Remembered, key_of


def test_keeps_the_last_few_and_a_find_makes_one_recent() -> None:
    recall = Recall()
    for k in range(KEPT):
        recall.keep(Remembered(str(k), bytearray(1), bytearray(4)))
    assert recall.find("0") is not None  # now the most recent
    recall.keep(Remembered("new", bytearray(1), bytearray(4)))
    assert len(recall.entries) == KEPT
    assert recall.find("1") is None  # the least recently used went
    assert recall.find("0") is not None and recall.find("new") is not None
    assert recall.find("missing") is None


def test_a_new_model_forgets_its_engines_masks_only() -> None:
    recall = Recall()
    for engine_id in ("balanced", "precision", "balanced-like"):
        recall.keep(Remembered(key_of(engine_id, 1024, "ab12"), bytearray(1), bytearray(4)))
    recall.forget("balanced")
    assert recall.find(key_of("balanced", 1024, "ab12")) is None
    assert recall.find(key_of("precision", 1024, "ab12")) is not None
    assert recall.find(key_of("balanced-like", 1024, "ab12")) is not None
