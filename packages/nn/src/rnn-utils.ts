/**
 * Variable-length sequences for the recurrent layers (torch.nn.utils.rnn). A PackedSequence keeps
 * only the real steps: time step t's rows for the batchSizes[t] sequences still running, the
 * longest first. Packing, padding and unpacking are each one gather (indexSelect) over the rows,
 * so they are differentiable and cost one op however long the sequences are.
 */
import {
  cat,
  type DType,
  fmtShape,
  full,
  ShapeError,
  type Tensor,
  tensor,
  ValueError,
} from '@tensile/tensor';

/**
 * A batch of sequences of different lengths, packed by time step
 * (torch.nn.utils.rnn.PackedSequence): what RNN, LSTM and GRU take to skip the padding. Build it
 * with packPaddedSequence or packSequence rather than by hand.
 */
export class PackedSequence {
  /** The inverse of sortedIndices: where each original batch entry sits in the sorted batch. */
  readonly unsortedIndices: Tensor | null;

  constructor(
    /** The packed steps, [sum of lengths, *]: step 0's row of every sequence, then step 1's, ... */
    readonly data: Tensor,
    /** int64 [longest length]: how many sequences are still running at each step. */
    readonly batchSizes: Tensor,
    /** The batch order by decreasing length, or null when the input was already sorted. */
    readonly sortedIndices: Tensor | null = null,
    unsortedIndices: Tensor | null = null,
  ) {
    this.unsortedIndices = unsortedIndices ?? invertPermutation(sortedIndices);
  }

  /** The same sequences with `data` cast or moved; the index tensors stay as they are. */
  to(target: DType | string): PackedSequence {
    const data = this.data.to(target);
    return data === this.data
      ? this
      : new PackedSequence(data, this.batchSizes, this.sortedIndices, this.unsortedIndices);
  }

  /** to('float32'). */
  float(): PackedSequence {
    return this.to('float32');
  }

  /** to('float64'). */
  double(): PackedSequence {
    return this.to('float64');
  }

  /** Destructures like PyTorch's named tuple: `const [data, batchSizes] = packed`. */
  *[Symbol.iterator](): Generator<Tensor | null> {
    yield this.data;
    yield this.batchSizes;
    yield this.sortedIndices;
    yield this.unsortedIndices;
  }

  /** PyTorch's printed form, `PackedSequence(data=..., batch_sizes=..., ...)`. */
  toString(): string {
    const show = (t: Tensor | null) => (t === null ? 'None' : t.toString());
    return `PackedSequence(data=${show(this.data)}, batch_sizes=${show(this.batchSizes)}, sorted_indices=${show(this.sortedIndices)}, unsorted_indices=${show(this.unsortedIndices)})`;
  }
}

/** The permutation that undoes `permutation` (torch.nn.utils.rnn.invert_permutation). */
export function invertPermutation(permutation: Tensor | null): Tensor | null {
  if (permutation === null) return null;
  const p = permutation.dataSync();
  const inverse = new Array<number>(p.length);
  p.forEach((v, i) => {
    inverse[v] = i;
  });
  return tensor(inverse, { dtype: permutation.dtype, device: permutation.device });
}

/** An int64 index; on the CPU (batch sizes, lengths: as PyTorch keeps them) unless `device`. */
const indices = (v: number[], device = 'cpu') => tensor(v, { dtype: 'int64', device });

function lengthList(op: string, lengths: Tensor | readonly number[]): number[] {
  if (Array.isArray(lengths)) return lengths.map(Math.trunc);
  const t = lengths as Tensor;
  if (t.ndim !== 1)
    throw new ShapeError(
      `${op}: 'lengths' argument should be a 1D int64 tensor, but got ${t.ndim}D ${t.dtype} tensor`,
    );
  return Array.from(t.dataSync(), Math.trunc);
}

/** Batch entries in order of decreasing length (ties keep their order). */
function sortByLength(lengths: number[]): number[] {
  return lengths.map((_, i) => i).sort((a, b) => lengths[b] - lengths[a]);
}

/** How many sequences are still running at each step, for lengths sorted decreasing. */
function batchSizesFor(sorted: number[]): number[] {
  const out: number[] = [];
  for (let t = 0, b = sorted.length; t < sorted[0]; t++) {
    while (sorted[b - 1] <= t) b--;
    out.push(b);
  }
  return out;
}

