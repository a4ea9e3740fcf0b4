"""Messages between the page and the worker: the only thing the two sides share.

Each message is a plain dict with a "kind"; constructors here are the one place that spells
their fields, so both sides agree by construction. Dicts survive postMessage's structured clone.
"""
# __pragma__('skip')
from typing import Any, Dict
# __pragma__('noskip')

# page -> worker
PROCESS = "process"
# page -> worker requests, each answered by one REPLY with the same request id
ENGINES = "engines"
CLEAR_CACHE = "clear_cache"
IMPORT_MODEL = "import_model"
PRELOAD = "preload"
# page -> worker: fault injection for tests; the worker throws an uncaught error, as it would
# on a real crash, so the page's recovery path runs for real.
CRASH = "crash"
# worker -> page
PROGRESS = "progress"
RESULT = "result"
ERROR = "error"
STATUS = "status"
REPLY = "reply"
NOTICE = "notice"

# The stages of one job, in order; "download" only happens while a model is fetched.
STAGES = ["download", "decode", "preprocess", "inference", "postprocess", "encode"]
TIMED_STAGES = ["decode", "preprocess", "inference", "postprocess", "encode"]

# __pragma__('skip')
Message = Dict[str, Any]  # a type alias: mypy only
# __pragma__('noskip')


def process(job: int, engine: str, image: Any, refine: bool = True) -> Message:
    """Cut out `image` with `engine`; `refine`: edge refinement against the photo (core/refine)."""
    return {"kind": PROCESS, "job": job, "engine": engine, "image": image, "refine": refine}


def progress(job: int, stage: str, done: float, total: float) -> Message:
    """`done` of `total` units of `stage`: bytes while downloading, 0..1 otherwise."""
    return {"kind": PROGRESS, "job": job, "stage": stage, "done": done, "total": total}


def result(job: int, png: Any, width: int, height: int, timings: Dict[str, float]) -> Message:
    return {
        "kind": RESULT, "job": job, "png": png, "width": width, "height": height,
        "timings": timings,
    }


def error(job: int, code: str, detail: str) -> Message:
    return {"kind": ERROR, "job": job, "code": code, "detail": detail}


def status(threads: int, isolated: bool) -> Message:
    return {"kind": STATUS, "threads": threads, "isolated": isolated}


def request(kind: str, request_id: int, engine: str, payload: Any) -> Message:
    """A request the worker answers with reply(request_id, ...): engine and payload per kind."""
    return {"kind": kind, "request": request_id, "engine": engine, "payload": payload}


def reply(request_id: int, value: Any, code: str, detail: str) -> Message:
    """The answer to a request: a value, or an error code from the message catalogue."""
    return {"kind": REPLY, "request": request_id, "value": value, "code": code, "detail": detail}


def notice(code: str, detail: str) -> Message:
    """Something the user should know that is not any one job's failure (e.g. storage full)."""
    return {"kind": NOTICE, "code": code, "detail": detail}


def stage_fraction(stage: str, done: float, total: float) -> float:
    """Overall progress of a job in 0..1 from the progress of its current stage."""
    index = STAGES.index(stage)
    part = done / total if total > 0 else 0.0
    if part > 1.0:
        part = 1.0
    return (index + part) / len(STAGES)
