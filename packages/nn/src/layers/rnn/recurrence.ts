/**
 * The recurrence behind RNN, LSTM, GRU and their cells, built from tensor ops so autograd
 * differentiates it. Each layer and direction projects its whole input at once (x W_ih^T for
 * every step in one matmul); only h W_hh^T is left inside the time loop. Sequences run over
 * packed rows: step t is the next sizes[t] rows of a 2-D (rows, features) tensor, the longest
 * sequences first, so padded and packed input share one loop.
 */
import { Function as AutogradFunction, type FunctionCtx } from '@tensile/autograd';
import {
  cat,
  isGradEnabled,
  lstmCell,
  lstmCellBackward,
  split,
  stack,
  type Tensor,
} from '@tensile/tensor';
import { dropout } from '../../functional/dropout';

export type Mode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';

/** One direction of one layer, in PyTorch's layout: gates stacked along dim 0. */
export interface CellWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  /** LSTM's projection of h (projSize), or null. */
  wHr: Tensor | null;
}

/**
 * split() as one node of the graph whose backward is one cat. Split into views, every view's
 * gradient would be a scatter into a zero tensor the size of the whole input, which for a
 * sequence's time steps costs steps x sequence.
 */
class SplitParts extends AutogradFunction {
  static override forward(ctx: FunctionCtx, x: Tensor, sizes: number[], dim: number): Tensor[] {
    ctx.dim = dim;
    return split(x, sizes, dim);
  }

  static override backward(ctx: FunctionCtx, ...grads: Tensor[]): (Tensor | null)[] {
    return [cat(grads, ctx.dim as number), null, null];
  }
}

/** `x` split along `dim` into parts of `sizes`, differentiably at the cost of one cat. */
export function splitParts(x: Tensor, sizes: readonly number[], dim = 0): Tensor[] {
  return sizes.length === 1 ? [x] : SplitParts.apply(x, [...sizes], dim);
}

/** The state after one step ([h] or [h, c]) from the step's input projection and the state before. */
type Step = (xProj: Tensor, state: Tensor[]) => Tensor[];

/**
 * x W_ih^T plus the biases the step does not add itself: both for RNN and LSTM, b_ih alone for
 * GRU, whose reset gate multiplies h W_hh^T + b_hh.
 */
export function inputProjection(mode: Mode, x: Tensor, w: CellWeights): Tensor {
  const out = x.matmul(w.wIh.t());
  const bias = mode === 'GRU' || !w.bHh ? w.bIh : w.bIh?.add(w.bHh);
  return bias ? out.add(bias) : out;
}

export function makeStep(mode: Mode, w: CellWeights): Step {
  const wHhT = w.wHh.t();
  switch (mode) {
    case 'RNN_TANH':
      return (x, [h]) => [x.add(h.matmul(wHhT)).tanh()];
    case 'RNN_RELU':
      return (x, [h]) => [x.add(h.matmul(wHhT)).relu()];
    case 'LSTM': {
      const wHrT = w.wHr?.t() ?? null;
      return (x, [h, c]) => {
        const [hy, cy] = LstmCell.apply(x, h.matmul(wHhT), c);
        return [wHrT ? hy.matmul(wHrT) : hy, cy];
      };
    }
    case 'GRU':
      return (x, [h]) => [gruStep(x, h, wHhT, w.bHh)];
  }
}

/**
 * The LSTM cell (gates i, f, g, o; c' = f c + i g; h' = o tanh(c')) as one node of the graph,
 * on the fused kernels both ways. Under createGraph its backward recomputes the cell from
 * recorded tensor ops, so that the gradient is differentiable again.
 */
class LstmCell extends AutogradFunction {
  static override forward(ctx: FunctionCtx, xGates: Tensor, hGates: Tensor, c: Tensor): Tensor[] {
    const [hy, cy, ws] = lstmCell(xGates, hGates, c);
    ctx.saveForBackward(xGates, hGates, c, cy, ws);
    return [hy, cy];
  }

  static override backward(ctx: FunctionCtx, gh: Tensor, gc: Tensor): Tensor[] {
    const [xGates, hGates, c, cy, ws] = ctx.savedTensors as Tensor[];
    const differentiable = isGradEnabled();
    const [y, work] = differentiable
      ? lstmCell(xGates, hGates, c, { differentiable }).slice(1)
      : [cy, ws];
    const [dGates, dc] = lstmCellBackward(gh, gc, c, y, work, { differentiable });
    return [dGates, dGates, dc];
  }
}

