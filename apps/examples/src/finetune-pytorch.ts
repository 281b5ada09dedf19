// PyTorch interop: the notes' `model.load_state_dict(torch.load('model.pt'))`. Loads a state dict
// that PyTorch saved with torch.save (data/pytorch-model.pt, written by
// tools/fixtures/torch_pt.py, with PyTorch's outputs on a fixed input beside it), checks that the
// same network in Tensile gives PyTorch's outputs, fine-tunes its last layer with the
// convolutions frozen, and saves the result as a .pt file that torch.load reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import '@tensile/autograd';
import {
  BatchNorm2d,
  Conv2d,
  CrossEntropyLoss,
  Flatten,
  Linear,
  MaxPool2d,
  ReLU,
  Sequential,
} from '@tensile/nn';
import { SGD } from '@tensile/optim';
import { load, save } from '@tensile/serialize';
import * as T from '@tensile/tensor';
import { parseFlags, runMain } from './lib/cli';

const DATA = join(import.meta.dirname, '..', 'data');
const USAGE = `usage: pnpm --filter @tensile/examples finetune-pytorch [--model PATH] [--out PATH] [--steps N]
  --model PATH   a state dict saved by torch.save (default: data/pytorch-model.pt)
  --out PATH     where the fine-tuned state dict goes (default: finetuned.pt)
  --steps N      fine-tuning steps (default 60)`;

/** The network torch_pt.py saved: a conv, batch norm, pooling and a 10-way linear head on 8x8 images. */
function network(): Sequential {
  return new Sequential(
    new Conv2d(1, 4, 3, { padding: 1 }),
    new BatchNorm2d(4),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(4 * 4 * 4, 10),
  );
}

/** A fixture tensor ({$tensor: {shape, data}}) as float32. */
function fromJson(e: { $tensor: { shape: number[]; data: number[] } }): T.Tensor {
  return T.tensor(e.$tensor.data, { dtype: 'float32' }).reshape(e.$tensor.shape);
}

await runMain(USAGE, async () => {
  const flags = parseFlags({
    model: { type: 'path', default: join(DATA, 'pytorch-model.pt') },
    out: { type: 'path', default: 'finetuned.pt' },
    steps: { type: 'int', default: 60 },
  });
  const net = network();
  const result = net.loadStateDict(await load(flags.model));
  console.log(
    `loaded ${flags.model}: missing keys ${result.missingKeys.length}, unexpected keys ${result.unexpectedKeys.length}`,
  );

  net.eval();
  if (flags.model === join(DATA, 'pytorch-model.pt')) {
    const ref = JSON.parse(readFileSync(join(DATA, 'pytorch-model.json'), 'utf8'));
    const ours = T.noGrad(() => net.forward(fromJson(ref.input)));
    const diff = ours.sub(fromJson(ref.output)).abs().max().item();
    console.log(`largest difference from PyTorch's outputs: ${diff.toExponential(2)}`);
  }

  // Fine-tune the head only: a made-up task, the class of each image being the row of its
  // brightest pixel (8 rows, 10 classes), so the frozen features must carry it.
  T.manualSeed(0);
  for (const p of net.parameters()) p.requiresGrad_(false);
  const head = net.at(5) as Linear;
  for (const p of head.parameters()) p.requiresGrad_(true);
  const optimizer = new SGD(head.parameters(), { lr: 0.1, momentum: 0.9 });
  const lossFn = new CrossEntropyLoss();
  const x = T.randn([256, 1, 8, 8]);
  const y = x.flatten(1).argmax(1).div(8, { roundingMode: 'floor' });
  net.train();
  let first = 0;
  let last = 0;
  for (let step = 0; step < flags.steps; step++) {
    optimizer.zeroGrad();
    const loss = lossFn.forward(net.forward(x), y);
    loss.backward();
    optimizer.step();
    if (step === 0) first = loss.item();
    last = loss.item();
  }
  console.log(
    `fine-tuned the head for ${flags.steps} steps: loss ${first.toFixed(3)} -> ${last.toFixed(3)}`,
  );
  await save(net.stateDict(), flags.out);
  console.log(`saved ${flags.out}; in Python: model.load_state_dict(torch.load('${flags.out}'))`);
});
