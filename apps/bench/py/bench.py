"""PyTorch side of the Tensile benchmark: same workloads, same shapes, printed as JSON.

Run by apps/bench/src/peers/pytorch.ts with /usr/bin/python3 (Debian's python3-torch).
"""
import json
import sys
import time

import torch

torch.set_num_threads(2)


def timeit(fn, warmup=2, runs=5):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return {"median": samples[len(samples) // 2], "min": samples[0], "max": samples[-1], "runs": len(samples)}


def w1():
    out = []
    torch.manual_seed(0)
    for n in (256, 512, 1024, 2048):
        a, b = torch.rand(n, n), torch.rand(n, n)
        t = timeit(lambda: torch.mm(a, b), warmup=2, runs=3 if n >= 2048 else 10)
        out.append({"case": f"N={n}", "timing": t, "figure": 2 * n**3 / (t["median"] / 1000) / 1e9,
                    "unit": "GFLOP/s", "higherIsBetter": True})
    return out


def blas():
    """The BLAS library actually loaded: Debian's torch calls libblas.so.3, an alternative."""
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1].rsplit("/", 1)[-1] for line in maps if "blas" in line.lower()}
    return ", ".join(sorted(libs)) or "unknown"


WORKLOADS = {"W1": w1}

if __name__ == "__main__":
    wanted = sys.argv[1:] or list(WORKLOADS)
    result = {"version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas(), "workloads": {}}
    for wid in wanted:
        if wid in WORKLOADS:
            result["workloads"][wid] = WORKLOADS[wid]()
    print(json.dumps(result))
