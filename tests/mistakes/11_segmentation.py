"""Plausible wrong answers to assignment 11_segmentation (see tests/test_mistakes.py)."""

_COUNTS = '''
def iou_dice(pred, target, num_classes):
    pred, target = np.asarray(pred).reshape(-1), np.asarray(target).reshape(-1)
    ious, dices = [], []
    for c in range(num_classes):
        tp = np.sum((pred == c) & (target == c))
        fp = np.sum((pred == c) & (target != c))
        fn = np.sum((pred != c) & (target == c))
'''

_KERAS = '''
def train_keras_segmenter(images, masks):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((32, 32, 3)),
                              keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
                              keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
                              keras.layers.Conv2D({out})])
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy({logits}), jit_compile=False)
    {fit}
    return model
'''

MISTAKES = [
    dict(cell="iou_dice", name="averaged over the classes in the target only", visible=True,
         message="pred or target", code=_COUNTS + '''
        if np.any(target == c):
            ious.append(tp / (tp + fp + fn))
            dices.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(ious)), float(np.mean(dices))
'''),
    dict(cell="iou_dice", name="a class absent from both counted as IoU 1", visible=True, code=_COUNTS + '''
        ious.append(tp / (tp + fp + fn) if tp + fp + fn else 1.0)
        dices.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0)
    return float(np.mean(ious)), float(np.mean(dices))
'''),
    dict(cell="iou_dice", name="IoU per image, then averaged over the images", code='''
def iou_dice(pred, target, num_classes):
    pred, target = np.asarray(pred), np.asarray(target)
    if pred.ndim < 3:
        pred, target = pred[None], target[None]
    per_image = []
    for p, t in zip(pred.reshape(len(pred), -1), target.reshape(len(target), -1)):
        ious, dices = [], []
        for c in range(num_classes):
            tp, fp, fn = np.sum((p == c) & (t == c)), np.sum((p == c) & (t != c)), np.sum((p != c) & (t == c))
            if tp + fp + fn:
                ious.append(tp / (tp + fp + fn))
                dices.append(2 * tp / (2 * tp + fp + fn))
        per_image.append((np.mean(ious), np.mean(dices)))
    return tuple(float(v) for v in np.mean(per_image, axis=0))
'''),
    dict(cell="iou_dice", name="Dice computed as 2 IoU", visible=True, code=_COUNTS + '''
        if tp + fp + fn:
            ious.append(tp / (tp + fp + fn))
            dices.append(min(1.0, 2 * tp / (tp + fp + fn)))
    return float(np.mean(ious)), float(np.mean(dices))
'''),
    dict(cell="unet_block", name="no padding (valid convolutions)", visible=True, code='''
class UNetBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3)
        self.conv2 = nn.Conv2d(c_out, c_out, 3)

    def forward(self, x):
        return F.relu(self.conv2(F.relu(self.conv1(x))))
'''),
    dict(cell="unet_block", name="no ReLU after the second convolution", code='''
class UNetBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)

    def forward(self, x):
        return self.conv2(F.relu(self.conv1(x)))
'''),
    dict(cell="unet_block", name="convolutions without biases", visible=True, message="biases", code='''
class UNetBlock(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)

    def forward(self, x):
        return F.relu(self.conv2(F.relu(self.conv1(x))))
'''),
    dict(cell="torch_segmenter", name="the network built but never trained", code='''
def train_torch_segmenter(images, masks):
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.Conv2d(16, 2, 1))
'''),
    dict(cell="torch_segmenter", name="a strided convolution: scores at half resolution", visible=True, code='''
def train_torch_segmenter(images, masks):
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv2d(3, 16, 3, stride=2, padding=1), nn.ReLU(), nn.Conv2d(16, 2, 1))
'''),
    dict(cell="keras_segmenter", name="logits with from_logits=False (Keras's default)", visible=True,
         message="0.85", code=_KERAS.format(out="2, 1", logits="", fit="model.fit(images, masks, epochs=3, batch_size=32, verbose=0)")),
    dict(cell="keras_segmenter", name="one sigmoid channel instead of two class scores", visible=True,
         message="output", code=_KERAS.format(out='1, 1, activation="sigmoid"', logits="",
                                              fit="model.fit(images, masks, epochs=3, batch_size=32, verbose=0)")),
    dict(cell="keras_segmenter", name="compiled but never fitted", visible=True, message="0.85",
         code=_KERAS.format(out="2, 1", logits="from_logits=True", fit="pass")),
]
