"""The Transcrypt dialect, checked: Python that Transcrypt 3.9.5 compiles without a word into
JavaScript that is broken or means something else. Each rule is explained, with an example, in
frontend_py/TRANSCRYPT.md; code inside `# __pragma__('skip')` blocks is never compiled, so it
is exempt."""
from __future__ import annotations

import ast
import re

SKIP = re.compile(r"#\s*__pragma__\s*\(\s*['\"]skip['\"]\s*\)")
NOSKIP = re.compile(r"#\s*__pragma__\s*\(\s*['\"]noskip['\"]\s*\)")
TYPE_MODULES = ("typing", "__future__")


def skipped_lines(text: str) -> set[int]:
    """Line numbers (1-based) inside skip ... noskip blocks."""
    lines: set[int] = set()
    skipping = False
    for number, line in enumerate(text.splitlines(), start=1):
        if SKIP.search(line):
            skipping = True
        elif NOSKIP.search(line):
            skipping = False
        elif skipping:
            lines.add(number)
    return lines


def is_name(node: ast.expr | None, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def catches_exception(handler: ast.ExceptHandler) -> bool:
    kinds = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(is_name(kind, "Exception") for kind in kinds)


def node_problems(node: ast.AST) -> list[str]:
    """What is wrong with this one node, as rule texts (TRANSCRYPT.md's headings)."""
    found = []
    if isinstance(node, ast.Call) and is_name(node.func, "range") \
            and any(isinstance(arg, ast.BoolOp) for arg in node.args):
        found.append("range() of an `or`/`and` expression loops forever: bind the bound first")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult) \
            and (isinstance(node.left, ast.List) or isinstance(node.right, ast.List)):
        found.append("[x] * n is not a repeated list: build it with a loop or a typed array")
    if isinstance(node, ast.ExceptHandler) and catches_exception(node):
        found.append("`except Exception` lets native JS errors through: catch AnyError")
    if isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        found.append("f-string format specs are dropped: format the number yourself")
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
        if any(name.split(".")[0] in TYPE_MODULES for name in names):
            found.append("typing / __future__ imports break the bundle: put them in a skip block")
    return found


def annotated_assignments(tree: ast.Module) -> list[ast.AnnAssign]:
    """Module- and class-level `name: type = ...`: at module level the name is silently not
    exported, at class level without a value it is invalid JS. Annotate in __init__."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef)):
            found += [stmt for stmt in node.body if isinstance(stmt, ast.AnnAssign)]
    return found


def problems(text: str, filename: str) -> list[str]:
    """'line: rule' for every construct in `text` that Transcrypt would compile wrongly."""
    tree = ast.parse(text, filename)
    skipped = skipped_lines(text)
    found: list[tuple[int, str]] = []
    for stmt in annotated_assignments(tree):
        found.append((stmt.lineno, "annotated assignment outside a function: annotate in __init__"))
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        for rule in node_problems(node):
            found.append((line, rule))
    return [str(line) + ": " + rule for line, rule in sorted(found) if line not in skipped]
