import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AvgPoolWindowOptions,
  arange,
  avgPool,
  avgPoolBackward,
  type ConvolutionOptions,
  col2im,
  convolution,
  convolutionInputGrad,
  convolutionWeightGrad,
  full,
  getNumThreads,
  type Im2colOptions,
  im2col,
  manualSeed,
  maxPool,
  maxPoolBackward,
  maxPoolIndices,
  type Pair,
  randn,
  registerBackend,
  ShapeError,
  setNumThreads,
  type Tensor,
  tensor,
} from '../src';
import { arrayBackend } from './backends/array-backend';

/** im2col by the definition: out[(c,i,j), (n,y,x)] = padded x[n, c, y*s + i*d - p, x*s + j*d - p]. */
function naiveIm2col(
  x: Tensor,
  k: Pair,
  o: Required<Omit<Im2colOptions, 'outputSize' | 'padValue'>> & { out: Pair; padValue?: number },
): number[][] {
  const [n, c, h, w] = x.shape;
  const data = x.tolist() as number[][][][];
  const rows: number[][] = [];
  for (let ci = 0; ci < c; ci++)
    for (let i = 0; i < k[0]; i++)
      for (let j = 0; j < k[1]; j++) {
        const row: number[] = [];
        for (let b = 0; b < n; b++)
          for (let y = 0; y < o.out[0]; y++)
            for (let xx = 0; xx < o.out[1]; xx++) {
              const r = y * o.stride[0] + i * o.dilation[0] - o.padding[0];
              const q = xx * o.stride[1] + j * o.dilation[1] - o.padding[1];
              row.push(r >= 0 && r < h && q >= 0 && q < w ? data[b][ci][r][q] : (o.padValue ?? 0));
            }
        rows.push(row);
      }
  return rows;
}

describe('im2col / col2im', () => {
  const cases: [number[], Pair, Pair, Pair, Pair][] = [
    [
      [2, 3, 5, 6],
      [3, 3],
      [1, 1],
      [1, 1],
      [1, 1],
    ],
    [
      [1, 2, 7, 7],
      [2, 3],
      [2, 1],
      [0, 2],
      [1, 2],
    ],
    [
      [2, 1, 6, 5],
      [3, 2],
      [2, 3],
      [1, 0],
      [2, 1],
    ],
  ];
  it.each(cases)(
    'matches the definition for %j kernel %j stride %j padding %j dilation %j',
    (shape, k, stride, padding, dilation) => {
      const x = randn(shape);
      const span = (i: number) => dilation[i] * (k[i] - 1) + 1;
      const out: Pair = [0, 1].map(
        (i) => Math.floor((shape[2 + i] + 2 * padding[i] - span(i)) / stride[i]) + 1,
      ) as unknown as Pair;
      const cols = im2col(x, k, { stride, padding, dilation });
      expect(cols.tolist()).toEqual(naiveIm2col(x, k, { stride, padding, dilation, out }));
    },
  );

  it('pads with padValue and honours a larger outputSize (ceil mode)', () => {
    const x = arange(16).float().reshape([1, 1, 4, 4]);
    const opts = { stride: [3, 3] as Pair, outputSize: [2, 2] as Pair, padValue: -Infinity };
    const cols = im2col(x, [2, 2], opts);
    expect(cols.tolist()).toEqual(
      naiveIm2col(x, [2, 2], {
        stride: [3, 3],
        padding: [0, 0],
        dilation: [1, 1],
        out: [2, 2],
        padValue: -Infinity,
      }),
    );
  });

  it('col2im is the adjoint of im2col: <im2col(x), y> = <x, col2im(y)>', () => {
    const x = randn([2, 3, 6, 5], { dtype: 'float64' });
    const opts: Im2colOptions = { stride: [2, 1], padding: [1, 2], dilation: [1, 2] };
    const cols = im2col(x, [3, 2], opts);
    const y = randn(cols.shape, { dtype: 'float64' });
    const lhs = cols.mul(y).sum().item();
    const rhs = x
      .mul(col2im(y, x.shape, [3, 2], opts))
      .sum()
      .item();
    expect(lhs).toBeCloseTo(rhs, 10);
  });

  it('reads strided columns (a transposed matrix) as the same values', () => {
    const y = randn([12, 6 * 2]);
    const yt = y.t().contiguous().t();
    expect(col2im(yt, [2, 3, 4, 5], [2, 2], { stride: [1, 2] }).tolist()).toEqual(
      col2im(y, [2, 3, 4, 5], [2, 2], { stride: [1, 2] }).tolist(),
    );
  });

  it('names the shapes when the windows do not fit', () => {
    expect(() => im2col(randn([1, 1, 2, 2]), [3, 3])).toThrow(ShapeError);
    expect(() => im2col(randn([1, 2, 2]), [1, 1])).toThrow(/4-D/);
    expect(() => col2im(randn([5, 4]), [1, 1, 3, 3], [2, 2])).toThrow(
      /expected columns of size \[4, 4\]/,
    );
  });
});

