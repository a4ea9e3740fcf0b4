"""Every message between the page and its workers (the job worker, the export worker, the
service worker): the only thing the two sides of each boundary share.

Each message is a plain dict with a "kind"; constructors here are the one place that spells
their fields, so both sides agree by construction. Dicts survive postMessage's structured clone.
A request carries a "request" id and is answered by exactly one reply() with the same id.
"""
# __pragma__('skip')
from typing import Any, Dict, List
# __pragma__('noskip')

from backgrone.core.devices import DEVICE_AUTO
from backgrone.core.output import OutputSettings

# Worker names (the `name` option of new Worker): the worker bundle starts the role its name
# says (frontend_py/worker_entry.py); ORT's own threads are named em-pthread*.
JOB_WORKER = "backgrone"
EXPORT_WORKER = "backgrone-export"
THREAD_PREFIX = "em-pthread"

# page -> job worker
PROCESS = "process"
# page -> job worker requests (each has its constructor below)
LIST_ENGINES = "engines"  # the engine table with each engine's cache state (not engines.ENGINES)
CLEAR_CACHE = "clear_cache"
IMPORT_MODEL = "import_model"
PRELOAD = "preload"
GPU_RETRY = "gpu_retry"  # forget this adapter's remembered GPU failure
# Fault injection for the tests, through the real failure paths: "lose" destroys the GPU
# device ORT uses; "mismatch" skews the GPU's input in the next self-test.
GPU_FAULT = "gpu_fault"
# page -> either worker: fault injection for tests. The job worker throws an uncaught error at
# once; the export worker on the next request it gets. The page's recovery path runs for real.
CRASH = "crash"
# Test hook: photos above `pixels` get their PNG as a stream of bands, not one canvas; bands
# of `band_pixels` (worker/strips.py), so that a small photo runs that path in several bands.
CANVAS_LIMIT = "canvas-limit"
# job worker -> page
PROGRESS = "progress"
RESULT = "result"
ERROR = "error"
STATUS = "status"
NOTICE = "notice"
DEVICE = "device"  # what runs the jobs now (core/devices), after every change
# page -> export worker requests
LAYERS = "layers"  # a cutout's alpha and colours, for the brush
EXPORT = "export"  # compose and encode one download
ZIP = "zip"  # one zip of many files
BACKDROP = "backdrop"  # the blurred-photo background, small, for the stage's preview
# either worker -> page: the answer to one request
REPLY = "reply"
# page -> service worker: the user accepted the new version, so the waiting worker takes over.
SKIP_WAITING = "skip-waiting"

# The stages of one job, in order; "download" only happens while a model is fetched.
STAGES = ["download", "decode", "preprocess", "inference", "postprocess", "encode"]

# __pragma__('skip')
Message = Dict[str, Any]  # a type alias: mypy only
# __pragma__('noskip')


def role(worker_name: str) -> str:
    """Which worker a bundle started under `worker_name` is: JOB_WORKER, EXPORT_WORKER, or ""
    for one of ORT's threads (they load the bundle too, and must not start the app)."""
    if worker_name == EXPORT_WORKER:
        return EXPORT_WORKER
    if worker_name and worker_name.startswith(THREAD_PREFIX):
        return ""
    return JOB_WORKER


# Edge refinement (core/refine) when neither the page's toggle nor the API option says: off.
# Judged on composites and the eval photos (bench/quality.py, issue 16), it lowers MAE and the
# edge colour error but gains less than the 0.01 of boundary F asked of a default for Precision.
REFINE_DEFAULT = False


def process(job: int, engine: str, image: Any, refine: bool = REFINE_DEFAULT,
            device: str = DEVICE_AUTO, hints: Any = None, strokes: Any = None) -> Message:
    """Cut out `image` with `engine`; `refine`: edge refinement against the photo (core/refine);
    `device`: the user's setting (core/devices DEVICE_*); `hints`: corrective clicks
    [[x, y, keep], ...] in the photo's pixels, oldest first; `strokes`: [[points, keep, radius]]
    (core/correct.py)."""
    return {"kind": PROCESS, "job": job, "engine": engine, "image": image, "refine": refine,
            "device": device, "hints": hints if hints else [], "strokes": strokes if strokes else []}


def canvas_limit(pixels: int, band_pixels: int) -> Message:
    return {"kind": CANVAS_LIMIT, "pixels": pixels, "band_pixels": band_pixels}


def progress(job: int, stage: str, done: float, total: float) -> Message:
    """`done` of `total` units of `stage`: bytes while downloading, 0..1 otherwise."""
    return {"kind": PROGRESS, "job": job, "stage": stage, "done": done, "total": total}


def result(job: int, png: Any, width: int, height: int, timings: Dict[str, float],
           confidence: float = 1.0) -> Message:
    """`confidence`: core/confidence.py's estimate (0..1) of how right the cutout is."""
    return {
        "kind": RESULT, "job": job, "png": png, "width": width, "height": height,
        "timings": timings, "confidence": confidence,
    }


