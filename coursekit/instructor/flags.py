"""Static flags for review: constructs in a student's answers that solutions never need.

A second signal for the instructor, never a verdict: flags go to ``details.json`` and the
``flags`` column of ``grades.csv`` and do not change the score. The answers are read here, in
the grader's own process, as text (parsed, never run).
"""

from __future__ import annotations

import ast

#: attribute or name -> flag
NAMES = {
    "_getframe": "frames", "f_back": "frames", "f_globals": "frames", "f_locals": "frames", "currentframe": "frames",
    "__code__": "code-objects", "co_filename": "code-objects", "co_code": "code-objects",
    "get_ipython": "get_ipython", "__builtins__": "builtins",
    "get_objects": "gc", "get_referrers": "gc", "settrace": "tracing", "setprofile": "tracing",
    # display messages published by hand (the grader's replies travel as display messages)
    "publish_display_data": "display messages", "display_pub": "display messages",
    "iopub_socket": "display messages", "send_response": "display messages",
}
#: built-in functions, flagged as bare names only (``model.compile(...)`` and ``model.eval()`` are methods)
BUILTINS = {"compile": "compile/exec/eval", "exec": "compile/exec/eval", "eval": "compile/exec/eval",
            "__import__": "compile/exec/eval"}
#: imported coursekit modules always flagged (the grader's own machinery)
GRADER = ("coursekit.instructor",)
#: imported module (first part) -> flag
MODULES = {"gc": "gc", "ctypes": "ctypes", "threading": "threads", "_thread": "threads", "signal": "signals",
           "inspect": "frames", "builtins": "builtins", "multiprocessing": "threads", "subprocess": "processes",
           "socket": "network", "importlib": "sys.modules"}


def flags(sources: list[str], forbidden_imports: list[str] = ()) -> list[str]:
    """The sorted flags raised by the answer cells ``sources`` (see the module docs).

    ``forbidden_imports``: module names (a list: a bare string would be read as its letters)."""
    if isinstance(forbidden_imports, str):
        raise TypeError("forbidden_imports must be a list of module names, not a string")
    found: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse("\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
            if name in NAMES:
                found.add(NAMES[name])
            if isinstance(node, ast.Name) and node.id in BUILTINS:
                found.add(BUILTINS[node.id])
            if isinstance(node, ast.Attribute) and node.attr == "modules" and isinstance(node.value, ast.Name) \
                    and node.value.id == "sys":
                found.add("sys.modules")
            imported = []
            if isinstance(node, ast.Import):
                imported = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for module in imported:
                if module.split(".")[0] in MODULES:
                    found.add(MODULES[module.split(".")[0]])
                if any(module == f or module.startswith(f + ".") for f in (*forbidden_imports, *GRADER)):
                    found.add(f"imports {module}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and any(
                    f in node.value for f in (*forbidden_imports, *GRADER)):
                found.add("names a forbidden module")
    return sorted(found)
