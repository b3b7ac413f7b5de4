#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""PyTorch on the host, for `make bench`: the latency of the repository's
models (the weights `make models` saved) with the inputs the card gets:
the digits CNN at batch 1 and 64 and the transformer encoder block. Prints
one JSON object {"name": {"median_ns", "min_ns", "p99_ns", "batch"}}."""
import argparse
import json
import os
import time

import numpy as np
import torch

from digits_cnn import DigitsCNN
from encoder_block import EncoderBlock


def timed(fn, runs):
    with torch.inference_mode():
        for _ in range(10):
            fn()
        t = []
        for _ in range(runs):
            t0 = time.perf_counter_ns()
            fn()
            t.append(time.perf_counter_ns() - t0)
    t.sort()
    return {"median_ns": t[len(t) // 2], "min_ns": t[0], "p99_ns": t[min(len(t) - 1, len(t) * 99 // 100)]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", required=True)
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args()
    res = {"torch": torch.__version__, "threads": torch.get_num_threads()}
    cnn = DigitsCNN().eval()
    cnn.load_state_dict(torch.load(os.path.join(args.models, "digits", "torch_model.pt")))
    images = torch.from_numpy(np.load(os.path.join(args.models, "digits", "test_images.npy")))
    for batch in (1, 64):
        x = images[:batch].contiguous()
        res["digits_b%d" % batch] = dict(timed(lambda: cnn(x), args.runs), batch=batch)
    enc = EncoderBlock().eval()
    enc.load_state_dict(torch.load(os.path.join(args.models, "encoder_block.pt")))
    ids = torch.from_numpy(np.load(os.path.join(args.models, "encoder", "ids.npy")))
    res["encoder"] = dict(timed(lambda: enc(ids), args.runs), batch=int(ids.shape[0]))
    print(json.dumps(res))


if __name__ == "__main__":
    main()
