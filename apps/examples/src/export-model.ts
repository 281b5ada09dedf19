// Export: the notes' prototxt generation, and its modern form. Writes LeNet-5 as an ONNX file
// (torch.onnx.export: a forward pass traced on an example input) and as a Caffe prototxt, then,
// where onnxruntime-node is installed (`pnpm onnx:setup`), runs the ONNX file and compares its
// output with Tensile's.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { exportOnnx, toPrototxt } from '@tensile/export';
import * as T from '@tensile/tensor';
import { models } from '@tensile/vision';
import { parseFlags, runMain } from './lib/cli';

const USAGE = `usage: pnpm --filter @tensile/examples export-model [--out-dir DIR]
  --out-dir DIR   where lenet5.onnx and lenet5.prototxt go (default: exported)`;

interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: Float32Array }>>;
}
interface Ort {
  InferenceSession: { create(bytes: Uint8Array): Promise<OrtSession> };
  Tensor: new (type: string, data: Float32Array, dims: number[]) => unknown;
}

/** onnxruntime-node from the project's .onnx/ (pnpm onnx:setup) or node_modules, if present. */
function onnxruntime(): Ort | null {
  const local = resolve(import.meta.dirname, '..', '..', '..', '.onnx', 'package.json');
  for (const from of [local, join(process.cwd(), 'package.json')]) {
    try {
      if (existsSync(from)) return createRequire(from)('onnxruntime-node') as Ort;
    } catch {
      // not installed there
    }
  }
  return null;
}

await runMain(USAGE, async () => {
  const flags = parseFlags({ 'out-dir': { type: 'path', default: 'exported' } });
  const dir = flags['out-dir'];
  mkdirSync(dir, { recursive: true });
  T.manualSeed(0);
  const model = models.lenet5();
  const x = T.randn([1, 1, 28, 28]);

  const onnxPath = join(dir, 'lenet5.onnx');
  await exportOnnx(model, x, onnxPath, { inputNames: ['image'], outputNames: ['logits'] });
  console.log(`wrote ${onnxPath} (${statSync(onnxPath).size} bytes, opset 17)`);
  const protoPath = join(dir, 'lenet5.prototxt');
  const proto = toPrototxt(model, x, { name: 'LeNet' });
  writeFileSync(protoPath, proto);
  const layers = [...proto.matchAll(/type: "(\w+)"/g)].map((m) => m[1]);
  console.log(`wrote ${protoPath}: ${layers.join(' -> ')}`);

  const ort = onnxruntime();
  if (!ort) {
    console.log('onnxruntime-node is not installed (pnpm onnx:setup): not running the file');
    return;
  }
  const session = await ort.InferenceSession.create(readFileSync(onnxPath));
  const image = new ort.Tensor('float32', Float32Array.from(x.dataSync()), [1, 1, 28, 28]);
  const { logits } = await session.run({ image });
  model.eval();
  const ours = T.noGrad(() => model.forward(x)).dataSync();
  const diff = Math.max(...Array.from(ours, (v, i) => Math.abs(v - logits.data[i])));
  console.log(`onnxruntime's logits vs Tensile's: largest difference ${diff.toExponential(2)}`);
});
