"""The workers' side of the request channel (ui/channel.py is the page's): each request is
answered by exactly one protocol.reply, its value or its error's catalogue code."""
# __pragma__('skip')
from typing import Any, Callable, List
from backgrone.jsglobals import console
# __pragma__('noskip')

from backgrone.core import errors, protocol
from backgrone.core.errors import AnyError

# __pragma__('skip')
TransferFn = Callable[[Any], List[Any]]  # value -> what postMessage moves instead of copying
# __pragma__('noskip')


class Replier:
    def __init__(self, scope: Any, fallback_code: str, label: str) -> None:
        self.scope = scope
        # The code of an error that carries none (a bug, or a native JS error).
        self.fallback_code = fallback_code
        self.label = label

    async def answer(self, message: protocol.Message, work: Any, transfer: Any = None) -> None:
        """Run `work()` (sync or async) and post its value, or its error, as the reply to
        `message`; `transfer(value)` lists buffers to move rather than copy."""
        request = message["request"]
        try:
            value = await work()
        except AnyError as exc:
            code = errors.code_of(exc, self.fallback_code)
            console.warn("backgrone " + self.label + ":", message["kind"], code, exc)
            self.scope.postMessage(protocol.reply(request, None, code, str(exc)))
            return
        if transfer:
            self.scope.postMessage(protocol.reply(request, value, "", ""), transfer(value))
        else:
            self.scope.postMessage(protocol.reply(request, value, "", ""))
