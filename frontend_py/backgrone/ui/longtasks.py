"""Long tasks (over 50 ms) on the page's thread, counted while a job runs: the figure that
says whether the interface stayed responsive. window.backgrone.longTasks() reads it."""
# __pragma__('skip')
from typing import Any, List
from backgrone.jsglobals import PerformanceObserver, console, performance, __new__, __pragma__
# __pragma__('noskip')

from backgrone.core.errors import AnyError


class LongTasks:
    def __init__(self) -> None:
        # [start, end] of each period when a job was running; end -1 while it still runs.
        self.busy: List[List[float]] = []
        self.during: List[float] = []
        self.outside: List[float] = []
        self.supported = False
        try:
            observer = __new__(PerformanceObserver(lambda found, _: self.observe(found.getEntries())))
            __pragma__("jsiter")
            options = {"type": "longtask", "buffered": True}
            __pragma__("nojsiter")
            observer.observe(options)
            self.supported = True
        except AnyError as exc:
            console.info("backgrone: long tasks cannot be observed here", exc)

    def set_busy(self, running: bool) -> None:
        now = performance.now()
        open_period = len(self.busy) > 0 and self.busy[len(self.busy) - 1][1] < 0
        if running and not open_period:
            self.busy.append([now, -1.0])
        elif not running and open_period:
            self.busy[len(self.busy) - 1][1] = now

    def while_busy(self, start: float) -> bool:
        for period in self.busy:
            if start >= period[0] and (period[1] < 0 or start <= period[1]):
                return True
        return False

    def observe(self, entries: Any) -> None:
        for i in range(entries.length):
            entry = entries[i]
            if self.while_busy(entry.startTime):
                self.during.append(entry.duration)
            else:
                self.outside.append(entry.duration)

    def busy_ms(self) -> float:
        total = 0.0
        now = performance.now()
        for period in self.busy:
            end = period[1] if period[1] >= 0 else now
            total += end - period[0]
        return total

    def report(self) -> Any:
        longest = 0.0
        total = 0.0
        for duration in self.during:
            total += duration
            if duration > longest:
                longest = duration
        __pragma__("jsiter")
        answer = {
            "supported": self.supported,
            "count": len(self.during),
            "totalMs": total,
            "longestMs": longest,
            "durations": self.during,
            "busyMs": self.busy_ms(),
            "outsideJobs": len(self.outside),
            "outsideDurations": self.outside,
        }
        __pragma__("nojsiter")
        return answer
