"""The model's mask of the last few photos, by content: a corrective click on a photo cut out
before costs no new whole-photo inference.

Per photo: the 8-bit mask at the model's size and the photo at that size as RGBA (what the
correction reads), 5 bytes a model pixel: 5 MB for ISNet's 1024 x 1024, KEPT of them at most
(20 MB), the oldest dropped first.
"""
# __pragma__('skip')
from typing import Any, List
# __pragma__('noskip')

KEPT = 4


def key_of(engine_id: str, side: int, digest: str) -> str:
    """What a mask is remembered by: the engine, its input size, the photo's sha256."""
    return engine_id + ":" + str(side) + ":" + digest


class Remembered:
    def __init__(self, key: str, alpha: Any, rgba: Any) -> None:
        self.key = key
        self.alpha = alpha  # side x side bytes, the model's mask (core/mask.mask_to_alpha8)
        self.rgba = rgba  # side x side x 4 bytes, the photo as the model saw it


class Recall:
    def __init__(self) -> None:
        self.entries: List[Remembered] = []

    def find(self, key: str) -> Any:
        """The photo's entry (now the most recent), or None."""
        found: Any = None
        rest = []
        for entry in self.entries:
            if entry.key == key:
                found = entry
            else:
                rest.append(entry)
        if found:
            rest.append(found)
            self.entries = rest
        return found

    def keep(self, entry: Remembered) -> None:
        self.entries.append(entry)
        while len(self.entries) > KEPT:
            self.entries = self.entries[1:]

    def forget(self, engine_id: str) -> None:
        """Drop the engine's masks: its model changed (a user's own file was imported)."""
        prefix = engine_id + ":"  # key_of's first field
        self.entries = [entry for entry in self.entries if not entry.key.startswith(prefix)]
