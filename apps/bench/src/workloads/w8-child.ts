/**
 * W8's measuring process: W3 LeNet-5 train steps on one random batch, printing RSS (MiB) after
 * step 100 and after the last step, and the process's peak RSS, as JSON on stdout.
 * Run alone so that nothing else the suite did is in its memory.
 */
import { manualSeed, randint, randn } from '@tensile/tensor';
import { lenet } from './models';
import { trainer } from './train';
import { measureMemory } from './w8-memory';

manualSeed(0);
const step = trainer(lenet());
const x = randn([64, 1, 28, 28]);
const y = randint(0, 10, [64]);
console.log(JSON.stringify(measureMemory(() => step(x, y), Number(process.argv[2]))));