/** Gates r, z, n; h' = (1 - z) n + z h, written n + z (h - n). */
function gruStep(x: Tensor, h: Tensor, wHhT: Tensor, bHh: Tensor | null): Tensor {
  const hh = bHh ? h.matmul(wHhT).add(bHh) : h.matmul(wHhT);
  const thirds = Array(3).fill(h.shape[1]);
  const [xr, xz, xn] = splitParts(x, thirds, 1);
  const [hr, hz, hn] = splitParts(hh, thirds, 1);
  const r = xr.add(hr).sigmoid();
  const z = xz.add(hz).sigmoid();
  const n = xn.add(r.mul(hn)).tanh();
  return n.add(z.mul(h.sub(n)));
}

const head = (t: Tensor, rows: number) => (rows === t.shape[0] ? t : t.narrow(0, 0, rows));

/**
 * One direction over packed rows. Forward, a sequence that ends leaves the batch (its rows are
 * the last ones) and its state is final; in reverse, sequences join as the steps reach their
 * ends, starting from their initial state.
 */
function runDirection(
  step: Step,
  xProj: Tensor,
  sizes: readonly number[],
  init: Tensor[],
  reverse: boolean,
): { out: Tensor; final: Tensor[] } {
  const xs = splitParts(xProj, sizes);
  const outs = new Array<Tensor>(sizes.length);
  const ended: Tensor[][] = [];
  let state = reverse ? init.map((s) => head(s, sizes[sizes.length - 1])) : init;
  for (let k = 0; k < sizes.length; k++) {
    const t = reverse ? sizes.length - 1 - k : k;
    const bs = sizes[t];
    const rows = state[0].shape[0];
    if (bs < rows) {
      const parts = state.map((s) => splitParts(s, [bs, rows - bs]));
      ended.unshift(parts.map((p) => p[1]));
      state = parts.map((p) => p[0]);
    } else if (bs > rows) {
      state = state.map((s, i) => cat([s, init[i].narrow(0, rows, bs - rows)]));
    }
    state = step(xs[t], state);
    outs[t] = state[0];
  }
  const final = ended.length ? state.map((s, i) => cat([s, ...ended.map((e) => e[i])])) : state;
  return { out: outs.length === 1 ? outs[0] : cat(outs), final };
}

export interface RecurrenceConfig {
  mode: Mode;
  numLayers: number;
  bidirectional: boolean;
  /** Dropout on each layer's output but the last's, when training. */
  dropout: number;
  training: boolean;
}

/**
 * Every layer and direction over packed rows `data` (rows, features). `hx` holds the initial
 * states ([h] or [h, c]), each (numLayers * directions, batch, size), batch sorted longest
 * first. Returns the last layer's output rows and the final states, stacked as hx.
 */
export function recurrence(
  cfg: RecurrenceConfig,
  weights: (layer: number, direction: number) => CellWeights,
  data: Tensor,
  sizes: readonly number[],
  hx: Tensor[],
): { out: Tensor; hN: Tensor[] } {
  const dirs = cfg.bidirectional ? 2 : 1;
  const finals: Tensor[][] = hx.map(() => []);
  const inits = hx.map((h) => splitParts(h, Array(h.shape[0]).fill(1)).map((p) => p.squeeze(0)));
  let x = data;
  for (let layer = 0; layer < cfg.numLayers; layer++) {
    if (layer > 0) x = dropout(x, { p: cfg.dropout, training: cfg.training });
    const outs: Tensor[] = [];
    for (let d = 0; d < dirs; d++) {
      const w = weights(layer, d);
      const init = inits.map((parts) => parts[layer * dirs + d]);
      const run = runDirection(
        makeStep(cfg.mode, w),
        inputProjection(cfg.mode, x, w),
        sizes,
        init,
        d === 1,
      );
      outs.push(run.out);
      run.final.forEach((f, i) => {
        finals[i].push(f);
      });
    }
    x = dirs === 1 ? outs[0] : cat(outs, 1);
  }
  return { out: x, hN: finals.map((f) => stack(f)) };
}
