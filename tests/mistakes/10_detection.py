"""Plausible wrong answers to assignment 10_detection (see tests/test_mistakes.py)."""

_IOU_PARTS = '''
    a, b = np.asarray(a, dtype=float).reshape(-1, 4), np.asarray(b, dtype=float).reshape(-1, 4)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
'''

MISTAKES = [
    dict(cell="iou", name="0 instead of nan for two zero-area boxes", visible=True, message="nan", code='''
def iou(a, b):''' + _IOU_PARTS + '''
    wh = np.clip(np.minimum(a[:, None, 2:], b[None, :, 2:]) - np.maximum(a[:, None, :2], b[None, :, :2]), 0, None)
    inter = wh[..., 0] * wh[..., 1]
    union = area_a[:, None] + area_b[None, :] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
'''),
    dict(cell="iou", name="intersection not clipped at 0 (two negative sides multiply to a positive area)",
         visible=True, message="clip", code='''
def iou(a, b):''' + _IOU_PARTS + '''
    wh = np.minimum(a[:, None, 2:], b[None, :, 2:]) - np.maximum(a[:, None, :2], b[None, :, :2])
    inter = wh[..., 0] * wh[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return inter / (area_a[:, None] + area_b[None, :] - inter)
'''),
    dict(cell="iou", name="areas with the +1 pixel convention of old VOC code", code='''
def iou(a, b):
    a, b = np.asarray(a, dtype=float).reshape(-1, 4), np.asarray(b, dtype=float).reshape(-1, 4)
    wh = np.clip(np.minimum(a[:, None, 2:], b[None, :, 2:]) - np.maximum(a[:, None, :2], b[None, :, :2]) + 1, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    area_a = (a[:, 2] - a[:, 0] + 1) * (a[:, 3] - a[:, 1] + 1)
    area_b = (b[:, 2] - b[:, 0] + 1) * (b[:, 3] - b[:, 1] + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return inter / (area_a[:, None] + area_b[None, :] - inter)
'''),
    dict(cell="iou", name="union without subtracting the intersection", code='''
def iou(a, b):''' + _IOU_PARTS + '''
    wh = np.clip(np.minimum(a[:, None, 2:], b[None, :, 2:]) - np.maximum(a[:, None, :2], b[None, :, :2]), 0, None)
    inter = wh[..., 0] * wh[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return inter / (area_a[:, None] + area_b[None, :])
'''),
    dict(cell="nms", name="suppresses at IoU >= threshold", visible=True, message="not >=", code='''
def nms(boxes, scores, iou_threshold):
    scores = np.asarray(scores, dtype=float).reshape(-1)
    overlaps = iou(boxes, boxes)
    suppressed = np.zeros(len(scores), dtype=bool)
    keep = []
    for i in np.argsort(-scores, kind="stable"):
        if not suppressed[i]:
            keep.append(i)
            suppressed |= overlaps[i] >= iou_threshold
    return np.array(keep, dtype=np.int64)
'''),
    dict(cell="nms", name="kept indices returned in index order, not by score", visible=True, code='''
def nms(boxes, scores, iou_threshold):
    scores = np.asarray(scores, dtype=float).reshape(-1)
    overlaps = iou(boxes, boxes)
    suppressed = np.zeros(len(scores), dtype=bool)
    keep = []
    for i in np.argsort(-scores, kind="stable"):
        if not suppressed[i]:
            keep.append(i)
            suppressed |= overlaps[i] > iou_threshold
    return np.array(sorted(keep), dtype=np.int64)
'''),
    dict(cell="nms", name="ties taken from the last index first", code='''
def nms(boxes, scores, iou_threshold):
    scores = np.asarray(scores, dtype=float).reshape(-1)
    overlaps = iou(boxes, boxes)
    suppressed = np.zeros(len(scores), dtype=bool)
    keep = []
    for i in np.lexsort((-np.arange(len(scores)), -scores)):  # ties: the last index first
        if not suppressed[i]:
            keep.append(i)
            suppressed |= overlaps[i] > iou_threshold
    return np.array(keep, dtype=np.int64)
'''),
    dict(cell="nms", name="a box suppressed by a higher box that was itself suppressed", code='''
def nms(boxes, scores, iou_threshold):
    scores = np.asarray(scores, dtype=float).reshape(-1)
    order = np.argsort(-scores, kind="stable")
    overlaps = iou(boxes, boxes)
    keep = [i for k, i in enumerate(order) if not np.any(overlaps[i, order[:k]] > iou_threshold)]
    return np.array(keep, dtype=np.int64)
'''),
    dict(cell="average_precision", name="raw precision, no non-increasing envelope", visible=True,
         message="non-increasing", code='''
def average_precision(tp, scores, n_true):
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    tps = np.cumsum(np.asarray(tp, dtype=bool)[order])
    if len(tps) == 0:
        return 0.0
    precision, recall = tps / np.arange(1, len(tps) + 1), tps / n_true
    return float(np.sum(np.diff(np.concatenate([[0.0], recall])) * precision))
'''),
    dict(cell="average_precision", name="recall over the detections' true positives, not n_true", visible=True,
         message="n_true", code='''
def average_precision(tp, scores, n_true):
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    tps = np.cumsum(np.asarray(tp, dtype=bool)[order])
    if len(tps) == 0:
        return 0.0
    precision, recall = tps / np.arange(1, len(tps) + 1), tps / max(tps[-1], 1)
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(np.diff(np.concatenate([[0.0], recall])) * envelope))
'''),
    dict(cell="average_precision", name="detections not sorted by score", visible=True, message="sort", code='''
def average_precision(tp, scores, n_true):
    tps = np.cumsum(np.asarray(tp, dtype=bool))
    if len(tps) == 0:
        return 0.0
    precision, recall = tps / np.arange(1, len(tps) + 1), tps / n_true
    envelope = np.maximum.accumulate(precision[::-1])[::-1]
    return float(np.sum(np.diff(np.concatenate([[0.0], recall])) * envelope))
'''),
    dict(cell="average_precision", name="envelope from the next point only (max of two neighbours)", code='''
def average_precision(tp, scores, n_true):
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    tps = np.cumsum(np.asarray(tp, dtype=bool)[order])
    if len(tps) == 0:
        return 0.0
    precision, recall = tps / np.arange(1, len(tps) + 1), tps / n_true
    envelope = np.maximum(precision, np.append(precision[1:], 0.0))
    return float(np.sum(np.diff(np.concatenate([[0.0], recall])) * envelope))
'''),
    dict(cell="decode", name="labels start at 0 (argmax without + 1)", visible=True, message="argmax + 1", code='''
def decode(grid, size, B, C, threshold):
    S = grid.shape[0]
    boxes, scores, labels = [], [], []
    for r in range(S):
        for c in range(S):
            probs = grid[r, c, 5 * B:]
            for b in range(B):
                x, y, w, h, conf = grid[r, c, 5 * b:5 * b + 5]
                cx, cy = (c + x) * size / S, (r + y) * size / S
                boxes.append([cx - w * size / 2, cy - h * size / 2, cx + w * size / 2, cy + h * size / 2])
                scores.append(conf * probs.max())
                labels.append(int(probs.argmax()))
    boxes, scores, labels = np.array(boxes), np.array(scores), np.array(labels)
    keep = np.flatnonzero(scores >= threshold)
    keep = keep[np.argsort(-scores[keep], kind="stable")]
    return boxes[keep], scores[keep], labels[keep]
'''),
    dict(cell="decode", name="row and column swapped for the centre", visible=True, message="column", code='''
def decode(grid, size, B, C, threshold):
    S = grid.shape[0]
    boxes, scores, labels = [], [], []
    for r in range(S):
        for c in range(S):
            probs = grid[r, c, 5 * B:]
            for b in range(B):
                x, y, w, h, conf = grid[r, c, 5 * b:5 * b + 5]
                cx, cy = (r + x) * size / S, (c + y) * size / S
                boxes.append([cx - w * size / 2, cy - h * size / 2, cx + w * size / 2, cy + h * size / 2])
                scores.append(conf * probs.max())
                labels.append(int(probs.argmax()) + 1)
    boxes, scores, labels = np.array(boxes), np.array(scores), np.array(labels)
    keep = np.flatnonzero(scores >= threshold)
    keep = keep[np.argsort(-scores[keep], kind="stable")]
    return boxes[keep], scores[keep], labels[keep]
'''),
    dict(cell="decode", name="score = conf only (class probability left out)", visible=True, message="conf", code='''
def decode(grid, size, B, C, threshold):
    S = grid.shape[0]
    boxes, scores, labels = [], [], []
    for r in range(S):
        for c in range(S):
            probs = grid[r, c, 5 * B:]
            for b in range(B):
                x, y, w, h, conf = grid[r, c, 5 * b:5 * b + 5]
                cx, cy = (c + x) * size / S, (r + y) * size / S
                boxes.append([cx - w * size / 2, cy - h * size / 2, cx + w * size / 2, cy + h * size / 2])
                scores.append(conf)
                labels.append(int(probs.argmax()) + 1)
    boxes, scores, labels = np.array(boxes), np.array(scores), np.array(labels)
    keep = np.flatnonzero(scores >= threshold)
    keep = keep[np.argsort(-scores[keep], kind="stable")]
    return boxes[keep], scores[keep], labels[keep]
'''),
    dict(cell="decode", name="score > threshold instead of >=", visible=True, message=">= threshold", code='''
def decode(grid, size, B, C, threshold):
    S = grid.shape[0]
    boxes, scores, labels = [], [], []
    for r in range(S):
        for c in range(S):
            probs = grid[r, c, 5 * B:]
            for b in range(B):
                x, y, w, h, conf = grid[r, c, 5 * b:5 * b + 5]
                cx, cy = (c + x) * size / S, (r + y) * size / S
                boxes.append([cx - w * size / 2, cy - h * size / 2, cx + w * size / 2, cy + h * size / 2])
                scores.append(conf * probs.max())
                labels.append(int(probs.argmax()) + 1)
    boxes, scores, labels = np.array(boxes), np.array(scores), np.array(labels)
    keep = np.flatnonzero(scores > threshold)
    keep = keep[np.argsort(-scores[keep], kind="stable")]
    return boxes[keep], scores[keep], labels[keep]
'''),
    dict(cell="decode", name="unstable sort of equal scores", visible=True, message="stable", code='''
def decode(grid, size, B, C, threshold):
    S = grid.shape[0]
    boxes, scores, labels = [], [], []
    for r in range(S):
        for c in range(S):
            probs = grid[r, c, 5 * B:]
            for b in range(B):
                x, y, w, h, conf = grid[r, c, 5 * b:5 * b + 5]
                cx, cy = (c + x) * size / S, (r + y) * size / S
                boxes.append([cx - w * size / 2, cy - h * size / 2, cx + w * size / 2, cy + h * size / 2])
                scores.append(conf * probs.max())
                labels.append(int(probs.argmax()) + 1)
    boxes, scores, labels = np.array(boxes), np.array(scores), np.array(labels)
    keep = np.flatnonzero(scores >= threshold)
    keep = keep[np.lexsort((-keep, -scores[keep]))]
    return boxes[keep], scores[keep], labels[keep]
'''),
]