describe('maxPoolIndices', () => {
  beforeAll(() => registerBackend(arrayBackend));

  const cases: [number[], Pair, Im2colOptions][] = [
    [[2, 3, 8, 8], [2, 2], { stride: [2, 2] }],
    [[1, 2, 7, 9], [3, 3], { stride: [2, 2], padding: [1, 1] }],
    [[2, 1, 9, 7], [3, 2], { stride: [1, 2], dilation: [2, 1] }],
    // Ceil mode's extra window reaches past the image.
    [[1, 2, 5, 5], [2, 2], { stride: [2, 2], outputSize: [3, 3] }],
    // Rows wide enough for the kernel's four-window blocks, with borders on both sides.
    [[2, 3, 12, 19], [3, 3], { padding: [1, 1] }],
    [[1, 2, 11, 23], [2, 3], { stride: [2, 3], padding: [1, 1], dilation: [2, 2] }],
  ];
  it.each(cases)(
    '%j kernel %j %j: the CPU kernel agrees with the im2col composition',
    (shape, k, o) => {
      const x = randn(shape);
      const fast = maxPoolIndices(x, k, o);
      expect(fast.dtype).toBe('int64');
      expect(fast.tolist()).toEqual(maxPoolIndices(x.to('array'), k, o).tolist());
      // Values and indices together, and the gradient added back at the indices.
      const [values, indices] = maxPool(x, k, o);
      const [slowValues, slowIndices] = maxPool(x.to('array'), k, o);
      expect(indices.tolist()).toEqual(slowIndices.tolist());
      expect(values.tolist()).toEqual(slowValues.tolist());
      // Windows that share an argmax add their gradients in another order: float32 rounding.
      const g = randn(values.shape);
      const back = maxPoolBackward(g, indices, shape);
      const slowBack = maxPoolBackward(g.to('array'), slowIndices, shape).to('cpu');
      expect(back.sub(slowBack).abs().max().item()).toBeLessThan(1e-5);
      expect(back.ne(0).sum().item()).toBe(slowBack.ne(0).sum().item());
    },
  );

  it.each([
    ['wide rows (the blocked path)', [3, 3], [1, 2], [1, 1]],
    ["2x2 windows, stride 2 (the native tier's own loop)", [2, 2], [2, 2], [0, 0]],
  ] as [string, Pair, Pair, Pair][])(
    'agrees with the rule by definition on ties and NaNs: %s',
    (_, k, s, p) => {
      const values = randn([2, 2, 9, 26]).mul(2).round();
      const x = values.where(values.ne(3), Number.NaN);
      const data = x.tolist() as number[][][][];
      const got = maxPoolIndices(x, k, { stride: s, padding: p }).tolist() as number[][][][];
      // torch's max_pool2d: scan the window in order, take v > best or any NaN; padding never.
      const want = data.map((img) =>
        img.map((plane) =>
          got[0][0].map((row, oy) =>
            row.map((_, ox) => {
              let [best, at] = [0, -1];
              for (let i = 0; i < k[0]; i++)
                for (let j = 0; j < k[1]; j++) {
                  const [r, c] = [oy * s[0] + i - p[0], ox * s[1] + j - p[1]];
                  if (r < 0 || r >= plane.length || c < 0 || c >= plane[0].length) continue;
                  const v = plane[r][c];
                  if (at < 0 || v > best || Number.isNaN(v))
                    [best, at] = [v, r * plane[0].length + c];
                }
              return at;
            }),
          ),
        ),
      );
      expect(got).toEqual(want);
    },
  );

  it('keeps the first of equal values, the last NaN, never a padded position (as torch)', () => {
    // Expected values printed by torch 1.13's F.max_pool2d(..., return_indices=True).
    const nan = Number.NaN;
    const pool = (rows: number[][], o: Im2colOptions) =>
      maxPoolIndices(tensor([[rows]]), [2, 2], { stride: [2, 2], ...o }).tolist();
    expect(
      pool(
        [
          [1, 1, 1],
          [1, nan, 1],
          [1, 1, 1],
        ],
        { padding: [1, 1] },
      ),
    ).toEqual([
      [
        [
          [0, 1],
          [3, 4],
        ],
      ],
    ]);
    expect(
      pool(
        [
          [1, 2],
          [2, 1],
        ],
        {},
      ),
    ).toEqual([[[[1]]]]);
    expect(
      pool(
        [
          [nan, 2],
          [nan, 1],
        ],
        {},
      ),
    ).toEqual([[[[2]]]]);
    const neg = full([1, 1, 2, 2], Number.NEGATIVE_INFINITY);
    expect(maxPoolIndices(neg, [2, 2], { padding: [1, 1], stride: [2, 2] }).tolist()).toEqual([
      [
        [
          [0, 1],
          [2, 3],
        ],
      ],
    ]);
  });
});

