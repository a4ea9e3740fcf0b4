"""A Promise with its resolve and reject kept, for whoever settles it later: the one way this
page holds an answer it owes (a request's reply, a job's result, a download being remade)."""
# __pragma__('skip')
from typing import Any
from backgrone.jsglobals import Promise, __new__
# __pragma__('noskip')


class Deferred:
    def __init__(self) -> None:
        self.resolve: Any = None
        self.reject: Any = None
        # The executor runs at once, inside the constructor: both are set when it returns.
        self.promise: Any = __new__(Promise(self.keep))

    def keep(self, resolve: Any, reject: Any) -> None:
        self.resolve = resolve
        self.reject = reject
