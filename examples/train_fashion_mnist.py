#!/usr/bin/python3
"""Train three small Fashion-MNIST CNNs on CPU and export them to ONNX.

Run with Debian's interpreter (python3-torch 1.13, python3-onnx 1.12):

    /usr/bin/python3 examples/train_fashion_mnist.py

Data: Debian's ``dataset-fashion-mnist`` (/usr/share/datasets/fashion-mnist),
read by ``examples/fmnist.py``.  Pixel normalisation (also stored in
``examples/models/metrics.json``):

    x = ((pixel_uint8 / 255.0) - 0.2860) / 0.3530,   NCHW float32 [N,1,28,28]

Models (NCHW input [N,1,28,28] named "input", 10 logits named "logits",
dynamic batch dimension, ONNX opset 13).  The exported graphs only use
Conv, BatchNormalization, Relu, MaxPool, Add, GlobalAveragePool, Flatten and
Gemm:

  plain_cnn  3x (Conv3x3+BN+ReLU) with 16/32/64 channels and 2 MaxPools,
             Flatten -> Gemm 128 -> ReLU -> Gemm 10.
             Exported with TrainingMode.PRESERVE on an eval()'d model and
             without constant folding so that the BatchNormalization nodes
             stay in the graph (exercises the importer's BN folding).
  res_cnn    stem Conv, 3 identity residual blocks (x + f(x)) and 2
             projection blocks (strided 3x3 + strided 1x1 shortcut) where the
             width changes 16->32->64, GlobalAveragePool, Gemm 10.
             Exported with TrainingMode.EVAL + constant folding (BN folded
             into Conv by the exporter).
  dw_cnn     MobileNet-like: stem Conv, depthwise-separable blocks
             (depthwise 3x3 groups=C + BN + ReLU, pointwise 1x1 + BN + ReLU),
             GlobalAveragePool, Gemm 10.  Exported like res_cnn.

Outputs:
  examples/models/{plain_cnn,res_cnn,dw_cnn}.onnx
  examples/models/metrics.json
  examples/data/test_images_256.npy   float32 [256,1,28,28] first 256 of t10k
  examples/data/test_labels_256.npy   int64 [256]
  examples/data/calib_images_512.npy  float32 [512,1,28,28] from train split
                                      (fixed-seed random choice; indices in
                                      metrics.json)

The exported ONNX files are checked with onnx.checker and additionally run
through a tiny numpy reference interpreter (below) on the 256 test images to
make sure they agree with PyTorch.

Progress is printed to stderr.  Everything is seeded (SEED below) and runs on
2 threads, so reruns give the same weights (up to CPU-kernel nondeterminism).
"""

import argparse
import json
import os
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from onnx import numpy_helper  # noqa: E402

import fmnist  # noqa: E402

SEED = 20240601
NUM_THREADS = 2
BATCH = 128
LR = 1e-3
CALIB_SEED = 1234
N_TEST_SMALL = 256
N_CALIB = 512

MODELS_DIR = os.path.join(HERE, "models")
DATA_OUT_DIR = os.path.join(HERE, "data")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


# --------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------

def conv_bn(cin, cout, k=3, stride=1, groups=1):
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout),
    )


def conv_bn_relu(cin, cout, k=3, stride=1, groups=1):
    return nn.Sequential(conv_bn(cin, cout, k, stride, groups), nn.ReLU(inplace=True))


class PlainCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn_relu(1, 16),            # 28x28
            nn.MaxPool2d(2),                # 14x14
            conv_bn_relu(16, 32),           # 14x14
            nn.MaxPool2d(2),                # 7x7
            conv_bn_relu(32, 64),           # 7x7
        )
        self.fc1 = nn.Linear(64 * 7 * 7, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)             # ONNX Flatten
        x = F.relu(self.fc1(x))             # Gemm + Relu
        return self.fc2(x)                  # Gemm


class IdentityBlock(nn.Module):
    """relu(x + bn(conv(relu(bn(conv(x))))))  -- pure identity shortcut."""

    def __init__(self, c):
        super().__init__()
        self.body = nn.Sequential(conv_bn_relu(c, c), conv_bn(c, c))

    def forward(self, x):
        return F.relu(x + self.body(x))


class ProjectionBlock(nn.Module):
    """Width/resolution change: strided 3x3 body, strided 1x1 conv+BN shortcut."""

    def __init__(self, cin, cout, stride=2):
        super().__init__()
        self.body = nn.Sequential(conv_bn_relu(cin, cout, stride=stride), conv_bn(cout, cout))
        self.shortcut = conv_bn(cin, cout, k=1, stride=stride)

    def forward(self, x):
        return F.relu(self.shortcut(x) + self.body(x))


class ResCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = conv_bn_relu(1, 16)     # 28x28
        self.pool = nn.MaxPool2d(2)         # 14x14
        self.blocks = nn.Sequential(
            IdentityBlock(16),              # 14x14
            ProjectionBlock(16, 32),        # 7x7
            IdentityBlock(32),              # 7x7
            ProjectionBlock(32, 64),        # 4x4
            IdentityBlock(64),              # 4x4
        )
        self.gap = nn.AdaptiveAvgPool2d(1)  # ONNX GlobalAveragePool
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool(self.stem(x))
        x = self.blocks(x)
        x = torch.flatten(self.gap(x), 1)
        return self.fc(x)


def dw_separable(cin, cout, stride=1):
    return nn.Sequential(
        conv_bn_relu(cin, cin, k=3, stride=stride, groups=cin),  # depthwise 3x3
        conv_bn_relu(cin, cout, k=1),                            # pointwise 1x1
    )


class DwCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            conv_bn_relu(1, 16),                # 28x28
            dw_separable(16, 32, stride=2),     # 14x14
            dw_separable(32, 32),               # 14x14
            dw_separable(32, 64, stride=2),     # 7x7
            dw_separable(64, 64),               # 7x7
            dw_separable(64, 128, stride=2),    # 4x4
        )
        self.gap = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(128, 10)

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(self.gap(x), 1)
        return self.fc(x)


# name -> (constructor, keep BatchNormalization nodes in the exported ONNX)
MODEL_SPECS = {
    "plain_cnn": (PlainCNN, True),
    "res_cnn": (ResCNN, False),
    "dw_cnn": (DwCNN, False),
}


# --------------------------------------------------------------------------
# Training / evaluation
# --------------------------------------------------------------------------

@torch.no_grad()
def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    logits_all = []
    for i in range(0, x.shape[0], batch):
        logits = model(x[i:i + batch])
        logits_all.append(logits)
        correct += (logits.argmax(1) == y[i:i + batch]).sum().item()
    return correct / x.shape[0], torch.cat(logits_all)


def train(name, model, x_train, y_train, x_test, y_test, epochs, max_batches=None):
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    steps_per_epoch = (x_train.shape[0] + BATCH - 1) // BATCH
    if max_batches is not None:
        steps_per_epoch = min(steps_per_epoch, max_batches)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=3 * LR, epochs=epochs, steps_per_epoch=steps_per_epoch)
    gen = torch.Generator().manual_seed(SEED + 1)
    n = x_train.shape[0]
    history = []
    for epoch in range(1, epochs + 1):
        model.train()
        t0 = time.time()
        perm = torch.randperm(n, generator=gen)
        tot_loss = 0.0
        tot_correct = 0
        seen = 0
        for step in range(steps_per_epoch):
            idx = perm[step * BATCH:(step + 1) * BATCH]
            xb, yb = x_train[idx], y_train[idx]
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            tot_loss += loss.item() * xb.shape[0]
            tot_correct += (logits.argmax(1) == yb).sum().item()
            seen += xb.shape[0]
        train_time = time.time() - t0
        test_acc, _ = evaluate(model, x_test, y_test)
        rec = {
            "epoch": epoch,
            "train_loss": tot_loss / seen,
            "train_acc": tot_correct / seen,
            "test_acc": test_acc,
            "epoch_seconds": round(time.time() - t0, 2),
        }
        history.append(rec)
        log("[%s] epoch %d/%d  loss %.4f  train_acc %.4f  test_acc %.4f  (%.1fs train, %.1fs total)"
            % (name, epoch, epochs, rec["train_loss"], rec["train_acc"], test_acc,
               train_time, rec["epoch_seconds"]))
    return history


# --------------------------------------------------------------------------
# ONNX export + verification
# --------------------------------------------------------------------------

def export_onnx(model, path, keep_bn):
    model.eval()
    dummy = torch.zeros(1, 1, 28, 28)
    if keep_bn:
        # TrainingMode.EVAL always runs the exporter's eval peephole pass which
        # fuses Conv+BN.  PRESERVE on an eval()'d model exports inference-mode
        # BatchNormalization nodes instead; constant folding off as recommended.
        training = torch.onnx.TrainingMode.PRESERVE
        fold = False
    else:
        training = torch.onnx.TrainingMode.EVAL
        fold = True
    torch.onnx.export(
        model, dummy, path,
        export_params=True,
        opset_version=13,
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
        do_constant_folding=fold,
        training=training,
    )
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    return m


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _pads_hw(pads):
    # ONNX pads: [h_begin, w_begin, h_end, w_end]
    return ((pads[0], pads[2]), (pads[1], pads[3]))


