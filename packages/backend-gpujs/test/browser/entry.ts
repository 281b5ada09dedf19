// Bundled for the browser test: the same ops on 'cpu' and on 'gpu' (WebGL), results on window.
import * as T from '@tensile/tensor';
import { gpuInfo, isGpuAvailable } from '../../src/index';

function run(device: string): number[][] {
  const g = new T.Generator(5);
  const x = T.randn([4, 6], { generator: g }).to(device);
  const w = T.randn([6, 3], { generator: g }).to(device);
  const y = x.matmul(w).relu().softmax(-1);
  return [
    Array.from(y.dataSync()),
    Array.from(x.sum(1).dataSync()),
    Array.from(x.t().contiguous().sort(1).indices.dataSync()),
    Array.from(T.im2col(x.reshape([1, 1, 4, 6]), [2, 2]).dataSync()),
  ];
}

const w = globalThis as unknown as Record<string, unknown>;
try {
  w.available = isGpuAvailable();
  w.info = gpuInfo();
  w.cpu = run('cpu');
  w.gpu = run('gpu');
} catch (e) {
  w.error = String((e as Error).stack ?? e);
}
w.done = true;
