"""The safe format in which values cross between the student's kernel and the trusted test process.

Both sides import this module. What the *student* side sends is JSON whose only non-JSON
leaves are NumPy arrays written by ``np.save(..., allow_pickle=False)`` and base64-encoded;
it is read back here by :func:`load_array` (``allow_pickle=False``), never by ``pickle``.
Tagged objects (one key starting with ``$``):

``{"$f": "nan"}`` a non-finite float, ``{"$l": [...]}`` a list, ``{"$t": [...]}`` a tuple,
``{"$d": [[k, v], ...]}`` a dict, ``{"$a": b64}`` an array, ``{"$s": b64}`` a NumPy scalar,
``{"$torch": b64, ...}`` a tensor, ``{"$module": {...}}`` a standard ``torch.nn`` module,
``{"$torchopt": {...}}`` / ``{"$kopt": {...}}`` a standard optimizer, ``{"$h": id, ...}`` a handle
to an object that stays in the student's kernel.

The trusted side sends its arguments as a pickle (it is trusted data, unpickled only by the
student's kernel).
"""

from __future__ import annotations

import base64
import io

import numpy as np

MIME = "application/vnd.coursekit.reply"   #: the display_data key of the agent's reply
MAX_REPLY_BYTES = 64 * 2**20                #: a larger reply is refused before it is parsed
ARRAY_KINDS = "biufc"                       #: bool, integers, floats, complex


def dump_array(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def load_array(text: str) -> np.ndarray:
    array = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    if type(array) is not np.ndarray or array.dtype.kind not in ARRAY_KINDS:
        raise ValueError(f"not an array of numbers ({array.dtype})")
    return array
