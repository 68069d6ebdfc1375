"""One module per course checkpoint: ``build(out_dir: Path) -> dict`` (see :mod:`coursekit.weights`)."""
