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

export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: 'tanh' | 'relu';
}

export interface LSTMOptions extends RNNBaseOptions {
  /** When > 0, h is projected to this size by weight_hr (LSTM with projections). */
  projSize?: number;
}

/**
 * Elman RNN, h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) or relu (torch.nn.RNN).
 * `forward(input, h0?)` returns [output, hN].
 */
export class RNN extends RNNBase {
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

  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(
    input: Tensor | PackedSequence,
    hx: Tensor | null = null,
  ): [Tensor | PackedSequence, Tensor] {
    return this.runH(input, hx);
  }
}

/** Long short-term memory, gates i, f, g, o (torch.nn.LSTM). `forward(input, [h0, c0]?)` returns [output, [hN, cN]]. */
export class LSTM extends RNNBase {
  constructor(
    inputSize: number,
    hiddenSize: number,
    numLayersOrOpts?: number | LSTMOptions,
    opts?: LSTMOptions,
  ) {
    super('LSTM', inputSize, hiddenSize, layerOptions('LSTM', numLayersOrOpts, opts));
  }

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

/** Gated recurrent unit, gates r, z, n (torch.nn.GRU). `forward(input, h0?)` returns [output, hN]. */
export class GRU extends RNNBase {
  constructor(
    inputSize: number,
    hiddenSize: number,
    numLayersOrOpts?: number | RNNBaseOptions,
    opts?: RNNBaseOptions,
  ) {
    super('GRU', inputSize, hiddenSize, layerOptions('GRU', numLayersOrOpts, opts));
  }

  override forward(input: Tensor, hx?: Tensor | null): [Tensor, Tensor];
  override forward(input: PackedSequence, hx?: Tensor | null): [PackedSequence, Tensor];
  override forward(
    input: Tensor | PackedSequence,
    hx: Tensor | null = null,
  ): [Tensor | PackedSequence, Tensor] {
    return this.runH(input, hx);
  }
}
