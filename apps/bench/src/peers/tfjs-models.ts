import type * as tfType from '@tensorflow/tfjs';

type Tf = typeof tfType;

/**
 * PyTorch's default init for Linear and Conv2d (kaiming_uniform with a = sqrt(5)): weight and
 * bias both U(-1/sqrt(fanIn), 1/sqrt(fanIn)), so that W7's accuracies start where PyTorch's and
 * Tensile's do. Seeded per layer so that a run's accuracy is reproducible.
 */
function torchInit(tf: Tf, fanIn: number, seed: number) {
  const bound = 1 / Math.sqrt(fanIn);
  return {
    kernelInitializer: tf.initializers.randomUniform({ minval: -bound, maxval: bound, seed }),
    biasInitializer: tf.initializers.randomUniform({
      minval: -bound,
      maxval: bound,
      seed: seed + 1,
    }),
  };
}

/** The W2 MLP as a tfjs user writes it, on flattened [784] inputs. */
export function mlp(tf: Tf): tfType.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: [784],
        units: 256,
        activation: 'relu',
        ...torchInit(tf, 784, 0),
      }),
      tf.layers.dense({ units: 10, ...torchInit(tf, 256, 2) }),
    ],
  });
}

/** The W3 LeNet-5, channels last (tfjs's native layout); padding 'same' is PyTorch's padding=2 here. */
export function lenet(tf: Tf): tfType.Sequential {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 6,
        kernelSize: 5,
        padding: 'same',
        activation: 'relu',
        ...torchInit(tf, 1 * 5 * 5, 0),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({
        filters: 16,
        kernelSize: 5,
        activation: 'relu',
        ...torchInit(tf, 6 * 5 * 5, 2),
      }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'relu', ...torchInit(tf, 400, 4) }),
      tf.layers.dense({ units: 84, activation: 'relu', ...torchInit(tf, 120, 6) }),
      tf.layers.dense({ units: 10, ...torchInit(tf, 84, 8) }),
    ],
  });
}

/**
 * ResNet-18 (torchvision layout, channels last) in the layers API. Strided convolutions use
 * padding 'same', which gives PyTorch's output sizes (and FLOPs) with the padding split unevenly.
 */
export function resnet18(tf: Tf, numClasses: number): tfType.LayersModel {
  const conv = (x: tfType.SymbolicTensor, filters: number, kernelSize: number, strides: number) =>
    tf.layers
      .conv2d({ filters, kernelSize, strides, padding: 'same', useBias: false })
      .apply(x) as tfType.SymbolicTensor;
  const bn = (x: tfType.SymbolicTensor) =>
    tf.layers.batchNormalization({ axis: -1 }).apply(x) as tfType.SymbolicTensor;
  const relu = (x: tfType.SymbolicTensor) => tf.layers.reLU().apply(x) as tfType.SymbolicTensor;
  const block = (x: tfType.SymbolicTensor, inPlanes: number, planes: number, stride: number) => {
    const shortcut = stride !== 1 || inPlanes !== planes ? bn(conv(x, planes, 1, stride)) : x;
    const out = bn(conv(relu(bn(conv(x, planes, 3, stride))), planes, 3, 1));
    return relu(tf.layers.add().apply([out, shortcut]) as tfType.SymbolicTensor);
  };
  const input = tf.input({ shape: [32, 32, 3] });
  let x = relu(bn(conv(input, 64, 7, 2)));
  x = tf.layers
    .maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' })
    .apply(x) as tfType.SymbolicTensor;
  let inPlanes = 64;
  for (const [planes, stride] of [
    [64, 1],
    [128, 2],
    [256, 2],
    [512, 2],
  ]) {
    x = block(block(x, inPlanes, planes, stride), planes, planes, 1);
    inPlanes = planes;
  }
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tfType.SymbolicTensor;
  const output = tf.layers.dense({ units: numClasses }).apply(x) as tfType.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** A classifier's train step: softmax cross-entropy on one-hot labels, momentum SGD. */
export function trainer(tf: Tf, model: tfType.LayersModel, lr = 0.01) {
  const optimizer = tf.train.momentum(lr, 0.9);
  return (x: tfType.Tensor, y: tfType.Tensor): void =>
    tf.tidy(() => {
      const loss = optimizer.minimize(
        () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tfType.Tensor),
        true,
      );
      loss?.dataSync();
    });
}
