/**
 * The backend conformance cases: each op runs from the same inputs, contiguous and strided, on
 * a reference backend (the CPU) and on the backend under test, and the results must agree. Like
 * the goldens, they need no test runner: each case's `run()` returns its mismatches.
 */
import type { Tensor } from '@tensile/tensor';
import * as T from '@tensile/tensor';

export type ConformanceLayout = 'contiguous' | 'strided';
type Result = Tensor | Tensor[] | number | boolean;

export type ConformanceCase = [name: string, run: (x: Tensor, y: Tensor, i: Tensor) => Result];

export const CONFORMANCE_CASES: ConformanceCase[] = [
  ['add', (x, y) => x.add(y)],
  ['sub alpha', (x, y) => x.sub(y, { alpha: 2 })],
  ['mul', (x, y) => x.mul(y)],
  ['div', (x, y) => x.div(y)],
  ['div floor', (x, y) => x.div(y, { roundingMode: 'floor' })],
  ['pow', (x) => x.abs().pow(1.5)],
  ['maximum', (x, y) => x.maximum(y)],
  ['fmod', (x, y) => x.fmod(y)],
  ['remainder', (x, y) => x.remainder(y)],
  ['atan2', (x, y) => x.atan2(y)],
  ['lt', (x, y) => x.lt(y)],
  ['eq scalar', (x) => x.round().eq(0)],
  ['logicalXor', (x, y) => x.gt(0).logicalXor(y.gt(0))],
  ['where', (x, y) => T.where(x.gt(y), x, y)],
  ['exp', (x) => x.exp()],
  ['log abs', (x) => x.abs().log()],
  ['sigmoid', (x) => x.sigmoid()],
  ['tanh', (x) => x.tanh()],
  ['erf', (x) => x.mul(2).erf()],
  ['relu', (x) => x.relu()],
  ['reluBackward', (x, y) => T.reluBackward(x, y)],
  ['round', (x) => x.mul(3).round()],
  ['sign', (x) => x.sign()],
  ['clamp', (x) => x.clamp(-0.5, 0.5)],
  ['lerp', (x, y) => x.lerp(y, 0.3)],
  ['int cast', (x) => x.mul(10).int()],
  ['sum', (x) => x.sum()],
  ['sum dim', (x) => x.sum(1)],
  ['sum keepdim', (x) => x.sum([0, 2], { keepdim: true })],
  ['mean', (x) => x.mean(-1)],
  ['prod', (x) => x.prod(0)],
  ['amax', (x) => x.amax(1)],
  ['max dim', (x) => x.max(2)],
  ['argmin', (x) => x.argmin(0)],
  ['std', (x) => x.std(1)],
  ['var c0', (x) => x.var(2, { correction: 0 })],
  ['norm', (x) => x.norm()],
  ['logsumexp', (x) => x.logsumexp(1)],
  ['any', (x) => x.gt(0.5).any(2)],
  ['cumsum', (x) => x.cumsum(1)],
  ['cumprod', (x) => x.cumprod(2)],
  ['softmax', (x) => x.softmax(-1)],
  ['logSoftmax', (x) => x.logSoftmax(0)],
  ['matmul', (x, y) => x.matmul(y.transpose(1, 2))],
  ['einsum', (x, y) => T.einsum('bij,bkj->bik', x, y)],
  ['gather', (x, _, i) => x.gather(2, i)],
  ['scatterAdd', (x, y, i) => x.scatterAdd(2, i, y)],
  ['scatter amax', (x, y, i) => x.scatterReduce(2, i, y, 'amax', { includeSelf: false })],
  ['indexSelect', (x, _, i) => x.indexSelect(1, i.flatten().narrow(0, 0, 2))],
  ['sort', (x) => x.sort(1)],
  ['topk', (x) => x.topk(2, -1)],
  ['cat', (x, y) => T.cat([x, y], 1)],
  ['stack', (x, y) => T.stack([x, y], -1)],
  ['flip', (x) => x.flip(0, 2)],
  ['roll', (x) => x.roll(1, 2)],
  ['repeat', (x) => x.repeat(1, 2, 1)],
  ['triu', (x) => x.triu()],
  ['maskedFill', (x) => x.maskedFill(x.lt(0), 7)],
  ['nonzero', (x) => x.gt(0).nonzero()],
  ['unique', (x) => T.unique(x.mul(2).round()) as Tensor],
  ['contiguous', (x) => x.permute(2, 0, 1).contiguous()],
  ['copy_', (x, y) => x.clone().copy_(y)],
  ['item', (x) => x.sum().item()],
];

