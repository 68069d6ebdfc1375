"""Plausible wrong answers to 00_tools (contract 7: each must lose points; visible=True ones visibly)."""

MISTAKES = [
    dict(cell="to_nchw_batch", name="reshape instead of transpose", visible=True, message="transpose",
         code='''
def to_nchw_batch(images):
    batch = np.stack([np.asarray(image) for image in images]).astype(np.float32) / 255
    if batch.ndim == 3:
        return batch[:, np.newaxis]
    n, h, w, c = batch.shape
    return batch.reshape(n, c, h, w)
'''),
    dict(cell="to_nchw_batch", name="not divided by 255", visible=True, message="255",
         code='''
def to_nchw_batch(images):
    batch = np.stack([np.asarray(image) for image in images]).astype(np.float32)
    if batch.ndim == 3:
        return batch[:, np.newaxis]
    return batch.transpose(0, 3, 1, 2)
'''),
    dict(cell="to_nchw_batch", name="float64 (dtype of the division kept)", visible=True, message="float32",
         code='''
def to_nchw_batch(images):
    batch = np.stack([np.asarray(image) for image in images]) / 255
    if batch.ndim == 3:
        return batch[:, np.newaxis]
    return batch.transpose(0, 3, 1, 2)
'''),
    dict(cell="to_nchw_batch", name="height and width swapped (transpose(0, 3, 2, 1))", visible=False,
         code='''
def to_nchw_batch(images):
    batch = np.stack([np.asarray(image) for image in images]).astype(np.float32) / 255
    if batch.ndim == 3:
        return batch[:, np.newaxis]
    return batch.transpose(0, 3, 2, 1)
'''),
    dict(cell="to_nchw_batch", name="grayscale left without a channel axis", visible=False,
         code='''
def to_nchw_batch(images):
    batch = np.stack([np.asarray(image) for image in images]).astype(np.float32) / 255
    if batch.ndim == 3:
        return batch
    return batch.transpose(0, 3, 1, 2)
'''),
    dict(cell="linear_regression_gradients", name="sum instead of mean", visible=False,
         code='''
def linear_regression_gradients(W, b, X, y):
    W_v, b_v = Value(W), Value(b)
    loss = ((Value(X) @ W_v + b_v - y) ** 2).sum()
    loss.backward()
    return float(loss.data), W_v.grad, b_v.grad
'''),
    dict(cell="linear_regression_gradients", name="mean over the samples only (sum over the outputs)",
         visible=False, code='''
def linear_regression_gradients(W, b, X, y):
    W_v, b_v = Value(W), Value(b)
    loss = ((Value(X) @ W_v + b_v - y) ** 2).sum() * (1 / len(y))
    loss.backward()
    return float(loss.data), W_v.grad, b_v.grad
'''),
    dict(cell="linear_regression_gradients", name="bias left out of the model", visible=False,
         code='''
def linear_regression_gradients(W, b, X, y):
    W_v = Value(W)
    loss = ((Value(X) @ W_v - y) ** 2).mean()
    loss.backward()
    return float(loss.data), W_v.grad, np.zeros_like(b)
'''),
    dict(cell="train_one_epoch", name="no optimizer.zero_grad() (gradients accumulate)", visible=True,
         message="zero_grad", code='''
def train_one_epoch(model, loader, optimizer):
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
    return total / count
'''),
    dict(cell="train_one_epoch", name="no model.train()", visible=True, message="model.train()",
         code='''
def train_one_epoch(model, loader, optimizer):
    total, count = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(y)
        count += len(y)
    return total / count
'''),
    dict(cell="train_one_epoch", name="plain mean of the batch losses", visible=True, message="weight",
         code='''
def train_one_epoch(model, loader, optimizer):
    model.train()
    losses = []
    for x, y in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return float(np.mean(losses))
'''),
    dict(cell="train_one_epoch", name="the last batch's loss returned", visible=False,
         code='''
def train_one_epoch(model, loader, optimizer):
    model.train()
    for x, y in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    return loss.item()
'''),
    dict(cell="train_one_epoch", name="optimizer.step() before loss.backward()", visible=False,
         code='''
def train_one_epoch(model, loader, optimizer):
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        optimizer.step()
        loss.backward()
        total += loss.item() * len(y)
        count += len(y)
    return total / count
'''),
    dict(cell="train_one_epoch", name="a tensor returned (no .item())", visible=True, message="float",
         code='''
def train_one_epoch(model, loader, optimizer):
    model.train()
    total, count = 0.0, 0
    for x, y in loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        total = total + loss.detach() * len(y)
        count += len(y)
    return total / count
'''),
    dict(cell="keras_classifier", name="softmax on the output layer", visible=False,
         code='''
def keras_classifier(n_features, n_classes):
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(n_classes, activation="softmax")])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer=keras.optimizers.Adam(1e-2), metrics=["accuracy"], jit_compile=False)
    return model
'''),
    dict(cell="keras_classifier", name="not compiled", visible=True,
         code='''
def keras_classifier(n_features, n_classes):
    return keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(64, activation="relu"),
                             keras.layers.Dense(n_classes)])
'''),
    dict(cell="keras_classifier", name="hidden layer without ReLU", visible=False,
         code='''
def keras_classifier(n_features, n_classes):
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(64),
                              keras.layers.Dense(n_classes)])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer=keras.optimizers.Adam(1e-2), metrics=["accuracy"], jit_compile=False)
    return model
'''),
    dict(cell="keras_classifier", name="from_logits left at its default (False) on logits", visible=False,
         code='''
def keras_classifier(n_features, n_classes):
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(n_classes)])
    model.compile(loss="sparse_categorical_crossentropy",
                  optimizer=keras.optimizers.Adam(1e-2), metrics=["accuracy"], jit_compile=False)
    return model
'''),
]
