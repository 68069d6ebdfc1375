"""From-scratch implementations in NumPy: the mechanism, with nothing hidden.

Each module has a twin of the same name in :mod:`coursekit.torch` and
:mod:`coursekit.keras`; the parity tests line the three up.
"""