describe('convolution', () => {
  beforeAll(() => {
    registerBackend(arrayBackend);
    manualSeed(11);
  });

  // [x shape, weight shape, options, bias]: 1x1 (the direct path), padding, stride, dilation,
  // all with output planes of 64 or more (the CPU's fused kernels), and one below (composed).
  const cases: [number[], number[], ConvolutionOptions, boolean][] = [
    [[3, 4, 9, 8], [5, 4, 3, 3], { padding: [1, 1] }, true],
    [[2, 3, 9, 9], [6, 3, 1, 1], {}, false],
    [[2, 2, 23, 25], [3, 2, 3, 2], { stride: [2, 3], padding: [2, 1], dilation: [2, 1] }, true],
    [[1, 1, 28, 28], [6, 1, 5, 5], { padding: [2, 2] }, true],
    [[5, 3, 18, 18], [4, 3, 2, 2], { stride: [2, 2] }, false],
    [[2, 3, 6, 6], [4, 3, 3, 3], { padding: [1, 1] }, true],
  ];
  const close = (a: Tensor, b: Tensor) => {
    expect(a.shape).toEqual(b.shape);
    expect(a.to('cpu').sub(b.to('cpu')).abs().max().item()).toBeLessThan(1e-4);
  };

  it.each(cases)('%j * %j %j: the kernels agree with the composition', (xs, ws, o, hasBias) => {
    const [x, w, b] = [randn(xs), randn(ws), hasBias ? randn([ws[0]]) : null];
    const y = convolution(x, w, b, o);
    close(y, convolution(x.to('array'), w.to('array'), b?.to('array') ?? null, o));
    const g = randn(y.shape);
    close(
      convolutionInputGrad(g, w, xs, o),
      convolutionInputGrad(g.to('array'), w.to('array'), xs, o),
    );
    close(
      convolutionWeightGrad(g, x, ws, o),
      convolutionWeightGrad(g.to('array'), x.to('array'), ws, o),
    );
  });

  // Windows whose kernel reaches past the image on every position: 1x1 and 2x2 planes (ResNet's
  // last stages on 32x32 images), a plane of one row, dilation: the dead taps are cut.
  const dead: [number[], number[], ConvolutionOptions][] = [
    [[3, 8, 1, 1], [5, 8, 3, 3], { padding: [1, 1] }],
    [[2, 4, 2, 2], [6, 4, 3, 3], { padding: [1, 1], stride: [2, 2] }],
    [[2, 3, 1, 9], [4, 3, 3, 3], { padding: [1, 1] }],
    [[2, 3, 1, 1], [4, 3, 3, 3], { padding: [2, 2], dilation: [2, 2] }],
    [[2, 3, 3, 1], [4, 3, 5, 3], { padding: [2, 1], stride: [1, 2] }],
  ];

  it.each(dead)('%j * %j %j: taps that never meet the image change nothing', (xs, ws, o) => {
    const [x, w] = [randn(xs), randn(ws)];
    const kernel: [number, number] = [ws[2], ws[3]];
    const y = convolution(x, w, null, o);
    // im2col + matmul over the whole kernel, its dead taps included.
    const cols = im2col(x, kernel, { ...o, outputSize: [y.shape[2], y.shape[3]] });
    const want = w
      .reshape([ws[0], -1])
      .matmul(cols)
      .reshape([ws[0], xs[0], ...y.shape.slice(2)]);
    close(y, want.movedim(0, 1));
    const g = randn(y.shape);
    const gm = g.movedim(1, 0).reshape([ws[0], -1]);
    const size = { ...o, outputSize: [y.shape[2], y.shape[3]] as [number, number] };
    close(
      convolutionInputGrad(g, w, xs, o),
      col2im(w.reshape([ws[0], -1]).mT.matmul(gm), xs, kernel, size),
    );
    close(convolutionWeightGrad(g, x, ws, o), gm.matmul(cols.mT).reshape(ws));
  });

  it('takes strided views and float64 (which the WebAssembly kernels decline)', () => {
    const x = randn([2, 8, 3, 7]).permute([0, 2, 1, 3]);
    const w = randn([4, 3, 3, 3]).transpose(2, 3);
    const want = convolution(x.contiguous(), w.contiguous(), null, { padding: [1, 1] });
    close(convolution(x, w, null, { padding: [1, 1] }), want);
    const y = convolution(x.to('float64'), w.to('float64'), null, { padding: [1, 1] });
    expect(y.dtype).toBe('float64');
    close(y.to('float32'), want);
  });

  it('names the shapes that do not fit', () => {
    expect(() => convolution(randn([1, 3, 5, 5]), randn([2, 4, 3, 3]), null)).toThrow(
      /weight of size \[2, 4, 3, 3\].*input of size \[1, 3, 5, 5\]/,
    );
    expect(() => convolution(randn([1, 3, 5, 5]), randn([2, 3, 3, 3]), randn([3]))).toThrow(
      ShapeError,
    );
    expect(() =>
      convolutionInputGrad(randn([1, 2, 4, 4]), randn([2, 3, 3, 3]), [1, 3, 5, 5]),
    ).toThrow(/expected an output gradient of size \[1, 2, 3, 3\], but got \[1, 2, 4, 4\]/);
  });
});

