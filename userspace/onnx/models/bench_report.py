#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`make bench`: the card's figures (the '# onnx-bench NAME JSON' lines the
guest printed from `taihu infer --repeat --json`) next to PyTorch's on the
host, measured in the same run (bench_torch.py's JSON)."""
import json
import sys


def fmt(ns):
    return "%.1f us" % (ns / 1e3) if ns < 1e7 else "%.2f ms" % (ns / 1e6)


def main():
    results, torch_json = sys.argv[1], sys.argv[2]
    with open(torch_json) as f:
        ref = json.load(f)
    card = {}
    with open(results, errors="replace") as f:
        for line in f:
            line = line.strip().replace("\r", "")
            if line.startswith("# onnx-bench "):
                _, _, name, js = line.split(" ", 3)
                card[name] = json.loads(js)
    print("# ONNX models: the card (guest, taihu infer --repeat) vs PyTorch %s on the host "
          "(%d threads), same run" % (ref.get("torch", "?"), ref.get("threads", 0)))
    print("# %-12s %6s %12s %12s %12s %12s %9s %9s %9s" %
          ("model", "batch", "card job", "card kernels", "guest wall", "pytorch", "card/pt",
           "wall/pt", "overhead"))
    for name in ("digits_b1", "digits_b64", "encoder"):
        if name not in card or name not in ref:
            print("# %-12s missing (card: %s, pytorch: %s)" % (name, name in card, name in ref))
            continue
        r = card[name]["repeat"]
        pt = ref[name]["median_ns"]
        dev, ker, wall = r["device_median_ns"], r["kernels_sum_ns"], r["latency_median_ns"]
        print("# %-12s %6d %12s %12s %12s %12s %9.2f %9.2f %9.2f" %
              (name, r["batch"], fmt(dev), fmt(ker), fmt(wall), fmt(pt), dev / pt, wall / pt,
               wall / ker if ker else 0))
        print("# %-12s throughput: card %.0f items/s (guest wall), pytorch %.0f items/s" %
              ("", r["inferences_per_s"] * r["batch"], 1e9 / pt * ref[name]["batch"]))
    print("# card/pt: the card's job time over PyTorch's (target <= 1); overhead: guest wall "
          "time of one inference over the sum of its kernels' device times (target <= 1.3)")
    print("# overhead by submission (guest wall / card kernels): one user-queue entry per "
          "run, and SUBMIT + WAIT (TAIHU_ONNX_NO_USER_QUEUE=1)")
    print("# %-12s %14s %14s %12s %12s" % ("model", "user queue", "SUBMIT", "wall uq",
                                           "wall SUBMIT"))
    for name in ("digits_b1", "digits_b64", "encoder"):
        uq, sub = card.get(name, {}).get("repeat"), card.get(name + "_submit", {}).get("repeat")
        if not uq or not sub:
            print("# %-12s missing (user queue: %s, SUBMIT: %s)" % (name, bool(uq), bool(sub)))
            continue
        print("# %-12s %14.2f %14.2f %12s %12s" %
              (name, uq["overhead"], sub["overhead"], fmt(uq["latency_median_ns"]),
               fmt(sub["latency_median_ns"])))


if __name__ == "__main__":
    main()
