"""worker/recall: the last KEPT photos' masks by content, the least recently used dropped."""
from __future__ import annotations

from backgrone.worker.recall import KEPT, Recall, Remembered


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
