import { empty, fmtShape, ShapeError, type Tensor } from '@tensile/tensor';
import * as F from '../functional/linear';
import { kaimingUniform_, uniform_ } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { type FactoryOptions, pyBool } from './options';

export interface LinearOptions extends FactoryOptions {
  bias?: boolean;
}

/** Returns its input (torch.nn.Identity); any constructor arguments are ignored. */
export class Identity extends Module {
  override forward(input: Tensor): Tensor {
    return input;
  }
}

/** PyTorch's default for weight and bias: U(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
export function resetAffine(weight: Tensor, bias: Tensor | null, fanIn: number): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias) {
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}

/** y = x W^T + b (torch.nn.Linear); weight [outFeatures, inFeatures]. */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    this.weight = new Parameter(empty([outFeatures, inFeatures], opts));
    this.bias = opts.bias === false ? null : new Parameter(empty([outFeatures], opts));
    this.resetParameters();
  }

  resetParameters(): void {
    resetAffine(this.weight, this.bias, this.inFeatures);
  }

  override forward(input: Tensor): Tensor {
    if (input.ndim === 0 || input.shape[input.ndim - 1] !== this.inFeatures) {
      throw new ShapeError(
        `Linear(in_features=${this.inFeatures}, out_features=${this.outFeatures}): expected input with last dimension ${this.inFeatures}, but got input of shape ${fmtShape(input.shape)}`,
      );
    }
    return F.linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}

/** y = x1^T A x2 + b (torch.nn.Bilinear); weight [outFeatures, in1Features, in2Features]. */
export class Bilinear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(
    readonly in1Features: number,
    readonly in2Features: number,
    readonly outFeatures: number,
    opts: LinearOptions = {},
  ) {
    super();
    this.weight = new Parameter(empty([outFeatures, in1Features, in2Features], opts));
    this.bias = opts.bias === false ? null : new Parameter(empty([outFeatures], opts));
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.in1Features);
    uniform_(this.weight, -bound, bound);
    if (this.bias) uniform_(this.bias, -bound, bound);
  }

  override forward(input1: Tensor, input2: Tensor): Tensor {
    return F.bilinear(input1, input2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
