import {
  empty,
  fmtShape,
  ShapeError,
  TensileError,
  type Tensor,
  ValueError,
  warn,
  zeros,
} from '@tensile/tensor';
import { uniform_ } from '../../init';
import { Module } from '../../module';
import { Parameter } from '../../parameter';
import { PackedSequence } from '../../rnn-utils';
import { type FactoryOptions, pyBool, pyFloat, pyTuple } from '../options';
import { type CellWeights, type Mode, recurrence } from './recurrence';

/**
 * Options of RNN, LSTM and GRU (torch's num_layers, bias, batch_first, dropout, bidirectional) and
 * the factory options.
 */
export interface RNNBaseOptions extends FactoryOptions {
  /**
   * Stacked recurrent layers, each reading the previous one's output sequence (default 1); also
   * accepted as the third constructor argument, as in PyTorch.
   */
  numLayers?: number;
  /** Learn the biases b_ih and b_hh (default true). */
  bias?: boolean;
  /**
   * Input and output are (batch, seq, feature) rather than (seq, batch, feature), default false;
   * the states are not affected.
   */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training (default 0). */
  dropout?: number;
  /**
   * Also run each layer from the end of the sequence back, concatenating both directions' outputs:
   * output features 2 * hiddenSize and 2 * numLayers state rows (default false).
   */
  bidirectional?: boolean;
}

/**
 * The options of `new LSTM(10, 20, 2, { ... })` or `new LSTM(10, 20, { numLayers: 2, ... })`:
 * PyTorch's third positional argument is numLayers.
 */
export function layerOptions<O extends RNNBaseOptions>(
  name: string,
  numLayersOrOpts: number | O | undefined,
  opts: O | undefined,
): O {
  if (typeof numLayersOrOpts !== 'number') return { ...numLayersOrOpts } as O;
  if (opts?.numLayers !== undefined)
    throw new TensileError(`${name}: got numLayers both as an argument and as an option`);
  return { ...opts, numLayers: numLayersOrOpts } as O;
}

/** Parameter names of one layer and direction. */
interface WeightNames {
  wIh: string;
  wHh: string;
  bIh: string | null;
  bHh: string | null;
  wHr: string | null;
}

/**
 * What RNN, LSTM and GRU share (torch.nn.RNNBase): parameters under PyTorch's names, shape
 * checks, padded, unbatched and packed input, and the final states.
 */
export class RNNBase extends Module {
  /** The number of stacked layers. */
  readonly numLayers: number;
  /** Whether the layers have b_ih and b_hh. */
  readonly bias: boolean;
  /**
   * Whether input and output are [N, L, *] rather than [L, N, *]; the states are [layers, N, *]
   * either way.
   */
  readonly batchFirst: boolean;
  /** Dropout probability between layers, in training. */
  readonly dropout: number;
  /** Whether each layer also runs backwards. */
  readonly bidirectional: boolean;
  /** LSTM's projection size, 0 for none. */
  readonly projSize: number;
  private readonly names: WeightNames[];

