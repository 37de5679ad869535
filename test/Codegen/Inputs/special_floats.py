#!/usr/bin/python3
"""Writes float32 samples [6, 4, 8] for float-ops.test: seeded normal values
(scaled by 3) with a row equal to float_ops.mlir's constant (ties for
equal/maximum/minimum) and a row of NaN, infinities, signed zeros, a
denormal and large magnitudes.

Usage: special_floats.py OUT.npy
"""
import sys

import numpy as np

x = (np.random.default_rng(11).normal(size=(6, 4, 8)) * 3).astype(np.float32)
x[0, 0] = [2.0, 1.0, 0.0, -0.0, 3.0, -3.0, 0.5, 1.0e30]
x[1, 0] = [np.nan, np.inf, -np.inf, -0.0, 0.0, -1.5, 1.0e-45, -88.5]
x[2, 1] = [-1.5, 2.5, -0.0, 100.0, -100.0, 0.25, -0.25, 88.8]
np.save(sys.argv[1], x)
