"""How many inference threads to ask onnxruntime-web for, and how the page says what it got."""

# More threads than cores only adds contention; 4 is where ORT's own scaling flattens.
MAX_THREADS = 4


def threads_to_ask(isolated: bool, shares_memory: bool, cores: int) -> int:
    """More than one only where ORT would start them: an isolated page whose workers can share
    memory (a browser may be isolated and still hide SharedArrayBuffer: WebKitGTK does)."""
    if not isolated or not shares_memory:
        return 1
    return max(1, min(cores, MAX_THREADS))


def threads_note(threads: int, isolated: bool, shares_memory: bool) -> str:
    """The page's line about inference speed, from the count ORT runs with."""
    count = str(threads) + (" thread" if threads == 1 else " threads")
    if threads > 1:
        return "Inference runs on " + count + "."
    if not isolated:
        return "Inference runs on 1 thread: this page is not cross-origin isolated."
    if not shares_memory:
        return "Inference runs on 1 thread: this browser does not let workers share memory " + \
            "(no SharedArrayBuffer), so each photo takes longer."
    return "Inference runs on " + count + "."
