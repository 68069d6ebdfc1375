"""Plausible wrong answers to 01_perceptron (contract 7: each must lose points; visible=True ones visibly)."""

MISTAKES = [
    dict(cell="perceptron_update", name="error sign flipped (y_hat - y)", visible=True, message="sign",
         code='''
def perceptron_update(w, b, x, y, lr=1.0):
    y_hat = 1 if x @ w + b >= 0 else 0
    return w + lr * (y_hat - y) * x, b + lr * (y_hat - y)
'''),
    dict(cell="perceptron_update", name="step(0) = 0 (z > 0 instead of z >= 0)", visible=True, message="z = 0",
         code='''
def perceptron_update(w, b, x, y, lr=1.0):
    y_hat = 1 if x @ w + b > 0 else 0
    return w + lr * (y - y_hat) * x, b + lr * (y - y_hat)
'''),
    dict(cell="perceptron_update", name="w updated in place (w += ...)", visible=True, message="w passed in",
         code='''
def perceptron_update(w, b, x, y, lr=1.0):
    y_hat = 1 if x @ w + b >= 0 else 0
    w += lr * (y - y_hat) * x
    return w, b + lr * (y - y_hat)
'''),
    dict(cell="perceptron_update", name="bias not updated", visible=True, message="bias",
         code='''
def perceptron_update(w, b, x, y, lr=1.0):
    y_hat = 1 if x @ w + b >= 0 else 0
    return w + lr * (y - y_hat) * x, b
'''),
    dict(cell="perceptron_update", name="learning rate left out of the bias update", visible=False,
         code='''
def perceptron_update(w, b, x, y, lr=1.0):
    y_hat = 1 if x @ w + b >= 0 else 0
    return w + lr * (y - y_hat) * x, b + (y - y_hat)
'''),
    dict(cell="train_perceptron", name="mistakes counted after the update", visible=True, message="before",
         code='''
def train_perceptron(X, y, lr=1.0, epochs=10):
    w, b = np.zeros(X.shape[1]), 0.0
    mistakes = []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            w, b = perceptron_update(w, b, x_i, y_i, lr)
            count += int((1 if x_i @ w + b >= 0 else 0) != y_i)
        mistakes.append(count)
        if count == 0:
            break
    return w, b, mistakes
'''),
    dict(cell="train_perceptron", name="no early stop", visible=True, message="stop",
         code='''
def train_perceptron(X, y, lr=1.0, epochs=10):
    w, b = np.zeros(X.shape[1]), 0.0
    mistakes = []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            count += int((1 if x_i @ w + b >= 0 else 0) != y_i)
            w, b = perceptron_update(w, b, x_i, y_i, lr)
        mistakes.append(count)
    return w, b, mistakes
'''),
    dict(cell="train_perceptron", name="samples shuffled (not in the order given)", visible=False,
         code='''
def train_perceptron(X, y, lr=1.0, epochs=10):
    w, b = np.zeros(X.shape[1]), 0.0
    mistakes = []
    rng = np.random.default_rng(0)
    for _ in range(epochs):
        count = 0
        for i in rng.permutation(len(X)):
            count += int((1 if X[i] @ w + b >= 0 else 0) != y[i])
            w, b = perceptron_update(w, b, X[i], y[i], lr)
        mistakes.append(count)
        if count == 0:
            break
    return w, b, mistakes
'''),
    dict(cell="train_perceptron", name="stops after the first epoch whatever happens (break misplaced)",
         visible=True, code='''
def train_perceptron(X, y, lr=1.0, epochs=10):
    w, b = np.zeros(X.shape[1]), 0.0
    mistakes = []
    for _ in range(epochs):
        count = 0
        for x_i, y_i in zip(X, y):
            count += int((1 if x_i @ w + b >= 0 else 0) != y_i)
            w, b = perceptron_update(w, b, x_i, y_i, lr)
        mistakes.append(count)
        break
    return w, b, mistakes
'''),
    dict(cell="torch_sgd_step", name="no zero_grad (gradients accumulate)", visible=True, message="zero_grad",
         code='''
def torch_sgd_step(model, X, y, lr=0.1):
    loss = logistic_loss(model(X), y)
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter -= lr * parameter.grad
    return loss.item()
'''),
    dict(cell="torch_sgd_step", name="gradient ascent (+ instead of -)", visible=True,
         code='''
def torch_sgd_step(model, X, y, lr=0.1):
    model.zero_grad()
    loss = logistic_loss(model(X), y)
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter += lr * parameter.grad
    return loss.item()
'''),
    dict(cell="torch_sgd_step", name="the loss after the step returned", visible=True, message="before",
         code='''
def torch_sgd_step(model, X, y, lr=0.1):
    model.zero_grad()
    loss = logistic_loss(model(X), y)
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter -= lr * parameter.grad
        return logistic_loss(model(X), y).item()
'''),
    dict(cell="torch_sgd_step", name="the name rebound (parameter = parameter - ...), nothing updated",
         visible=True, message="in place", code='''
def torch_sgd_step(model, X, y, lr=0.1):
    model.zero_grad()
    loss = logistic_loss(model(X), y)
    loss.backward()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter = parameter - lr * parameter.grad
    return loss.item()
'''),
    dict(cell="keras_logistic_unit", name="mean squared error instead of binary cross-entropy", visible=False,
         code='''
def keras_logistic_unit(n_features, lr=0.1):
    model = keras.Sequential([keras.Input(shape=(n_features,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse", metrics=["accuracy"])
    return model
'''),
    dict(cell="keras_logistic_unit", name="softmax on a single unit (always 1)", visible=True,
         code='''
def keras_logistic_unit(n_features, lr=0.1):
    model = keras.Sequential([keras.Input(shape=(n_features,)), keras.layers.Dense(1, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model
'''),
    dict(cell="keras_logistic_unit", name="SGD with momentum", visible=False,
         code='''
def keras_logistic_unit(n_features, lr=0.1):
    model = keras.Sequential([keras.Input(shape=(n_features,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr, momentum=0.9), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model
'''),
    dict(cell="keras_logistic_unit", name="learning rate ignored (SGD's default)", visible=False,
         code='''
def keras_logistic_unit(n_features, lr=0.1):
    model = keras.Sequential([keras.Input(shape=(n_features,)), keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
    return model
'''),
]