def _im2col_conv(x, w, b, strides, pads, dilations, group):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    (pt, pb), (pl, pr) = _pads_hw(pads)
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))
    sh, sw = strides
    dh, dw = dilations
    oh = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + pl + pr - dw * (kw - 1) - 1) // sw + 1
    # cols: [N, C, kh, kw, oh, ow]
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=np.float32)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = xp[:, :, i * dh:i * dh + sh * oh:sh, j * dw:j * dw + sw * ow:sw]
    mg = m // group
    out = np.empty((n, m, oh, ow), dtype=np.float32)
    for g in range(group):
        cg_cols = cols[:, g * cg:(g + 1) * cg].reshape(n, cg * kh * kw, oh * ow)
        wg = w[g * mg:(g + 1) * mg].reshape(mg, cg * kh * kw)
        out[:, g * mg:(g + 1) * mg] = np.einsum("mk,nkp->nmp", wg, cg_cols).reshape(n, mg, oh, ow)
    if b is not None:
        out += b.reshape(1, -1, 1, 1)
    return out


def _maxpool(x, kernel, strides, pads):
    n, c, h, w = x.shape
    (pt, pb), (pl, pr) = _pads_hw(pads)
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)), constant_values=-np.inf)
    kh, kw = kernel
    sh, sw = strides
    oh = (h + pt + pb - kh) // sh + 1
    ow = (w + pl + pr - kw) // sw + 1
    out = np.full((n, c, oh, ow), -np.inf, dtype=np.float32)
    for i in range(kh):
        for j in range(kw):
            out = np.maximum(out, xp[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw])
    return out


def run_onnx_numpy(model, x):
    """Tiny numpy reference interpreter for the op subset used here."""
    env = {t.name: numpy_helper.to_array(t).astype(np.float32) for t in model.graph.initializer}
    env[model.graph.input[0].name] = x.astype(np.float32)
    for node in model.graph.node:
        a = _attrs(node)
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Conv":
            w = ins[0 + 1]
            k = w.shape[2:]
            out = _im2col_conv(ins[0], w, ins[2] if len(ins) > 2 else None,
                               a.get("strides", [1, 1]), a.get("pads", [0, 0, 0, 0]),
                               a.get("dilations", [1, 1]), a.get("group", 1))
            assert list(a.get("kernel_shape", k)) == list(k)
        elif op == "BatchNormalization":
            xx, sc, bi, mean, var = ins
            eps = a.get("epsilon", 1e-5)
            inv = sc / np.sqrt(var + eps)
            out = xx * inv.reshape(1, -1, 1, 1) + (bi - mean * inv).reshape(1, -1, 1, 1)
        elif op == "Relu":
            out = np.maximum(ins[0], 0)
        elif op == "MaxPool":
            k = a["kernel_shape"]
            out = _maxpool(ins[0], k, a.get("strides", [1, 1]), a.get("pads", [0, 0, 0, 0]))
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "GlobalAveragePool":
            out = ins[0].mean(axis=(2, 3), keepdims=True)
        elif op == "Flatten":
            ax = a.get("axis", 1)
            out = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Gemm":
            A, B = ins[0], ins[1]
            if a.get("transA", 0):
                A = A.T
            if a.get("transB", 0):
                B = B.T
            out = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                out = out + a.get("beta", 1.0) * ins[2]
        else:
            raise NotImplementedError("op %s not supported by the numpy checker" % op)
        env[node.output[0]] = out.astype(np.float32)
    return env[model.graph.output[0].name]


