import { empty, fmtShape, ShapeError, type Tensor } from '@tensile/tensor';
import * as F from '../functional/linear';
import { kaimingUniform_, uniform_ } from '../init';
import { Module } from '../module';
import { Parameter } from '../parameter';
import { type FactoryOptions, pyBool } from './options';

/** Options of Linear and Bilinear: the factory options plus `bias`. */
export interface LinearOptions extends FactoryOptions {
  /** Learn an additive bias (default true); false leaves `bias` null. */
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

/**
 * y = x W^T + b (torch.nn.Linear): [*, inFeatures] -> [*, outFeatures], any leading dims. Weight
 * and bias start as PyTorch's do: kaiming-uniform with a = sqrt(5), which is U(-1/sqrt(inFeatures),
 * 1/sqrt(inFeatures)), for both.
 */
export class Linear extends Module {
  /** [outFeatures, inFeatures], initialized as described on the class. */
  weight: Parameter;
  /** [outFeatures], or null with `bias: false`. */
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

  /** Re-draws weight and bias from PyTorch's default initialization (see the class). */
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

/**
 * y = x1^T A x2 + b for each output feature (torch.nn.Bilinear): forward(input1, input2) takes
 * [*, in1Features] and [*, in2Features] with the same leading dims and gives [*, outFeatures].
 */
export class Bilinear extends Module {
  /** [outFeatures, in1Features, in2Features], from U(-1/sqrt(in1Features), 1/sqrt(in1Features)). */
  weight: Parameter;
  /** [outFeatures], from the same uniform as the weight, or null with `bias: false`. */
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

  /**
   * Re-draws weight and bias from U(-1/sqrt(in1Features), 1/sqrt(in1Features)), as PyTorch does.
   */
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