describe('convolution on several threads', () => {
  const threads = getNumThreads();
  afterAll(() => setNumThreads(threads));

  // Big enough to split over threads, three images (three tasks), and a weight gradient of
  // 5 x 36 values that does not fill whole 64-byte lines: the third task's partial once ran
  // into the first task's columns while it worked.
  it('agrees with one thread, and with itself run after run', () => {
    manualSeed(5);
    const x = randn([3, 4, 62, 62]);
    const w = randn([5, 4, 3, 3]);
    const o: ConvolutionOptions = { padding: [1, 1] };
    const g = randn([3, 5, 62, 62]);
    const all = () => [
      convolution(x, w, null, o),
      convolutionInputGrad(g, w, x.shape, o),
      convolutionWeightGrad(g, x, w.shape, o),
    ];
    setNumThreads(1);
    const one = all();
    setNumThreads(2);
    // The weight gradient's partial sums group by task, and tasks follow the thread count: the
    // same to rounding as one thread, and to the bit from run to run.
    const first = all();
    first.forEach((t, i) => {
      expect(t.sub(one[i]).abs().max().item()).toBeLessThan(1e-3);
    });
    const want = first.map((t) => Array.from(t.dataSync()));
    for (let run = 0; run < 30; run++) {
      for (const [i, t] of all().entries()) expect(Array.from(t.dataSync())).toEqual(want[i]);
    }
  });
});

