"""Hex text of a digest's bytes (crypto.subtle returns raw bytes; manifests store hex)."""
# __pragma__('skip')
from typing import Sequence
# __pragma__('noskip')

HEX = "0123456789abcdef"


def to_hex(data: Sequence[int], count: int) -> str:
    text = ""
    for i in range(count):
        byte = data[i]
        text += HEX[byte >> 4] + HEX[byte & 15]
    return text
