"""Plausible wrong answers to 05_losses (contract 7: each must lose points; visible=True ones visibly)."""

MISTAKES = [
    dict(cell="binary_cross_entropy", name="sigmoid, then log (log 0 for large logits)", visible=True,
         message="-1000", code='''
def binary_cross_entropy(logits, targets, pos_weight=1.0):
    z, y = np.asarray(logits, dtype=float), np.asarray(targets, dtype=float)
    p = 1 / (1 + np.exp(-z))
    return float(np.mean(-(pos_weight * y * np.log(p) + (1 - y) * np.log(1 - p))))
'''),
    dict(cell="binary_cross_entropy", name="pos_weight on the negative term", visible=True, message="pos_weight",
         code='''
def binary_cross_entropy(logits, targets, pos_weight=1.0):
    z, y = np.asarray(logits, dtype=float), np.asarray(targets, dtype=float)
    log_p = -(np.maximum(-z, 0) + np.log1p(np.exp(-np.abs(z))))
    return float(np.mean(-(y * log_p + pos_weight * (1 - y) * (log_p - z))))
'''),
    dict(cell="binary_cross_entropy", name="pos_weight ignored (the chapter's formula)", visible=True,
         message="pos_weight", code='''
def binary_cross_entropy(logits, targets, pos_weight=1.0):
    z, y = np.asarray(logits, dtype=float), np.asarray(targets, dtype=float)
    return float(np.mean(np.maximum(z, 0) - y * z + np.log1p(np.exp(-np.abs(z)))))
'''),
    dict(cell="binary_cross_entropy", name="softplus(-z) without the max(-z, 0) term", visible=True,
         code='''
def binary_cross_entropy(logits, targets, pos_weight=1.0):
    z, y = np.asarray(logits, dtype=float), np.asarray(targets, dtype=float)
    log_p = -np.log1p(np.exp(-np.abs(z)))
    return float(np.mean(-(pos_weight * y * log_p + (1 - y) * (log_p - z))))
'''),
    dict(cell="binary_cross_entropy", name="sum instead of mean", visible=True, message="mean",
         code='''
def binary_cross_entropy(logits, targets, pos_weight=1.0):
    z, y = np.asarray(logits, dtype=float), np.asarray(targets, dtype=float)
    log_p = -(np.maximum(-z, 0) + np.log1p(np.exp(-np.abs(z))))
    return float(np.sum(-(pos_weight * y * log_p + (1 - y) * (log_p - z))))
'''),
    dict(cell="binary_cross_entropy", name="clipped probabilities (finite but not exact)", visible=True,
         message="-1000", code='''
def binary_cross_entropy(logits, targets, pos_weight=1.0):
    z, y = np.clip(np.asarray(logits, dtype=float), -30, 30), np.asarray(targets, dtype=float)
    p = np.clip(1 / (1 + np.exp(-z)), 1e-7, 1 - 1e-7)
    return float(np.mean(-(pos_weight * y * np.log(p) + (1 - y) * np.log(1 - p))))
'''),
    dict(cell="cross_entropy", name="no log-sum-exp trick (overflow at 1000)", visible=True, message="log-sum-exp",
         code='''
def cross_entropy(logits, labels, label_smoothing=0.0):
    z = np.asarray(logits, dtype=float)
    n, k = z.shape
    log_q = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    t = np.full((n, k), label_smoothing / k)
    t[np.arange(n), labels] += 1 - label_smoothing
    return float(-np.mean((t * log_q).sum(axis=1)))
'''),
    dict(cell="cross_entropy", name="smoothing spread over the k - 1 wrong classes only", visible=True,
         message="label_smoothing", code='''
def cross_entropy(logits, labels, label_smoothing=0.0):
    z = np.asarray(logits, dtype=float)
    n, k = z.shape
    s = z - z.max(axis=1, keepdims=True)
    log_q = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    t = np.full((n, k), label_smoothing / (k - 1))
    t[np.arange(n), labels] = 1 - label_smoothing
    return float(-np.mean((t * log_q).sum(axis=1)))
'''),
    dict(cell="cross_entropy", name="mean over all n * k entries", visible=True, message="mean",
         code='''
def cross_entropy(logits, labels, label_smoothing=0.0):
    z = np.asarray(logits, dtype=float)
    n, k = z.shape
    s = z - z.max(axis=1, keepdims=True)
    log_q = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    t = np.full((n, k), label_smoothing / k)
    t[np.arange(n), labels] += 1 - label_smoothing
    return float(-np.mean(t * log_q))
'''),
    dict(cell="cross_entropy", name="max subtracted from the whole batch, not per row", visible=False,
         code='''
def cross_entropy(logits, labels, label_smoothing=0.0):
    z = np.asarray(logits, dtype=float)
    n, k = z.shape
    s = z - z.max()
    log_q = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    t = np.full((n, k), label_smoothing / k)
    t[np.arange(n), labels] += 1 - label_smoothing
    return float(-np.mean((t * log_q).sum(axis=1)))
'''),
    dict(cell="cross_entropy", name="label smoothing ignored", visible=True, message="label_smoothing",
         code='''
def cross_entropy(logits, labels, label_smoothing=0.0):
    z = np.asarray(logits, dtype=float)
    s = z - z.max(axis=1, keepdims=True)
    log_q = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    return float(-np.mean(log_q[np.arange(len(z)), labels]))
'''),
    dict(cell="focal_loss", name="alpha for every element (not alpha_t)", visible=True, message="alpha",
         code='''
def focal_loss(logits, targets, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(logits)
    bce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = (1 - p_t) ** gamma * bce
    if alpha >= 0:
        loss = alpha * loss
    return loss.mean()
'''),
    dict(cell="focal_loss", name="alpha applied even when alpha < 0", visible=True, message="alpha < 0",
         code='''
def focal_loss(logits, targets, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(logits)
    bce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = (alpha * targets + (1 - alpha) * (1 - targets)) * (1 - p_t) ** gamma * bce
    return loss.mean()
'''),
    dict(cell="focal_loss", name="(p_t) ** gamma instead of (1 - p_t) ** gamma", visible=True, message="p_t",
         code='''
def focal_loss(logits, targets, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(logits)
    bce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = p_t ** gamma * bce
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss.mean()
'''),
    dict(cell="focal_loss", name="BCE from log(sigmoid) (nan/inf at 1000)", visible=False,
         code='''
def focal_loss(logits, targets, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(logits)
    bce = -(targets * torch.log(p) + (1 - targets) * torch.log(1 - p))
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = (1 - p_t) ** gamma * bce
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss.mean()
'''),
    dict(cell="focal_loss", name="sum instead of mean", visible=True, message="mean",
         code='''
def focal_loss(logits, targets, alpha=0.25, gamma=2.0):
    p = torch.sigmoid(logits)
    bce = F.binary_cross_entropy_with_logits(logits, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = (1 - p_t) ** gamma * bce
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    return loss.sum()
'''),
    dict(cell="keras_focal_sum", name="Keras's sum taken as torchvision's sum (no * k)", visible=True,
         message="last axis", code='''
def keras_focal_sum(y_true, logits, alpha=0.25, gamma=2.0):
    loss = keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=alpha, gamma=gamma,
                                                from_logits=True, reduction="sum")
    return float(loss(y_true, logits))
'''),
    dict(cell="keras_focal_sum", name="apply_class_balancing left False (alpha ignored)", visible=True,
         message="alpha", code='''
def keras_focal_sum(y_true, logits, alpha=0.25, gamma=2.0):
    loss = keras.losses.BinaryFocalCrossentropy(alpha=alpha, gamma=gamma, from_logits=True, reduction="sum")
    return float(loss(y_true, logits)) * np.shape(logits)[-1]
'''),
    dict(cell="keras_focal_sum", name="from_logits left False", visible=True, message="logits",
         code='''
def keras_focal_sum(y_true, logits, alpha=0.25, gamma=2.0):
    loss = keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=alpha, gamma=gamma,
                                                reduction="sum")
    return float(loss(y_true, logits)) * np.shape(logits)[-1]
'''),
    dict(cell="keras_focal_sum", name="arguments in torchvision's order (logits, y_true)", visible=True,
         code='''
def keras_focal_sum(y_true, logits, alpha=0.25, gamma=2.0):
    loss = keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=alpha, gamma=gamma,
                                                from_logits=True, reduction="sum")
    return float(loss(logits, y_true)) * np.shape(logits)[-1]
'''),
]
