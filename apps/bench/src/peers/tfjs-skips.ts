/**
 * Why TensorFlow.js does not run some workloads, or parts of them, on a backend: a kernel it
 * lacks, or a cpu-backend convolution so slow that the run takes an hour (only with --full).
 */
import type * as tfType from '@tensorflow/tfjs';
import { QUICK_BATCHES } from '../workloads/w7-cases';
import { W8_STEPS } from '../workloads/w8-memory';

type Tf = typeof tfType;
type Flags = { backend: string; full: boolean };

/**
 * Why the current backend cannot train a convolution, or null: the wasm backend has no
 * Conv2DBackpropFilter kernel (checked in the registry, so a later tfjs that adds it is measured).
 */
export function cannotTrainConv(tf: Tf): string | null {
  const backend = tf.getBackend();
  return tf.getKernel('Conv2DBackpropFilter', backend)
    ? null
    : `the ${backend} backend has no Conv2DBackpropFilter kernel, so it cannot train a convolution`;
}

/** The cpu backend trains LeNet-5 at seconds a step (W3): an epoch or 1,000 steps take an hour. */
export const slowConv = (backend: string): boolean => backend === 'cpu';
const slowLenet = ({ backend, full }: Flags): boolean => slowConv(backend) && !full;

/** Why W7's LeNet-5 is not trained on this backend, or null. */
export function lenetSkipped(tf: Tf, flags: Flags): string | null {
  const why = cannotTrainConv(tf);
  if (why) return why;
  if (slowLenet(flags))
    return `a step takes seconds on the cpu backend (see W3), an epoch about an hour: run with --full to train it (one epoch; ${QUICK_BATCHES} batches with --full --quick)`;
  return null;
}

/** Why a workload is not run on this backend at all, or null. */
export function notRun(tf: Tf, id: string, flags: Flags): string | null {
  if (id === 'W6' && flags.backend === 'cpu' && !flags.full)
    return "the cpu backend's conv2d is naive (W4's forward alone takes seconds): a ResNet-18 step takes minutes; run with --full to measure it";
  if (id === 'W8') {
    const why = cannotTrainConv(tf);
    if (why) return `LeNet-5 train steps: ${why}`;
    if (slowLenet(flags))
      return `a LeNet-5 step takes seconds on the cpu backend (see W3), so ${W8_STEPS.full} steps take about an hour: run with --full to measure it (with --full --quick: ${W8_STEPS.quick} steps)`;
  }
  return null;
}
