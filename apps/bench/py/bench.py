"""PyTorch side of the Tensile benchmark: same workloads, same shapes, printed as JSON.

Run by apps/bench/src/peers/pytorch.ts with /usr/bin/python3 (Debian's python3-torch):
`bench.py [--quick] [--full] W1 W2 ...`; `bench.py --w8-child STEPS` is W8's measuring process.
"""
import gzip
import json
import os
import subprocess
import sys
import time

import torch
from torch import nn

torch.set_num_threads(2)

FASHION_MNIST = "/usr/share/datasets/fashion-mnist"
MIB = 1024 * 1024


def stats(samples):
    samples = sorted(samples)
    return {"median": samples[len(samples) // 2], "min": samples[0], "max": samples[-1], "runs": len(samples)}


# Time limits that keep a slow case from taking many minutes; the same rule as apps/bench/src/timing.ts.
# As src/timing.ts's LIMITS: every framework warms up for 1 s at least (a 0.2 ms product
# measured after one warm-up call caught PyTorch's threads asleep: W1 N=256 at 26-31 GFLOP/s
# against 157 warm).
WARMUP_MS, MIN_WARMUP_MS, MEASURE_MS, MIN_RUNS = 10_000, 1000, 60_000, 3


def timeit(fn, warmup=2, runs=5):
    """Milliseconds per call after `warmup` calls (and MIN_WARMUP_MS at least); `fn` returns once its work is done (CPU ops are synchronous)."""
    warm_start = time.perf_counter()
    done = 0
    while done < warmup or (time.perf_counter() - warm_start) * 1000 < MIN_WARMUP_MS:
        fn()
        done += 1
        if (time.perf_counter() - warm_start) * 1000 > WARMUP_MS:
            break
    samples = []
    start = time.perf_counter()
    while len(samples) < runs:
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
        if (time.perf_counter() - start) * 1000 > MEASURE_MS and len(samples) >= min(runs, MIN_RUNS):
            break
    return stats(samples)


def ms_case(name, t, unit="ms"):
    return {"case": name, "timing": t, "figure": t["median"], "range": [t["min"], t["max"]], "unit": unit,
            "higherIsBetter": False}


def gflops(n, ms):
    return 2 * n**3 / (ms / 1000) / 1e9


def w1():
    out = []
    torch.manual_seed(0)
    for n in (256, 512, 1024, 2048):
        a, b = torch.rand(n, n), torch.rand(n, n)
        t = timeit(lambda: torch.mm(a, b), warmup=1, runs=3 if n >= 2048 else 5)
        out.append({"case": f"N={n}", "timing": t, "figure": gflops(n, t["median"]),
                    "range": [gflops(n, t["max"]), gflops(n, t["min"])], "unit": "GFLOP/s", "higherIsBetter": True})
    return out


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))


# Convolutional models and their inputs take the faster memory layout on this machine. Channels last (NHWC) is
# PyTorch's advice for CNNs on the CPU, and on one machine here Debian's torch 1.13 took 3-30x longer in NCHW (W4's
# forward 30 ms instead of 0.9, a W3 step 8-19 ms instead of 3); on another, channels last made a W3 step 2-4x slower
# (4.7 ms in NCHW, 8-22 ms channels last, both on 2 threads).
FORMATS = {"channels_last": torch.channels_last, "NCHW": torch.contiguous_format}
formats = {}  # model -> the layout its figures were taken in (printed in the report's header)


def fastest_format(model, probe):
    """The faster layout for `model`: `probe(fmt)` returns one call of its workload; each layout gets a short trial."""
    if model not in formats:
        # Two rounds, interleaved, each layout keeping its better median: on this noisy machine
        # a single round's pick can flip with a moment's load.
        trials = {name: float("inf") for name in FORMATS}
        for _ in range(2):
            for name, fmt in FORMATS.items():
                trials[name] = min(trials[name], timeit(probe(fmt), warmup=3, runs=15)["median"])
        formats[model] = min(trials, key=trials.get)
    return FORMATS[formats[model]]


def lenet(fmt=torch.contiguous_format):
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10),
    ).to(memory_format=fmt)


def train_probe(model, x_shape):
    """A train step of a fresh `model(fmt)` on one batch in that layout, for fastest_format."""
    def probe(fmt):
        torch.manual_seed(0)
        step = trainer(model(fmt))
        x, y = torch.randn(*x_shape).contiguous(memory_format=fmt), torch.randint(0, 10, (x_shape[0],))
        return lambda: step(x, y)
    return probe


def lenet_format():
    return fastest_format("LeNet-5", train_probe(lenet, (64, 1, 28, 28)))


