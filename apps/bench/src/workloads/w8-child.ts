/**
 * W8's measuring process: W3 LeNet-5 train steps on one random batch, printing RSS (MiB) after
 * step 100 and after the last step, and the process's peak RSS, as JSON on stdout.
 * Run alone so that nothing else the suite did is in its memory.
 */
import { readFileSync } from 'node:fs';
import { manualSeed, randint, randn } from '@tensile/tensor';
import { lenet } from './models';
import { trainer } from './train';

const MIB = 1024 * 1024;

/**
 * This process's peak RSS in MiB: VmHWM of its own address space. Not getrusage's maxRSS, which
 * Linux carries over exec from the spawning parent (a bench run that has loaded Fashion-MNIST).
 */
function peakRss(): number {
  const line = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
  return line ? Number(line[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}
const steps = Number(process.argv[2]);
manualSeed(0);
const step = trainer(lenet());
const x = randn([64, 1, 28, 28]);
const y = randint(0, 10, [64]);
let rss100 = 0;
for (let i = 1; i <= steps; i++) {
  step(x, y);
  if (i === 100) rss100 = process.memoryUsage().rss / MIB;
}
console.log(
  JSON.stringify({
    rss100,
    rssLast: process.memoryUsage().rss / MIB,
    peak: peakRss(),
  }),
);
