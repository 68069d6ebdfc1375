"""coursekit.scratch.filters against scikit-image on its sample photographs."""

import numpy as np
import pytest
import skimage
from skimage import data, feature, filters

from coursekit.scratch import filters as f
from coursekit.scratch.gradcheck import relative_error

IMAGES = {
    "camera": lambda: skimage.img_as_float(data.camera())[::2, ::2],
    "coins": lambda: skimage.img_as_float(data.coins()),
    "astronaut": lambda: skimage.color.rgb2gray(data.astronaut())[100:356, 100:356],
}


def test_gaussian_kernel():
    k = f.gaussian_kernel(1.0)
    assert k.shape == (9, 9) and np.isclose(k.sum(), 1) and k.argmax() == 40
    np.testing.assert_allclose(k, k.T)
    assert f.gaussian_kernel(2.0, radius=3).shape == (7, 7)


@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.5])
def test_gaussian_blur_matches_skimage(sigma):
    img = IMAGES["camera"]()
    assert relative_error(f.gaussian_blur(img, sigma), filters.gaussian(img, sigma=sigma)) < 1e-12


@pytest.mark.parametrize("name", IMAGES)
def test_sobel_matches_skimage(name):
    img = IMAGES[name]()
    assert relative_error(f.sobel(img), filters.sobel(img)) < 1e-12
    assert relative_error(f.sobel(img, axis=0), filters.sobel_h(img)) < 1e-12
    assert relative_error(f.sobel(img, axis=1), filters.sobel_v(img)) < 1e-12


def test_sobel_kernel_is_the_published_one():
    np.testing.assert_array_equal(f.SOBEL_KERNEL * 4, [[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
    ramp = np.tile(np.arange(6.0), (6, 1))           # brightness grows by 1 per column
    np.testing.assert_allclose(f.sobel(ramp, axis=1)[1:-1, 1:-1], 2.0)  # (1 + 2 + 1) * 2 / 4
    assert np.allclose(f.sobel(ramp, axis=0), 0)


def test_convolution_flips_the_kernel():
    img = np.zeros((5, 5))
    img[2, 2] = 1.0
    kernel = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(f.convolve2d(img, kernel, "constant")[1:4, 1:4], kernel)
    np.testing.assert_array_equal(f.correlate2d(img, kernel, "constant")[1:4, 1:4], kernel[::-1, ::-1])


@pytest.mark.parametrize("sigma", [1.0, 2.0])
@pytest.mark.parametrize("name", IMAGES)
def test_canny_equals_skimage(name, sigma):
    img = IMAGES[name]()
    ours, theirs = f.canny(img, sigma), feature.canny(img, sigma)
    assert theirs.sum() > 500
    np.testing.assert_array_equal(ours, theirs)


def test_canny_thresholds():
    img = IMAGES["coins"]()
    strict = f.canny(img, 1.0, 0.2, 0.4)
    np.testing.assert_array_equal(strict, feature.canny(img, 1.0, 0.2, 0.4))
    assert strict.sum() < f.canny(img).sum()
    assert not f.canny(img)[[0, -1]].any() and not f.canny(img)[:, [0, -1]].any()
