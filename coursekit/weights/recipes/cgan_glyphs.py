"""Chapter 13's conditional DCGAN generator on 16x16 digit glyphs (``book/13_gans/dcgan.ipynb``).

The recipe of :mod:`coursekit.weights.recipes.dcgan_glyphs` with ``n_classes=10``: the generator
reads ``[z, onehot(digit)]`` and the discriminator the image plus 10 label channels. Only the
generator is stored. Load it with
``G.load_state_dict(torch.load(coursekit.weights.path("cgan_glyphs")))``.
"""

from __future__ import annotations

from pathlib import Path

from coursekit.weights.recipes import dcgan_glyphs


def build(out_dir: Path) -> dict:
    return dcgan_glyphs.build(out_dir, name="cgan_glyphs", n_classes=10)
