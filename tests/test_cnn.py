"""LeNet-5 in PyTorch and Keras: published parameter counts, shapes, and the same function with copied weights."""

import numpy as np
import pytest

EXPECTED = [156, 2416, 48120, 10164, 850]   # LeCun et al. 1998, with 10 outputs


def test_torch_lenet5_counts_and_shape():
    import torch
    from coursekit.torch import cnn

    model = cnn.lenet5()
    assert cnn.count_parameters(model) == 61_706
    per_layer = [sum(p.numel() for p in m.parameters()) for m in model if list(m.parameters())]
    assert per_layer == EXPECTED
    assert model(torch.zeros(3, 1, 28, 28)).shape == (3, 10)
    assert cnn.count_parameters(cnn.lenet5(num_classes=26)) == 61_706 + 16 * 85


def test_keras_lenet5_counts_and_shape():
    from coursekit.keras import cnn

    model = cnn.lenet5()
    assert model.count_params() == 61_706
    assert [layer.count_params() for layer in model.layers if layer.weights] == EXPECTED
    assert model(np.zeros((3, 28, 28, 1), np.float32)).shape == (3, 10)
    assert model.layers[0].kernel.shape == (5, 5, 1, 6)


@pytest.mark.parametrize("activation,pool", [("relu", "max"), ("tanh", "avg")])
def test_twins_compute_the_same_function(activation, pool):
    """Copy PyTorch's weights into Keras (kernels OIHW -> HWIO, dense (out, in) -> (in, out))."""
    import torch
    from coursekit.keras import cnn as kcnn
    from coursekit.torch import cnn as tcnn

    torch.manual_seed(0)
    t_model, k_model = tcnn.lenet5(activation=activation, pool=pool), kcnn.lenet5(activation=activation, pool=pool)
    t_layers = [m for m in t_model if list(m.parameters())]
    k_layers = [layer for layer in k_model.layers if layer.weights]
    for t, k in zip(t_layers, k_layers):
        W = t.weight.detach().numpy()
        W = W.transpose(2, 3, 1, 0) if W.ndim == 4 else W.T
        if len(W) == 400:  # torch flattens (c, h, w), Keras (h, w, c): permute the rows to match
            W = W.reshape(16, 5, 5, 120).transpose(1, 2, 0, 3).reshape(400, 120)
        k.set_weights([W, t.bias.detach().numpy()])
    x = np.random.default_rng(0).random((4, 1, 28, 28), dtype=np.float32)
    out_t = t_model(torch.from_numpy(x)).detach().numpy()
    out_k = np.asarray(k_model(x.transpose(0, 2, 3, 1)))
    np.testing.assert_allclose(out_k, out_t, rtol=1e-4, atol=1e-5)