def trainer(net, lr=0.01):
    """zero_grad (set_to_none: PyTorch 2's default, faster), forward, cross-entropy, backward, SGD momentum; the loss
    read back as a float."""
    optimizer = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    net.train()

    def step(x, y):
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(net(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def train_step_case(net, x_shape, batch, warmup, runs, fmt=torch.contiguous_format):
    torch.manual_seed(0)
    step = trainer(net)
    x, y = torch.randn(*x_shape), torch.randint(0, 10, (batch,))
    if x.dim() == 4:
        x = x.contiguous(memory_format=fmt)
    return [ms_case(f"batch {batch}", timeit(lambda: step(x, y), warmup, runs), "ms/step")]


def w2():
    return train_step_case(mlp(), (64, 784), 64, warmup=20, runs=200)


def w3():
    fmt = lenet_format()
    return train_step_case(lenet(fmt), (64, 1, 28, 28), 64, warmup=5, runs=50, fmt=fmt)


def w4():
    def probe(fmt):
        conv = nn.Conv2d(3, 64, 3, padding=1).to(memory_format=fmt)
        xg = torch.randn(64, 3, 32, 32).contiguous(memory_format=fmt).requires_grad_()
        return lambda: conv(xg).sum().backward()

    fmt = fastest_format("Conv2d", probe)
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 64, 3, padding=1).to(memory_format=fmt)
    x = torch.randn(64, 3, 32, 32).contiguous(memory_format=fmt)
    xg = torch.randn(64, 3, 32, 32).contiguous(memory_format=fmt).requires_grad_()

    def forward():
        with torch.no_grad():
            conv(x)

    def both():
        conv.zero_grad(set_to_none=True)
        xg.grad = None
        conv(xg).sum().backward()

    return [ms_case("forward", timeit(forward, 2, 10)), ms_case("forward + backward", timeit(both, 2, 10))]


def w5():
    torch.manual_seed(0)
    lstm = nn.LSTM(32, 128)
    x = torch.randn(50, 32, 32)

    def both():
        lstm.zero_grad(set_to_none=True)
        out, _ = lstm(x)
        out.sum().backward()

    return [ms_case("forward + backward", timeit(both, 1, 5))]


def w6():
    from torchvision.models import resnet18

    def model(fmt):
        return resnet18(num_classes=10).to(memory_format=fmt)

    fmt = fastest_format("ResNet-18", train_probe(model, (32, 3, 32, 32)))
    torch.manual_seed(0)
    net = resnet18(num_classes=10).to(memory_format=fmt)
    return train_step_case(net, (32, 3, 32, 32), 32, warmup=2, runs=5, fmt=fmt)


def idx(name):
    """An IDX file's payload after its header: magic, then one big-endian uint32 per dimension."""
    with gzip.open(os.path.join(FASHION_MNIST, name)) as f:
        data = f.read()
    return torch.frombuffer(bytearray(data[4 + 4 * data[3]:]), dtype=torch.uint8)


def split(name, n=None):
    """Scaled to [0, 1] and normalized once up front, as the Tensile side does."""
    images = idx(f"{name}-images-idx3-ubyte.gz").view(-1, 1, 28, 28)[:n]
    labels = idx(f"{name}-labels-idx1-ubyte.gz").long()[:n]
    return (images.float() / 255 - 0.2860) / 0.3530, labels


def accuracy(net, x, y):
    net.eval()
    with torch.no_grad():
        correct = sum((net(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(y), 1000))
    net.train()
    return 100 * correct / len(y)


def w7_train(quick, full):
    from torch.utils.data import DataLoader, TensorDataset

    quick_batches = 100
    x, y = split("train", quick_batches * 64 if quick else None)
    test = split("t10k")
    epochs = 3 if full else 1
    suffix = f" (quick: {quick_batches} batches)" if quick else ""
    out = []
    fmt = lenet_format()
    for name, model in (("MLP", mlp), ("LeNet-5", lambda: lenet(fmt))):
        torch.manual_seed(0)
        net = model()
        step = trainer(net)
        loader = DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True,
                            generator=torch.Generator().manual_seed(0))
        seconds, accuracies = [], []
        for e in range(1, epochs + 1):
            t0 = time.perf_counter()
            for xb, yb in loader:
                step(xb.contiguous(memory_format=fmt) if xb.dim() == 4 else xb, yb)
            seconds.append(time.perf_counter() - t0)
            if e in (1, 3):
                accuracies.append({"case": f"{name}: test accuracy after {e} epoch{'s' if e > 1 else ''}{suffix}",
                                   "figure": accuracy(net, *test), "unit": "%", "higherIsBetter": True,
                                   "ratio": False})
        t = stats(seconds)
        row = {"case": f"{name}: epoch wall time{suffix}", "figure": t["median"], "unit": "s/epoch",
               "higherIsBetter": False}
        if epochs > 1:
            row["range"] = [t["min"], t["max"]]
        out += [row, *accuracies]
    return out


def w7_loader():
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

        out.append(ms_case(f"loader only, numWorkers={workers}", timeit(epoch, warmup=1, runs=3), "ms/epoch"))
    return out


def w7(quick, full):
    have_data = os.path.exists(os.path.join(FASHION_MNIST, "train-images-idx3-ubyte.gz"))
    return (w7_train(quick, full) if have_data else []) + w7_loader()


W8_STEPS = {"full": 1000, "quick": 200}


def w8_child(steps, layout):
    """W8's measuring process: LeNet-5 train steps; RSS after step 100 and the last, and the peak."""
    torch.manual_seed(0)
    fmt = FORMATS[layout]
    step = trainer(lenet(fmt))
    x, y = torch.randn(64, 1, 28, 28).contiguous(memory_format=fmt), torch.randint(0, 10, (64,))
    page = os.sysconf("SC_PAGE_SIZE")

    def rss():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * page / MIB

    def peak():
        # VmHWM of this address space: getrusage's ru_maxrss carries the spawning parent's peak over exec.
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024

    rss100 = 0
    for i in range(1, steps + 1):
        step(x, y)
        if i == 100:
            rss100 = rss()
    print(json.dumps({"rss100": rss100, "rssLast": rss(), "peak": peak()}))


def w8(quick, _full):
    steps = W8_STEPS["quick" if quick else "full"]
    lenet_format()
    child = subprocess.run([sys.executable, __file__, "--w8-child", str(steps), formats["LeNet-5"]],
                           capture_output=True, text=True, check=True)
    m = json.loads(child.stdout)

    def row(name, figure, ratio=True):
        return {"case": name, "figure": figure, "unit": "MiB", "higherIsBetter": False, "ratio": ratio}

    return [row(f"peak RSS over {steps} steps", m["peak"]), row("RSS after step 100", m["rss100"]),
            row(f"RSS after step {steps}", m["rssLast"]),
            row(f"growth, step 100 -> {steps}", m["rssLast"] - m["rss100"], False)]


def blas():
    """The BLAS library actually loaded: Debian's torch calls libblas.so.3, an alternative."""
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1].rsplit("/", 1)[-1] for line in maps if "blas" in line.lower()}
    names = ", ".join(sorted(libs)) or "unknown"
    # Netlib's reference BLAS (Debian's libblas3, the alternative python3-torch pulls in): sgemm at ~6 GFLOP/s here.
    if not any("openblas" in lib or "mkl" in lib for lib in libs):
        names += " (not OpenBLAS: apt-get install libopenblas0-pthread)"
    return names