/** Inputs of shape [2, 3, 4]: contiguous, or strided views with the same shape. */
export function conformanceInputs(
  layout: ConformanceLayout,
  device: string,
): [Tensor, Tensor, Tensor] {
  const g = new T.Generator(7);
  const base = T.randn([4, 3, 8], { generator: g }).sub(0.1);
  const other = T.randn([2, 3, 4], { generator: g });
  const idx = T.randint(0, 4, [2, 3, 4], { generator: g });
  const x =
    layout === 'contiguous'
      ? base.narrow(0, 0, 2).narrow(2, 0, 4).contiguous()
      : base.index('::2', ':', '1::2');
  const y = layout === 'contiguous' ? other : other.permute(0, 2, 1).contiguous().transpose(1, 2);
  return [x.to(device), y.to(device), idx.to(device)];
}

/** A result as plain data: what two backends' results are compared as. */
export function plainResult(r: Result): unknown {
  if (Array.isArray(r)) return r.map(plainResult);
  if (typeof r === 'number' || typeof r === 'boolean') return r;
  return { dtype: r.dtype, shape: r.shape, data: Array.from(r.dataSync()) };
}

type Plain = { dtype: string; shape: number[]; data: number[] };

/** How `got` differs from `want` (1e-5 absolute plus relative; NaN where NaN): [] if it does not. */
export function compareResults(want: unknown, got: unknown, at = 'result'): string[] {
  if (typeof want === 'object' && want !== null && 'data' in want) {
    const [a, b] = [want as Plain, got as Plain];
    if (b?.dtype !== a.dtype) return [`${at}: dtype ${b?.dtype}, expected ${a.dtype}`];
    if (b.shape.join() !== a.shape.join())
      return [`${at}: shape [${b.shape.join(', ')}], expected [${a.shape.join(', ')}]`];
    const bad = a.data.findIndex((v, k) =>
      Number.isNaN(v)
        ? !Number.isNaN(b.data[k])
        : !(Math.abs(b.data[k] - v) <= 1e-5 + 1e-5 * Math.abs(v)),
    );
    return bad < 0 ? [] : [`${at}: element ${bad} is ${b.data[bad]}, expected ${a.data[bad]}`];
  }
  if (Array.isArray(want))
    return want.flatMap((w, k) => compareResults(w, (got as unknown[])?.[k], `${at}[${k}]`));
  if (typeof want === 'boolean' || typeof got === 'boolean')
    return want === got ? [] : [`${at}: ${got}, expected ${want}`];
  const [a, b] = [want as number, got as number];
  // Scalars (item()) to 4 places, as toBeCloseTo(a, 4).
  const same = (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(b - a) < 5e-5;
  return same ? [] : [`${at}: ${b}, expected ${a}`];
}

export interface ConformanceRun {
  name: string;
  layout: ConformanceLayout;
  /** The mismatches between the device's result and the reference's. */
  run(): string[];
}

/** Every conformance case in both layouts, on `device` against `reference` (default 'cpu'). */
export function conformanceCases(device: string, reference = 'cpu'): ConformanceRun[] {
  return (['contiguous', 'strided'] as const).flatMap((layout) =>
    CONFORMANCE_CASES.map(([name, fn]) => ({
      name,
      layout,
      run: () => {
        const [want, got] = [reference, device].map((d) => {
          const r = fn(...conformanceInputs(layout, d));
          if (T.isTensor(r) && r.device !== d) return { device: r.device };
          return plainResult(r);
        });
        if (got && typeof got === 'object' && 'device' in got)
          return [`result on '${(got as { device: string }).device}', expected '${device}'`];
        return compareResults(want, got);
      },
    })),
  );
}
