"""Minimal Fashion-MNIST reader shared by the example scripts.

Reads the IDX (gzip) files shipped by Debian's ``dataset-fashion-mnist``
package without torchvision.

Normalisation used everywhere in the examples (and stored in
``examples/models/metrics.json``):

    x = uint8_pixel.astype(float32) / 255.0
    x = (x - MEAN) / STD          with MEAN = 0.2860, STD = 0.3530

Images are returned as float32 NCHW arrays of shape [N, 1, 28, 28] and labels
as int64 arrays of shape [N].
"""

import gzip
import os
import struct

import numpy as np

DATA_DIR = "/usr/share/datasets/fashion-mnist"

# Fashion-MNIST training-set pixel mean / std (after scaling to [0, 1]).
MEAN = 0.2860
STD = 0.3530

CLASSES = [
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
]


def _read_idx(path):
    """Parse a (gzipped) IDX file into a numpy array of its native dtype."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError("%s: unsupported IDX header (dtype 0x%02x)" % (path, dtype_code))
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if arr.size != int(np.prod(dims)):
        raise ValueError("%s: size mismatch %d vs %r" % (path, arr.size, dims))
    return arr.reshape(dims)


def load_raw(split, data_dir=DATA_DIR):
    """Return (uint8 images [N,28,28], uint8 labels [N]) for 'train' or 't10k'."""
    if split not in ("train", "t10k"):
        raise ValueError("split must be 'train' or 't10k'")
    images = _read_idx(os.path.join(data_dir, "%s-images-idx3-ubyte.gz" % split))
    labels = _read_idx(os.path.join(data_dir, "%s-labels-idx1-ubyte.gz" % split))
    if images.shape[0] != labels.shape[0]:
        raise ValueError("image/label count mismatch for split %s" % split)
    return images, labels


def normalize(images_u8):
    """uint8 [N,28,28] -> float32 [N,1,28,28], (x/255 - MEAN) / STD."""
    x = images_u8.astype(np.float32) / np.float32(255.0)
    x = (x - np.float32(MEAN)) / np.float32(STD)
    return np.ascontiguousarray(x[:, None, :, :], dtype=np.float32)


def load(split, data_dir=DATA_DIR):
    """Return (float32 normalised images [N,1,28,28], int64 labels [N])."""
    images, labels = load_raw(split, data_dir)
    return normalize(images), labels.astype(np.int64)


def normalization_info():
    return {
        "scale": "x / 255.0",
        "mean": MEAN,
        "std": STD,
        "formula": "((pixel_uint8 / 255.0) - 0.2860) / 0.3530",
        "layout": "NCHW [N,1,28,28] float32",
    }
