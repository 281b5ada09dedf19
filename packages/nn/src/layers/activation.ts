import { full, type Tensor } from '@tensile/tensor';
import * as F from '../functional/activation';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { type FactoryOptions, pyFloat } from './options';

export class Sigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.sigmoid(input);
  }
}

export class Tanh extends Module {
  override forward(input: Tensor): Tensor {
    return F.tanh(input);
  }
}

export class SiLU extends Module {
  override forward(input: Tensor): Tensor {
    return F.silu(input);
  }
}

export class Mish extends Module {
  override forward(input: Tensor): Tensor {
    return F.mish(input);
  }
}

export class SELU extends Module {
  override forward(input: Tensor): Tensor {
    return F.selu(input);
  }
}

export class Hardswish extends Module {
  override forward(input: Tensor): Tensor {
    return F.hardswish(input);
  }
}

export class Hardsigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.hardsigmoid(input);
  }
}

export class LogSigmoid extends Module {
  override forward(input: Tensor): Tensor {
    return F.logsigmoid(input);
  }
}

export class Softsign extends Module {
  override forward(input: Tensor): Tensor {
    return F.softsign(input);
  }
}

export class Tanhshrink extends Module {
  override forward(input: Tensor): Tensor {
    return F.tanhshrink(input);
  }
}

/** Softmax over the channels of each pixel: dim -3 of [C, H, W] or [N, C, H, W]. */
export class Softmax2d extends Module {
  override forward(input: Tensor): Tensor {
    return F.softmax(input, { dim: -3 });
  }
}

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

/** Leaky ReLU with a learned slope: one shared, or one per channel (numParameters = C). */
export class PReLU extends Module {
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

export class GELU extends Module {
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

export class Softplus extends Module {
  readonly beta: number;
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

export class Softmax extends DimActivation {
  override forward(input: Tensor): Tensor {
    return F.softmax(input, { dim: this.dim });
  }
}

export class LogSoftmax extends DimActivation {
  override forward(input: Tensor): Tensor {
    return F.logSoftmax(input, { dim: this.dim });
  }
}

export class Softmin extends DimActivation {
  override forward(input: Tensor): Tensor {
    return F.softmin(input, { dim: this.dim });
  }
}
