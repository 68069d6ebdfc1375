"""Plausible wrong answers to 02_mlp (contract 7: each must lose points; visible=True ones visibly).

Not here: a softmax output layer compiled with ``SparseCategoricalCrossentropy(from_logits=True)``. Keras 3
(TensorFlow backend) sees that its input came from a softmax, warns, and takes the logits instead, so that
model trains exactly as the right one does (measured: identical weights after a step); only its config
would tell, and a test believes no metadata. Its PyTorch twin, ``F.cross_entropy`` after a softmax, is here.
"""

MISTAKES = [
    dict(cell="n_parameters", name="biases forgotten", visible=True, message="biases",
         code='''
def n_parameters(image_shape, hidden, n_classes):
    sizes = [int(np.prod(image_shape))] + list(hidden) + [n_classes]
    return sum(n_in * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
'''),
    dict(cell="n_parameters", name="colour channels not counted (h * w inputs)", visible=True, message="channels",
         code='''
def n_parameters(image_shape, hidden, n_classes):
    sizes = [image_shape[0] * image_shape[1]] + list(hidden) + [n_classes]
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
'''),
    dict(cell="n_parameters", name="one bias per input instead of per output ((n_out + 1) * n_in)", visible=True,
         code='''
def n_parameters(image_shape, hidden, n_classes):
    sizes = [int(np.prod(image_shape))] + list(hidden) + [n_classes]
    return sum(n_in * (n_out + 1) for n_in, n_out in zip(sizes[:-1], sizes[1:]))
'''),
    dict(cell="n_parameters", name="hidden layers only (output layer forgotten)", visible=True,
         code='''
def n_parameters(image_shape, hidden, n_classes):
    sizes = [int(np.prod(image_shape))] + list(hidden)
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
'''),
    dict(cell="n_parameters", name="list + tuple (fails for hidden given as a tuple)", visible=False,
         code='''
def n_parameters(image_shape, hidden, n_classes):
    sizes = [int(np.prod(image_shape))] + hidden + [n_classes]
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))
'''),
    dict(cell="torch_mlp", name="ReLU after the last layer too", visible=True, message="ReLU",
         code='''
def torch_mlp(image_shape, hidden, n_classes):
    sizes = [int(np.prod(image_shape))] + list(hidden) + [n_classes]
    layers = [nn.Flatten()]
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers)
'''),
    dict(cell="torch_mlp", name="no nn.Flatten", visible=True, message="Flatten",
         code='''
def torch_mlp(image_shape, hidden, n_classes):
    sizes = [int(np.prod(image_shape))] + list(hidden) + [n_classes]
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])
'''),
    dict(cell="torch_mlp", name="a softmax on the output (probabilities, not logits)", visible=True,
         message="logits", code='''
def torch_mlp(image_shape, hidden, n_classes):
    sizes = [int(np.prod(image_shape))] + list(hidden) + [n_classes]
    layers = [nn.Flatten()]
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1], nn.Softmax(dim=1))
'''),
    dict(cell="torch_mlp", name="channels left out of the input width", visible=True, message="inputs",
         code='''
def torch_mlp(image_shape, hidden, n_classes):
    sizes = [int(np.prod(image_shape[-2:]))] + list(hidden) + [n_classes]
    layers = [nn.Flatten()]
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.ReLU()]
    return nn.Sequential(*layers[:-1])
'''),
    dict(cell="torch_mlp", name="sigmoid instead of ReLU", visible=False,
         code='''
def torch_mlp(image_shape, hidden, n_classes):
    sizes = [int(np.prod(image_shape))] + list(hidden) + [n_classes]
    layers = [nn.Flatten()]
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(n_in, n_out), nn.Sigmoid()]
    return nn.Sequential(*layers[:-1])
'''),
    dict(cell="mlp_forward", name="ReLU after the last layer too", visible=True, message="no ReLU",
         code='''
def mlp_forward(X, weights, biases):
    h = np.asarray(X, dtype=float)
    for W, b in zip(weights, biases):
        h = np.maximum(h @ W + b, 0)
    return h
'''),
    dict(cell="mlp_forward", name="weights transposed (h @ W.T)", visible=True,
         code='''
def mlp_forward(X, weights, biases):
    h = np.asarray(X, dtype=float)
    for layer, (W, b) in enumerate(zip(weights, biases)):
        h = h @ W.T + b
        if layer < len(weights) - 1:
            h = np.maximum(h, 0)
    return h
'''),
    dict(cell="mlp_forward", name="sigmoid instead of ReLU", visible=True,
         code='''
def mlp_forward(X, weights, biases):
    h = np.asarray(X, dtype=float)
    for layer, (W, b) in enumerate(zip(weights, biases)):
        h = h @ W + b
        if layer < len(weights) - 1:
            h = 1 / (1 + np.exp(-h))
    return h
'''),
    dict(cell="mlp_forward", name="ReLU before adding the bias", visible=False,
         code='''
def mlp_forward(X, weights, biases):
    h = np.asarray(X, dtype=float)
    for layer, (W, b) in enumerate(zip(weights, biases)):
        h = h @ W
        if layer < len(weights) - 1:
            h = np.maximum(h, 0)
        h = h + b
    return h
'''),
    dict(cell="train_xor", name="no zero_grad (gradients accumulate)", visible=False,
         code='''
def train_xor(model, X, y, epochs=300, lr=0.5):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
'''),
    dict(cell="train_xor", name="loss measured after the step", visible=True, message="before",
         code='''
def train_xor(model, X, y, epochs=300, lr=0.5):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        F.cross_entropy(model(X), y).backward()
        optimizer.step()
        with torch.no_grad():
            losses.append(F.cross_entropy(model(X), y).item())
    return losses
'''),
    dict(cell="train_xor", name="mini-batches of 32 instead of the full batch", visible=False,
         code='''
def train_xor(model, X, y, epochs=300, lr=0.5):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        with torch.no_grad():
            losses.append(F.cross_entropy(model(X), y).item())
        for i in range(0, len(X), 32):
            optimizer.zero_grad()
            F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
            optimizer.step()
    return losses
'''),
    dict(cell="train_xor", name="tensors returned (no .item())", visible=True, message="float",
         code='''
def train_xor(model, X, y, epochs=300, lr=0.5):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.detach())
    return losses
'''),
    dict(cell="keras_digits_mlp", name="no softmax (logits) with a loss that expects probabilities", visible=True,
         message="softmax", code='''
def keras_digits_mlp(hidden, lr=0.1):
    layers = [keras.Input(shape=(64,))] + [keras.layers.Dense(h, activation="relu") for h in hidden]
    model = keras.Sequential(layers + [keras.layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
'''),
    dict(cell="keras_digits_mlp", name="Adam instead of SGD", visible=False,
         code='''
def keras_digits_mlp(hidden, lr=0.1):
    layers = [keras.Input(shape=(64,))] + [keras.layers.Dense(h, activation="relu") for h in hidden]
    model = keras.Sequential(layers + [keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model
'''),
    dict(cell="keras_digits_mlp", name="learning rate ignored (SGD's default 0.01)", visible=False,
         code='''
def keras_digits_mlp(hidden, lr=0.1):
    layers = [keras.Input(shape=(64,))] + [keras.layers.Dense(h, activation="relu") for h in hidden]
    model = keras.Sequential(layers + [keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''),
    dict(cell="keras_digits_mlp", name="one-hot loss (categorical_crossentropy) on integer labels", visible=True,
         code='''
def keras_digits_mlp(hidden, lr=0.1):
    layers = [keras.Input(shape=(64,))] + [keras.layers.Dense(h, activation="relu") for h in hidden]
    model = keras.Sequential(layers + [keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model
'''),
    dict(cell="train_xor", name="F.cross_entropy after a softmax (the softmax applied twice)", visible=True,
         message="no softmax before it",
         code='''
def train_xor(model, X, y, epochs=300, lr=0.5):
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        optimizer.zero_grad()
        loss = F.cross_entropy(torch.softmax(model(X), dim=1), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
'''),
    dict(cell="keras_digits_mlp", name="SGD with momentum=0.9 instead of plain SGD", visible=False, code='''
def keras_digits_mlp(hidden, lr=0.1):
    layers = [keras.Input(shape=(64,))] + [keras.layers.Dense(h, activation="relu") for h in hidden]
    model = keras.Sequential(layers + [keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr, momentum=0.9),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''),
]
