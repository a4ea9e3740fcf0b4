"""Photo sizes: megapixels and the largest photo the app takes."""


def megapixels(width: int, height: int) -> float:
    return width * height / 1000000.0


# Above this the decoded photo alone (4 bytes a pixel, 400 MB) outgrows what a tab can hold;
# the rest of the full-size work goes in bands of rows (worker/strips.py).
MAX_MEGAPIXELS = 100.0


def fits(width: int, height: int) -> bool:
    return width > 0 and height > 0 and megapixels(width, height) <= MAX_MEGAPIXELS
