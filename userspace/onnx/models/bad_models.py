#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Models the runtime must refuse with a clear error (the check-onnx boot's
bad-input checks), made with onnx's helpers:
  OUT/bad/unknown_op.onnx        a node of an operator nobody defines
  OUT/bad/unsupported_attr.onnx  Pad with mode=reflect (the card pads with a constant)
  OUT/bad/opset99.onnx           the default domain at opset 99
  OUT/bad/corrupt.onnx           the digits CNN with 16 bytes after its first field
                                 overwritten (no longer protobuf)"""
import argparse
import os

import onnx
from onnx import TensorProto, helper


def graph(nodes, inits=()):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 4, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    return helper.make_graph(nodes, "bad", [x], [y], initializer=list(inits))


def save(g, opset, path):
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                          producer_name="taihu bad_models.py")
    onnx.save(m, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    out = os.path.join(args.out, "bad")
    os.makedirs(out, exist_ok=True)
    save(graph([helper.make_node("FrobnicateTensor", ["x"], ["y"], name="frob")]), 13,
         os.path.join(out, "unknown_op.onnx"))
    pads = helper.make_tensor("pads", TensorProto.INT64, [8], [0, 0, 1, 1, 0, 0, 1, 1])
    save(graph([helper.make_node("Pad", ["x", "pads"], ["y"], name="pad", mode="reflect")],
               [pads]), 13, os.path.join(out, "unsupported_attr.onnx"))
    save(graph([helper.make_node("Relu", ["x"], ["y"], name="relu")]), 99,
         os.path.join(out, "opset99.onnx"))
    with open(os.path.join(args.out, "digits", "model.onnx"), "rb") as f:
        data = bytearray(f.read())
    data[2:18] = b"\xff" * 16  # a varint longer than ten bytes
    with open(os.path.join(out, "corrupt.onnx"), "wb") as f:
        f.write(bytes(data))
    print("bad: %s" % " ".join(sorted(os.listdir(out))))


if __name__ == "__main__":
    main()
