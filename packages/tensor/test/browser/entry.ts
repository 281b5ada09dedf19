// Bundled for the browser test: float32 products on the CPU backend's kernels, beside the same
// products in float64 (which always run in JavaScript); results on window. A page that sets
// window.threads first runs on that many threads and waits (up to 10 s) for its Web Workers
// to take a share of the tasks.
import * as T from '../../src/index';

const w = globalThis as unknown as Record<string, unknown>;

function products(g: T.Generator): number[] {
  const worst: number[] = [];
  for (const [m, k, n] of [
    [64, 784, 256],
    [6, 25, 3000],
    [130, 70, 33],
  ]) {
    const a = T.randn([m, k], { generator: g });
    const b = T.randn([n, k], { generator: g }).t();
    const got = a.matmul(b).dataSync();
    const want = a.double().matmul(b.double()).dataSync();
    worst.push(Math.max(...Array.from(want, (v, i) => Math.abs(got[i] - v) / (1 + Math.abs(v)))));
  }
  return worst;
}

async function main(): Promise<void> {
  if (typeof w.threads === 'number') T.setNumThreads(w.threads);
  const g = new T.Generator(3);
  const worst = products(g);
  // Workers start asynchronously; until they do, the calling thread runs every task.
  const until = Date.now() + 10_000;
  while (typeof w.threads === 'number' && !T.getKernelInfo().workerTasks && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    worst.push(...products(g));
  }
  w.info = T.getKernelInfo();
  w.worst = worst;
}

main()
  .catch((e) => {
    w.error = String((e as Error).stack ?? e);
  })
  .finally(() => {
    w.done = true;
  });
