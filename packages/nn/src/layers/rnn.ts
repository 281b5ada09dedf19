/**
 * Recurrent layers (torch.nn.RNN, LSTM, GRU) and their cells. Parameters, shapes, outputs and
 * errors are PyTorch's, so state dicts move between the two; the layers take padded, unbatched
 * or packed (PackedSequence) input.
 */
import { type Tensor, ValueError } from '@tensile/tensor';
import type { PackedSequence } from '../rnn-utils';
import { layerOptions, RNNBase, type RNNBaseOptions } from './rnn/base';

export type { RNNBaseOptions } from './rnn/base';
export { RNNBase } from './rnn/base';
export type { RNNCellOptions, RNNCellOptionsWithNonlinearity } from './rnn/cells';
export { GRUCell, LSTMCell, RNNCell, RNNCellBase } from './rnn/cells';

/** Options of RNN: RNNBaseOptions plus `nonlinearity`. */
export interface RNNOptions extends RNNBaseOptions {
  /** The activation of the new state (default 'tanh'). */
  nonlinearity?: 'tanh' | 'relu';
}

/** Options of LSTM: RNNBaseOptions plus `projSize`. */
export interface LSTMOptions extends RNNBaseOptions {
  /** When > 0, h is projected to this size by weight_hr (LSTM with projections). */
  projSize?: number;
}

/**
 * Elman RNN, h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) or relu (torch.nn.RNN).
 * `forward(input, h0?)` returns [output, hN]: input [L, N, inputSize] ([N, L, inputSize] with
 * batchFirst, [L, inputSize] unbatched) gives output [L, N, D * hiddenSize] laid out the same
 * way, and h0 and hN are [D * numLayers, N, hiddenSize], D = 2 if bidirectional else 1.
 */
export class RNN extends RNNBase {
  /** The activation of the new state. */
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(
    inputSize: number,
    hiddenSize: number,
    numLayersOrOpts?: number | RNNOptions,
    opts?: RNNOptions,
  ) {
    const o = layerOptions('RNN', numLayersOrOpts, opts);
    const nonlinearity = o.nonlinearity ?? 'tanh';
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu')
      throw new ValueError(`RNN: Unknown nonlinearity '${nonlinearity}'`);
    super(nonlinearity === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, o);
    this.nonlinearity = nonlinearity;
  }

  /**
   * Runs the sequence from h0 (`hx`, zeros when not given) and returns [output, hN]; see the class
   * for shapes. A PackedSequence input gives a PackedSequence output.
   */
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(
    input: Tensor | PackedSequence,
    hx: Tensor | null = null,
  ): [Tensor | PackedSequence, Tensor] {
    return this.runH(input, hx);
  }
}

/**
 * Long short-term memory, gates i, f, g, o (torch.nn.LSTM). `forward(input, [h0, c0]?)` returns
 * [output, [hN, cN]], shaped as RNN's with h's size H = projSize when projecting, else
 * hiddenSize: output [L, N, D * H], h [D * numLayers, N, H], c [D * numLayers, N, hiddenSize].
 */
export class LSTM extends RNNBase {
  constructor(
    inputSize: number,
    hiddenSize: number,
    numLayersOrOpts?: number | LSTMOptions,
    opts?: LSTMOptions,
  ) {
    super('LSTM', inputSize, hiddenSize, layerOptions('LSTM', numLayersOrOpts, opts));
  }

  /**
   * Runs the sequence from [h0, c0] (`hx`, zeros when not given) and returns [output, [hN, cN]];
   * see the class for shapes. A PackedSequence input gives a PackedSequence output.
   */
  override forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]];
  override forward(
    input: PackedSequence,
    hx?: [Tensor, Tensor] | null,
  ): [PackedSequence, [Tensor, Tensor]];
  override forward(
    input: Tensor | PackedSequence,
    hx: [Tensor, Tensor] | null = null,
  ): [Tensor | PackedSequence, [Tensor, Tensor]] {
    const [out, [h, c]] = this.run(input, hx);
    return [out, [h, c]];
  }
}

/**
 * Gated recurrent unit, gates r, z, n (torch.nn.GRU). `forward(input, h0?)` returns
 * [output, hN], shaped as RNN's.
 */
export class GRU extends RNNBase {
  constructor(
    inputSize: number,
    hiddenSize: number,
    numLayersOrOpts?: number | RNNBaseOptions,
    opts?: RNNBaseOptions,
  ) {
    super('GRU', inputSize, hiddenSize, layerOptions('GRU', numLayersOrOpts, opts));
  }

  /**
   * Runs the sequence from h0 (`hx`, zeros when not given) and returns [output, hN]; see the class
   * for shapes. A PackedSequence input gives a PackedSequence output.
   */
  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(
    input: Tensor | PackedSequence,
    hx: Tensor | null = null,
  ): [Tensor | PackedSequence, Tensor] {
    return this.runH(input, hx);
  }
}
