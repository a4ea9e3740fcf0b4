"""The five stages of one job, wired to the browser: decode, preprocess, inference,
postprocess, encode. The arithmetic lives in core/; this module moves pixels between APIs."""
# __pragma__('skip')
from typing import Any, Callable, Dict
from backgrone.jsglobals import (
    Float32Array, Float64Array, OffscreenCanvas, Uint8Array, Uint8ClampedArray, createImageBitmap,
    performance, __new__, __pragma__,
)
# __pragma__('noskip')
from backgrone.core import errors, sniff
from backgrone.core.confidence import confidence
from backgrone.core.correct import Work, clicks_in_grid, correct, strokes_in_grid
from backgrone.core.engines import Engine
from backgrone.core.geometry import fits, size_detail
from backgrone.core.mask import apply_alpha_rows, mask_to_alpha8
from backgrone.core.refine import RefinePlan, add_guide_rows, fit, write_rows
from backgrone.core.refine_planes import PLANES, Planes
from backgrone.core.tensor import rgba_to_nchw
from backgrone.core.errors import AnyError, AppError
from backgrone.worker.heic import HeicDecoder
from backgrone.worker.models import ModelStore
from backgrone.worker.routing import RoutedSessions
from backgrone.worker.strips import BAND_PIXELS, ONE_CANVAS_PIXELS, Bands, png_writer
from backgrone.worker.recall import Recall, Remembered, key_of
from backgrone.web import context_2d, sha256_hex

# __pragma__('skip')
ReportFn = Callable[[str, float, float], None]  # a type alias: mypy only
# __pragma__('noskip')


def refusal(kind: str) -> str:
    """The catalogue code for a file the header already tells us not to decode, or ""."""
    if kind == sniff.EMPTY:
        return errors.EMPTY_FILE
    if kind == sniff.SVG:
        return errors.SVG_REFUSED
    if kind == sniff.PDF or kind == sniff.ZIP or kind == sniff.UNKNOWN:
        return errors.NOT_AN_IMAGE
    return ""


async def decode(image: Any, heic: HeicDecoder) -> Any:
    """The image as an ImageBitmap, oriented as displayed (EXIF, or HEIF's irot/imir, honoured).

    The header is read first, so that a document, an archive or an image over the size limit is
    refused with a precise message before the browser spends memory decoding it. HEIC/HEIF goes
    to the browser's own decoder first (Safari has one), then to libheif (worker/heic.py).
    """
    header = __new__(Uint8Array(await image.slice(0, sniff.HEADER_BYTES).arrayBuffer()))
    found = sniff.sniff(header, header.length)
    refused = refusal(found.kind)
    if refused:
        raise AppError(refused, "" if found.kind == sniff.EMPTY else "detected: " + found.kind)
    if found.width > 0 and found.height > 0 and not fits(found.width, found.height):
        raise AppError(errors.TOO_LARGE, size_detail(found.width, found.height))
    __pragma__("jsiter")
    options = {"imageOrientation": "from-image"}
    __pragma__("nojsiter")
    try:
        bitmap = await createImageBitmap(image, options)
    except AnyError as exc:
        if found.kind != sniff.HEIC:
            # The header said image, the decoder disagreed: a truncated or damaged file.
            raise AppError(errors.DAMAGED_IMAGE, found.kind + ": " + str(exc))
        bitmap = await heic.decode(image)
    if not fits(bitmap.width, bitmap.height):
        detail = size_detail(bitmap.width, bitmap.height)
        bitmap.close()
        raise AppError(errors.TOO_LARGE, detail)
    return bitmap


class Cutout:
    """What Pipeline.run makes of one photo: the fields of its protocol.result."""

    def __init__(self, png: Any, width: int, height: int, timings: Dict[str, float],
                 confidence: float) -> None:
        self.png = png
        self.width = width
        self.height = height
        self.timings = timings
        self.confidence = confidence  # core/confidence.py


