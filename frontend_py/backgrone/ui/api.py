"""window.backgrone: the page's public API for automation and for the tests, in one place."""
# __pragma__('skip')
from typing import Any, List
from backgrone.jsglobals import Array, Object, Promise, __pragma__, __typeof__
# __pragma__('noskip')

from backgrone.core import devices, errors, framing, protocol
from backgrone.core.engines import DEFAULT_ENGINE, find_engine
from backgrone.core.errors import AnyError, AppError
from backgrone.core.output import OutputSettings
from backgrone.ui.channel import failure
from backgrone.ui.deferred import Deferred


def hints_of(options: Any) -> List[Any]:
    """options.hints [{x, y, keep}, ...] as protocol lists [x, y, keep] (core/correct.py)."""
    hints: List[Any] = []
    if options and options.hints:
        for hint in options.hints:
            hints.append([hint.x, hint.y, hint.keep is True])
    return hints


def strokes_of(options: Any) -> List[Any]:
    """options.strokes [{points, keep, radius}, ...] as protocol lists [points, keep, radius]."""
    strokes: List[Any] = []
    if options and options.strokes:
        for stroke in options.strokes:
            strokes.append([stroke.points, stroke.keep is True, stroke.radius])
    return strokes


def output_settings(options: Any) -> OutputSettings:
    """The download settings of removeBackground's options, each left out one at the UI's
    default (core/output.OutputSettings, core/framing); AppError(BAD_OUTPUT_OPTION) for a
    value that is not one."""
    settings = OutputSettings()
    if not options:
        return settings
    if options.background:
        settings.take_background(str(options.background))
    if options.format or __typeof__(options.quality) == "number":
        quality = options.quality if __typeof__(options.quality) == "number" else -1.0
        settings.take_format(str(options.format or settings.format_id), quality)
    if options.output:
        settings.output_id = framing.find_output(str(options.output)).output_id
    if options.crop or options.size or options.position or __typeof__(options.margin) == "number":
        crop = str(options.crop) if options.crop else framing.CROP_NONE
        margin = options.margin if __typeof__(options.margin) == "number" else framing.DEFAULT_MARGIN
        size: List[int] = []
        if options.size:
            if not Array.isArray(options.size):
                raise AppError(errors.BAD_OUTPUT_OPTION, "size must be [width, height]")
            size = [options.size[i] for i in range(options.size.length)]
        position = str(options.position) if options.position else framing.POSITION_CENTER
        settings.set_frame(crop, margin, size, position)
    return settings


def remove_background(app: Any, image: Any, options: Any) -> Any:
    """removeBackground(blob, {engine, refine, device, hints, strokes, crop, margin, size,
    position, background, format, quality, output}) -> Promise of {png, width, height, timings,
    confidence, file}. The photo joins the queue like a dropped one; edges are refined when
    refine is true, not when it is false, and as protocol.REFINE_DEFAULT says when it is left
    out; `device` ('auto' | 'gpu' | 'cpu') defaults to the page's setting; `hints` ({x, y, keep}
    in the photo's pixels, oldest first) and `strokes` correct the cutout (core/correct.py)
    without a new inference when the same bytes were cut out before. `png` is the cutout at the
    photo's size; `file` the download the output options make (output_settings), the cutout
    itself by default."""
    engine_id = options.engine if options and options.engine else DEFAULT_ENGINE
    refine = protocol.REFINE_DEFAULT
    if options and (options.refine is True or options.refine is False):
        refine = options.refine
    device = devices.normalise(options.device) if options and options.device else app.devices.current()

    answer = Deferred()
    try:
        find_engine(engine_id)
    except AnyError as exc:
        answer.reject(failure(errors.UNKNOWN_ENGINE, str(exc)))
        return answer.promise
    try:
        settings = output_settings(options)
    except AnyError as exc:
        answer.reject(failure(errors.code_of(exc, errors.BAD_OUTPUT_OPTION), str(exc)))
        return answer.promise

    def finish(result: Any) -> None:
        """The cutout is done: the file the output options make, the cutout when untouched."""
        if settings.untouched():
            result.file = result.png
            answer.resolve(result)
            return

        def made(blob: Any) -> None:
            result.file = blob
            answer.resolve(result)

        background_image = app.output.image if settings.kind().takes_image else None
        Promise.resolve(app.exporter.export(image, result.png, None, settings, background_image)) \
            .then(made, answer.reject)

    cutout = Deferred()
    try:
        job = app.add(image, image.js_name if image.js_name else "image", engine_id, refine, device,
                      True, hints_of(options), strokes_of(options))
    except AnyError as exc:
        answer.reject(exc)
        return answer.promise
    app.waiters[job.job_id] = cutout
    cutout.promise.then(finish, answer.reject)
    return answer.promise


async def clear_cache(app: Any) -> int:
    """clearCache(): delete every saved model; resolves to how many."""
    removed: int = await app.worker.clear_cache()
    await app.engines.refresh()
    return removed


def status(app: Any) -> Any:
    """What runs the jobs (ui/device_picker: backend, adapter, f16, ...) and the worker's own
    status: isolated, sharedMemory, started, and on the CPU the thread count ORT runs with."""
    __pragma__("jsiter")
    answer: Any = {}
    __pragma__("nojsiter")
    device = app.devices.status()
    if device:
        Object.assign(answer, device)
    if app.status:
        answer.isolated = app.status["isolated"]
        answer.sharedMemory = app.status["sharedMemory"]
        answer.started = app.status["started"]
        # The count read back from ORT (core/threads); the GPU's runtime says its own.
        if not device or device.backend != "webgpu":
            answer.threads = app.status["threads"]
    return answer


def set_canvas_limit(app: Any, pixels: int, band: int) -> None:
    """Test hook for both workers: the job worker's PNG and the export worker's framed
    outputs above `pixels` are streamed in bands of `band` pixels."""
    app.worker.set_canvas_limit(pixels, band)
    app.exporter.set_canvas_limit(pixels, band)


def page_api(app: Any) -> Any:
    __pragma__("jsiter")
    api = {
        "ready": app.ready.promise,
        # Resolves to how many photos shared to the app (share_target) went into the queue.
        "arrived": lambda: app.arrived,
        "removeBackground": lambda image, options: remove_background(app, image, options),
        # {threads, isolated, backend, adapter: {vendor, architecture}, f16, failure, placement}.
        "status": lambda: status(app),
        "setDevice": lambda device: app.devices.choose(device),
        # Forget this adapter's GPU failure (the "Try the GPU again" action).
        "retryGpu": lambda: app.devices.retry(),
        "engines": lambda: app.worker.list_engines(),
        "clearCache": lambda: clear_cache(app),
        "longTasks": lambda: app.long_tasks.report(),
        "downloadAll": app.save_zip,
        "setBackgroundImage": lambda blob: app.output.set_image(blob),
        # "Save all to a folder…" into this directory handle (the picker's, or for the tests
        # the origin-private file system's): resolves to the names written.
        "saveAllTo": lambda directory: app.folder.save_to(directory),
        # Fault injection for the tests: the job worker throws as if it had crashed.
        "crashWorker": lambda: app.worker.crash(),
        # The export worker crashes on the next request it gets.
        "crashExporter": lambda: app.exporter.crash(),
        # Photos above `pixels` take the PNG-as-a-stream path, in bands of `band` pixels.
        "setCanvasLimit": lambda pixels, band: set_canvas_limit(app, pixels, band),
        # GPU faults through the real failure paths: "lose" (device.destroy()), "mismatch".
        "gpuFault": lambda fault: app.worker.gpu_fault(fault),
    }
    __pragma__("nojsiter")
    return api
