import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { load, loadError } from '../src/index';

/**
 * The addon on this machine's oneDNN or OpenBLAS (TENSILE_BLAS=openblas picks OpenBLAS).
 * Where it is not built or finds no library the suite skips, unless TENSILE_NATIVE_REQUIRED
 * is set, as in CI, which installs both libraries.
 */
const kernels = load();
if (!kernels && process.env.TENSILE_NATIVE_REQUIRED)
  throw new Error(`TENSILE_NATIVE_REQUIRED is set, but ${loadError()}`);

/** Reference row-major product of op(A) op(B) in double. */
function reference(
  ta: number,
  tb: number,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  ao: number,
  lda: number,
  b: Float32Array,
  bo: number,
  ldb: number,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = ta ? a[ao + p * lda + i] : a[ao + i * lda + p];
        const bv = tb ? b[bo + j * ldb + p] : b[bo + p * ldb + j];
        s += av * bv;
      }
      out[i * n + j] = s;
    }
  return out;
}

const random = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 2);

describe.skipIf(!kernels)(`cpu-native sgemm (${kernels?.info().blas ?? 'not loaded'})`, () => {
  const k = kernels!;

  it('reports its library', () => {
    const info = k.info();
    expect(['onednn', 'openblas']).toContain(info.blas);
    expect(info.library).toMatch(/lib(dnnl|openblas)/);
  });

  it.each([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ])('transA %i transB %i, at offsets and with padded leading dimensions', (ta, tb) => {
    for (const [m, n, kk] of [
      [3, 5, 7],
      [64, 100, 33],
      [1, 9, 4],
      [17, 1, 250],
    ]) {
      const lda = (ta ? m : kk) + 3;
      const ldb = (tb ? kk : n) + 2;
      const a = random(5 + lda * (ta ? kk : m));
      const b = random(7 + ldb * (tb ? n : kk));
      const c = new Float32Array(4 + m * n).fill(Number.NaN);
      k.sgemm(ta, tb, m, n, kk, 1, a, 5, lda, b, 7, ldb, 0, c, 4, n);
      const want = reference(ta, tb, m, n, kk, a, 5, lda, b, 7, ldb);
      // Elements before the output's offset are left alone.
      expect(Array.from(c.subarray(0, 4)).every(Number.isNaN)).toBe(true);
      for (let i = 0; i < want.length; i++)
        expect(Math.abs(c[4 + i] - want[i])).toBeLessThanOrEqual(
          2e-6 * Math.sqrt(kk) * (1 + Math.abs(want[i])) * 4,
        );
    }
  });

  it('alpha and beta scale and accumulate', () => {
    const a = random(6);
    const b = random(6);
    const c = Float32Array.from([1, 2, 3, 4]);
    k.sgemm(0, 0, 2, 2, 3, 2, a, 0, 3, b, 0, 2, 0.5, c, 0, 2);
    const p = reference(0, 0, 2, 2, 3, a, 0, 3, b, 0, 2);
    for (let i = 0; i < 4; i++) expect(c[i]).toBeCloseTo(2 * p[i] + 0.5 * (i + 1), 5);
  });

  it('refuses matrices outside their arrays and other types', () => {
    const a = new Float32Array(6);
    expect(() => k.sgemm(0, 0, 2, 2, 3, 1, a, 1, 3, a, 0, 2, 0, new Float32Array(4), 0, 2)).toThrow(
      RangeError,
    );
    expect(() => k.sgemm(0, 0, 2, 2, 3, 1, a, 0, 2, a, 0, 2, 0, new Float32Array(4), 0, 2)).toThrow(
      /outside its array/,
    );
    expect(() =>
      k.sgemm(0, 0, 2, 2, 3, 1, new Float64Array(6) as never, 0, 3, a, 0, 2, 0, a, 0, 2),
    ).toThrow(/expected a Float32Array/);
    expect(() => (k.sgemm as (...x: unknown[]) => void)(0, 0, 2)).toThrow(/16 arguments/);
  });

  it('refuses what is not a whole number in [0, 2^31) before the library sees it', () => {
    const a = new Float32Array(1000);
    const c = new Float32Array(9);
    const call =
      (...x: number[]) =>
      () =>
        k.sgemm(x[0], x[1], x[2], 1, 1, 1, a, 0, x[3], a, 0, 1, 0, c, 0, 1);
    // A transpose flag of 2^32 once passed the bounds check as 0 and reached BLAS as 1.
    expect(call(2 ** 32, 0, 1, 1)).toThrow(/whole numbers in \[0, 2\^31\)/);
    // A leading dimension of 2^61 once wrapped the bounds arithmetic around.
    expect(call(0, 0, 9, 2 ** 61)).toThrow(RangeError);
    expect(call(0, 0, 2.5, 1)).toThrow(/whole numbers/);
    expect(call(0, 0, Number.NaN, 1)).toThrow(/whole numbers/);
    expect(call(0, 0, -1, 1)).toThrow(/whole numbers/);
  });

  it('a depth of 0 leaves beta * C, as BLAS defines it', () => {
    const c = Float32Array.from([7, 7, 7, 7]);
    k.sgemm(0, 0, 2, 2, 0, 1, new Float32Array(0), 0, 1, new Float32Array(0), 0, 2, 0.5, c, 0, 2);
    expect(Array.from(c)).toEqual([3.5, 3.5, 3.5, 3.5]);
    k.sgemm(0, 0, 2, 2, 0, 1, new Float32Array(0), 0, 1, new Float32Array(0), 0, 2, 0, c, 0, 2);
    expect(Array.from(c)).toEqual([0, 0, 0, 0]);
  });

  it('takes a thread count', () => {
    k.setNumThreads(1);
    const a = random(128 * 128);
    const c1 = new Float32Array(128 * 128);
    k.sgemm(0, 0, 128, 128, 128, 1, a, 0, 128, a, 0, 128, 0, c1, 0, 128);
    k.setNumThreads(2);
    const c2 = new Float32Array(128 * 128);
    k.sgemm(0, 0, 128, 128, 128, 1, a, 0, 128, a, 0, 128, 0, c2, 0, 128);
    for (let i = 0; i < c1.length; i++) expect(Math.abs(c1[i] - c2[i])).toBeLessThan(1e-3);
  });

  it('survives signals during products (node --cpu-prof samples with SIGPROF)', () => {
    // oneDNN 2.6's sgemm once corrupted the heap when a signal arrived mid-product; 20,000
    // products sampled every 50 µs aborted every time.
    const addon = new URL('../build/tensile_native.node', import.meta.url).pathname;
    const script = `
      const k = require(${JSON.stringify(addon)});
      k.setNumThreads(2);
      const a = new Float32Array(32 * 576), b = new Float32Array(576 * 64), c = new Float32Array(32 * 64);
      for (let i = 0; i < 20000; i++) k.sgemm(0, 0, 32, 64, 576, 1, a, 0, 576, b, 0, 64, 0, c, 0, 64);
      console.log('done');`;
    const dir = `${process.env.TMPDIR ?? '/tmp'}/tensile-native-prof-${process.pid}`;
    const args = ['--cpu-prof', '--cpu-prof-interval', '50', '--cpu-prof-dir', dir, '-e', script];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
    spawnSync('rm', ['-rf', dir]);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('done');
    expect(r.status).toBe(0);
  });

  it('leaves the environment as it found it (child processes inherit it)', () => {
    // OMP_WAIT_POLICY=PASSIVE is set only while oneDNN's OpenMP loads: PyTorch spawned with it
    // by the bench ran 2-4x slower.
    const addon = new URL('../build/tensile_native.node', import.meta.url).pathname;
    const script = `require(${JSON.stringify(addon)}).setNumThreads(2);
      console.log(String(process.env.OMP_WAIT_POLICY));`;
    const { OMP_WAIT_POLICY: _, ...env } = process.env;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env });
    expect(r.stdout.trim()).toBe('undefined');
    const mine = spawnSync(process.execPath, ['-e', script], {
      encoding: 'utf8',
      env: { ...env, OMP_WAIT_POLICY: 'ACTIVE' },
    });
    expect(mine.stdout.trim()).toBe('ACTIVE');
  });
});