class Pipeline:
    """Runs jobs one after another; buffers of the model's input size are reused across jobs."""

    def __init__(self, store: ModelStore, sessions: RoutedSessions, zlib: Any, heic: HeicDecoder) -> None:
        self.store = store
        self.sessions = sessions
        self.heic = heic
        # fflate's streaming zlib class, for PNGs written in bands (worker/strips.py).
        self.zlib = zlib
        # Photos above this many pixels get their PNG written as a stream of bands; a test
        # lowers both (window.backgrone.setCanvasLimit) to run that path on a small photo.
        self.canvas_limit = ONE_CANVAS_PIXELS
        self.band_pixels = BAND_PIXELS
        self._pixels: Any = None
        self._alpha: Any = None
        # Edge refinement's working planes (18 floats per working pixel, under 80 MB at any
        # photo size): kept and grown, so that a queue of photos does not allocate and collect
        # tens of MB per photo.
        self._planes: Any = None
        self._line: Any = None
        # The last photos' masks (worker/recall.py) and the correction's working grid.
        self.recall = Recall()
        self._work: Any = None

    async def ensure_session(self, engine: Engine, report: ReportFn, timings: Dict[str, float],
                             download: bool = True) -> bool:
        """Open the engine's session: from IndexedDB when cached, else downloaded (and cached)
        unless `download` is false. Returns whether a session is open.

        Records the IndexedDB read and session creation in `timings` (ms).
        """
        if self.sessions.current(engine):
            return True
        # On the GPU an engine may load another engine's file (core/engines gpu_model).
        source = self.sessions.model_for(engine)
        mark = performance.now()
        model = await self.store.cached(source)
        timings["cache_read"] = performance.now() - mark
        if model:
            mark = performance.now()
            try:
                await self.sessions.open(engine, model)
                timings["session"] = performance.now() - mark
                return True
            except AnyError:
                # The cached copy is damaged (it passed the size check): drop it, fetch anew.
                await self.store.forget(source)
        if not download:
            return False

        def on_bytes(done: float, total: float) -> None:
            report("download", done, total)

        model = await self.store.download(source, on_bytes)
        mark = performance.now()
        try:
            await self.sessions.open(engine, model)
        except AnyError as exc:
            raise AppError(errors.MODEL_LOAD, str(exc))
        timings["session"] = performance.now() - mark
        return True

    def buffers(self, side: int) -> None:
        count = side * side
        if not self._pixels or self._alpha.length != count:
            self._pixels = __new__(Float32Array(3 * count))
            self._alpha = __new__(Uint8ClampedArray(count))

    def line(self, length: int) -> Any:
        """The kept float64 scratch line, at least `length` long."""
        if not self._line or self._line.length < length:
            self._line = __new__(Float64Array(length))
        return self._line

    def refine_planes(self, plan: RefinePlan) -> Planes:
        """The refinement's working planes for this plan, in the kept buffers."""
        if not self._planes or self._planes.length < PLANES * plan.count:
            self._planes = __new__(Float32Array(PLANES * plan.count))
        self.line(plan.line_length)
        planes = []
        for k in range(PLANES):
            planes.append(self._planes.subarray(k * plan.count, (k + 1) * plan.count))
        return Planes(planes)

    async def full_size(self, side: int, full: Any, refine: bool, report: ReportFn,
                        timings: Dict[str, float]) -> Any:
        """The mask onto the full-size photo (refined or upscaled) and the PNG, a band of rows
        at a time (worker/strips.py): the same bytes as the whole photo on one canvas."""
        width = full.width
        height = full.height
        bands = Bands(full, self.band_pixels)
        try:
            plan = RefinePlan(width, height, side)
            planes: Any = None
            if refine:
                # Refinement's guide needs block means over the whole photo before any row is
                # written: a first pass over the bands.
                refined = performance.now()
                planes = self.refine_planes(plan)
                for top in range(0, height, bands.rows):
                    band = await bands.read(top)
                    add_guide_rows(band.data, top, bands.count(top), plan, planes, self._line)
                fit(self._alpha, plan, planes, self._line)
                timings["refine"] = performance.now() - refined
            writer = png_writer(self.zlib, width, height, self.canvas_limit)
            encoding = 0.0
            for top in range(0, height, bands.rows):
                pixels = await bands.read(top)
                rows = bands.count(top)
                if refine:
                    refined = performance.now()
                    write_rows(pixels.data, top, rows, plan, planes, self._line)
                    timings["refine"] += performance.now() - refined
                else:
                    apply_alpha_rows(self._alpha, side, side, pixels.data, width, height, top, rows,
                                     self.line(width))
                mark = performance.now()
                writer.add(bands, pixels, top)
                encoding += performance.now() - mark
            # Every row is written: the decoded photo (4 bytes a pixel) goes before the PNG is
            # put together, not after (run closes it again, which does nothing then).
            bands.close()
            full.close()
            report("encode", 0, 1)
            mark = performance.now()
            png = await writer.finish()
            timings["encode"] = encoding + performance.now() - mark
        finally:
            bands.close()  # the VideoFrame holds the bitmap until closed
        return png

    async def run(self, engine: Engine, image: Any, report: ReportFn, refine: bool, hints: Any,
                  strokes: Any) -> Cutout:
        """Process one image (edges refined unless `refine` is false), corrected by the hints
        and strokes (core/correct.py)."""
        began = performance.now()
        timings: Dict[str, float] = {}
        await self.ensure_session(engine, report, timings)
        engine = self.sessions.sized(engine)
        timings["model"] = performance.now() - began
        self.buffers(engine.input_size)

        mark = performance.now()
        report("decode", 0, 1)
        full = await decode(image, self.heic)
        width = full.width
        height = full.height
        try:
            # The same bytes with the same engine give the same mask: keep it, by content.
            digest = await sha256_hex(await image.arrayBuffer())
            key = key_of(engine.engine_id, engine.input_size, digest)
            remembered = self.recall.find(key)
            if remembered:
                timings["decode"] = performance.now() - mark
                timings["reused"] = 1
            else:
                remembered = await self.infer(engine, full, report, timings, mark, key)
            side = engine.input_size
            mark = performance.now()
            if len(hints) > 0 or len(strokes) > 0:
                self.correct(remembered, side, hints, strokes, width, height)
                timings["correct"] = performance.now() - mark
            else:
                self._alpha.set(remembered.alpha)
            sure = confidence(self._alpha, side, __new__(Uint8Array(side * side)))
            mark = performance.now()
            report("postprocess", 0, 1)
            png = await self.full_size(side, full, refine, report, timings)
            # Postprocess: the mask onto the photo, refined or not, a band at a time; encoding
            # is interleaved with it when the PNG is written as a stream, and timed apart.
            timings["postprocess"] = performance.now() - mark - timings["encode"]
        finally:
            # Bitmaps hold decoded pixels outside the JS heap: release them whatever happened.
            full.close()
        timings["total"] = performance.now() - began
        return Cutout(png, width, height, timings, sure)

    def correct(self, remembered: Remembered, side: int, hints: Any, strokes: Any, width: int,
                height: int) -> None:
        """The remembered mask corrected by every hint and stroke so far, into self._alpha."""
        if not self._work or self._work.side != side:
            self._work = Work(side, lambda count: __new__(Float64Array(count)))
        correct(remembered.alpha, remembered.rgba, side, clicks_in_grid(hints, width, height, side),
                strokes_in_grid(strokes, width, height, side), self._work, self._alpha)

    async def infer(self, engine: Engine, full: Any, report: ReportFn, timings: Dict[str, float],
                    mark: float, key: str) -> Remembered:
        """From the decoded bitmap to the model's mask, remembered: the stages up to inference,
        each timed."""
        side = engine.input_size
        __pragma__("jsiter")
        resize = {"resizeWidth": side, "resizeHeight": side, "resizeQuality": "high"}
        __pragma__("nojsiter")
        # Decode and resize in one native step: the model never needs the full-size pixels.
        small = await createImageBitmap(full, resize)
        timings["decode"] = performance.now() - mark

        mark = performance.now()
        report("preprocess", 0, 1)
        small_canvas = __new__(OffscreenCanvas(side, side))
        small_context = context_2d(small_canvas)
        small_context.drawImage(small, 0, 0)
        small.close()
        rgba = small_context.getImageData(0, 0, side, side).data
        rgba_to_nchw(rgba, side * side, engine.mean, engine.std, self._pixels)
        timings["preprocess"] = performance.now() - mark

        mark = performance.now()
        report("inference", 0, 1)
        try:
            output = await self.sessions.run(engine, self._pixels)
        except AnyError as exc:
            raise AppError(errors.INFERENCE, str(exc))
        timings["inference"] = performance.now() - mark
        if self.sessions.check_ms >= 0:
            timings["check"] = self.sessions.check_ms  # the GPU mask's check, within inference

        mask_to_alpha8(output, side * side, engine.output_mode, self._alpha)
        remembered = Remembered(key, __new__(Uint8ClampedArray(self._alpha)), rgba)
        self.recall.keep(remembered)
        return remembered