def error(job: int, code: str, detail: str) -> Message:
    return {"kind": ERROR, "job": job, "code": code, "detail": detail}


def status(threads: int, isolated: bool, shared_memory: bool, started: bool) -> Message:
    """The worker's threads: asked for when it starts (`started` false: the page is ready), then
    read back from ORT once its first session exists (`started` true)."""
    return {"kind": STATUS, "threads": threads, "isolated": isolated,
            "sharedMemory": shared_memory, "started": started}


def device(backend: str, vendor: str, architecture: str, fallback: bool, f16: bool,
           threads: int, failure: str, placement: Dict[str, int], reason: str) -> Message:
    """The backend (core/devices BACKEND_*) that runs jobs now; the adapter ("" when none);
    `failure`: the GPU failure remembered for this adapter ("" for none); `placement`: nodes per
    execution provider of the GPU session ({} when there is none); `reason`: why the last job
    was not routed to the GPU ("" when it was, or before any job)."""
    return {
        "kind": DEVICE, "backend": backend, "vendor": vendor, "architecture": architecture,
        "fallback": fallback, "f16": f16, "threads": threads, "failure": failure,
        "placement": placement, "reason": reason,
    }


def notice(code: str, detail: str) -> Message:
    """Something the user should know that is not any one job's failure (e.g. storage full)."""
    return {"kind": NOTICE, "code": code, "detail": detail}


def crash() -> Message:
    return {"kind": CRASH}


def skip_waiting() -> Message:
    return {"kind": SKIP_WAITING}


def list_engines(request_id: int) -> Message:
    """The engines and what is saved of each (worker/models.describe)."""
    return {"kind": LIST_ENGINES, "request": request_id}


def clear_cache(request_id: int) -> Message:
    """Delete every saved model; answered with how many."""
    return {"kind": CLEAR_CACHE, "request": request_id}


def import_model(request_id: int, engine: str, model: Any) -> Message:
    """A user's .onnx file (a Blob) for `engine`: checked, saved; answered with the listing."""
    return {"kind": IMPORT_MODEL, "request": request_id, "engine": engine, "model": model}


def preload(request_id: int, engine: str, device: str) -> Message:
    """Open a cached engine's session now, routed as a job under the Device setting `device`
    would be; never downloads."""
    return {"kind": PRELOAD, "request": request_id, "engine": engine, "device": device}


def gpu_retry(request_id: int) -> Message:
    return {"kind": GPU_RETRY, "request": request_id}


def gpu_fault(request_id: int, fault: str) -> Message:
    """Test hook: GPU_FAULT's `fault`, "lose" or "mismatch"."""
    return {"kind": GPU_FAULT, "request": request_id, "fault": fault}


def layers_request(request_id: int, cutout: Any, photo: Any) -> Message:
    return {"kind": LAYERS, "request": request_id, "cutout": cutout, "photo": photo}


def export_request(request_id: int, photo: Any, cutout: Any, alpha: Any,
                   settings: OutputSettings, image: Any) -> Message:
    """One download as `settings` say. `alpha` is the edited alpha (width x height bytes) or
    None for the cutout as it is; `image` the background image's Blob, or None. `quality` is -1
    where the format takes none; `background` the kind (core/output.BACKGROUND_KINDS) the
    export worker paints, with the colour it takes; `mask` true for the alpha alone; the frame
    as core/framing.frame takes it."""
    return {
        "kind": EXPORT, "request": request_id, "photo": photo, "cutout": cutout, "alpha": alpha,
        "mime": settings.mime(), "quality": settings.encode_quality(),
        "background": settings.kind().kind_id, "color": settings.color, "image": image,
        "mask": settings.output_kind().mask, "crop": settings.crop, "margin": settings.margin,
        "size": settings.size, "position": settings.position,
    }


def backdrop_request(request_id: int, photo: Any, cutout: Any, alpha: Any) -> Message:
    """The "Blurred photo" background of this cutout (with the edited alpha, or None), at the
    blur's work size (core/backdrop)."""
    return {"kind": BACKDROP, "request": request_id, "photo": photo, "cutout": cutout, "alpha": alpha}


def zip_request(request_id: int, names: List[str], blobs: List[Any]) -> Message:
    return {"kind": ZIP, "request": request_id, "names": names, "blobs": blobs}


def reply(request_id: int, value: Any, code: str, detail: str) -> Message:
    """The answer to a request: a value, or a core/errors code (with a technical `detail`);
    `code` is "" for success."""
    return {"kind": REPLY, "request": request_id, "value": value, "code": code, "detail": detail}


def stage_fraction(stage: str, done: float, total: float) -> float:
    """Overall progress of a job in 0..1 from the progress of its current stage."""
    index = STAGES.index(stage)
    part = done / total if total > 0 else 0.0
    if part > 1.0:
        part = 1.0
    return (index + part) / len(STAGES)
