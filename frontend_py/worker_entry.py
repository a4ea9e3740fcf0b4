"""Transcrypt entry of the worker bundle; shims/worker.js imports what it compiles.

One bundle serves three roles, told apart by the worker's name (core/protocol.role): the job
worker, the export worker, and ORT's threads, which load this bundle too and must start nothing.
"""
# __pragma__('skip')
from typing import Any
# __pragma__('noskip')

from backgrone.core import protocol
from backgrone.worker import exporter, loop


def start(host: Any) -> None:
    worker = protocol.role(host.scope.js_name)  # js_: Transcrypt renames `name`
    if worker == protocol.JOB_WORKER:
        loop.start(host)
    elif worker == protocol.EXPORT_WORKER:
        exporter.start(host)