/** Options of packPaddedSequence and packSequence (torch's batch_first, enforce_sorted). */
export interface PackPaddedOptions {
  /** Input is (batch, time, *) rather than (time, batch, *) (default false). */
  batchFirst?: boolean;
  /**
   * Require lengths sorted decreasing (default true, PyTorch's ONNX-friendly default); false
   * sorts them here and unsorts the results.
   */
  enforceSorted?: boolean;
}

/**
 * Packs a padded batch of variable-length sequences (torch.nn.utils.rnn.pack_padded_sequence):
 * input (T, B, *) (or (B, T, *) with batchFirst) and B lengths, each at least 1. Lengths must be
 * sorted decreasing unless `enforceSorted: false`.
 */
export function packPaddedSequence(
  input: Tensor,
  lengths: Tensor | readonly number[],
  opts: PackPaddedOptions = {},
): PackedSequence {
  const { batchFirst = false, enforceSorted = true } = opts;
  const lens = lengthList('packPaddedSequence', lengths);
  if (input.numel() === 0) throw new ValueError('packPaddedSequence: Cannot pack empty tensors.');
  if (input.ndim < 2)
    throw new ShapeError(
      `packPaddedSequence: expected an input of at least 2 dimensions, got ${fmtShape(input.shape)}`,
    );
  const [steps, batch] = batchFirst ? [input.shape[1], input.shape[0]] : input.shape;
  if (lens.length !== batch)
    throw new ValueError(
      `packPaddedSequence: Expected \`len(lengths)\` to be equal to batch_size, but got ${lens.length} (batch_size=${batch})`,
    );
  const order = enforceSorted ? lens.map((_, i) => i) : sortByLength(lens);
  const sorted = order.map((i) => lens[i]);
  if (enforceSorted && sorted.some((l, i) => i > 0 && l > sorted[i - 1]))
    throw new ValueError(
      'packPaddedSequence: `lengths` array must be sorted in decreasing order when `enforce_sorted` is True. You can pass `enforceSorted: false` to packPaddedSequence and/or packSequence to sidestep this requirement if you do not need ONNX exportability.',
    );
  if (sorted[batch - 1] <= 0)
    throw new ValueError(
      "packPaddedSequence: Length of all samples has to be greater than 0, but found an element in 'lengths' that is <= 0",
    );
  if (sorted[0] > steps)
    throw new ValueError(
      `packPaddedSequence: the longest length ${sorted[0]} exceeds the ${steps} steps of the input ${fmtShape(input.shape)}`,
    );
  const sizes = batchSizesFor(sorted);
  const rows: number[] = [];
  sizes.forEach((bs, t) => {
    for (let s = 0; s < bs; s++)
      rows.push(batchFirst ? order[s] * steps + t : t * batch + order[s]);
  });
  return new PackedSequence(
    input.flatten(0, 1).indexSelect(0, indices(rows, input.device)),
    indices(sizes),
    enforceSorted ? null : indices(order, input.device),
  );
}

/** Options of padPackedSequence (torch's batch_first, padding_value, total_length). */
export interface PadPackedOptions {
  /** Return (batch, time, *) rather than (time, batch, *) (default false). */
  batchFirst?: boolean;
  /** The value of the padding steps (default 0). */
  paddingValue?: number;
  /** Pad to this many steps rather than to the longest sequence. */
  totalLength?: number;
}

/**
 * The padded batch and each sequence's length, in the batch order given to packing
 * (torch.nn.utils.rnn.pad_packed_sequence).
 */
export function padPackedSequence(
  sequence: PackedSequence,
  opts: PadPackedOptions = {},
): [Tensor, Tensor] {
  const { batchFirst = false, paddingValue = 0 } = opts;
  const sizes = Array.from(sequence.batchSizes.dataSync());
  const steps = opts.totalLength ?? sizes.length;
  if (steps < sizes.length)
    throw new ValueError(
      `padPackedSequence: Expected total_length to be at least the length of the longest sequence in input, but got total_length=${steps} and max sequence length being ${sizes.length}`,
    );
  const batch = sizes[0];
  const where = sequence.unsortedIndices?.dataSync() ?? null;
  const slot = (b: number) => (where ? where[b] : b);
  const offsets = sizes.map((_, t) => sizes.slice(0, t).reduce((a, b) => a + b, 0));
  const pad = sequence.data.shape[0];
  const rows = paddedRows(steps, batch, batchFirst, (t, b) =>
    t < sizes.length && slot(b) < sizes[t] ? offsets[t] + slot(b) : pad,
  );
  const lengths = Array.from(
    { length: batch },
    (_, b) => sizes.filter((bs) => bs > slot(b)).length,
  );
  const padded = gatherRows(sequence.data, rows, paddingValue);
  const feature = sequence.data.shape.slice(1);
  const shape = batchFirst ? [batch, steps, ...feature] : [steps, batch, ...feature];
  return [padded.reshape(shape), indices(lengths)];
}

