"""`confidence`: an estimate, from the model's mask alone, of how right a cutout is (0..1).

Two things the mask shows where the model went wrong (measured on bench/clicks.py's tuning half
of the composites, rank correlation with the true IoU): uncertain pixels (probability between
0.1 and 0.9) against the subject's area, and a subject in pieces (the largest 4-connected piece
of the subject against the whole). Their product ranked best of the measures tried.
"""
# __pragma__('skip')
from typing import Any, List, MutableSequence, Sequence
# __pragma__('noskip')

LOW = 26  # 0.1 of 255, rounded up
HIGH = 229  # 0.9 of 255, rounded down
SUBJECT = 128
# Below this the queue says "check this one": on the tuning composites it marks 3 of the 4
# cutouts under IoU 0.9 and 7 of 16 in all (bench/clicks.py prints the confidences).
CHECK_BELOW = 0.85


def largest_piece(alpha8: Sequence[int], side: int, seen: MutableSequence[int]) -> int:
    """Pixels in the largest 4-connected piece of the subject (alpha >= 128); `seen` is a
    side x side scratch buffer of zeros."""
    best = 0
    stack: List[int] = []
    for start in range(side * side):
        if seen[start] or alpha8[start] < SUBJECT:
            continue
        seen[start] = 1
        stack.append(start)
        size = 0
        while len(stack) > 0:
            k = stack.pop()
            size += 1
            x = k % side
            if x > 0 and not seen[k - 1] and alpha8[k - 1] >= SUBJECT:
                seen[k - 1] = 1
                stack.append(k - 1)
            if x < side - 1 and not seen[k + 1] and alpha8[k + 1] >= SUBJECT:
                seen[k + 1] = 1
                stack.append(k + 1)
            if k >= side and not seen[k - side] and alpha8[k - side] >= SUBJECT:
                seen[k - side] = 1
                stack.append(k - side)
            if k + side < side * side and not seen[k + side] and alpha8[k + side] >= SUBJECT:
                seen[k + side] = 1
                stack.append(k + side)
        if size > best:
            best = size
    return best


def confidence(alpha8: Sequence[int], side: int, seen: Any) -> float:
    """The cutout's confidence from its side x side 8-bit mask (seen: a zeroed scratch buffer
    of side x side bytes)."""
    subject = 0
    uncertain = 0
    for i in range(side * side):
        a = alpha8[i]
        if a >= SUBJECT:
            subject += 1
        if LOW <= a <= HIGH:
            uncertain += 1
    if subject == 0:
        return 0.0
    certain = 1.0 - uncertain / (subject + uncertain)
    whole = largest_piece(alpha8, side, seen) / subject
    return certain * whole
