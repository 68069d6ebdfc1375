"""The real MNIST, Fashion-MNIST and CIFAR-10, behind one explicit switch.

Nothing is downloaded unless you pass ``download=True`` (torchvision fetches and
checks the files). Without the files the loaders raise :class:`FileNotFoundError`
that says where the files must be and how to get them. The folder is ``root``, else the
environment variable ``COURSEKIT_DATA``, else ``~/.cache/coursekit/datasets``; its layout
is torchvision's, so a folder torchvision already filled works as it is.

Each loader returns a :class:`~coursekit.data.digits.Split` of float32 images in [0, 1]
and int64 labels: MNIST and Fashion-MNIST ``(n, 28, 28)`` (60,000 train, 10,000 test),
CIFAR-10 ``(n, 32, 32, 3)`` channels-last as the files store it (50,000 / 10,000).
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np

from coursekit.data.digits import Split

DATA_ENV = "COURSEKIT_DATA"
_IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
              "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
_CIFAR_FILES = tuple(f"data_batch_{i}" for i in range(1, 6)) + ("test_batch",)


def data_root(root: str | os.PathLike | None = None) -> Path:
    """The dataset folder: ``root``, else ``$COURSEKIT_DATA``, else ``~/.cache/coursekit/datasets``."""
    if root is not None:
        return Path(root)
    return Path(os.environ.get(DATA_ENV) or Path.home() / ".cache" / "coursekit" / "datasets")


def _missing(name: str, folder: Path, files: tuple[str, ...], size: str) -> FileNotFoundError:
    absent = [f for f in files if not (folder / f).is_file()]
    return FileNotFoundError(
        f"{name} is not on this machine: {folder} lacks {', '.join(absent)}. "
        f"Get it with coursekit.data.{name.lower().replace('-', '_')}(download=True) "
        f"on a machine with internet access (torchvision downloads {size}), "
        f"or copy those files into that folder; set {DATA_ENV} to use another folder."
    )


def _idx(name: str, folder_name: str, download: bool, root) -> Split:
    from torchvision import datasets

    base = data_root(root)
    raw = base / folder_name / "raw"
    if not download and not all((raw / f).is_file() for f in _IDX_FILES):
        raise _missing(name, raw, _IDX_FILES, "about 30 MB" if folder_name == "FashionMNIST" else "about 11 MB")
    cls = getattr(datasets, folder_name)
    arrays = []
    for train in (True, False):
        ds = cls(str(base), train=train, download=download)
        arrays += [ds.data.numpy().astype(np.float32) / 255.0, ds.targets.numpy().astype(np.int64)]
    return Split(*arrays)


def mnist(download: bool = False, root: str | os.PathLike | None = None) -> Split:
    """Handwritten digits (LeCun et al., 1998): 60,000 + 10,000 images ``(28, 28)``, labels 0-9.

    Read by ``torchvision.datasets.MNIST`` from ``<root>/MNIST/raw/`` (the four IDX files).
    """
    return _idx("MNIST", "MNIST", download, root)


def fashion_mnist(download: bool = False, root: str | os.PathLike | None = None) -> Split:
    """Zalando's clothing images (Xiao et al., 2017), MNIST's format and sizes; labels 0-9.

    Read by ``torchvision.datasets.FashionMNIST`` from ``<root>/FashionMNIST/raw/``.
    """
    return _idx("Fashion-MNIST", "FashionMNIST", download, root)


def cifar10(download: bool = False, root: str | os.PathLike | None = None) -> Split:
    """Colour photographs (Krizhevsky, 2009): 50,000 + 10,000 images ``(32, 32, 3)``, 10 classes.

    ``download=True`` uses ``torchvision.datasets.CIFAR10`` (which checks each file's MD5);
    the batches in ``<root>/cifar-10-batches-py/`` are then read here, the way torchvision
    reads them: each is a pickle of ``{"data": uint8 (10000, 3072) rows of R, G, B planes,
    "labels": [int]}``.
    """
    base = data_root(root)
    folder = base / "cifar-10-batches-py"
    if download:
        from torchvision import datasets

        datasets.CIFAR10(str(base), train=True, download=True)
    if not all((folder / f).is_file() for f in _CIFAR_FILES):
        raise _missing("CIFAR10", folder, _CIFAR_FILES, "about 170 MB")
    parts = []
    for files in (_CIFAR_FILES[:-1], _CIFAR_FILES[-1:]):
        batches = []
        for f in files:
            with open(folder / f, "rb") as fh:
                batches.append(pickle.load(fh, encoding="latin1"))
        x = np.concatenate([b["data"] for b in batches]).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        parts += [x.astype(np.float32) / 255.0, np.concatenate([b["labels"] for b in batches]).astype(np.int64)]
    return Split(*parts)
