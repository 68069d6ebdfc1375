"""Show library code on a book page, from the library itself.

The book never pastes ``coursekit`` code into a page: a code cell calls :func:`show_source`,
and the cell's *output* is the highlighted source of the function or class. The output is
plain Markdown (a fenced ``python`` block), so the code appears the same way in the HTML book,
in Jupyter, in Colab and in a downloaded ``.ipynb``, and because nbval compares the committed
output with a fresh run, a page whose shown code has drifted from the library fails the tests::

    from coursekit.source import show_source
    from coursekit.scratch.layers import Linear

    show_source(Linear)                    # the whole class
    show_source(Linear.backward)           # one method
"""

from __future__ import annotations

import inspect
import textwrap


class Source:
    """The source of one object; Jupyter shows it as a highlighted Markdown code block."""

    def __init__(self, obj) -> None:
        try:
            code = inspect.getsource(obj)
        except (TypeError, OSError) as error:
            raise TypeError(f"show_source: no Python source for {obj!r} ({error})") from None
        self.name = f"{obj.__module__}.{obj.__qualname__}"
        self.code = textwrap.dedent(code).rstrip() + "\n"

    def _repr_markdown_(self) -> str:
        return f"```python\n{self.code}```\n"

    def __repr__(self) -> str:  # text/plain: what nbval compares
        return self.code


def show_source(obj) -> Source:
    """Return the source of ``obj`` (a function, class or method) for display as a cell's output.

    Raises:
        TypeError: if ``obj`` has no Python source (a built-in, or an instance).
    """
    return Source(obj)
