"""Keras 3 reference implementations (importing this package imports keras and TensorFlow).

If :func:`coursekit.setup` ran before this import, its seed is applied to Keras now, and
``COURSEKIT_THREADS`` (if set) limits TensorFlow's thread pools.
"""

import coursekit.runtime  # noqa: F401  (sets KERAS_BACKEND and quiet logging before keras loads)
import keras  # noqa: F401

from coursekit.runtime import current_seed, limit_threads, seed_keras

limit_threads()

if current_seed() is not None:
    seed_keras(current_seed())
