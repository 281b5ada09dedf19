"""Writes test/fixtures/torch: event files from torch.utils.tensorboard's own SummaryWriter.

Run with a Python that has torch and tensorboard (e.g. `pip install torch tensorboard`):
    python3 packages/board/tools/torch_fixture.py packages/board/test/fixtures/torch
The calls here are mirrored in test/torch-fixture.test.ts, which checks that @tensile/board
reads these files and writes byte-identical records for the same calls. Inputs are chosen so
any summation order gives the same doubles (numpy's pairwise sums vs a plain loop).
"""
import shutil
import sys

import types

import numpy as np
import torch
import torch.utils.tensorboard.summary as tb_summary
from torch.utils.tensorboard import SummaryWriter

# torch 1.13's make_histogram calls np.greater(counts, 0, dtype=np.int32), which numpy >= 1.24
# rejects; later torch versions compute the same thing without the dtype argument.
_np_compat = types.SimpleNamespace(**{k: getattr(np, k) for k in dir(np) if not k.startswith("__")})
_np_compat.greater = lambda a, b, dtype=None: np.greater(a, b).astype(dtype or bool)
tb_summary.np = _np_compat

WALL = 1700000000.0
out = sys.argv[1]
shutil.rmtree(out, ignore_errors=True)

w = SummaryWriter(out)
for step in range(5):
    w.add_scalar("loss", 1.0 / (step + 1), step, walltime=WALL + step)
w.add_scalar("lr", 0.25, 3, walltime=WALL, new_style=True)
w.add_scalars("pair", {"a": 1.5, "b": -2.0}, 1, walltime=WALL)
w.add_histogram("hist", torch.tensor([0.0, 0.5, 1.0, 1.0, 2.0, -3.0, 4.5]), 2, walltime=WALL)
w.add_histogram("hist_bins", torch.tensor([0.0, 0.5, 1.0, 1.0, 2.0]), 2, bins=4, walltime=WALL)
img = torch.arange(2 * 3 * 4, dtype=torch.float32).reshape(2, 3, 4) / 24
w.add_image("gray_rgb", torch.cat([img[:1], img[:1] * 0.5, img[1:]], 0), 1, walltime=WALL)
w.add_image("hwc_u8", (torch.arange(3 * 2 * 3) * 10).to(torch.uint8).reshape(3, 2, 3), 1, walltime=WALL, dataformats="HWC")
w.add_text("note", "# Title\n\nSome **bold** text", 4, walltime=WALL)
labels = torch.tensor([0, 1, 1, 0, 1, 0, 1, 1])
preds = torch.tensor([0.125, 0.875, 0.5, 0.25, 0.75, 0.625, 0.375, 1.0])
w.add_pr_curve("pr", labels, preds, 5, num_thresholds=11, walltime=WALL)
w.add_custom_scalars({"Losses": {"both": ["Multiline", ["loss", "pair"]], "band": ["Margin", ["loss", "lo", "hi"]]}})
w.add_hparams({"lr": 0.25, "optimizer": "adam"}, {"hp/accuracy": 0.75}, run_name="hp")
w.close()
