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


def w7():
    """DataLoader-only part of W7: epochs over 60,000 x 28x28 float32, batch 64, shuffled."""
    from torch.utils.data import DataLoader, TensorDataset

    g = torch.Generator().manual_seed(0)
    dataset = TensorDataset(torch.rand(60_000, 28, 28, generator=g), torch.randint(0, 10, (60_000,), generator=g))
    out = []
    for workers in (0, 2):
        loader = DataLoader(dataset, batch_size=64, shuffle=True, num_workers=workers,
                            persistent_workers=workers > 0, generator=g)

        def epoch():
            for _ in loader:
                pass

        t = timeit(epoch, warmup=1, runs=3)
        out.append({"case": f"numWorkers={workers}", "timing": t, "figure": t["median"],
                    "unit": "ms/epoch", "higherIsBetter": False})
    return out


WORKLOADS = {"W1": w1, "W7": w7}

if __name__ == "__main__":
    wanted = sys.argv[1:] or list(WORKLOADS)
    result = {"version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas(), "workloads": {}}
    for wid in wanted:
        if wid in WORKLOADS:
            result["workloads"][wid] = WORKLOADS[wid]()
    print(json.dumps(result))
