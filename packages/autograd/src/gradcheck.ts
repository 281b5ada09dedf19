/**
 * gradcheck / gradgradcheck: analytic gradients (from the engine) against central finite
 * differences, in float64 where the two agree to ~1e-8.
 */
import {
  Generator,
  isComplex,
  noGrad,
  randn,
  type Tensor,
  tensor,
  viewAsComplex,
  viewAsReal,
  zeros,
} from '@tensile/tensor';
import { grad } from './engine';
import { AutogradError } from './errors';

export interface GradcheckOptions {
  /** Finite-difference step. */
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Throw a GradcheckError describing the mismatch (default) rather than return false. */
  raiseException?: boolean;
}

/** Analytic and numerical Jacobians differ (or an input is not float64). */
export class GradcheckError extends AutogradError {
  override name = 'GradcheckError';
}

type Fn = (...inputs: Tensor[]) => Tensor | Tensor[];

const asList = (out: Tensor | Tensor[]) => (Array.isArray(out) ? out : [out]);

/** fn's outputs flattened to plain numbers (float outputs only: the differentiable ones). */
function evaluate(fn: Fn, inputs: Tensor[]): Float64Array[] {
  return asList(fn(...inputs)).map((o) => Float64Array.from(o.dataSync()));
}

/** A copy of `t` with element k moved by delta, requiring grad like `t`. */
function perturbed(t: Tensor, k: number, delta: number): Tensor {
  const data = Float64Array.from(t.dataSync());
  data[k] += delta;
  return tensor(data, { dtype: t.dtype, device: t.device, requiresGrad: t.requiresGrad }).reshape(
    t.shape,
  );
}

/** J[k][j] = d out_j / d in_k by central differences, per (input, output). */
function numerical(fn: Fn, inputs: Tensor[], wrt: number[], eps: number): Float64Array[][][] {
  return wrt.map((i) => {
    const x = inputs[i];
    const n = x.numel();
    const rows: Float64Array[][] = [];
    for (let k = 0; k < n; k++) {
      const at = (delta: number) =>
        evaluate(
          fn,
          inputs.map((t, m) => (m === i ? perturbed(x, k, delta) : t)),
        );
      const plus = at(eps);
      const minus = at(-eps);
      rows.push(plus.map((p, o) => p.map((v, j) => (v - minus[o][j]) / (2 * eps))));
    }
    return rows;
  });
}

/** The same Jacobians from one backward pass per output element (one-hot gradOutputs). */
function analytical(fn: Fn, inputs: Tensor[], wrt: number[]): Float64Array[][][] {
  const outputs = asList(fn(...inputs));
  const jac = wrt.map((i) =>
    Array.from({ length: inputs[i].numel() }, () =>
      outputs.map((o) => new Float64Array(o.numel())),
    ),
  );
  outputs.forEach((o, oi) => {
    if (!o.requiresGrad) return; // a constant output: its analytic Jacobian is zero
    for (let j = 0; j < o.numel(); j++) {
      const oneHot = noGrad(() => {
        const data = new Float64Array(o.numel());
        data[j] = 1;
        return tensor(data, { dtype: o.dtype, device: o.device }).reshape(o.shape);
      });
      const gs = grad(
        o,
        wrt.map((i) => inputs[i]),
        { gradOutputs: oneHot, retainGraph: true, allowUnused: true },
      );
      gs.forEach((g, w) => {
        if (g === null) return;
        g.dataSync().forEach((v, k) => {
          jac[w][k][oi][j] = v;
        });
      });
    }
  });
  return jac;
}

/** One Jacobian as text: a row per input element, a column per output element. */
function fmtJacobian(rows: Float64Array[][], o: number): string {
  return rows.map((r) => `  [${Array.from(r[o], (v) => v.toPrecision(6)).join(', ')}]`).join('\n');
}

/**
 * Checks fn's gradients with respect to every input that requires grad (all must be float64)
 * against finite differences. Returns true, or throws (or returns false) on the first mismatch.
 */
export function gradcheck(f: Fn, inputs: readonly Tensor[], opts: GradcheckOptions = {}): boolean {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, raiseException = true } = opts;
  const xs = [...inputs];
  const wrt = xs.flatMap((t, i) => (t.requiresGrad ? [i] : []));
  const wrong = wrt.find((i) => xs[i].dtype !== 'float64');
  if (wrong !== undefined) {
    throw new GradcheckError(
      `gradcheck: input ${wrong} is ${xs[wrong].dtype}; gradcheck needs float64 inputs that require grad (make a complex input inside fn, as complex(re, im))`,
    );
  }
  // A complex output is checked as its real and imaginary parts, the same function.
  const fn = (...args: Tensor[]) =>
    asList(f(...args)).map((o) => (isComplex(o.dtype) ? viewAsReal(o) : o));
  const num = numerical(fn, xs, wrt, eps);
  const ana = analytical(fn, xs, wrt);
  for (let w = 0; w < wrt.length; w++) {
    const nOut = num[w][0]?.length ?? 0;
    for (let o = 0; o < nOut; o++) {
      const bad = num[w].some((row, k) =>
        row[o].some((v, j) => !(Math.abs(ana[w][k][o][j] - v) <= atol + rtol * Math.abs(v))),
      );
      if (!bad) continue;
      if (!raiseException) return false;
      throw new GradcheckError(
        `Jacobian mismatch for output ${o} with respect to input ${wrt[w]} (rows: input elements),\nnumerical:\n${fmtJacobian(num[w], o)}\nanalytical:\n${fmtJacobian(ana[w], o)}`,
      );
    }
  }
  return true;
}

/**
 * Checks second derivatives: gradcheck of (inputs, gradOutputs) -> grad(fn(inputs), inputs,
 * gradOutputs, createGraph). gradOutputs default to seeded random float64 tensors.
 */
export function gradgradcheck(
  fn: Fn,
  inputs: readonly Tensor[],
  opts: GradcheckOptions & { gradOutputs?: readonly Tensor[] } = {},
): boolean {
  const outputs = asList(fn(...inputs));
  const gen = new Generator(0);
  // A complex output's gradient is drawn, and perturbed, as its real and imaginary parts.
  const complexOut = outputs.map((o) => isComplex(o.dtype));
  const gradOutputs =
    opts.gradOutputs ??
    outputs.map((o, i) =>
      randn(complexOut[i] ? [...o.shape, 2] : o.shape, {
        dtype: 'float64',
        device: o.device,
        generator: gen,
        requiresGrad: true,
      }),
    );
  const n = inputs.length;
  const wrt = (xs: Tensor[]) => xs.filter((t) => t.requiresGrad);
  const first = (...args: Tensor[]): Tensor[] => {
    const xs = args.slice(0, n);
    const gs = grad(fn(...xs), wrt(xs), {
      gradOutputs: args
        .slice(n)
        .map((g, i) => (complexOut[i] && !isComplex(g.dtype) ? viewAsComplex(g) : g)),
      createGraph: true,
      allowUnused: true,
    });
    return gs.map((g, i) => g ?? zeros(wrt(xs)[i].shape, { dtype: 'float64' }));
  };
  return gradcheck(first, [...inputs, ...gradOutputs], opts);
}
