// Bundled for the browser test: float32 products on the CPU backend's kernels, beside the same
// products in float64 (which always run in JavaScript); results on window.
import * as T from '../../src/index';

const w = globalThis as unknown as Record<string, unknown>;
try {
  const g = new T.Generator(3);
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
  w.info = T.getKernelInfo();
  w.worst = worst;
} catch (e) {
  w.error = String((e as Error).stack ?? e);
}
w.done = true;
