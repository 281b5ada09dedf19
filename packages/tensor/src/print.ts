import { getDefaultDtype } from './defaults';
import { complexDtypeOf, isComplex, isFloating, realPartDtype } from './dtype';
import type { Tensor } from './tensor';

/** PyTorch's print options (torch.set_printoptions defaults). */
const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE = 3;
const LINEWIDTH = 80;

function sci(v: number, width = 0): string {
  if (!Number.isFinite(v)) return pad(fmtNonFinite(v), width);
  const [m, e] = v.toExponential(PRECISION).split('e');
  const exp = Number(e);
  return pad(`${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`, width);
}

function fmtNonFinite(v: number): string {
  return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
}

function fixed(v: number, digits: number): string {
  if (!Number.isFinite(v)) return fmtNonFinite(v);
  const s = v.toFixed(digits);
  return Object.is(v, -0) || (v < 0 && !s.startsWith('-')) ? `-${s}` : s;
}

const pad = (s: string, width: number) => s.padStart(width);

/** Decides, from all (or the summarized) values, how every element is written: torch's _Formatter. */
class Formatter {
  private floating: boolean;
  private intMode = true;
  private sciMode = false;
  width = 1;

  constructor(
    values: number[],
    private dtype: Tensor['dtype'],
  ) {
    this.floating = isFloating(dtype);
    if (!this.floating) {
      for (const v of values) this.width = Math.max(this.width, this.plain(v).length);
      return;
    }
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) return;
    const abs = finite.map(Math.abs);
    const max = Math.max(...abs);
    const min = Math.min(...abs);
    this.intMode = finite.every((v) => v === Math.ceil(v));
    if (this.intMode) {
      this.sciMode = max / min > 1000 || max > 1e8;
      for (const v of finite)
        this.width = Math.max(this.width, this.sciMode ? sci(v).length : fixed(v, 0).length + 1);
    } else {
      this.sciMode = max / min > 1000 || max > 1e8 || min < 1e-4;
      for (const v of finite)
        this.width = Math.max(
          this.width,
          this.sciMode ? sci(v).length : fixed(v, PRECISION).length,
        );
    }
  }

  private plain(v: number): string {
    return this.dtype === 'bool' ? (v ? 'True' : 'False') : String(v);
  }

  format(v: number): string {
    if (!this.floating) return pad(this.plain(v), this.width);
    if (this.sciMode) return sci(v, this.width);
    if (this.intMode)
      return pad(Number.isFinite(v) ? `${fixed(v, 0)}.` : fmtNonFinite(v), this.width);
    return pad(fixed(v, PRECISION), this.width);
  }
}

/**
 * The tensor's element positions as nested arrays, keeping only EDGE items at each end of long
 * dims; the leaves are indices into its row-major elements.
 */
type Nested = number | Nested[] | '...';

function nest(shape: readonly number[], summarize: boolean): Nested {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const build = (d: number, off: number): Nested => {
    if (d === shape.length) return off;
    const idx = Array.from({ length: shape[d] }, (_, i) => i);
    const pick =
      summarize && shape[d] > 2 * EDGE ? [...idx.slice(0, EDGE), -1, ...idx.slice(-EDGE)] : idx;
    return pick.map((i) => (i < 0 ? '...' : build(d + 1, off + i * strides[d]))) as Nested[];
  };
  return build(0, 0);
}

function leaves(n: Nested, out: number[] = []): number[] {
  if (typeof n === 'number') out.push(n);
  else if (Array.isArray(n)) for (const c of n) leaves(c, out);
  return out;
}

/** How each element is written, and the width that sets how many fit on a line. */
interface Cells {
  width: number;
  format(at: number): string;
}

function realCells(data: ArrayLike<number>, shown: number[], dtype: Tensor['dtype']): Cells {
  const f = new Formatter(
    shown.map((i) => data[i]),
    dtype,
  );
  return { width: f.width, format: (at) => f.format(data[at]) };
}

/**
 * torch's complex printing: the real parts with one formatter and the imaginary parts with
 * another, as `re+imj`; the width counts both and the j.
 */
function complexCells(data: ArrayLike<number>, shown: number[], dtype: Tensor['dtype']): Cells {
  const part = realPartDtype(dtype);
  const re = new Formatter(
    shown.map((i) => data[2 * i]),
    part,
  );
  const im = new Formatter(
    shown.map((i) => data[2 * i + 1]),
    part,
  );
  return {
    width: re.width + im.width + 1,
    format(at) {
      const imag = `${im.format(data[2 * at + 1])}j`.trimStart();
      const sign = imag[0] === '+' || imag[0] === '-' ? '' : '+';
      return `${re.format(data[2 * at])}${sign}${imag}`;
    },
  };
}

function render(n: Nested, ndim: number, indent: number, f: Cells): string {
  if (typeof n === 'number') return f.format(n);
  if (n === '...') return '...';
  if (ndim === 1) {
    const items = n.map((v) => (v === '...' ? ' ...' : f.format(v as number)));
    const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (f.width + 2)));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine)
      lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
  const parts = n.map((c) => render(c, ndim - 1, indent + 1, f));
  return `[${parts.join(`,${'\n'.repeat(ndim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

/** The text torch prints for a tensor: tensor([[0.1000, 2.0000]], dtype=float64). */
export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const indent = prefix.length;
  const suffixes: string[] = [];
  let body: string;
  if (t.numel() === 0) {
    body = '[]';
    if (t.ndim !== 1) suffixes.push(`size=(${t.shape.join(', ')})`);
  } else {
    const summarize = t.numel() > THRESHOLD;
    const nested = nest(t.shape, summarize);
    const cells = isComplex(t.dtype) ? complexCells : realCells;
    body = render(nested, t.ndim, indent, cells(t.dataSync(), leaves(nested), t.dtype));
  }
  if (t.device !== 'cpu') suffixes.push(`device='${t.device}'`);
  // An empty tensor shows any non-float dtype: there are no values to tell int from float.
  const implied: string[] = [getDefaultDtype()];
  if (t.numel() !== 0) implied.push(complexDtypeOf(getDefaultDtype()), 'int64', 'bool');
  if (!implied.includes(t.dtype)) suffixes.push(`dtype=${t.dtype}`);
  if (t.gradFn) suffixes.push(`grad_fn=<${t.gradFn.name}>`);
  else if (t.requiresGrad) suffixes.push('requires_grad=True');
  let out = prefix + body;
  let lastLine = out.length - out.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > LINEWIDTH) {
      out += `,\n${' '.repeat(indent)}${s}`;
      lastLine = indent + s.length;
    } else {
      out += `, ${s}`;
      lastLine += s.length + 2;
    }
  }
  return `${out})`;
}
