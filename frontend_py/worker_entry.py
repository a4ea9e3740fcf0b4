"""Transcrypt entry of the worker bundle; shims/worker.js imports what it compiles."""
from backgrone.worker.loop import start  # noqa: F401
from backgrone.worker.exporter import start as start_exporter  # noqa: F401
