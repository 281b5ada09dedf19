/**
 * Code generation for strided loops. Kernels are compiled once per (expression, operand count,
 * rank) with `new Function`, so the hot loop has no per-element calls or closures.
 */
import { dimsByStride, stridesDescend } from '../shape';

/**
 * The dims reordered so the first operand's (an elementwise output's) strides descend, for
 * maps only, where the order of the work is free: a column-major sum of column-major operands
 * then coalesces into one flat run instead of a strided walk.
 */
export function outputOrder(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: readonly number[]; strides: readonly (readonly number[])[] } {
  if (stridesDescend(strides[0])) return { shape, strides };
  const order = dimsByStride(strides[0]);
  return { shape: order.map((d) => shape[d]), strides: strides.map((s) => order.map((d) => s[d])) };
}

/**
 * Drops size-1 dims and merges neighbours that are laid out contiguously for every operand,
 * so most elementwise work runs as one or two flat loops.
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strides.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && strides.every((s, k) => outStrides[k][last] === s[d] * shape[d])) {
      outShape[last] *= shape[d];
      strides.forEach((s, k) => {
        outStrides[k][last] = s[d];
      });
    } else {
      outShape.push(shape[d]);
      for (let k = 0; k < strides.length; k++) outStrides[k].push(strides[k][d]);
    }
  }
  if (outShape.length === 0) {
    outShape.push(1);
    for (const s of outStrides) s.push(0);
  }
  return { shape: outShape, strides: outStrides };
}

/**
 * Nested loops over `ndim` dims (sizes n{prefix}0.., strides {ptr}_s0..) that advance each
 * pointer variable in `ptrs` by its stride and rewind with back-strides; `body` runs innermost.
 */
export function nestedLoops(
  prefix: string,
  ndim: number,
  ptrs: readonly string[],
  body: string,
): string {
  let code = body;
  for (let d = ndim - 1; d >= 0; d--) {
    const step = ptrs.map((p) => `${p} += ${p}_${prefix}${d};`).join(' ');
    const inner =
      d < ndim - 1
        ? ptrs.map((p) => `${p} -= ${p}_${prefix}${d + 1} * n${prefix}${d + 1};`).join(' ')
        : '';
    code = `for (let i${prefix}${d} = 0; i${prefix}${d} < n${prefix}${d}; i${prefix}${d}++) {\n${code}\n${inner}\n${step}\n}`;
  }
  return code;
}

/** `const n{prefix}d = shape[d]` and `{ptr}_{prefix}d = strides[d]` declarations. */
export function loopDecls(
  prefix: string,
  ndim: number,
  shapeVar: string,
  ptrs: readonly { name: string; strides: string }[],
): string {
  const lines: string[] = [];
  for (let d = 0; d < ndim; d++) {
    lines.push(`const n${prefix}${d} = ${shapeVar}[${d}];`);
    for (const p of ptrs) lines.push(`const ${p.name}_${prefix}${d} = ${p.strides}[${d}];`);
  }
  return lines.join('\n');
}

/** Helpers that generated code may call as H.name(...). */
export const H = {
  /**
   * A float cast to int64 as PyTorch's kernels cast it (x86's cvttsd2si): truncated, and NaN,
   * the infinities and values past the range give the "integer indefinite" -2^63, not a NaN
   * in int64 storage that every later bounds check lets through.
   */
  toInt64(x: number): number {
    return x >= -9223372036854775808 && x < 9223372036854775808
      ? Math.trunc(x)
      : -9223372036854775808;
  },
  /** The same for int32: -2^31 for NaN, infinities and values past the range. */
  toInt32(x: number): number {
    return x > -2147483649 && x < 2147483648 ? Math.trunc(x) : -2147483648;
  },
  erf(x: number): number {
    // Abramowitz-Stegun 7.1.26 is too coarse for float64 checks; use the W. J. Cody rational form.
    const ax = Math.abs(x);
    if (ax < 0.5) {
      const t = x * x;
      const p =
        (((0.185777706184603153 * t + 3.1611237438705656) * t + 113.864154151050156) * t +
          377.485237685302021) *
          t +
        3209.37758913846947;
      const q =
        (((t + 23.6012909523441209) * t + 244.024637934444173) * t + 1282.61652607737228) * t +
        2844.23683343917062;
      return (x * p) / q;
    }
    return Math.sign(x) * (1 - erfcLarge(ax));
  },
  roundHalfEven(x: number): number {
    const r = Math.round(x);
    return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
  remainder(a: number, b: number): number {
    const r = a % b;
    return r !== 0 && r < 0 !== b < 0 ? r + b : r;
  },
  floorDiv(a: number, b: number): number {
    if (b === 0) return a / b;
    const mod = a % b;
    let div = (a - mod) / b;
    if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
    if (div === 0) return 0 * (a / b);
    const fl = Math.floor(div);
    return div - fl > 0.5 ? fl + 1 : fl;
  },
  sign(x: number): number {
    return x > 0 ? 1 : x < 0 ? -1 : x;
  },
};

function erfcLarge(x: number): number {
  if (x < 4) {
    const p =
      ((((((5.64188496988670089e-1 * x + 8.88314979438837594) * x + 66.1191906371416295) * x +
        298.635138197400131) *
        x +
        881.95222124176909) *
        x +
        1712.04761263407058) *
        x +
        2051.07837782607147) *
        x +
      1230.33935479799725;
    const q =
      (((((((x + 15.7449261107098347) * x + 117.693950891312499) * x + 537.181101862009858) * x +
        1621.38957456669019) *
        x +
        3290.79923573345963) *
        x +
        4362.61909014324716) *
        x +
        3439.36767414372164) *
        x +
      1230.33935480374942;
    return (Math.exp(-x * x) * p) / q;
  }
  const z = 1 / (x * x);
  const p =
    ((((1.63153871373020978e-2 * z + 3.05326634961232344e-1) * z + 3.60344899949804439e-1) * z +
      1.25781726111229246e-1) *
      z +
      1.60837851487422766e-2) *
      z +
    6.58749161529837803e-4;
  const q =
    ((((z + 2.56852019228982242) * z + 1.87295284992346725) * z + 5.27905102951428412e-1) * z +
      6.05183413124413191e-2) *
      z +
    2.33520497626869185e-3;
  return (Math.exp(-x * x) / x) * (0.564189583547756287 - (z * p) / q);
}
