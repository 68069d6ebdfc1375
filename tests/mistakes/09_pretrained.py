"""Plausible wrong answers to assignment 09_pretrained (see tests/test_mistakes.py)."""

_INIT = '''
class BasicBlock(nn.Module):
    def __init__(self, c_in, c_out, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.shortcut = nn.Identity()
        if stride != 1 or c_in != c_out:
            self.shortcut = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out))
'''

_TRANSFER = '''
def transfer_classifier(X, y):
    net = backbone("course_resnet")
    {mode}
    torch.manual_seed(0)
    net.head = nn.Linear(64, 2)
    optimizer = torch.optim.Adam({params}, lr=1e-2)
    images, labels = torch.tensor(X), torch.tensor(y)
    for _ in range({steps}):
        loss = nn.functional.cross_entropy(net(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return net.eval()
'''

_FINE_TUNE = '''
def keras_fine_tune(images, y):
    keras.utils.set_random_seed(0)
    converted = backbone("course_resnet", framework="keras")
    base = keras.Model(converted.input, converted.get_layer("features").output)
    inputs = keras.Input((28, 28, 1))
    model = keras.Model(inputs, keras.layers.Dense(2)(base(inputs)))
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    base.trainable = False
    model.compile(keras.optimizers.Adam(1e-2), loss, jit_compile=False)
    model.fit(images, y, batch_size=32, epochs=100, verbose=0)
{phase2}
    return model
'''

_UNFREEZE = '''    base.trainable = True
    for layer in base.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False
'''

MISTAKES = [
    dict(cell="basic_block", name="no projection: the shortcut is always the identity", visible=True, code='''
class BasicBlock(nn.Module):
    def __init__(self, c_in, c_out, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(out)) + x)
'''),
    dict(cell="basic_block", name="convolutions with biases (PyTorch's default)", visible=True,
         message="parameters", code='''
class BasicBlock(nn.Module):
    def __init__(self, c_in, c_out, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.shortcut = nn.Identity()
        if stride != 1 or c_in != c_out:
            self.shortcut = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride), nn.BatchNorm2d(c_out))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(out)) + self.shortcut(x))
'''),
    dict(cell="basic_block", name="ReLU before the addition, not after it", code=_INIT + '''
    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(out))) + self.shortcut(x)
'''),
    dict(cell="basic_block", name="the stride on the second convolution", code='''
class BasicBlock(nn.Module):
    def __init__(self, c_in, c_out, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(c_out)
        self.shortcut = nn.Identity()
        if stride != 1 or c_in != c_out:
            self.shortcut = nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False), nn.BatchNorm2d(c_out))

    def forward(self, x):
        out = torch.relu(self.bn1(self.conv1(x)))
        return torch.relu(self.bn2(self.conv2(out)) + self.shortcut(x))
'''),
    dict(cell="transfer_classifier", name="head trained through the network left in train mode (BN statistics move)",
         visible=True, message="running statistics",
         code=_TRANSFER.format(mode="net.train()", params="net.head.parameters()", steps=60)),
    dict(cell="transfer_classifier", name="the whole network trained, not only the head", visible=True,
         message="only the new head", code=_TRANSFER.format(mode="net.eval()", params="net.parameters()", steps=60)),
    dict(cell="keras_fine_tune", name="feature extraction only (the base never unfrozen)", visible=True,
         message="feature extraction", code=_FINE_TUNE.format(phase2="")),
    dict(cell="keras_fine_tune", name="unfrozen but not compiled again before the second fit", visible=True,
         message="compile again", code=_FINE_TUNE.format(phase2=_UNFREEZE + '''    model.fit(images, y, batch_size=32, epochs=20, verbose=0)
''')),
    dict(cell="keras_fine_tune", name="second phase at the first phase's learning rate 1e-2", code=_FINE_TUNE.format(
        phase2=_UNFREEZE + '''    model.compile(keras.optimizers.Adam(1e-2), loss, jit_compile=False)
    model.fit(images, y, batch_size=32, epochs=20, verbose=0)
''')),
    dict(cell="keras_fine_tune", name="batch norms unfrozen with the base", code=_FINE_TUNE.format(
        phase2='''    base.trainable = True
    model.compile(keras.optimizers.Adam(1e-4), loss, jit_compile=False)
    model.fit(images, y, batch_size=32, epochs=20, verbose=0)
''')),
]
