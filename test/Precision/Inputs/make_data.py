"""Writes sensitivity samples for Inputs/tiny_cnn.mlir: 64 images of 4x4x1
(seeded normal values) and labels 0..2 (seeded), to PREFIX.x.npy and
PREFIX.y.npy."""
import sys

import numpy as np

rng = np.random.RandomState(0)
np.save(sys.argv[1] + ".x.npy", rng.normal(size=(64, 4, 4, 1)).astype(np.float32))
np.save(sys.argv[1] + ".y.npy", rng.randint(0, 3, size=64).astype(np.int64))
