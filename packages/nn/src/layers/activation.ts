import { full, type Tensor } from '@tensile/tensor';
import * as F from '../functional/activation';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { type FactoryOptions, pyFloat } from './options';

/** torch.nn.Sigmoid: 1 / (1 + exp(-x)), elementwise; any shape in, the same shape out. */
export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

/** torch.nn.Tanh: hyperbolic tangent, elementwise; any shape in, the same shape out. */
export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

/** torch.nn.SiLU (swish): x * sigmoid(x), elementwise; any shape in, the same shape out. */
export class SiLU extends Module {
  override forward(input: Tensor): Tensor {
    return F.silu(input);
  }
}

/** torch.nn.Mish: x * tanh(softplus(x)), elementwise; any shape in, the same shape out. */
export class Mish extends Module {
  override forward(input: Tensor): Tensor {
    return F.mish(input);
  }
}

/**
 * torch.nn.SELU: scale * elu(x, alpha) with the self-normalizing constants (alpha ≈ 1.6733, scale ≈
 * 1.0507), elementwise; any shape.
 */
export class SELU extends Module {
  override forward(input: Tensor): Tensor {
    return F.selu(input);
  }
}

/**
 * torch.nn.Hardswish: x * clamp(x + 3, 0, 6) / 6, elementwise; any shape in, the same shape out.
 */
export class Hardswish extends Module {
  override forward(input: Tensor): Tensor {
    return F.hardswish(input);
  }
}

/** torch.nn.Hardsigmoid: clamp(x + 3, 0, 6) / 6, elementwise; any shape in, the same shape out. */
export class Hardsigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.hardsigmoid(input);
  }
}

/**
 * torch.nn.LogSigmoid: log(sigmoid(x)), computed stably, elementwise; any shape in, the same shape
 * out.
 */
export class LogSigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.logsigmoid(input);
  }
}

/** torch.nn.Softsign: x / (1 + |x|), elementwise; any shape in, the same shape out. */
export class Softsign extends Module {
  override forward(input: Tensor): Tensor {
    return F.softsign(input);
  }
}

/** torch.nn.Tanhshrink: x - tanh(x), elementwise; any shape in, the same shape out. */
export class Tanhshrink extends Module {
  override forward(input: Tensor): Tensor {
    return F.tanhshrink(input);
  }
}

/** torch.nn.Softmax2d: softmax over each pixel's channels, dim -3 of [C, H, W] or [N, C, H, W]. */
export class Softmax2d extends Module {
  override forward(input: Tensor): Tensor {
    return F.softmax(input, { dim: -3 });
  }
}

/**
 * torch.nn.ReLU: max(0, x), elementwise; any shape. `inplace` (default false) overwrites the input
 * and returns it, as PyTorch's does.
 */
export class ReLU extends Module {
  constructor(readonly inplace = false) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return this.inplace ? input.relu_() : input.relu();
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/**
 * torch.nn.ReLU6: min(max(0, x), 6), elementwise; any shape. `inplace` only shows in the printed
 * form: the result is always a new tensor.
 */
export class ReLU6 extends Module {
  constructor(readonly inplace = false) {
    super();
  }

