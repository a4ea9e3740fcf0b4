"""Photo sizes: megapixels and the largest photo the app takes."""
import math


def megapixels(width: int, height: int) -> float:
    return width * height / 1000000.0


# Above this the decoded photo alone (4 bytes a pixel, 400 MB) outgrows what a tab can hold;
# the rest of the full-size work goes in bands of rows (worker/strips.py).
MAX_MEGAPIXELS = 100.0


def fits(width: int, height: int) -> bool:
    return width > 0 and height > 0 and megapixels(width, height) <= MAX_MEGAPIXELS


def size_detail(width: int, height: int) -> str:
    """A refused photo's size against the limit, for the log-minded (errors.TOO_LARGE)."""
    tenths = math.floor(width * height / 100000 + 0.5) / 10
    return str(width) + "\u00d7" + str(height) + " = " + str(tenths) + " MP; the limit is " + \
        str(MAX_MEGAPIXELS) + " MP"
