/**
 * Weight initialization (torch.nn.init): in-place fills under noGrad, with PyTorch's fan and
 * gain rules so every layer's default initialization has PyTorch's distribution and bounds.
 */
import {
  type Generator,
  isComplex,
  noGrad,
  randn,
  type Tensor,
  tensor,
  ValueError,
} from '@tensile/tensor';

/** The names calculateGain knows, spelled as PyTorch's strings. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

/**
 * Which fan a kaiming initialization preserves: 'fan_in' keeps the forward pass's variance,
 * 'fan_out' the backward pass's.
 */
export type FanMode = 'fan_in' | 'fan_out';

/** Options of the random initializations. */
export interface InitOptions {
  /** Source of the randomness (default: the global generator, seeded by manualSeed). */
  generator?: Generator;
}

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    case 'linear':
    case 'sigmoid':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
      return 1;
    default:
      throw new ValueError(`calculateGain: unsupported nonlinearity ${nonlinearity}`);
  }
}

/**
 * [fanIn, fanOut] of a weight: dims 1 and 0 times the receptive field (the dims after them), as
 * torch.nn.init._calculate_fan_in_and_fan_out. For a transposed convolution's [in, out, ...]
 * weight that makes fanIn the output channels, as in PyTorch.
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) {
    throw new ValueError(
      'Fan in and fan out can not be computed for tensor with fewer than 2 dimensions',
    );
  }
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fan(t: Tensor, mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out')
    throw new ValueError(`Mode ${mode} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return mode === 'fan_in' ? fanIn : fanOut;
}

function inPlace(t: Tensor, fill: () => void): Tensor {
  noGrad(fill);
  return t;
}

/**
 * Fills `t` in place from U(a, b) (default U(0, 1)) without recording; returns t
 * (torch.nn.init.uniform_).
 */
export function uniform_(t: Tensor, a = 0, b = 1, opts: InitOptions = {}): Tensor {
  return inPlace(t, () => t.uniform_(a, b, opts));
}

/**
 * Fills `t` in place from N(mean, std^2) (default N(0, 1)) without recording; returns t
 * (torch.nn.init.normal_).
 */
export function normal_(t: Tensor, mean = 0, std = 1, opts: InitOptions = {}): Tensor {
  return inPlace(t, () => t.normal_(mean, std, opts));
}

/** Fills `t` in place with `value` without recording; returns t (torch.nn.init.constant_). */
export function constant_(t: Tensor, value: number): Tensor {
  return inPlace(t, () => t.fill_(value));
}

/** Fills `t` with 0 in place; returns t (torch.nn.init.zeros_). */
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

/** Fills `t` with 1 in place; returns t (torch.nn.init.ones_). */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/**
 * Fills a 2-D `t` with the identity matrix, ones on the main diagonal of a non-square one too
 * (torch.nn.init.eye_).
 */
export function eye_(t: Tensor): Tensor {
  if (t.ndim !== 2) throw new ValueError('Only tensors with 2 dimensions are supported');
  const [rows, cols] = t.shape;
  const data = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === j ? 1 : 0)),
  );
  return inPlace(t, () => t.copy_(tensor(data, { dtype: t.dtype })));
}

/**
 * A Dirac delta in the center of each (out, in) kernel pair (torch.nn.init.dirac_), for a 3- to
 * 5-D conv weight: the convolution then passes its input channels through unchanged, per group.
 */
export function dirac_(t: Tensor, groups = 1): Tensor {
  if (t.ndim < 3 || t.ndim > 5)
    throw new ValueError('Only tensors with 3, 4, or 5 dimensions are supported');
  const [out, inCh, ...k] = t.shape;
  if (out % groups !== 0) throw new ValueError('dim 0 must be divisible by groups');
  const perGroup = out / groups;
  const data = new Float64Array(t.numel());
  const kernel = k.reduce((a, b) => a * b, 1);
  const center = k.reduce((acc, s) => acc * s + Math.floor(s / 2), 0);
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < Math.min(perGroup, inCh); d++) {
      data[((g * perGroup + d) * inCh + d) * kernel + center] = 1;
    }
  }
  return inPlace(t, () => t.copy_(tensor(Array.from(data), { dtype: t.dtype }).reshape(t.shape)));
}

/**
 * Glorot uniform (torch.nn.init.xavier_uniform_): U(-b, b) with
 * b = gain * sqrt(6 / (fanIn + fanOut)), gain default 1; `t` at least 2-D.
 */
export function xavierUniform_(t: Tensor, opts: InitOptions & { gain?: number } = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const bound = (opts.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound, opts);
}