  constructor(
    readonly mode: Mode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    opts: RNNBaseOptions & { projSize?: number } = {},
  ) {
    super();
    const name = this.constructor.name;
    this.numLayers = opts.numLayers ?? 1;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    this.projSize = opts.projSize ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1))
      throw new ValueError(
        `${name}: dropout should be a number in range [0, 1] representing the probability of an element being zeroed, got ${this.dropout}`,
      );
    if (this.dropout > 0 && this.numLayers === 1)
      warn(
        `${name}: dropout option adds dropout after all but last recurrent layer, so non-zero dropout expects num_layers greater than 1, but got dropout=${this.dropout} and num_layers=${this.numLayers}`,
      );
    if (mode !== 'LSTM' && opts.projSize !== undefined)
      throw new ValueError(
        `${name}: proj_size argument is only supported for LSTM, not RNN or GRU`,
      );
    if (this.projSize < 0)
      throw new ValueError(
        `${name}: proj_size should be a positive integer or zero to disable projections`,
      );
    if (this.projSize >= hiddenSize && this.projSize > 0)
      throw new ValueError(`${name}: proj_size has to be smaller than hidden_size`);
    this.names = this.registerWeights(opts);
    this.resetParameters();
  }

  /** Creates each layer's and direction's weights in PyTorch's order and layout. */
  private registerWeights(factory: FactoryOptions): WeightNames[] {
    const gates = { RNN_TANH: 1, RNN_RELU: 1, LSTM: 4, GRU: 3 }[this.mode] * this.hiddenSize;
    const out = this.outputSize;
    const names: WeightNames[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      for (let d = 0; d < this.numDirections; d++) {
        const sfx = `l${layer}${d === 1 ? '_reverse' : ''}`;
        const inSize = layer === 0 ? this.inputSize : out * this.numDirections;
        const make = (n: string, shape: number[]) => {
          this.registerParameter(n, new Parameter(empty(shape, factory)));
          return n;
        };
        names.push({
          wIh: make(`weight_ih_${sfx}`, [gates, inSize]),
          wHh: make(`weight_hh_${sfx}`, [gates, out]),
          bIh: this.bias ? make(`bias_ih_${sfx}`, [gates]) : null,
          bHh: this.bias ? make(`bias_hh_${sfx}`, [gates]) : null,
          wHr:
            this.projSize > 0 ? make(`weight_hr_${sfx}`, [this.projSize, this.hiddenSize]) : null,
        });
      }
    }
    return names;
  }

  /** 2 when bidirectional, else 1. */
  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** The size of h: projSize when LSTM projects, else hiddenSize. */
  get outputSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  /** Every weight, per layer and direction, in PyTorch's order (torch's all_weights). */
  get allWeights(): Parameter[][] {
    return this.names.map((n) =>
      [n.wIh, n.wHh, n.bIh, n.bHh, n.wHr]
        .filter((k): k is string => k !== null)
        .map((k) => this.getParameter(k)),
    );
  }

  /** U(-1/sqrt(hiddenSize), 1/sqrt(hiddenSize)) for every weight and bias, as PyTorch. */
  resetParameters(): void {
    const bound = this.hiddenSize > 0 ? 1 / Math.sqrt(this.hiddenSize) : 0;
    for (const p of this.parameters()) uniform_(p, -bound, bound);
  }

  /** A no-op, for code written for PyTorch (it only regroups weights for cuDNN there). */
  flattenParameters(): void {}

  private weights(layer: number, direction: number): CellWeights {
    const n = this.names[layer * this.numDirections + direction];
    const get = (k: string | null) => (k === null ? null : this.getParameter(k));
    return {
      wIh: get(n.wIh)!,
      wHh: get(n.wHh)!,
      bIh: get(n.bIh),
      bHh: get(n.bHh),
      wHr: get(n.wHr),
    };
  }

  /** Sizes of the states: [h] or, for LSTM, [h, c]. */
  private stateSizes(): number[] {
    return this.mode === 'LSTM' ? [this.outputSize, this.hiddenSize] : [this.hiddenSize];
  }

  private fail(message: string): never {
    throw new ShapeError(`${this.constructor.name}: ${message}`);
  }

  /** Brings an unbatched input and its states to batched form; checks the states' dims. */
  private batched(input: Tensor, hx: Tensor[] | null): [Tensor, Tensor[] | null, boolean] {
    if (input.ndim !== 2 && input.ndim !== 3)
      this.fail(`input must have 3 dimensions (2 when unbatched), got ${input.ndim}`);
    const isBatched = input.ndim === 3;
    const want = isBatched ? 3 : 2;
    if (hx?.some((h) => h.ndim !== want)) {
      const which = isBatched ? 'batched 3-D' : 'unbatched 2-D';
      this.fail(
        hx.length === 1
          ? `For ${which} input, hx should also be ${want}-D but got ${hx[0].ndim}-D tensor`
          : `For ${which} input, hx and cx should also be ${want}-D but got (${hx.map((h) => `${h.ndim}-D`).join(', ')}) tensors`,
      );
    }
    if (isBatched) return [input, hx, true];
    return [
      input.unsqueeze(this.batchFirst ? 0 : 1),
      hx?.map((h) => h.unsqueeze(1)) ?? null,
      false,
    ];
  }

  private checkState(hx: Tensor[], batch: number): void {
    const layers = this.numLayers * this.numDirections;
    this.stateSizes().forEach((size, k) => {
      const want = [layers, batch, size];
      if (fmtShape(hx[k].shape) !== fmtShape(want))
        this.fail(
          `Expected hidden${hx.length === 1 ? '' : `[${k}]`} size ${pyTuple(want)}, got ${fmtShape(hx[k].shape)}`,
        );
    });
  }

  /**
   * The forward of RNN, LSTM and GRU on their states as a list ([h] or [h, c]): the output
   * (packed when the input is) and the final states.
   */
  protected run(
    input: Tensor | PackedSequence,
    hx: Tensor[] | null,
  ): [Tensor | PackedSequence, Tensor[]] {
    const packed = input instanceof PackedSequence ? input : null;
    let x: Tensor;
    let isBatched = true;
    if (packed) {
      x = packed.data;
      if (x.ndim !== 2) this.fail(`input must have 2 dimensions, got ${x.ndim}`);
    } else {
      [x, hx, isBatched] = this.batched(input as Tensor, hx);
    }
    const features = x.shape[x.ndim - 1];
    if (features !== this.inputSize)
      this.fail(
        `input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${features}`,
      );
    const sizes = packed ? Array.from(packed.batchSizes.dataSync()) : [];
    const batch = packed ? sizes[0] : x.shape[this.batchFirst ? 0 : 1];
    const layers = this.numLayers * this.numDirections;
    let states =
      hx ??
      this.stateSizes().map((s) => zeros([layers, batch, s], { dtype: x.dtype, device: x.device }));
    const sorted = packed?.sortedIndices;
    if (hx && sorted) states = states.map((h) => h.indexSelect(1, sorted));
    this.checkState(states, batch);
    if (!packed) {
      const steps = x.shape[this.batchFirst ? 1 : 0];
      if (steps === 0) this.fail('Expected sequence length to be larger than 0 in RNN');
      for (let t = 0; t < steps; t++) sizes.push(batch);
      x = (this.batchFirst ? x.transpose(0, 1) : x).reshape([steps * batch, features]);
    }
    const cfg = {
      mode: this.mode,
      numLayers: this.numLayers,
      bidirectional: this.bidirectional,
      dropout: this.dropout,
      training: this.training,
    };
    const { out, hN } = recurrence(cfg, (l, d) => this.weights(l, d), x, sizes, states);
    if (packed) {
      const unsorted = packed.unsortedIndices;
      const output = new PackedSequence(out, packed.batchSizes, packed.sortedIndices, unsorted);
      return [output, unsorted ? hN.map((h) => h.indexSelect(1, unsorted)) : hN];
    }
    let output = out.reshape([sizes.length, batch, out.shape[1]]);
    if (this.batchFirst) output = output.transpose(0, 1);
    if (isBatched) return [output, hN];
    return [output.squeeze(this.batchFirst ? 0 : 1), hN.map((h) => h.squeeze(1))];
  }

  /** The forward of RNN and GRU, whose only state is h. */
  protected runH(
    input: Tensor | PackedSequence,
    hx: Tensor | null,
  ): [Tensor | PackedSequence, Tensor] {
    const [out, [h]] = this.run(input, hx && [hx]);
    return [out, h];
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.projSize !== 0) s += `, proj_size=${this.projSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += `, bias=${pyBool(this.bias)}`;
    if (this.batchFirst) s += `, batch_first=${pyBool(this.batchFirst)}`;
    if (this.dropout !== 0) s += `, dropout=${pyFloat(this.dropout)}`;
    if (this.bidirectional) s += `, bidirectional=${pyBool(this.bidirectional)}`;
    return s;
  }
}
