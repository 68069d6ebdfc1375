"""coursekit: the library shared by the book, the exercises and the tests.

Importing ``coursekit`` is cheap: it imports neither PyTorch nor TensorFlow.
Only the backend you use pays its import time::

    import coursekit
    device = coursekit.setup(seed=0)          # seeds everything, returns "cpu" or "cuda"

    from coursekit.scratch import perceptron  # NumPy only
    from coursekit.torch import perceptron    # imports torch
    from coursekit.keras import perceptron    # imports keras / TensorFlow
"""

from coursekit.runtime import device, setup

__all__ = ["setup", "device"]
__version__ = "0.1.0"
