"""The catalogue of user-visible messages: one entry per thing that can go wrong."""

# `except AnyError` catches everything: CPython exceptions, and in the browser native JS errors
# too, which Transcrypt's `except Exception` lets through (they are not Python classes).
# __pragma__('skip')
AnyError = BaseException
# __pragma__('noskip')
# __pragma__('ecom')
#?AnyError = object
# __pragma__('noecom')

EMPTY_FILE = "empty_file"
NOT_AN_IMAGE = "not_an_image"
DAMAGED_IMAGE = "damaged_image"
HEIC_UNSUPPORTED = "heic_unsupported"
HEIC_DAMAGED = "heic_damaged"
SVG_REFUSED = "svg_refused"
TOO_LARGE = "too_large"
UNKNOWN_ENGINE = "unknown_engine"
ENGINE_UNAVAILABLE = "engine_unavailable"
MODEL_DOWNLOAD = "model_download"
MODEL_INTEGRITY = "model_integrity"
MODEL_LOAD = "model_load"
MODEL_INVALID = "model_invalid"
STORAGE_FULL = "storage_full"
INFERENCE = "inference"
WORKER_CRASHED = "worker_crashed"
CANCELLED = "cancelled"
EXPORT_FAILED = "export_failed"
BACKGROUND_UNREADABLE = "background_unreadable"
EXPORTER_CRASHED = "exporter_crashed"
GPU_UNAVAILABLE = "gpu_unavailable"
EMPTY_SUBJECT = "empty_subject"
BAD_OUTPUT_OPTION = "bad_output_option"
INTERNAL = "internal"

# Where an entry holds this, the detail goes there instead of after the text.
# (lower case: every upper-case string here is a message code)
detail_slot = "{detail}"

CATALOGUE = {
    EMPTY_FILE: "This file is empty.",
    NOT_AN_IMAGE: "This file is not an image the browser can read (JPEG, PNG, WebP, AVIF, HEIC, GIF, BMP).",
    DAMAGED_IMAGE: "This image file is damaged or incomplete (an unfinished download?).",
    # The HEIC decoder is fetched on the first HEIC photo: offline before that, it is missing.
    HEIC_UNSUPPORTED: "The HEIC/HEIF decoder could not be loaded (offline before the first HEIC "
    + "photo?). Connect and drop the photo again, or export it as JPEG.",
    HEIC_DAMAGED: "This HEIC/HEIF photo is damaged or incomplete (an unfinished transfer?).",
    SVG_REFUSED: "SVG is a vector drawing, not a photo: export it as PNG first.",
    TOO_LARGE: "This image is too large to process in the browser.",
    UNKNOWN_ENGINE: "There is no engine with this name.",
    ENGINE_UNAVAILABLE: "This engine's model is not bundled with this site.",
    MODEL_DOWNLOAD: "The model could not be downloaded. Check the connection and retry.",
    MODEL_INTEGRITY: "The downloaded model failed its integrity check and was discarded.",
    MODEL_LOAD: "The model could not be loaded.",
    MODEL_INVALID: "This file is not a model this engine can run.",
    STORAGE_FULL: "The model could not be saved on this device (storage full or blocked); "
    + "it runs from memory for now and will be downloaded again next visit.",
    INFERENCE: "The model failed on this image.",
    WORKER_CRASHED: "The background worker stopped unexpectedly; it was restarted.",
    CANCELLED: "Cancelled.",
    EXPORT_FAILED: "This download could not be made. Retry, or choose another format or background.",
    BACKGROUND_UNREADABLE: "The background image could not be read (damaged, or not an image): "
    + "choose another one.",
    EXPORTER_CRASHED: "The export worker stopped unexpectedly; retry to start it again.",
    # A GPU that failed (session, self-test, lost device, out of memory): the job went on.
    GPU_UNAVAILABLE: "GPU unavailable: " + detail_slot + "; using the CPU.",
    EMPTY_SUBJECT: "No subject was found in this photo, so there is nothing to crop to: choose "
    + "\"Original frame\", or touch up the cutout.",
    BAD_OUTPUT_OPTION: "This output setting is not one Backgrone knows.",
    INTERNAL: "Something went wrong while processing this image.",
}


def message_for(code: str, detail: str) -> str:
    """The catalogue text for `code`, with the technical detail appended for the log-minded."""
    text = CATALOGUE[code] if code in CATALOGUE else CATALOGUE[INTERNAL]
    if text.find(detail_slot) >= 0:
        return text.replace(detail_slot, detail or "unknown reason")
    if detail:
        return text + " (" + detail + ")"
    return text


class AppError(Exception):
    """A failure that carries its catalogue code, so the page shows the right message."""

    def __init__(self, code: str, detail: str) -> None:
        Exception.__init__(self, detail)
        self.code = code
        self.detail = detail


def code_of(exc: BaseException, fallback: str) -> str:
    """The catalogue code an error carries (AppError), or `fallback` for any other error,
    native JS errors included."""
    return exc.code if isinstance(exc, AppError) else fallback
