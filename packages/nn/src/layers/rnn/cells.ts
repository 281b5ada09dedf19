import { empty, fmtShape, ShapeError, type Tensor, ValueError, zeros } from '@tensile/tensor';
import { uniform_ } from '../../init';
import { Module } from '../../module';
import { Parameter } from '../../parameter';
import { type FactoryOptions, pyBool } from '../options';
import { inputProjection, type Mode, makeStep } from './recurrence';

/** Options of RNNCell, LSTMCell and GRUCell: `bias` and the factory options. */
export interface RNNCellOptions extends FactoryOptions {
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
}

/**
 * What the cells share (torch.nn.RNNCellBase): weight_ih, weight_hh, bias_ih, bias_hh with
 * the gates stacked along dim 0, and one step of the recurrence on (batch, feature) or
 * unbatched (feature) input.
 */
export abstract class RNNCellBase extends Module {
  /** [gates * hiddenSize, inputSize], under PyTorch's name so state dicts match. */
  weight_ih: Parameter;
  /** [gates * hiddenSize, hiddenSize]. */
  weight_hh: Parameter;
  /** [gates * hiddenSize], or null without `bias`. */
  bias_ih: Parameter | null;
  /** [gates * hiddenSize], or null without `bias`. */
  bias_hh: Parameter | null;
  /** Whether the cell has b_ih and b_hh. */
  readonly bias: boolean;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    gates: number,
    opts: RNNCellOptions,
  ) {
    super();
    this.bias = opts.bias ?? true;
    const make = (shape: number[]) => new Parameter(empty(shape, opts));
    this.weight_ih = make([gates * hiddenSize, inputSize]);
    this.weight_hh = make([gates * hiddenSize, hiddenSize]);
    this.bias_ih = this.bias ? make([gates * hiddenSize]) : null;
    this.bias_hh = this.bias ? make([gates * hiddenSize]) : null;
    this.resetParameters();
  }

  /** U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)) for every weight and bias, as PyTorch. */
  resetParameters(): void {
    const bound = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) uniform_(p, -bound, bound);
  }

  /**
   * One step from the states ([h] or [h, c]; zeros when not given) to the next; an unbatched
   * input and its states lose their batch dim again.
   */
  protected step(mode: Mode, input: Tensor, hx: Tensor[] | null, count: number): Tensor[] {
    const name = this.constructor.name;
    if (input.ndim !== 1 && input.ndim !== 2)
      throw new ShapeError(
        `${name}: Expected input to be 1-D or 2-D but received ${input.ndim}-D tensor`,
      );
    const isBatched = input.ndim === 2;
    const x = isBatched ? input : input.unsqueeze(0);
    const batch = x.shape[0];
    const states =
      hx?.map((h) => (isBatched ? h : h.unsqueeze(0))) ??
      Array.from({ length: count }, () =>
        zeros([batch, this.hiddenSize], { dtype: x.dtype, device: x.device }),
      );
    if (x.shape[1] !== this.inputSize)
      throw new ShapeError(
        `${name}: input has inconsistent input_size: got ${x.shape[1]} expected ${this.inputSize}`,
      );
    states.forEach((h, k) => {
      if (h.ndim !== 2)
        throw new ShapeError(
          `${name}: hidden${k} must have as many dimensions as the input (${input.ndim}), got shape ${fmtShape(hx![k].shape)}`,
        );
      if (h.shape[0] !== batch)
        throw new ShapeError(
          `${name}: Input batch size ${batch} doesn't match hidden${k} batch size ${h.shape[0]}`,
        );
      if (h.shape[1] !== this.hiddenSize)
        throw new ShapeError(
          `${name}: hidden${k} has inconsistent hidden_size: got ${h.shape[1]}, expected ${this.hiddenSize}`,
        );
    });
    const w = {
      wIh: this.weight_ih,
      wHh: this.weight_hh,
      bIh: this.bias_ih,
      bHh: this.bias_hh,
      wHr: null,
    };
    const next = makeStep(mode, w)(inputProjection(mode, x, w), states);
    return isBatched ? next : next.map((h) => h.squeeze(0));
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? '' : `, bias=${pyBool(false)}`}`;
  }
}

/** Options of RNNCell: RNNCellOptions plus `nonlinearity`. */
export interface RNNCellOptionsWithNonlinearity extends RNNCellOptions {
  /** The activation of the new state (default 'tanh'). */
  nonlinearity?: 'tanh' | 'relu';
}

/** h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh), or relu (torch.nn.RNNCell). */
export class RNNCell extends RNNCellBase {
  /** The activation of the new state. */
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptionsWithNonlinearity = {}) {
    super(inputSize, hiddenSize, 1, opts);
    this.nonlinearity = opts.nonlinearity ?? 'tanh';
    if (this.nonlinearity !== 'tanh' && this.nonlinearity !== 'relu')
      throw new ValueError(`RNNCell: Unknown nonlinearity: ${this.nonlinearity}`);
  }

  /**
   * One step: input [N, inputSize] (or [inputSize]) and h [N, hiddenSize] (zeros when not
   * given) -> h' [N, hiddenSize].
   */
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    const mode = this.nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU';
    return this.step(mode, input, hx && [hx], 1)[0];
  }

  override extraRepr(): string {
    const nl = this.nonlinearity === 'tanh' ? '' : `, nonlinearity=${this.nonlinearity}`;
    return super.extraRepr() + nl;
  }
}

/** One LSTM step, gates i, f, g, o (torch.nn.LSTMCell): returns [h', c']. */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super(inputSize, hiddenSize, 4, opts);
  }

  /**
   * One step: input [N, inputSize] (or [inputSize]) and [h, c], each [N, hiddenSize] (zeros when
   * not given) -> [h', c'].
   */
  override forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const [h, c] = this.step('LSTM', input, hx, 2);
    return [h, c];
  }
}

/** One GRU step, gates r, z, n (torch.nn.GRUCell): returns h'. */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNCellOptions = {}) {
    super(inputSize, hiddenSize, 3, opts);
  }

  /**
   * One step: input [N, inputSize] (or [inputSize]) and h [N, hiddenSize] (zeros when not
   * given) -> h' [N, hiddenSize].
   */
  override forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this.step('GRU', input, hx && [hx], 1)[0];
  }
}
