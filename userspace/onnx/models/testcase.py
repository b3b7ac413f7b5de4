# SPDX-License-Identifier: MIT
"""Helpers shared by the model scripts: determinism, and writing a model's
reference inputs and outputs the way the ONNX project lays out its test
cases (model.onnx + test_data_set_0/input_N.pb, output_N.pb), which is what
`taihu infer --test` runs."""
import os
import random

import numpy as np
import onnx
from onnx import numpy_helper
import torch


def deterministic(seed):
    """Same weights, same training, same files on every run."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)


def write_case(case_dir, model_path, inputs, outputs):
    """inputs/outputs: lists of (name, numpy array)."""
    data = os.path.join(case_dir, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    if os.path.abspath(model_path) != os.path.abspath(os.path.join(case_dir, "model.onnx")):
        onnx.save(onnx.load(model_path), os.path.join(case_dir, "model.onnx"))
    for kind, tensors in (("input", inputs), ("output", outputs)):
        for i, (name, arr) in enumerate(tensors):
            t = numpy_helper.from_array(np.ascontiguousarray(arr), name)
            with open(os.path.join(data, "%s_%d.pb" % (kind, i)), "wb") as f:
                f.write(t.SerializeToString())


def op_counts(path):
    m = onnx.load(path)
    counts = {}
    for n in m.graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    return m.opset_import[0].version, counts
