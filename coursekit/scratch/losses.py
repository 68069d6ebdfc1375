"""Loss functions in NumPy, equal to their PyTorch and Keras twins.

Every loss computes one value per element (or per sample) and then reduces:
``reduction="mean"`` (the default) averages them, ``"sum"`` adds them up and
``"none"`` returns them unreduced. Inputs are converted to float64.

The classification losses take *logits* (raw scores ``z``), not
probabilities: ``log sigmoid`` and ``log softmax`` are then computed without
overflow, and ``log 0`` never happens, even for ``|z| = 1000``.

How the reductions line up with the frameworks:

* PyTorch (``torch.nn.functional``, ``torchvision.ops.sigmoid_focal_loss``)
  reduces over *all elements*, exactly as here, in all three modes.
* Keras first averages the last axis of element-wise losses (MSE, binary
  cross-entropy, focal loss: one value per sample), then reduces over the
  samples (default ``"sum_over_batch_size"``: the mean). So for ``(n, d)``
  inputs Keras's mean equals ours, Keras's ``"sum"`` is our sum divided by
  ``d``, and Keras's ``reduction=None`` is our ``"none"`` averaged over the
  last axis. Cross-entropy and KL divergence are per sample in both.
"""

from __future__ import annotations

import numpy as np

from coursekit.scratch.activations import log_softmax, sigmoid


def _reduce(loss: np.ndarray, reduction: str) -> float | np.ndarray:
    """Average (``"mean"``), add up (``"sum"``) or keep (``"none"``) the losses."""
    if reduction == "mean":
        return float(np.mean(loss))
    if reduction == "sum":
        return float(np.sum(loss))
    if reduction == "none":
        return loss
    raise ValueError(f"reduction must be 'mean', 'sum' or 'none', not {reduction!r}")


def mse(pred: np.ndarray, target: np.ndarray,
        reduction: str = "mean") -> float | np.ndarray:
    """Mean squared error, element-wise ``(pred - target)^2``.

    Args:
        pred, target: arrays of the same shape.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (same shape as ``pred``).
    """
    diff = np.asarray(pred, dtype=float) - np.asarray(target, dtype=float)
    return _reduce(diff**2, reduction)


def binary_cross_entropy(logits: np.ndarray, target: np.ndarray,
                         reduction: str = "mean") -> float | np.ndarray:
    """Binary cross-entropy of ``p = sigmoid(z)`` against targets ``y`` in [0, 1].

    Element-wise ``-[y log p + (1 - y) log(1 - p)]``, rewritten in terms of the
    logit ``z`` so that nothing overflows::

        max(z, 0) - y z + log(1 + e^-|z|)

    Args:
        logits: ``z``, any shape.
        target: ``y``, same shape (0/1 labels or soft targets).
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (same shape as ``z``).
    """
    z = np.asarray(logits, dtype=float)
    y = np.asarray(target, dtype=float)
    return _reduce(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z))), reduction)


def cross_entropy(logits: np.ndarray, labels: np.ndarray,
                  reduction: str = "mean") -> float | np.ndarray:
    """Categorical cross-entropy of ``softmax(z)`` against integer class labels.

    For sample ``i`` with true class ``c``:
    ``-log softmax(z_i)_c = logsumexp(z_i) - z_ic``, with the row maximum subtracted
    first (the log-sum-exp trick, in :func:`~coursekit.scratch.activations.log_softmax`)
    so that ``exp`` cannot overflow.

    Args:
        logits: ``z``, ``(n, k)`` for ``k`` classes.
        labels: ``(n,)`` integers in ``[0, k)``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (``(n,)``).
    """
    log_probs = log_softmax(np.asarray(logits, dtype=float), axis=1)
    return _reduce(-log_probs[np.arange(len(log_probs)), np.asarray(labels)], reduction)


