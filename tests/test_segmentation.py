"""FCN and U-Net in PyTorch and Keras; U-Net's parameter count by formula = the paper's 31,030,658."""

import numpy as np
import pytest
import torch

from coursekit.scratch.segmentation import conv_transpose2d, unet_output_size, unet_parameter_count
from coursekit.torch import segmentation as ts


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def test_formula_gives_the_papers_count():
    assert unet_parameter_count(1, 2, 64, 4) == 31_030_658
    assert unet_output_size(572) == 388


def test_the_papers_unet_in_both_frameworks():
    from coursekit.keras import segmentation as ks

    paper = ts.UNet(1, 2, base=64, depth=4, padding="valid")
    assert n_params(paper) == 31_030_658
    keras_paper = ks.unet((572, 572, 1), 2, base=64, depth=4, padding="valid")  # graph only, no forward
    assert keras_paper.count_params() == 31_030_658
    assert keras_paper.output_shape == (None, 388, 388, 2)
    small = ts.UNet(1, 2, base=2, depth=4, padding="valid")  # the same shapes, cheap to run
    assert small(torch.zeros(1, 1, 572, 572)).shape == (1, 2, 388, 388)


@pytest.mark.parametrize("base,depth", [(4, 2), (8, 3)])
def test_formula_matches_both_frameworks(base, depth):
    from coursekit.keras import segmentation as ks

    expected = unet_parameter_count(3, 4, base, depth)
    assert n_params(ts.UNet(3, 4, base=base, depth=depth)) == expected
    assert ks.unet((32, 32, 3), 4, base=base, depth=depth).count_params() == expected


def test_conv_transpose_matches_torch():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((3, 4, 5)), rng.standard_normal((3, 2, 16, 16))
    expected = torch.nn.functional.conv_transpose2d(torch.tensor(x)[None], torch.tensor(w), stride=8, padding=4)
    out = conv_transpose2d(x, w, stride=8, padding=4)
    assert out.shape == (2, 32, 40)  # 8× the input
    np.testing.assert_allclose(out, expected[0].numpy(), rtol=1e-10, atol=1e-10)


def test_output_shapes_and_a_short_training():
    from coursekit import data
    from coursekit.keras import segmentation as ks

    torch.manual_seed(0)
    for model in (ts.FCN(num_classes=4, width=4), ts.UNet(3, 4, base=4, depth=2, batch_norm=True)):
        assert model(torch.zeros(2, 3, 32, 32)).shape == (2, 4, 32, 32)
    for model in (ks.fcn((32, 32, 3), 4, width=4), ks.unet((32, 32, 3), 4, base=4, depth=2, batch_norm=True)):
        assert model.output_shape == (None, 32, 32, 4)
    s = data.scenes(16, size=32, seed=0)
    model = ts.UNet(3, 4, base=4, depth=2)
    history = ts.train(model, s.images, s.semantic, epochs=3, lr=1e-2, batch_size=8)
    assert history[-1] < history[0]
    assert ts.predict(model, s.images[:3]).shape == (3, 32, 32)
    k = ks.fcn((32, 32, 3), 4, width=4)
    history = ks.train(k, s.images, s.semantic, epochs=2, lr=1e-2, batch_size=8)
    assert len(history) == 2 and ks.predict(k, s.images[:3]).shape == (3, 32, 32)
