"""build/dialect.py: each pattern Transcrypt compiles into wrong JavaScript is refused, and the
same code inside a skip block, or written the safe way, is not."""
from __future__ import annotations

import textwrap

import pytest

from dialect import problems


def found(code: str) -> list[str]:
    return problems(textwrap.dedent(code), "example.py")


@pytest.mark.parametrize("code,rule", [
    ("def f(n, m):\n    for i in range(n or m):\n        pass\n", "range()"),
    ("def f(n):\n    return [0] * n\n", "[x] * n"),
    ("def f(n):\n    return n * [None]\n", "[x] * n"),
    ("try:\n    pass\nexcept Exception:\n    pass\n", "except Exception"),
    ("try:\n    pass\nexcept (ValueError, Exception):\n    pass\n", "except Exception"),
    ("def f(x):\n    return f'{x:.2f}'\n", "format specs"),
    ("from typing import List\n", "typing"),
    ("from __future__ import annotations\n", "typing"),
    ("class A:\n    width: int\n", "annotated assignment"),
    ("LIMIT: int = 3\n", "annotated assignment"),
])
def test_each_wrong_pattern_is_refused_with_its_line(code: str, rule: str) -> None:
    reported = found(code)
    assert len(reported) == 1 and rule in reported[0], reported
    line = int(reported[0].split(":")[0])
    assert 1 <= line <= code.count("\n")


@pytest.mark.parametrize("code", [
    "def f(n, m):\n    bound = n or m\n    for i in range(bound):\n        pass\n",
    "def f(n):\n    return [0 for _ in range(n)]\n",
    "def f(a, b):\n    return a * b\n",
    "try:\n    pass\nexcept AnyError:\n    pass\n",
    "def f(x):\n    return f'{x}!'\n",
    "class A:\n    def __init__(self) -> None:\n        self.width: int = 0\n",
])
def test_the_safe_forms_pass(code: str) -> None:
    assert found(code) == []


def test_skip_blocks_are_exempt() -> None:
    code = """
    # __pragma__('skip')
    from typing import Any, List
    CPYTHON_ONLY: List[Any] = [0] * 4
    # __pragma__('noskip')
    x = [0] * 4
    """
    reported = found(code)
    assert len(reported) == 1 and reported[0].startswith("6: ") and "[x] * n" in reported[0]
