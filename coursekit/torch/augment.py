"""Online data augmentation with torchvision, for float images ``(c, h, w)`` in ``[0, 1]``.

:func:`pipeline` and its Keras twin :func:`coursekit.keras.augment.pipeline` take
the same arguments and mean the same change by them, so a page can show one
augmentation in both frameworks. The torchvision conventions:

* ``RandomHorizontalFlip(p=0.5)``: left-right only;
* ``RandomRotation(degrees)``: an angle in ``[-degrees, degrees]``, in **degrees**,
  corners filled with 0;
* ``RandomAffine(0, translate=(s, s))``: a shift drawn from ``[-s, s]`` times the width
  (and height), rounded to whole pixels, corners filled with 0;
* ``ColorJitter(brightness=b, contrast=c, saturation=s)``: each a **multiplicative**
  factor drawn from ``[1 - b, 1 + b]`` (etc.); 1 is the identity, and saturation 0 is grey.
"""

from __future__ import annotations

from torchvision.transforms import v2


def pipeline(flip: bool = True, degrees: float = 0.0, brightness: float = 0.0, contrast: float = 0.0,
             saturation: float = 0.0, shift: float = 0.0) -> v2.Compose:
    """A random transform applied anew to every image each time it is loaded.

    Args:
        flip: mirror left-right with probability 0.5.
        degrees: rotate by an angle drawn uniformly from ``[-degrees, degrees]``.
        brightness, contrast, saturation: jitter factors drawn from ``[1 - v, 1 + v]``
            (grayscale images: saturation must be 0).
        shift: move the image by up to ``shift`` of its width and height (e.g. 0.1).
    """
    steps = []
    if flip:
        steps.append(v2.RandomHorizontalFlip())
    if degrees:
        steps.append(v2.RandomRotation(degrees))
    if shift:
        steps.append(v2.RandomAffine(degrees=0, translate=(shift, shift)))
    if brightness or contrast or saturation:
        steps.append(v2.ColorJitter(brightness=brightness, contrast=contrast, saturation=saturation))
    return v2.Compose(steps)