/** The source row of every (step, batch entry) of a padded batch, in its memory order. */
function paddedRows(
  steps: number,
  batch: number,
  batchFirst: boolean,
  at: (t: number, b: number) => number,
): number[] {
  const rows: number[] = [];
  for (let i = 0; i < steps * batch; i++)
    rows.push(
      batchFirst ? at(i % steps, Math.floor(i / steps)) : at(Math.floor(i / batch), i % batch),
    );
  return rows;
}

/** Rows of `data` by index, where index data.shape[0] is a row of `paddingValue`. */
function gatherRows(data: Tensor, rows: number[], paddingValue: number): Tensor {
  const padRow = full([1, ...data.shape.slice(1)], paddingValue, {
    dtype: data.dtype,
    device: data.device,
  });
  return cat([data, padRow]).indexSelect(0, indices(rows, data.device));
}

/** Options of padSequence (torch's batch_first, padding_value). */
export interface PadSequenceOptions {
  /** Return (B, T, *) rather than (T, B, *) (default false, as in PyTorch). */
  batchFirst?: boolean;
  /** The value of the padding steps (default 0). */
  paddingValue?: number;
}

/**
 * Stacks sequences of different lengths (each (L, *)) into one (T, B, *) tensor, padded to the
 * longest (torch.nn.utils.rnn.pad_sequence); a tensor counts as the sequences along its dim 0.
 */
export function padSequence(
  sequences: Tensor | readonly Tensor[],
  opts: PadSequenceOptions = {},
): Tensor {
  const seqs = Array.isArray(sequences) ? sequences : (sequences as Tensor).unbind(0);
  const { batchFirst = false, paddingValue = 0 } = opts;
  if (seqs.length === 0) throw new ValueError('padSequence: received an empty list of sequences');
  const trailing = seqs[0].shape.slice(1);
  seqs.forEach((s, i) => {
    if (s.ndim === 0 || fmtShape(s.shape.slice(1)) !== fmtShape(trailing))
      throw new ShapeError(
        `padSequence: every sequence must be (length, ...${fmtShape(trailing)}), but sequence 0 is ${fmtShape(seqs[0].shape)} and sequence ${i} is ${fmtShape(s.shape)}`,
      );
  });
  const lens = seqs.map((s) => s.shape[0]);
  const steps = Math.max(...lens);
  const starts = lens.map((_, i) => lens.slice(0, i).reduce((a, b) => a + b, 0));
  const pad = starts[seqs.length - 1] + lens[seqs.length - 1];
  const batch = seqs.length;
  const rows = paddedRows(steps, batch, batchFirst, (t, b) => (t < lens[b] ? starts[b] + t : pad));
  const shape = batchFirst ? [batch, steps, ...trailing] : [steps, batch, ...trailing];
  return gatherRows(cat(seqs), rows, paddingValue).reshape(shape);
}

/**
 * The sequences of a padded batch (T, B, *) (or (B, T, *) with batchFirst), each cut to its
 * length (torch.nn.utils.rnn.unpad_sequence).
 */
export function unpadSequence(
  paddedSequences: Tensor,
  lengths: Tensor | readonly number[],
  opts: { batchFirst?: boolean } = {},
): Tensor[] {
  const batchDim = opts.batchFirst ? 0 : 1;
  return lengthList('unpadSequence', lengths).map((len, b) =>
    paddedSequences.select(batchDim, b).narrow(0, 0, len),
  );
}

/**
 * Packs a list of sequences, each (L, *) (torch.nn.utils.rnn.pack_sequence); with the default
 * `enforceSorted: true` they must come longest first.
 */
export function packSequence(
  sequences: readonly Tensor[],
  opts: { enforceSorted?: boolean } = {},
): PackedSequence {
  const lengths = sequences.map((s) => s.shape[0]);
  return packPaddedSequence(padSequence(sequences), lengths, opts);
}

/**
 * The sequences of a PackedSequence, in their original order
 * (torch.nn.utils.rnn.unpack_sequence).
 */
export function unpackSequence(packed: PackedSequence): Tensor[] {
  const [padded, lengths] = padPackedSequence(packed, { batchFirst: true });
  return unpadSequence(padded, lengths, { batchFirst: true });
}
