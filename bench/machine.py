"""How busy the machine is: CPU time from /proc, split into ours and everybody else's.

"Ours" is this process and every descendant of the roots we name (the dev servers, the
chromedriver that owns Chromium and its renderers, GPU and utility processes). Everything
else the kernel counted as busy in the same window is "others": the other helpers' tests,
builds and browsers on this shared machine.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

TICK = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1
# Others using more than this share of the machine's CPU make a measurement "noisy".
NOISY_SHARE = 0.10


def busy_seconds() -> float:
    """CPU seconds the whole machine spent not idle since boot (all cores)."""
    with open("/proc/stat") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / TICK


def processes() -> dict[int, tuple[int, float]]:
    """pid -> (parent pid, CPU seconds of the process and its reaped children)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                text = stat.read()
        except OSError:
            continue
        rest = text[text.rfind(")") + 2:].split()
        # Fields after the command name: state ppid ... utime(14) stime(15) cutime(16) cstime(17).
        ppid = int(rest[1])
        seconds = sum(int(v) for v in rest[11:15]) / TICK
        table[int(entry)] = (ppid, seconds)
    return table


def our_seconds(roots: list[int]) -> float:
    table = processes()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    seen = set()
    stack = [os.getpid(), *roots]
    total = 0.0
    while stack:
        pid = stack.pop()
        if pid in seen or pid not in table:
            continue
        seen.add(pid)
        total += table[pid][1]
        stack.extend(children.get(pid, []))
    return total


@dataclass
class Window:
    """One measured interval: wall time, our CPU and the others' CPU (seconds)."""
    roots: list[int]
    began: float = field(default_factory=time.monotonic)
    busy0: float = field(default_factory=busy_seconds)
    ours0: float = 0.0

    def __post_init__(self) -> None:
        self.ours0 = our_seconds(self.roots)

    def close(self) -> dict[str, float | bool]:
        wall = time.monotonic() - self.began
        busy = busy_seconds() - self.busy0
        ours = our_seconds(self.roots) - self.ours0
        others = max(busy - ours, 0.0)
        capacity = max(wall * CORES, 1e-9)
        return {"wall_s": round(wall, 3), "ours_cpu_s": round(ours, 3), "ours_cpu": round(ours / capacity, 3),
                "others_cpu": round(others / capacity, 3), "noisy": others / capacity > NOISY_SHARE}


def wait_quiet(roots: list[int], limit_s: float = 30.0, sample_s: float = 2.0,
               threshold: float = NOISY_SHARE) -> dict[str, float | bool]:
    """Wait (at most limit_s) until others use under `threshold` of the machine for one sample."""
    began = time.monotonic()
    while True:
        window = Window(roots)
        time.sleep(sample_s)
        others = float(window.close()["others_cpu"])
        waited = time.monotonic() - began
        if others < threshold:
            return {"waited_s": round(waited, 1), "quiet": True, "others_cpu": others}
        if waited >= limit_s:
            return {"waited_s": round(waited, 1), "quiet": False, "others_cpu": others}