/**
 * Glorot normal (torch.nn.init.xavier_normal_): N(0, std^2) with
 * std = gain * sqrt(2 / (fanIn + fanOut)), gain default 1; `t` at least 2-D.
 */
export function xavierNormal_(t: Tensor, opts: InitOptions & { gain?: number } = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, (opts.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut)), opts);
}

/**
 * Options of kaimingUniform_ and kaimingNormal_ (torch's a, mode, nonlinearity) plus a generator.
 */
export interface KaimingOptions extends InitOptions {
  /** The negative slope of the rectifier after this layer (leaky_relu). */
  a?: number;
  /** The fan the variance is scaled by (default 'fan_in'). */
  mode?: FanMode;
  /**
   * The activation after the layer, for the gain (default 'leaky_relu', which with a = 0 is ReLU's
   * gain sqrt(2)).
   */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, opts: KaimingOptions): number {
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  return gain / Math.sqrt(fan(t, opts.mode ?? 'fan_in'));
}

/**
 * He uniform (torch.nn.init.kaiming_uniform_): U(-b, b) with b = gain * sqrt(3 / fan). The layers'
 * default weight init is this with a = sqrt(5), giving b = 1/sqrt(fanIn).
 */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, opts);
  return uniform_(t, -bound, bound, opts);
}

/** He normal (torch.nn.init.kaiming_normal_): N(0, std^2) with std = gain / sqrt(fan). */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  return normal_(t, 0, kaimingStd(t, opts), opts);
}

/**
 * Normal values redrawn until they fall in [a, b] (torch.nn.init.trunc_normal_ draws by inverse
 * CDF; the distribution is the same). Defaults mean 0, std 1, [a, b] = [-2, 2]; a and b are
 * absolute values, not multiples of std, as in PyTorch.
 */
export function truncNormal_(
  t: Tensor,
  opts: InitOptions & { mean?: number; std?: number; a?: number; b?: number } = {},
): Tensor {
  const { mean = 0, std = 1, a = -2, b = 2 } = opts;
  if (!(a < b)) throw new ValueError(`truncNormal_: a (${a}) must be less than b (${b})`);
  return inPlace(t, () => {
    t.normal_(mean, std, opts);
    for (let bad = t.lt(a).logicalOr(t.gt(b)); bad.any().item(); bad = t.lt(a).logicalOr(t.gt(b))) {
      const redraw = t.clone().normal_(mean, std, opts);
      t.copy_(redraw.where(bad, t));
    }
  });
}

/**
 * A (semi-)orthogonal matrix from the QR decomposition of a normal one, as PyTorch does it
 * (torch.nn.init.orthogonal_), scaled by `gain` (default 1); dims after the first are flattened.
 */
export function orthogonal_(t: Tensor, opts: InitOptions & { gain?: number } = {}): Tensor {
  if (t.ndim < 2) throw new ValueError('Only tensors with 2 or more dimensions are supported');
  if (isComplex(t.dtype))
    throw new ValueError(`orthogonal_: not implemented for '${t.dtype}' tensors`);
  if (t.numel() === 0) return t;
  const rows = t.shape[0];
  const cols = t.numel() / rows;
  const a = Array.from(
    randn([rows, cols], { dtype: 'float64', generator: opts.generator }).dataSync(),
  );
  const q = orthonormal(
    rows < cols ? transpose(a, rows, cols) : a,
    Math.max(rows, cols),
    Math.min(rows, cols),
  );
  const m = rows < cols ? transpose(q, cols, rows) : q;
  const gain = opts.gain ?? 1;
  return inPlace(t, () =>
    t.copy_(
      tensor(
        m.map((v) => v * gain),
        { dtype: t.dtype },
      ).reshape(t.shape),
    ),
  );
}

function transpose(a: number[], rows: number, cols: number): number[] {
  const out = new Array<number>(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

/**
 * Q of A = QR for a tall [m, n] matrix by modified Gram-Schmidt in float64. R's diagonal comes
 * out positive, which is the sign convention PyTorch enforces on LAPACK's Q, so Q is uniformly
 * distributed.
 */
function orthonormal(a: number[], m: number, n: number): number[] {
  const q = a.slice();
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < j; k++) {
      let dot = 0;
      for (let i = 0; i < m; i++) dot += q[i * n + k] * q[i * n + j];
      for (let i = 0; i < m; i++) q[i * n + j] -= dot * q[i * n + k];
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[i * n + j] ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[i * n + j] /= norm || 1;
  }
  return q;
}
