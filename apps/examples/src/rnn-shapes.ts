// The shapes that go in and out of RNN, LSTM and GRU, as in PyTorch's documentation: input
// [seqLen, batch, inputSize] (batchFirst: false), output [seqLen, batch, hiddenSize], final state
// [numLayers * numDirections, batch, hiddenSize]; an LSTM also returns its cell state.
// Run: pnpm --filter @tensile/examples run rnn-shapes
import { GRU, LSTM, RNN } from '@tensile/nn';
import { manualSeed, randn, type Tensor } from '@tensile/tensor';

const fmt = (t: Tensor) => `[${t.shape.join(', ')}]`;

manualSeed(0);
const input = randn([3, 2, 4]); // 3 time steps, batch of 2, 4 features
console.log(`input ${fmt(input)}`);

const [output, hN] = new RNN(4, 3, 1).forward(input);
console.log(`RNN(4, 3, 1):  output ${fmt(output)}, hidden ${fmt(hN)}`);

const [lstmOut, [h, c]] = new LSTM(4, 3, 1).forward(input);
console.log(`LSTM(4, 3, 1): output ${fmt(lstmOut)}, hidden ${fmt(h)}, cell ${fmt(c)}`);

const [gruOut, gruH] = new GRU(4, 3, 2, { bidirectional: true }).forward(input);
console.log(`GRU(4, 3, 2, bidirectional): output ${fmt(gruOut)}, hidden ${fmt(gruH)}`);

const [batchFirst] = new RNN(4, 3, { batchFirst: true }).forward(input.transpose(0, 1));
console.log(`RNN(4, 3, batchFirst) on [2, 3, 4]: output ${fmt(batchFirst)}`);
