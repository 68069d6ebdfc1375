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

_UNET = '''
class UNet(nn.Module):
    def __init__(self, in_channels=3, num_classes=2, base=8):
        super().__init__()
        b = base
        self.down1, self.down2 = UNetBlock(in_channels, b), UNetBlock(b, 2 * b)
        self.bottleneck, self.dropout = UNetBlock(2 * b, 4 * b), nn.Dropout(0.25)
        self.up2, self.decode2 = nn.ConvTranspose2d(4 * b, 2 * b, 2, stride=2), {decode2}
        self.up1, self.decode1 = nn.ConvTranspose2d(2 * b, b, 2, stride=2), {decode1}
        self.head = nn.Conv2d(b, num_classes, 1)

    def forward(self, x):
        skip1 = self.down1(x)
        skip2 = self.down2(F.max_pool2d(skip1, 2))
        x = self.dropout(self.bottleneck(F.max_pool2d(skip2, 2)))
        x = self.decode2({skip2})
        x = self.decode1({skip1})
        return self.head(x)
'''

_TRAIN = '''
def train_unet(images, masks):
    torch.manual_seed(0)
    model = {model}
    x, y = torch.as_tensor(images).permute(0, 3, 1, 2), torch.as_tensor(masks)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    for _ in range(5):
        for idx in torch.randperm(len(x)).split(16):
            loss = F.cross_entropy(model(x[idx]), y[idx])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    return {back}
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
    dict(cell="unet", name="no skip connections: an FCN-style decoder", visible=True, message="concatenated",
         code=_UNET.format(decode2="UNetBlock(2 * b, 2 * b)", decode1="UNetBlock(b, b)",
                           skip2="self.up2(x)", skip1="self.up1(x)")),
    dict(cell="unet", name="skip added instead of concatenated", visible=True, message="concatenated",
         code=_UNET.format(decode2="UNetBlock(2 * b, 2 * b)", decode1="UNetBlock(b, b)",
                           skip2="skip2 + self.up2(x)", skip1="skip1 + self.up1(x)")),
    dict(cell="unet", name="skip concatenated along the batch axis", visible=True,
         code=_UNET.format(decode2="UNetBlock(4 * b, 2 * b)", decode1="UNetBlock(2 * b, b)",
                           skip2="torch.cat([skip2, self.up2(x)], dim=0)",
                           skip1="torch.cat([skip1, self.up1(x)], dim=0)")),
    dict(cell="unet", name="the last up-convolution forgotten: output at half size", visible=True,
         message="input's size", code=_UNET.format(
             decode2="UNetBlock(4 * b, 2 * b)", decode1="UNetBlock(2 * b, b)",
             skip2="torch.cat([skip2, self.up2(x)], dim=1)",
             skip1="torch.cat([F.max_pool2d(skip1, 2), self.up1(x)], dim=1)",
         ).replace("nn.ConvTranspose2d(2 * b, b, 2, stride=2)", "nn.Conv2d(2 * b, b, 1)")),
    dict(cell="train_unet", name="the U-Net built but never trained", visible=True, message="0.85", code='''
def train_unet(images, masks):
    torch.manual_seed(0)
    return UNet().eval()
'''),
    dict(cell="train_unet", name="model.eval() forgotten: dropout still on", visible=True, message="eval",
         code=_TRAIN.format(model="UNet()", back="model")),
    dict(cell="train_unet", name="an FCN (same encoder, no decoder, no skips) trained instead",
         code=_TRAIN.format(model="nn.Sequential(UNetBlock(3, 8), nn.MaxPool2d(2), UNetBlock(8, 16), nn.MaxPool2d(2),"
                                  " UNetBlock(16, 32), nn.Conv2d(32, 2, 1),"
                                  " nn.ConvTranspose2d(2, 2, 8, stride=4, padding=2))", back="model.eval()")),
    dict(cell="train_unet", name="one epoch instead of five",
         code=_TRAIN.format(model="UNet()", back="model.eval()").replace("range(5)", "range(1)")),
    dict(cell="keras_segmenter", name="logits with from_logits=False (Keras's default)", visible=True,
         message="0.85", code=_KERAS.format(out="2, 1", logits="", fit="model.fit(images, masks, epochs=3, batch_size=32, verbose=0)")),
    dict(cell="keras_segmenter", name="one sigmoid channel instead of two class scores", visible=True,
         message="output", code=_KERAS.format(out='1, 1, activation="sigmoid"', logits="",
                                              fit="model.fit(images, masks, epochs=3, batch_size=32, verbose=0)")),
    dict(cell="keras_segmenter", name="compiled but never fitted", visible=True, message="0.85",
         code=_KERAS.format(out="2, 1", logits="from_logits=True", fit="pass")),
]