def focal_loss(logits: np.ndarray, target: np.ndarray, alpha: float = 0.25,
               gamma: float = 2.0, reduction: str = "mean") -> float | np.ndarray:
    """Focal loss (Lin et al., 2017, RetinaNet), as in ``torchvision.ops``.

    Binary cross-entropy scaled down for easy, well-classified elements::

        p_t     = p y + (1 - p)(1 - y)          probability of the true class
        alpha_t = alpha y + (1 - alpha)(1 - y)  class weight (skipped when alpha < 0)
                                                (p = sigmoid(z))
        FL      = alpha_t (1 - p_t)^gamma BCE(z, y)

    ``gamma = 0`` and ``alpha < 0`` give back plain binary cross-entropy.
    Keras's ``BinaryFocalCrossentropy(apply_class_balancing=True, alpha, gamma,
    from_logits=True)`` is the same element-wise; with ``apply_class_balancing=False``
    (its default) it ignores ``alpha``, like ``alpha < 0`` here.

    Args:
        logits: ``z``, any shape.
        target: ``y``, same shape, in [0, 1].
        alpha: weight of the positive class; ``1 - alpha`` weighs the negatives.
        gamma: focusing exponent.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (same shape as ``z``).
    """
    y = np.asarray(target, dtype=float)
    p = sigmoid(np.asarray(logits, dtype=float))
    p_t = p * y + (1 - p) * (1 - y)
    loss = (1 - p_t) ** gamma * binary_cross_entropy(logits, y, reduction="none")
    if alpha >= 0:
        loss = (alpha * y + (1 - alpha) * (1 - y)) * loss
    return _reduce(loss, reduction)


def kl_divergence(p: np.ndarray, q: np.ndarray,
                  reduction: str = "mean") -> float | np.ndarray:
    """Kullback-Leibler divergence ``KL(p || q) = sum_k p_k log(p_k / q_k)``, last axis.

    ``p`` is the target distribution, ``q`` the prediction; terms with ``p_k = 0``
    count as 0. One value per distribution, then reduced: ``"mean"`` averages over
    the distributions, not over their entries. In the frameworks (``p``, ``q`` of
    shape ``(n, k)``):

    * ``"mean"``: ``F.kl_div(q.log(), p, reduction="batchmean")`` (torch's ``"mean"``
      also divides by ``k``), and ``keras.losses.KLDivergence()(p, q)``;
    * ``"sum"``: ``F.kl_div(q.log(), p, reduction="sum")``;
    * ``"none"``: ``F.kl_div(q.log(), p, reduction="none").sum(-1)``, and Keras with
      ``reduction=None``.

    Note the argument order: torch takes the *log* of the prediction first. Keras clips
    ``p`` and ``q`` to ``[1e-7, 1]`` first, so it differs slightly where an entry is
    below 1e-7.

    Args:
        p, q: ``(..., k)``, each row summing to 1; ``q > 0`` wherever ``p > 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (shape ``(...)``).
    """
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    log_p = np.log(np.where(p > 0, p, 1.0))  # 0 log 0 = 0
    return _reduce(np.sum(p * (log_p - np.log(q)), axis=-1), reduction)


def logit_gradients(logits: np.ndarray, target: np.ndarray) -> dict[str, np.ndarray]:
    """Gradients w.r.t. the logit of MSE and of cross-entropy, for ``p = sigmoid(z)``.

    Element-wise (``"none"`` reduction), for a target ``y``::

        d/dz (p - y)^2  = 2 (p - y) p (1 - p)  vanishes when p saturates, right or wrong
        d/dz BCE(z, y)  = p - y                stays near -1 or +1 when confidently wrong

    This is why cross-entropy, not MSE, trains a classifier out of a confident mistake.

    Returns:
        ``{"mse": ..., "bce": ...}``, each the shape of ``logits``.
    """
    y = np.asarray(target, dtype=float)
    p = sigmoid(np.asarray(logits, dtype=float))
    return {"mse": 2 * (p - y) * p * (1 - p), "bce": p - y}
