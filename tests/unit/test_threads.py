"""core/threads: more than one thread only where ORT can start them, and the page's words."""
from __future__ import annotations

import pytest

from backgrone.core.threads import MAX_THREADS, threads_note, threads_to_ask


@pytest.mark.parametrize("isolated,shares,cores,expected", [
    (True, True, 2, 2), (True, True, 16, MAX_THREADS), (True, True, 0, 1),
    # WebKitGTK: isolated, yet no SharedArrayBuffer; ORT would run 1 whatever we asked.
    (True, False, 4, 1),
    (False, True, 8, 1), (False, False, 8, 1),
])
def test_threads_to_ask(isolated: bool, shares: bool, cores: int, expected: int) -> None:
    assert threads_to_ask(isolated, shares, cores) == expected


def test_notes_say_the_count_and_why_it_is_one() -> None:
    assert threads_note(2, True, True) == "Inference runs on 2 threads."
    assert threads_note(1, True, True) == "Inference runs on 1 thread."
    assert "not cross-origin isolated" in threads_note(1, False, True)
    hidden = threads_note(1, True, False)
    assert hidden.startswith("Inference runs on 1 thread:") and "SharedArrayBuffer" in hidden