def mkldnn():
    """Whether convolutions and LSTMs may take oneDNN's (MKL-DNN's) kernels: on by default where built in."""
    return torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled


def skipped(wid):
    """Why a workload has no PyTorch figures, or None."""
    if wid == "W6":
        try:
            import torchvision  # noqa: F401
        except ImportError:
            return "torchvision is not installed (apt-get install python3-torchvision)"
    return None


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W4": w4, "W5": w5, "W6": w6}
WITH_FLAGS = {"W7": w7, "W8": w8}

if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--w8-child"]:
        w8_child(int(args[1]), args[2])
        sys.exit(0)
    quick, full = "--quick" in args, "--full" in args
    wanted = [a for a in args if not a.startswith("--")] or [*WORKLOADS, *WITH_FLAGS]
    result = {"version": torch.__version__, "threads": torch.get_num_threads(), "blas": blas(),
              "mkldnn": mkldnn(), "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "unset"),
              "config": torch.__config__.show(), "workloads": {}, "skippedWorkloads": {}}
    for wid in wanted:
        reason = skipped(wid)
        if reason:
            result["skippedWorkloads"][wid] = reason
        elif wid in WORKLOADS:
            print(f"  PyTorch {wid}", file=sys.stderr)
            result["workloads"][wid] = WORKLOADS[wid]()
        elif wid in WITH_FLAGS:
            print(f"  PyTorch {wid}", file=sys.stderr)
            result["workloads"][wid] = WITH_FLAGS[wid](quick, full)
    result["memoryFormats"] = formats
    print(json.dumps(result))