def op_types(model):
    return sorted({n.op_type for n in model.graph.node})


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--models", default=",".join(MODEL_SPECS),
                    help="comma-separated subset of %s" % ",".join(MODEL_SPECS))
    ap.add_argument("--max-batches", type=int, default=None,
                    help="limit batches per epoch (for timing/smoke tests only)")
    ap.add_argument("--out-models", default=MODELS_DIR)
    ap.add_argument("--out-data", default=DATA_OUT_DIR)
    args = ap.parse_args()

    t_start = time.time()
    torch.set_num_threads(NUM_THREADS)
    seed_everything(SEED)
    os.makedirs(args.out_models, exist_ok=True)
    os.makedirs(args.out_data, exist_ok=True)

    log("torch %s, onnx %s, numpy %s, threads %d"
        % (torch.__version__, onnx.__version__, np.__version__, torch.get_num_threads()))
    x_train_np, y_train_np = fmnist.load("train")
    x_test_np, y_test_np = fmnist.load("t10k")
    log("train %s, test %s" % (x_train_np.shape, x_test_np.shape))

    # ---- small data files for tests / calibration
    test_small = x_test_np[:N_TEST_SMALL].copy()
    test_small_labels = y_test_np[:N_TEST_SMALL].copy()
    calib_idx = np.sort(np.random.default_rng(CALIB_SEED).choice(
        x_train_np.shape[0], size=N_CALIB, replace=False))
    calib = x_train_np[calib_idx].copy()
    np.save(os.path.join(args.out_data, "test_images_256.npy"), test_small)
    np.save(os.path.join(args.out_data, "test_labels_256.npy"), test_small_labels)
    np.save(os.path.join(args.out_data, "calib_images_512.npy"), calib)

    x_train = torch.from_numpy(x_train_np)
    y_train = torch.from_numpy(y_train_np)
    x_test = torch.from_numpy(x_test_np)
    y_test = torch.from_numpy(y_test_np)

    metrics_path = os.path.join(args.out_models, "metrics.json")
    metrics = {
        "dataset": "Fashion-MNIST (Debian dataset-fashion-mnist, %s)" % fmnist.DATA_DIR,
        "normalization": fmnist.normalization_info(),
        "input": {"name": "input", "shape": ["N", 1, 28, 28], "dtype": "float32"},
        "output": {"name": "logits", "shape": ["N", 10], "dtype": "float32"},
        "classes": fmnist.CLASSES,
        "seed": SEED,
        "torch_version": torch.__version__,
        "onnx_version": onnx.__version__,
        "opset": 13,
        "threads": NUM_THREADS,
        "batch_size": BATCH,
        "optimizer": "Adam lr=%g, OneCycleLR max_lr=%g" % (LR, 3 * LR),
        "data_files": {
            "test_images_256.npy": "float32 [256,1,28,28], first 256 images of t10k, normalised",
            "test_labels_256.npy": "int64 [256], labels of the above",
            "calib_images_512.npy": "float32 [512,1,28,28], train split, normalised, "
                                    "indices = sorted numpy default_rng(%d).choice(60000, 512, "
                                    "replace=False)" % CALIB_SEED,
        },
        "calib_train_indices": calib_idx.tolist(),
        "models": {},
    }

    names = [s for s in args.models.split(",") if s]
    for name in names:
        ctor, keep_bn = MODEL_SPECS[name]
        seed_everything(SEED)
        model = ctor()
        n_params = sum(p.numel() for p in model.parameters())
        log("=== %s: %d parameters" % (name, n_params))
        t0 = time.time()
        history = train(name, model, x_train, y_train, x_test, y_test,
                        args.epochs, args.max_batches)
        train_seconds = time.time() - t0
        acc_full, _ = evaluate(model, x_test, y_test)
        acc_256, logits_256 = evaluate(model, x_test[:N_TEST_SMALL], y_test[:N_TEST_SMALL])

        path = os.path.join(args.out_models, name + ".onnx")
        onnx_model = export_onnx(model, path, keep_bn)
        ops = op_types(onnx_model)
        ref = run_onnx_numpy(onnx_model, test_small)
        max_diff = float(np.abs(ref - logits_256.numpy()).max())
        onnx_acc_256 = float((ref.argmax(1) == test_small_labels).mean())
        log("[%s] full test acc %.4f, first-256 acc %.4f, onnx(numpy ref) first-256 acc %.4f, "
            "max |logit diff| %.2e, ops %s, %.1fs"
            % (name, acc_full, acc_256, onnx_acc_256, max_diff, ops, train_seconds))
        if max_diff > 1e-3:
            raise RuntimeError("%s: ONNX numpy reference disagrees with PyTorch (%g)"
                               % (name, max_diff))
        metrics["models"][name] = {
            "file": "%s.onnx" % name,
            "parameters": n_params,
            "epochs": args.epochs,
            "max_batches_per_epoch": args.max_batches,
            "test_accuracy_10k": acc_full,
            "test_accuracy_first256": acc_256,
            "onnx_numpy_ref_accuracy_first256": onnx_acc_256,
            "onnx_vs_torch_max_abs_logit_diff_first256": max_diff,
            "batchnorm_in_onnx": keep_bn,
            "onnx_op_types": ops,
            "onnx_node_count": len(onnx_model.graph.node),
            "onnx_bytes": os.path.getsize(path),
            "train_seconds": round(train_seconds, 1),
            "history": history,
        }
        # write after every model so partial results survive an interruption
        metrics["total_seconds"] = round(time.time() - t_start, 1)
        with open(metrics_path, "w") as f:
            json.dump(metrics, f, indent=2)
            f.write("\n")

    metrics["total_seconds"] = round(time.time() - t_start, 1)
    with open(metrics_path, "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    log("done in %.1fs; wrote %s" % (metrics["total_seconds"], metrics_path))


if __name__ == "__main__":
    main()