  override forward(input: Tensor): Tensor {
    // `inplace` is kept for the printed form and state; the result is computed out of place
    // (relu6's gradient reads its input, which an in-place write would invalidate).
    return F.relu6(input);
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** torch.nn.Hardtanh: x clamped to [minVal, maxVal] (default [-1, 1]), elementwise; any shape. */
export class Hardtanh extends Module {
  constructor(
    readonly minVal = -1,
    readonly maxVal = 1,
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.hardtanh(input, this.minVal, this.maxVal);
  }

  override extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}`;
  }
}

/**
 * torch.nn.LeakyReLU: x where x > 0, else negativeSlope * x (default 0.01), elementwise; any shape.
 */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.leakyRelu(input, this.negativeSlope);
  }

  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
}

/**
 * torch.nn.PReLU: leaky ReLU with a learned slope, one shared (numParameters 1, the default) or
 * one per channel of dim 1 (numParameters = C); any shape. Exclude `weight` from weight decay.
 */
export class PReLU extends Module {
  /** The slopes for negative inputs, [numParameters], initialized to `init` (default 0.25). */
  weight: Parameter;

  constructor(
    readonly numParameters = 1,
    opts: FactoryOptions & { init?: number } = {},
  ) {
    super();
    this.weight = new Parameter(full([numParameters], opts.init ?? 0.25, opts));
  }

  override forward(input: Tensor): Tensor {
    return F.prelu(input, this.weight);
  }

  override extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}

/**
 * torch.nn.ELU: x where x > 0, else alpha * (exp(x) - 1) (default alpha 1), elementwise; any shape.
 */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.elu(input, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }
}

/**
 * torch.nn.CELU: x where x > 0, else alpha * (exp(x / alpha) - 1) (default alpha 1), elementwise;
 * any shape.
 */
export class CELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.celu(input, this.alpha);
  }

  override extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }
}

/**
 * torch.nn.GELU: x * Φ(x), Φ the standard normal CDF, elementwise; any shape. `approximate: 'tanh'`
 * uses the tanh approximation (default 'none', exact).
 */
export class GELU extends Module {
  /** 'none' (erf, exact) or 'tanh' (the approximation GPT-2 and BERT used). */
  readonly approximate: F.GeluApproximate;

  constructor(opts: { approximate?: F.GeluApproximate } = {}) {
    super();
    this.approximate = opts.approximate ?? 'none';
  }

  override forward(input: Tensor): Tensor {
    return F.gelu(input, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/**
 * torch.nn.Softplus: log(1 + exp(beta x)) / beta (default beta 1), and x itself where beta x
 * exceeds `threshold` (default 20) for numerical stability; elementwise, any shape.
 */
export class Softplus extends Module {
  /** The sharpness: larger beta is closer to ReLU (default 1). */
  readonly beta: number;
  /** Above this value of beta x the layer returns x unchanged (default 20). */
  readonly threshold: number;

  constructor(opts: { beta?: number; threshold?: number } = {}) {
    super();
    this.beta = opts.beta ?? 1;
    this.threshold = opts.threshold ?? 20;
  }

  override forward(input: Tensor): Tensor {
    return F.softplus(input, { beta: this.beta, threshold: this.threshold });
  }

  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** torch.nn.Threshold: x where x > threshold, else `value`, elementwise; any shape. */
export class Threshold extends Module {
  constructor(
    readonly threshold: number,
    readonly value: number,
  ) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.threshold(input, this.threshold, this.value);
  }

  override extraRepr(): string {
    return `threshold=${this.threshold}, value=${this.value}`;
  }
}

/** torch.nn.Hardshrink: x where |x| > lambd (default 0.5), else 0, elementwise; any shape. */
export class Hardshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.hardshrink(input, this.lambd);
  }

  override extraRepr(): string {
    return `${this.lambd}`;
  }
}

/**
 * torch.nn.Softshrink: x moved towards 0 by lambd (default 0.5), and 0 where |x| <= lambd,
 * elementwise; any shape.
 */
export class Softshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.softshrink(input, this.lambd);
  }

  override extraRepr(): string {
    return `${this.lambd}`;
  }
}

/**
 * torch.nn.GLU: splits `dim` (default -1) in halves a, b and returns a * sigmoid(b); that dim must
 * be even and halves: [*, 2k, *] -> [*, k, *].
 */
export class GLU extends Module {
  constructor(readonly dim = -1) {
    super();
  }

  override forward(input: Tensor): Tensor {
    return F.glu(input, this.dim);
  }

  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** Softmax, LogSoftmax and Softmin share their one setting. */
abstract class DimActivation extends Module {
  constructor(readonly dim?: number) {
    super();
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

/**
 * torch.nn.Softmax: exp(x) normalized to sum to one along `dim`; any shape in, the same shape out.
 * Give `dim`: without it PyTorch's legacy rule picks dim 0 for 1-D and 3-D inputs, else dim 1.
 */
export class Softmax extends DimActivation {
  override forward(input: Tensor): Tensor {
    return F.softmax(input, { dim: this.dim });
  }
}

/**
 * torch.nn.LogSoftmax: log(softmax(x)) along `dim`, computed stably; the input NLLLoss expects.
 * Give `dim`: without it PyTorch's legacy rule picks dim 0 for 1-D and 3-D inputs, else dim 1.
 */
export class LogSoftmax extends DimActivation {
  override forward(input: Tensor): Tensor {
    return F.logSoftmax(input, { dim: this.dim });
  }
}

/**
 * torch.nn.Softmin: softmax(-x) along `dim`; any shape in, the same shape out. Give `dim`: without
 * it PyTorch's legacy rule picks dim 0 for 1-D and 3-D inputs, else dim 1.
 */
export class Softmin extends DimActivation {
  override forward(input: Tensor): Tensor {
    return F.softmin(input, { dim: this.dim });
  }
}
