"""window.backgrone: the page's public API for automation and for the tests, in one place."""
# __pragma__('skip')
from typing import Any
from backgrone.jsglobals import Object, Promise, __new__, __pragma__
# __pragma__('noskip')

from backgrone.core import devices, messages, protocol
from backgrone.core.engines import DEFAULT_ENGINE, find_engine
from backgrone.core.messages import AnyError
from backgrone.ui.channel import failure


def remove_background(app: Any, image: Any, options: Any) -> Any:
    """removeBackground(blob, {engine, refine, device}) -> Promise of {png, width, height,
    timings}. The photo joins the queue like a dropped one; edges are refined unless refine is
    false; `device` ('auto' | 'gpu' | 'cpu') defaults to the page's setting."""
    engine_id = options.engine if options and options.engine else DEFAULT_ENGINE
    refine = not (options and options.refine is False)
    device = devices.normalise(options.device) if options and options.device else app.devices.current()

    def executor(resolve: Any, reject: Any) -> None:
        try:
            find_engine(engine_id)
        except AnyError as exc:
            reject(failure(messages.UNKNOWN_ENGINE, str(exc)))
            return
        job = app.add(image, image.js_name if image.js_name else "image", engine_id, refine, device)
        app.waiters[job.job_id] = [resolve, reject]

    return __new__(Promise(executor))


async def clear_cache(app: Any) -> int:
    """clearCache(): delete every saved model; resolves to how many."""
    removed: int = await app.worker.request(protocol.CLEAR_CACHE, "", None)
    await app.engines.refresh()
    return removed


def status(app: Any) -> Any:
    """{threads, isolated} as the worker started, and what runs the jobs (ui/device_picker)."""
    __pragma__("jsiter")
    answer = {"threads": app.status["threads"], "isolated": app.status["isolated"]} if app.status else {}
    __pragma__("nojsiter")
    device = app.devices.status()
    if device:
        Object.assign(answer, device)
    return answer


def page_api(app: Any) -> Any:
    __pragma__("jsiter")
    api = {
        "ready": app.ready,
        "removeBackground": lambda image, options: remove_background(app, image, options),
        # {threads, isolated, backend, adapter: {vendor, architecture}, f16, failure, placement}.
        "status": lambda: status(app),
        "setDevice": lambda device: app.devices.choose(device),
        # Forget this adapter's GPU failure (the "Try the GPU again" action).
        "retryGpu": lambda: app.devices.retry(),
        "engines": lambda: app.worker.request(protocol.ENGINES, "", None),
        "clearCache": lambda: clear_cache(app),
        "longTasks": lambda: app.long_tasks.report(),
        "downloadAll": app.save_zip,
        "setBackgroundImage": lambda blob: app.output.set_image(blob),
        # Fault injection for the tests: the job worker throws as if it had crashed.
        "crashWorker": lambda: app.worker.crash(),
        # The export worker crashes on the next request it gets.
        "crashExporter": lambda: app.exporter.crash(),
        # GPU faults through the real failure paths: "lose" (device.destroy()), "mismatch".
        "gpuFault": lambda fault: app.worker.request(protocol.GPU_FAULT, "", fault),
    }
    __pragma__("nojsiter")
    return api