describe('avgPool', () => {
  const threads = getNumThreads();
  afterAll(() => setNumThreads(threads));

  // float32 runs the CPU's kernels; float64 the composition over im2col and col2im.
  const cases: [string, number[], Pair, AvgPoolWindowOptions][] = [
    ['2x2 stride 2', [4, 3, 16, 16], [2, 2], { stride: [2, 2] }],
    ['3x3 stride 1 padding 1', [2, 5, 23, 29], [3, 3], { padding: [1, 1] }],
    ['padding left out', [2, 5, 23, 29], [3, 3], { padding: [1, 1], countIncludePad: false }],
    ['ceil mode', [3, 2, 9, 10], [3, 2], { stride: [2, 3], padding: [1, 1], outputSize: [5, 4] }],
    [
      'ceil mode, padding left out',
      [3, 2, 9, 10],
      [3, 3],
      { stride: [2, 2], padding: [1, 1], outputSize: [5, 6], countIncludePad: false },
    ],
    ['a divisor override', [2, 3, 11, 13], [2, 3], { stride: [1, 2], divisorOverride: -7 }],
    ['wide rows on two threads', [8, 16, 64, 64], [2, 2], { stride: [2, 2] }],
  ];
  it.each(cases)('%s: values and gradient as the composed op', (_, shape, k, o) => {
    manualSeed(3);
    const x = randn(shape);
    for (const n of [1, 2]) {
      setNumThreads(n);
      const y = avgPool(x, k, o);
      const want = avgPool(x.double(), k, o);
      expect(y.shape).toEqual(want.shape);
      expect(y.sub(want).abs().max().item()).toBeLessThan(1e-6);
      const g = randn(y.shape);
      const gx = avgPoolBackward(g, x.shape, k, o);
      const gwant = avgPoolBackward(g.double(), x.shape, k, o);
      expect(gx.shape).toEqual(x.shape);
      expect(gx.sub(gwant).abs().max().item()).toBeLessThan(1e-5);
    }
  });

  it('rejects what avg_pool2d rejects, naming the sizes', () => {
    const x = randn([1, 1, 4, 4]);
    expect(() => avgPool(x, [2, 2], { padding: [2, 2] })).toThrow(/pad should be at most half/);
    expect(() => avgPool(x, [2, 2], { divisorOverride: 0 })).toThrow(/divisor must be not zero/);
    expect(() => avgPool(x, [2, 2], { stride: [2, 2], outputSize: [2, 3] })).toThrow(
      /output size \[2, 3\] puts windows wholly past input of size \[1, 1, 4, 4\]/,
    );
    expect(() => avgPoolBackward(randn([1, 1, 3, 3]), x.shape, [2, 2], { stride: [2, 2] })).toThrow(
      /expected a gradient of size \[1, 1, 2, 2\].*got \[1, 1, 3, 3\]/,
    );
  });
});
