#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Train a small CNN on the handwritten digits that scikit-learn ships
(8x8 images), the way a user would with PyTorch, and export it to ONNX:
  OUT/digits/model.onnx        fp32 (conv, batch norm, ReLU, max pooling,
                               linear), batch dimension dynamic
  OUT/digits_int8/model.onnx   the same network quantised after training
                               (PyTorch eager post-training static
                               quantisation, QDQ form)
with the held-out test split and PyTorch's own results on it:
  OUT/digits/test_images.npy   [N, 1, 8, 8] float32
  OUT/digits/test_labels.npy   [N] int64
  OUT/digits/torch_logits.npy, OUT/digits_int8/torch_logits.npy
and an ONNX test case (64 test images, PyTorch's logits) in each model's
directory for `taihu infer --test`. Everything is deterministic (fixed
seeds, one thread)."""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.ao.quantization as tq
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from testcase import deterministic, op_counts, write_case

SEED = 20260101


class DigitsCNN(nn.Module):
    def __init__(self, quantisable=False):
        super().__init__()
        self.quant = tq.QuantStub() if quantisable else nn.Identity()
        self.dequant = tq.DeQuantStub() if quantisable else nn.Identity()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(32 * 2 * 2, 64), nn.ReLU(),
            nn.Linear(64, 10))

    def forward(self, x):
        return self.dequant(self.features(self.quant(x)))


def data():
    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None, :, :]
    y = d.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.2, random_state=0, stratify=y)


def train(model, x, y, epochs=40):
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    g = torch.Generator().manual_seed(SEED)
    model.train()
    for _ in range(epochs):
        perm = torch.randperm(len(xt), generator=g)
        for i in range(0, len(xt), 32):
            idx = perm[i:i + 32]
            opt.zero_grad()
            loss_fn(model(xt[idx]), yt[idx]).backward()
            opt.step()
    model.eval()


def export(model, path, example):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    # PRESERVE keeps the BatchNormalization nodes (the runtime folds them)
    torch.onnx.export(model, (example,), path, opset_version=13,
                      training=torch.onnx.TrainingMode.PRESERVE,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    deterministic(SEED)
    t0 = time.time()
    xtr, xte, ytr, yte = data()

    model = DigitsCNN()
    train(model, xtr, ytr)
    with torch.no_grad():
        logits = model(torch.from_numpy(xte)).numpy()
    acc = (logits.argmax(1) == yte).mean()
    out = os.path.join(args.out, "digits")
    path = os.path.join(out, "model.onnx")
    export(model, path, torch.from_numpy(xte[:1]))
    np.save(os.path.join(out, "test_images.npy"), xte)
    np.save(os.path.join(out, "test_labels.npy"), yte)
    np.save(os.path.join(out, "torch_logits.npy"), logits)
    torch.save(model.state_dict(), os.path.join(out, "torch_model.pt"))
    write_case(os.path.join(out, "case"), path, [("input", xte[:64])], [("logits", logits[:64])])
    print("digits fp32: test accuracy %.4f (%d images), opset %d, %s" %
          (acc, len(yte), *op_counts(path)))

    # int8: the trained weights, quantised after training (qnnpack is the
    # engine Debian's PyTorch has); calibration on the training split
    torch.backends.quantized.engine = "qnnpack"
    qmodel = DigitsCNN(quantisable=True)
    qmodel.load_state_dict(model.state_dict(), strict=False)
    qmodel.eval()
    qmodel.qconfig = tq.get_default_qconfig("qnnpack")
    tq.fuse_modules(qmodel.features, [["0", "1", "2"], ["4", "5", "6"]], inplace=True)
    tq.prepare(qmodel, inplace=True)
    with torch.no_grad():
        for i in range(0, len(xtr), 64):
            qmodel(torch.from_numpy(xtr[i:i + 64]))
    tq.convert(qmodel, inplace=True)
    with torch.no_grad():
        qlogits = qmodel(torch.from_numpy(xte)).numpy()
    qacc = (qlogits.argmax(1) == yte).mean()
    qout = os.path.join(args.out, "digits_int8")
    qpath = os.path.join(qout, "model.onnx")
    os.makedirs(qout, exist_ok=True)
    torch.onnx.export(qmodel, (torch.from_numpy(xte[:1]),), qpath, opset_version=13,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    np.save(os.path.join(qout, "torch_logits.npy"), qlogits)
    write_case(os.path.join(qout, "case"), qpath, [("input", xte[:64])],
               [("logits", qlogits[:64])])
    print("digits int8: test accuracy %.4f, agreement with fp32 %d/%d, opset %d, %s" %
          (qacc, (qlogits.argmax(1) == logits.argmax(1)).sum(), len(yte), *op_counts(qpath)))
    print("digits: made in %.1f s" % (time.time() - t0))


if __name__ == "__main__":
    main()
