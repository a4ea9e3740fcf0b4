"""The page's handle on the export worker (worker/exporter.py): requests in, promises out."""
# __pragma__('skip')
from typing import Any, List
# __pragma__('noskip')

from backgrone.core import errors, output, protocol
from backgrone.ui.channel import WorkerChannel

# An export worker holds full-size canvases while it works: ended after this long unused, so
# that a page left open does not keep them; the next download starts it again.
IDLE_MS = 60000


class ExportClient(WorkerChannel):
    """Started on first use: a visitor who never downloads never pays for it."""

    def __init__(self, url: str) -> None:
        WorkerChannel.__init__(self, url, protocol.EXPORT_WORKER, errors.EXPORTER_CRASHED, False,
                               IDLE_MS, None, None)

    def layers(self, cutout: Any, photo: Any) -> Any:
        """Promise of {alpha, colour, width, height}: the cutout's alpha channel as bytes and
        the brush's colours as an opaque ImageBitmap (core/brush.colour_layer)."""
        return self.ask(lambda request_id: protocol.layers_request(request_id, cutout, photo))

    def export(self, photo: Any, cutout: Any, alpha: Any, settings: output.OutputSettings,
               image: Any) -> Any:
        """Promise of the download's Blob."""
        return self.ask(lambda request_id: protocol.export_request(
            request_id, photo, cutout, alpha, settings, image))

    def backdrop(self, photo: Any, cutout: Any, alpha: Any) -> Any:
        """Promise of the blurred-photo background as a small PNG Blob (for the stage)."""
        return self.ask(lambda request_id: protocol.backdrop_request(request_id, photo, cutout, alpha))

    def zip(self, names: List[str], blobs: List[Any]) -> Any:
        return self.ask(lambda request_id: protocol.zip_request(request_id, names, blobs))

    def set_canvas_limit(self, pixels: int, band_pixels: int) -> None:
        """Test hook: outputs above `pixels` are PNGs streamed in bands (worker/framer)."""
        self.post(protocol.canvas_limit(pixels, band_pixels))

    def crash(self) -> None:
        """Fault injection for the tests: the worker crashes on the next request it gets."""
        self.post(protocol.crash())
