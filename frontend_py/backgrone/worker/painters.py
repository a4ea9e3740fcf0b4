"""The export worker's drawing of each background kind (core/output.BACKGROUND_KINDS), one
painter per kind id: adding a kind is its row there and its painter here.

A painter is prepared once per download (decoding an image, blurring the photo) and returns a
function that paints the background on a 2d context of the whole output (width x height), with
the photo placed at `rect` ([x, y, w, h] in output pixels); the context may be translated to
draw one band of rows at a time, so a painter draws in output coordinates only.
"""
# __pragma__('skip')
from typing import Any, Callable, List
from backgrone.jsglobals import Float64Array, OffscreenCanvas, createImageBitmap, __new__, __pragma__
# __pragma__('noskip')

from backgrone.core import backdrop, errors, framing, output
from backgrone.core.errors import AnyError, AppError
from backgrone.web import context_2d

# __pragma__('skip')
PaintFn = Callable[[Any, int, int, List[int]], None]  # a type alias: mypy only
# __pragma__('noskip')


async def bitmap(blob: Any, oriented: bool) -> Any:
    __pragma__("jsiter")
    options = {"imageOrientation": "from-image" if oriented else "none"}
    __pragma__("nojsiter")
    return await createImageBitmap(blob, options)


def scaled(image: Any, width: int, height: int) -> Any:
    """The 2d context of a new width x height canvas with `image` drawn to fill it."""
    context = context_2d(__new__(OffscreenCanvas(width, height)))
    context.imageSmoothingQuality = "high"
    context.drawImage(image, 0, 0, width, height)
    return context


async def blurred(photo: Any, subject: Any) -> Any:
    """The blurred-photo background (core/backdrop) of `subject` (the cutout layer, kept open)
    on a canvas at the blur's work size."""
    size = backdrop.work_size(subject.width, subject.height)
    width = size[0]
    height = size[1]
    image = await bitmap(photo, True)
    scenery = scaled(image, width, height)
    image.close()
    colours = scenery.getImageData(0, 0, width, height)
    shape = scaled(subject, width, height).getImageData(0, 0, width, height)
    planes = [__new__(Float64Array(width * height)) for _ in range(5)]
    result = scenery.createImageData(width, height)
    backdrop.blurred_background(colours.data, shape.data, width, height,
                                backdrop.blur_radius(width, height), planes, result.data)
    scenery.putImageData(result, 0, 0)
    return scenery.canvas


def nothing(context: Any, width: int, height: int, rect: List[int]) -> None:
    return


async def transparent(message: Any, subject: Any) -> PaintFn:
    return nothing


async def colour(message: Any, subject: Any) -> PaintFn:
    fill = message["color"]

    def paint(context: Any, width: int, height: int, rect: List[int]) -> None:
        context.fillStyle = fill
        context.fillRect(0, 0, width, height)

    return paint


async def image(message: Any, subject: Any) -> PaintFn:
    """The user's image covering the whole output (CSS cover), decoded once."""
    if not message["image"]:
        return nothing
    try:
        scenery = await bitmap(message["image"], True)
    except AnyError as exc:
        raise AppError(errors.BACKGROUND_UNREADABLE, str(exc))

    def paint(context: Any, width: int, height: int, rect: List[int]) -> None:
        crop = framing.cover_rect(scenery.width, scenery.height, width, height)
        context.drawImage(scenery, crop[0], crop[1], crop[2], crop[3], 0, 0, width, height)

    return paint


async def blur(message: Any, subject: Any) -> PaintFn:
    """The blurred photo where the photo is (beyond its edge the output stays transparent)."""
    scenery = await blurred(message["photo"], subject)

    def paint(context: Any, width: int, height: int, rect: List[int]) -> None:
        context.imageSmoothingQuality = "high"
        context.drawImage(scenery, rect[0], rect[1], rect[2], rect[3])

    return paint


PAINTERS = {
    output.BG_TRANSPARENT: transparent,
    output.BG_COLOR: colour,
    output.BG_IMAGE: image,
    output.BG_BLUR: blur,
}


async def painter(message: Any, subject: Any) -> PaintFn:
    """The prepared painter of the request's background kind."""
    kind = output.find_kind(message["background"])
    prepare = PAINTERS[kind.kind_id]
    paint: PaintFn = await prepare(message, subject)
    return paint
