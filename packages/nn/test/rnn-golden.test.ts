/**
 * Replays tools/fixtures/nn_rnn.py: RNN, LSTM, GRU and their cells against PyTorch (outputs, final
 * states, every gradient), packed sequences, the sequence utilities and the error messages.
 */
import '@tensile/autograd';
import type { Tensor } from '@tensile/tensor';
import { describe } from 'vitest';
import {
  GRU,
  GRUCell,
  LSTM,
  LSTMCell,
  type Module,
  type PackedSequence,
  packPaddedSequence,
  packSequence,
  padPackedSequence,
  padSequence,
  RNN,
  RNNCell,
  unpackSequence,
} from '../src';
import { type ModuleCase, replayFunctions, replayModules } from './golden/replay';

const LAYERS = { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell };
type LayerName = keyof typeof LAYERS;
// biome-ignore lint/suspicious/noExplicitAny: the fixture's forward takes whatever the layer does.
type AnyForward = (...args: any[]) => any;

function layer(name: string, args: unknown[], opts: Record<string, unknown>): Module {
  const Ctor = LAYERS[name as LayerName] as unknown as new (...a: unknown[]) => Module;
  return new Ctor(...args, opts);
}

/** Whether a layer's state is the pair [h, c]. */
const pairState = (m: Module) => m instanceof LSTM || m instanceof LSTMCell;

/**
 * The fixture's wrappers (see nn_rnn.py): `+state` takes the initial states as separate inputs,
 * `+packed` runs the layer on its padded input packed with the given lengths and pads the output.
 */
function build(c: ModuleCase): Module {
  const [name, wrap] = c.ctor.split('+');
  const m = layer(name, c.args, c.opts);
  const inner = m.forward as AnyForward;
  const stateOf = (state: Tensor[]) =>
    state.length === 0 ? null : pairState(m) ? state : state[0];
  if (wrap === 'state') {
    m.forward = (x: Tensor, ...state: Tensor[]) => inner(x, stateOf(state));
  } else if (wrap?.startsWith('packed')) {
    const batchFirst = (m as RNN).batchFirst;
    m.forward = (x: Tensor, lengths: Tensor, ...state: Tensor[]) => {
      const enforceSorted = wrap === 'packed-sorted';
      const p = packPaddedSequence(x, lengths, { batchFirst, enforceSorted });
      const [out, hN] = inner(p, stateOf(state));
      const [padded, lens] = padPackedSequence(out, { batchFirst });
      return [padded, lens, hN];
    };
  }
  return m;
}

const parts = (p: PackedSequence) =>
  [p.data, p.batchSizes, p.sortedIndices, p.unsortedIndices].filter((t) => t !== null);

type Opts = Record<string, unknown>;
const tensors = (args: unknown[]) => args as Tensor[];

describe('nn_rnn golden (PyTorch 1.13)', () => {
  replayModules('nn_rnn.json', build);
  replayFunctions('nn_rnn.json', {
    padSequence: (args, opts) => padSequence(tensors(args), opts),
    packSequence: (args, opts) => parts(packSequence(tensors(args), opts)),
    packPaddedSequence: ([x, lengths], opts) =>
      parts(packPaddedSequence(x as Tensor, lengths as number[], opts)),
    padPackedSequence: ([x, lengths], opts) =>
      padPackedSequence(
        packPaddedSequence(x as Tensor, lengths as number[], {
          batchFirst: opts.batchFirst as boolean,
          enforceSorted: false,
        }),
        opts,
      ),
    unpackSequence: (args) => unpackSequence(packSequence(tensors(args), { enforceSorted: false })),
    layerConstruct: (_args, opts) =>
      layer(opts.layer as string, opts.args as unknown[], opts.opts as Opts),
    layerForward: (args, opts) =>
      (
        layer(opts.layer as string, opts.args as unknown[], opts.opts as Opts).forward as AnyForward
      )(...args),
  });
});
