"""PyTorch reference implementations (importing this package imports torch).

If :func:`coursekit.setup` ran before this import, its seed is applied to torch now, and
``COURSEKIT_THREADS`` (if set) limits its threads.
"""

import torch  # noqa: F401  (fail early with a clear ImportError when torch is missing)

from coursekit.runtime import current_seed, limit_threads, seed_torch

limit_threads()

if current_seed() is not None:
    seed_torch(current_seed())
