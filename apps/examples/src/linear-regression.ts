// Linear regression on y = 3x + 2 + noise with autograd and hand-written SGD (the first example
// of every PyTorch course), the loss and the parameters logged to a TensorBoard run.
// src/linear-regression-nn.ts is the same fit with nn.Linear, MSELoss and optim.SGD.
import { dirname } from 'node:path';
import { noGrad } from '@tensile/autograd';
import { SummaryWriter } from '@tensile/board';
import * as T from '@tensile/tensor';
import { boardCommand, parseFlags, runMain } from './lib/cli';
import { lineFlags, lineUsage, noisyLine } from './lib/line-data';

const USAGE = lineUsage('linear-regression');

await runMain(USAGE, async () => {
  const { steps, lr, logdir } = parseFlags(lineFlags('runs/linear-regression'));
  T.manualSeed(0);
  const { x, y } = noisyLine();
  const w = T.randn([1], { requiresGrad: true });
  const b = T.zeros([1], { requiresGrad: true });

  const writer = new SummaryWriter(logdir);
  const t0 = performance.now();
  for (let step = 0; step < steps; step++) {
    const loss = x.mul(w).add(b).sub(y).pow(2).mean();
    loss.backward();
    noGrad(() => {
      w.sub_(w.grad!.mul(lr));
      b.sub_(b.grad!.mul(lr));
      w.grad!.zero_();
      b.grad!.zero_();
    });
    writer.addScalar('train/loss', loss.item(), step);
    writer.addScalars('params', { w: w.item(), b: b.item() }, step);
    if (step % 20 === 0 || step === steps - 1) {
      console.log(
        `step ${String(step).padStart(4)}  loss ${loss.item().toFixed(5)}  w ${w.item().toFixed(4)}  b ${b.item().toFixed(4)}`,
      );
    }
  }
  const residuals = x.mul(w).add(b).sub(y).detach();
  writer.addHistogram('residuals', residuals, steps);
  writer.addText('run', `linear regression, ${steps} steps of SGD with lr ${lr}`);
  await writer.close();
  console.log(
    `learned w = ${w.item().toFixed(3)}, b = ${b.item().toFixed(3)} (true: 3, 2) in ${((performance.now() - t0) / 1000).toFixed(2)} s`,
  );
  console.log(
    `TensorBoard run written to ${logdir}; view it with: ${boardCommand(dirname(logdir))}`,
  );
});
