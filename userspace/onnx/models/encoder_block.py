#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A small transformer encoder block with fixed random weights, exported
from PyTorch to ONNX: token embedding, multi-head self-attention, layer
norm, GELU MLP (nn.TransformerEncoderLayer, batch first).
  OUT/encoder/model.onnx     opset 13: LayerNorm decomposed into
                             ReduceMean/Sub/Pow/Sqrt/Div, GELU as Erf
  OUT/encoder17/model.onnx   opset 17: LayerNormalization nodes
both with batch and sequence length dynamic, an ONNX test case (token ids,
PyTorch's output) in each directory and the inputs and outputs as .npy."""
import argparse
import os

import numpy as np
import torch
import torch.nn as nn

from testcase import deterministic, op_counts, write_case

SEED = 20260102
VOCAB, DIM, HEADS, FF = 100, 64, 4, 128


class EncoderBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(VOCAB, DIM)
        self.layer = nn.TransformerEncoderLayer(DIM, HEADS, FF, dropout=0.0,
                                                activation="gelu", batch_first=True)

    def forward(self, ids):
        return self.layer(self.embed(ids))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    deterministic(SEED)
    model = EncoderBlock().eval()
    ids = torch.randint(0, VOCAB, (2, 16), generator=torch.Generator().manual_seed(SEED))
    with torch.no_grad():
        ref = model(ids).numpy()
    torch.save(model.state_dict(), os.path.join(args.out, "encoder_block.pt"))
    for name, opset in (("encoder", 13), ("encoder17", 17)):
        out = os.path.join(args.out, name)
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, "model.onnx")
        torch.onnx.export(model, (ids,), path, opset_version=opset,
                          input_names=["ids"], output_names=["out"],
                          dynamic_axes={"ids": {0: "batch", 1: "seq"},
                                        "out": {0: "batch", 1: "seq"}})
        np.save(os.path.join(out, "ids.npy"), ids.numpy())
        np.save(os.path.join(out, "torch_out.npy"), ref)
        write_case(os.path.join(out, "case"), path, [("ids", ids.numpy())], [("out", ref)])
        print("%s: opset %d, %s" % (name, *op_counts(path)))


if __name__ == "__main__":
    main()
