/**
 * W8's measuring process for TensorFlow.js: `tfjs-w8-child.ts <cpu|wasm> STEPS` runs W3 LeNet-5
 * train steps on one random batch and prints W8's memory figures as JSON, like w8-child.ts.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { measureMemory } from '../workloads/w8-memory';
import { startBackend } from './tfjs-backend';
import { lenet, trainer } from './tfjs-models';

const [backend, steps] = process.argv.slice(2);
await startBackend(tf, backend);
const step = trainer(tf, lenet(tf));
const x = tf.randomNormal([64, 28, 28, 1]);
const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32') as tf.Tensor1D, 10);
console.log(JSON.stringify(measureMemory(() => step(x, y), Number(steps))));
