// The main job: a real training run with logging. Linear regression on y = 3x + 2 + noise with
// autograd and hand-written SGD (the first example of every PyTorch course), the loss and the
// parameters logged to a TensorBoard run. The Fashion-MNIST LeNet-5 run replaces it once
// nn, optim, data and vision have landed.
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { noGrad } from '@tensile/autograd';
import { SummaryWriter } from '@tensile/board';
import * as T from '@tensile/tensor';

const USAGE = `usage: pnpm demo [--steps N] [--lr LR] [--logdir DIR]
  --steps   SGD steps (default 100)
  --lr      learning rate (default 0.1)
  --logdir  TensorBoard run directory (default runs/linear-regression)`;

function options(): { steps: number; lr: number; logdir: string } {
  try {
    const { values } = parseArgs({
      // pnpm forwards a literal '--' separator when the root script passes arguments through.
      args: process.argv.slice(2).filter((a) => a !== '--'),
      options: {
        steps: { type: 'string' },
        lr: { type: 'string' },
        logdir: { type: 'string' },
        help: { type: 'boolean' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    const steps = Number(values.steps ?? 100);
    const lr = Number(values.lr ?? 0.1);
    if (!Number.isInteger(steps) || steps <= 0)
      throw new Error(`--steps must be a positive integer, got '${values.steps}'`);
    if (!(lr > 0)) throw new Error(`--lr must be a positive number, got '${values.lr}'`);
    return { steps, lr, logdir: values.logdir ?? 'runs/linear-regression' };
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const { steps, lr, logdir } = options();
T.manualSeed(0);

const x = T.rand([100, 1]).mul(2);
const y = x
  .mul(3)
  .add(2)
  .add(T.randn([100, 1]).mul(0.1));
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
  `TensorBoard run written to ${logdir}; view it with: npx -y pnpm@10.34.8 board --logdir ${dirname(logdir)}`,
);
