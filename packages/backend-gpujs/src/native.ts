/**
 * GLSL helpers the generated kernels call. gpu.js translates kernel bodies from JavaScript but
 * does float arithmetic on indices (inexact past 2^24) and follows GLSL where it differs from
 * IEEE/PyTorch (pow of a negative base, tanh overflow, round half up), so those live here.
 * A NaN must be made at run time: compilers fold a literal 0.0 / 0.0 to FLT_MAX.
 */
export const NATIVE: [name: string, source: string, returnType: 'Integer' | 'Number'][] = [
  ['idiv', 'int idiv(int a, int b) { return a / b; }', 'Integer'],
  ['imod', 'int imod(int a, int b) { return a - (a / b) * b; }', 'Integer'],
  ['toInt', 'int toInt(float x) { return int(floor(x + 0.5)); }', 'Integer'],
  [
    'isNan',
    'float isNan(float x) { return (x != x || (x < 0.0 == x >= 0.0)) ? 1.0 : 0.0; }',
    'Number',
  ],
  [
    'isInf',
    'float isInf(float x) { return (x == x && abs(x) > 3.4028235e38) ? 1.0 : 0.0; }',
    'Number',
  ],
  // s / (s - s) gives 0 on Mesa (it folds the division); an overflowing product is infinite.
  [
    'infOf',
    'float infOf(float s) { float big = 3.4028235e38 + abs(s); return s * big * big; }',
    'Number',
  ],
  ['nanOf', 'float nanOf(float x) { float z = x - x; return z / z; }', 'Number'],
  [
    'tanh_',
    'float tanh_(float x) { if (x > 9.0) return 1.0; if (x < -9.0) return -1.0; float e = exp(2.0 * x); return (e - 1.0) / (e + 1.0); }',
    'Number',
  ],
  // Series near 0: Mesa's shader compiler reassociates, so (1 + x) - 1 tricks fold away.
  [
    'expm1_',
    'float expm1_(float x) { if (abs(x) < 0.05) return x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 + x / 120.0)))); return exp(x) - 1.0; }',
    'Number',
  ],
  [
    'log1p_',
    'float log1p_(float x) { if (abs(x) < 0.05) return x * (1.0 - x * (0.5 - x * (1.0 / 3.0 - x * (0.25 - x * (0.2 - x / 6.0))))); return log(1.0 + x); }',
    'Number',
  ],
  [
    'roundEven',
    'float roundEven(float x) { float r = floor(x + 0.5); if (r - x == 0.5 && mod(r, 2.0) != 0.0) r -= 1.0; return r; }',
    'Number',
  ],
  [
    'erf_',
    `float erf_(float x) {
  float a = abs(x);
  if (a < 0.5) { float x2 = x * x; return x * 1.1283791671 * (1.0 - x2 / 3.0 + x2 * x2 / 10.0 - x2 * x2 * x2 / 42.0 + x2 * x2 * x2 * x2 / 216.0); }
  float t = 1.0 / (1.0 + 0.3275911 * a);
  float y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
  return x < 0.0 ? -y : y;
}`,
    'Number',
  ],
  [
    'pow_',
    `float pow_(float a, float b) {
  if (b == 0.0) return 1.0;
  if (a != a || b != b) return a + b;
  if (a == 0.0) return b < 0.0 ? 1.0 / (a - a) : 0.0;
  if (a < 0.0) {
    if (floor(b) != b) { float z = a - a; return z / z; }
    float r = pow(-a, b);
    return mod(b, 2.0) == 1.0 ? -r : r;
  }
  return pow(a, b);
}`,
    'Number',
  ],
  [
    'atan2_',
    // atan2(±0, +0) = ±0 and atan2(±0, -0) = ±pi, as in C and PyTorch: zeros' signs from 1 / z.
    'float atan2_(float y, float x) { if (y != y || x != x) return x + y; if (x == 0.0 && y == 0.0) { if (1.0 / x > 0.0) return y; return 1.0 / y > 0.0 ? 3.14159265358979 : -3.14159265358979; } return atan(y, x); }',
    'Number',
  ],
  // Mesa's asin and acos are good to about 1e-4; through its two-argument atan they are exact
  // to float32. atan drops a NaN: it is passed through.
  [
    'asin_',
    'float asin_(float x) { if (x != x || (x < 0.0 == x >= 0.0) || abs(x) > 1.0) { float z = x - x; return z / z; } return atan(x, sqrt((1.0 - x) * (1.0 + x))); }',
    'Number',
  ],
  [
    'acos_',
    'float acos_(float x) { if (x != x || (x < 0.0 == x >= 0.0) || abs(x) > 1.0) { float z = x - x; return z / z; } return atan(sqrt((1.0 - x) * (1.0 + x)), x); }',
    'Number',
  ],
  [
    'atan_',
    'float atan_(float x) { if (x != x || (x < 0.0 == x >= 0.0)) return x; return atan(x); }',
    'Number',
  ],
];
NATIVE.push(
  // PyTorch's casts (x86's cvttss2si): truncation, and NaN, the infinities and values past the
  // range give the type's "integer indefinite", -2^31 or -2^63, as the CPU backend's do.
  [
    'castInt32',
    'float castInt32(float x) { if (x != x || x < -2147483648.0 || x >= 2147483648.0) return -2147483648.0; return x < 0.0 ? -floor(-x) : floor(x); }',
    'Number',
  ],
  [
    'castInt64',
    'float castInt64(float x) { if (x != x || x < -9223372036854775808.0 || x >= 9223372036854775808.0) return -9223372036854775808.0; return x < 0.0 ? -floor(-x) : floor(x); }',
    'Number',
  ],
  [
    'castU8',
    'float castU8(float x) { if (x != x || abs(x) > 3.4e38) return 0.0; float t = x < 0.0 ? -floor(-x) : floor(x); return t - 256.0 * floor(t / 256.0); }',
    'Number',
  ],
);
