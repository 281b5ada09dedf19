// Linear regression the way larger models are trained: an nn.Linear layer, MSELoss and
// optim.SGD doing what src/linear-regression.ts writes out by hand (zeroGrad, backward, step),
// with the loss logged to a TensorBoard run.
import { dirname } from 'node:path';
import '@tensile/autograd';
import { SummaryWriter } from '@tensile/board';
import { Linear, MSELoss } from '@tensile/nn';
import { SGD } from '@tensile/optim';
import * as T from '@tensile/tensor';
import { boardCommand, parseFlags, runMain } from './lib/cli';
import { lineFlags, lineUsage, noisyLine } from './lib/line-data';

const USAGE = lineUsage('linear-regression-nn');

await runMain(USAGE, async () => {
  const { steps, lr, logdir } = parseFlags(lineFlags('runs/linear-regression-nn'));
  T.manualSeed(0);
  const { x, y } = noisyLine();

  const model = new Linear(1, 1);
  const lossFn = new MSELoss();
  const optimizer = new SGD(model.parameters(), { lr });
  const writer = new SummaryWriter(logdir);
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    optimizer.step();
    writer.addScalar('train/loss', loss.item(), step);
    if (step % 20 === 0 || step === steps - 1)
      console.log(`step ${String(step).padStart(4)}  loss ${loss.item().toFixed(5)}`);
  }
  await writer.close();
  const [w, b] = [model.weight.item(), (model.bias as T.Tensor).item()];
  console.log(`learned w = ${w.toFixed(3)}, b = ${b.toFixed(3)} (true: 3, 2)`);
  console.log(`view the run with: ${boardCommand(dirname(logdir))}`);
});
