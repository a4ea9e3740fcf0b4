"""Transcrypt entry for bench/clicks.py: core/correct.py compiled for Node (clicks_node.mjs)."""
from backgrone.core.correct import Click, Stroke, Work, correct  # noqa: F401
