import type { BinaryOp, UnaryOp } from '@tensile/tensor';

/** An expression over v0, v1, v2 in gpu.js's JavaScript; `bool` marks a condition. */
export type Expr = { code: string; bool?: boolean };

const nanFirst = (code: string) => `(isNan(v0) > 0 ? v0 : (isNan(v1) > 0 ? v1 : ${code}))`;

export const UNARY: Record<UnaryOp, Expr> = {
  neg: { code: '-v0' },
  abs: { code: 'Math.abs(v0)' },
  sign: { code: 'Math.sign(v0)' },
  sqrt: { code: 'Math.sqrt(v0)' },
  rsqrt: { code: '1 / Math.sqrt(v0)' },
  exp: { code: 'Math.exp(v0)' },
  expm1: { code: 'expm1_(v0)' },
  log: { code: 'Math.log(v0)' },
  log1p: { code: 'log1p_(v0)' },
  log2: { code: 'Math.log2(v0)' },
  sin: { code: 'Math.sin(v0)' },
  cos: { code: 'Math.cos(v0)' },
  tan: { code: 'Math.tan(v0)' },
  asin: { code: 'asin_(v0)' },
  acos: { code: 'acos_(v0)' },
  atan: { code: 'atan_(v0)' },
  sinh: { code: '(Math.exp(v0) - Math.exp(-v0)) / 2' },
  cosh: { code: '(Math.exp(v0) + Math.exp(-v0)) / 2' },
  tanh: { code: 'tanh_(v0)' },
  sigmoid: { code: '1 / (1 + Math.exp(-v0))' },
  relu: { code: '(isNan(v0) > 0 ? v0 : Math.max(v0, 0))' },
  erf: { code: 'erf_(v0)' },
  round: { code: 'roundEven(v0)' },
  floor: { code: 'Math.floor(v0)' },
  ceil: { code: 'Math.ceil(v0)' },
  trunc: { code: 'Math.trunc(v0)' },
  reciprocal: { code: '1 / v0' },
  logicalNot: { code: 'v0 == 0', bool: true },
  isnan: { code: 'isNan(v0) > 0', bool: true },
  isinf: { code: 'isInf(v0) > 0', bool: true },
  isfinite: { code: 'isNan(v0) + isInf(v0) == 0', bool: true },
};

export const BINARY: Record<BinaryOp, Expr> = {
  add: { code: 'v0 + v1' },
  sub: { code: 'v0 - v1' },
  mul: { code: 'v0 * v1' },
  div: { code: 'v0 / v1' },
  floorDiv: { code: 'Math.floor(v0 / v1)' },
  pow: { code: 'pow_(v0, v1)' },
  maximum: { code: nanFirst('Math.max(v0, v1)') },
  minimum: { code: nanFirst('Math.min(v0, v1)') },
  fmod: { code: 'v0 - v1 * Math.trunc(v0 / v1)' },
  remainder: { code: 'v0 - v1 * Math.floor(v0 / v1)' },
  atan2: { code: 'atan2_(v0, v1)' },
  reluBackward: { code: '(v1 <= 0.0 ? 0.0 : v0)' },
  eq: { code: 'v0 == v1', bool: true },
  ne: { code: 'v0 != v1', bool: true },
  lt: { code: 'v0 < v1', bool: true },
  le: { code: 'v0 <= v1', bool: true },
  gt: { code: 'v0 > v1', bool: true },
  ge: { code: 'v0 >= v1', bool: true },
  logicalAnd: { code: 'v0 != 0 && v1 != 0', bool: true },
  logicalOr: { code: 'v0 != 0 || v1 != 0', bool: true },
  logicalXor: { code: '(v0 != 0 ? 1 : 0) != (v1 != 0 ? 1 : 0)', bool: true },
};

export const WHERE: Expr = { code: '(v0 != 0 ? v1 : v2)' };
export const IDENTITY: Expr = { code: 'v0' };
