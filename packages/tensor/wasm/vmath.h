// float32 exp, log and tanh on four lanes, within about one ulp of the correctly rounded
// value (Cephes' polynomials with Cody-Waite range reduction). Specials as IEEE: exp(-inf) = 0,
// exp(+inf) = +inf, log(0) = -inf, log(x < 0) = NaN, subnormal inputs and results included,
// NaN in gives NaN out. There is no libm under -nostdlib, and a scalar call per lane would
// cost more than the loop around it.
#ifndef TENSILE_VMATH_H
#define TENSILE_VMATH_H
#include <wasm_simd128.h>

#define SPLAT wasm_f32x4_splat

// 2^n for whole-number lanes n in [-126, 127], built from the exponent bits.
static inline v128_t pow2i(v128_t n) {
  return wasm_i32x4_shl(wasm_i32x4_add(n, wasm_i32x4_splat(127)), 23);
}

static inline v128_t vexp(v128_t x) {
  // Past these the result is +inf or rounds to 0; clamping keeps 2^n's exponent in range.
  // pmax and pmin are single instructions where max and min are several, and keep a NaN.
  x = wasm_f32x4_pmin(wasm_f32x4_pmax(x, SPLAT(-104.0f)), SPLAT(89.0f));
  // n = round(x / ln 2) by adding 1.5 * 2^23: the sum's low mantissa bits are n itself, which
  // saves the float-to-int conversion (several instructions for its saturation rules).
  v128_t t = wasm_f32x4_add(wasm_f32x4_mul(x, SPLAT(1.44269504088896341f)), SPLAT(12582912.0f));
  v128_t nf = wasm_f32x4_sub(t, SPLAT(12582912.0f));
  v128_t n = wasm_i32x4_sub(t, wasm_i32x4_splat(0x4b400000));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(nf, SPLAT(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(nf, SPLAT(-2.12194440e-4f)));
  v128_t p = SPLAT(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), SPLAT(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), SPLAT(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), SPLAT(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), SPLAT(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), SPLAT(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), wasm_f32x4_add(r, SPLAT(1.0f)));
  // 2^n in two factors, each a normal number: n runs from -150 (results in the subnormal
  // range, rounded once by the last product) to 128 (overflow to +inf).
  v128_t half = wasm_i32x4_shr(n, 1);
  p = wasm_f32x4_mul(p, pow2i(half));
  return wasm_f32x4_mul(p, pow2i(wasm_i32x4_sub(n, half)));
}

static inline v128_t vlog(v128_t x) {
  v128_t bits = x;
  // Subnormals are scaled up by 2^23 first so that their exponent field is meaningful.
  v128_t sub = wasm_f32x4_lt(x, SPLAT(1.17549435e-38f));
  bits = wasm_v128_bitselect(wasm_f32x4_mul(x, SPLAT(8388608.0f)), x, sub);
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), wasm_i32x4_splat(126));
  e = wasm_i32x4_sub(e, wasm_v128_and(sub, wasm_i32x4_splat(23)));
  // m in [0.5, 1): the mantissa with the exponent of 0.5.
  v128_t m = wasm_v128_or(wasm_v128_and(bits, wasm_i32x4_splat(0x807fffff)),
                          wasm_i32x4_splat(0x3f000000));
  // Below sqrt(1/2), take 2m - 1 and one less in the exponent, so that |m - 1| < 0.41.
  v128_t lowm = wasm_f32x4_lt(m, SPLAT(0.707106781186547524f));
  e = wasm_i32x4_add(e, lowm);  // lowm lanes are -1
  m = wasm_f32x4_sub(wasm_v128_bitselect(wasm_f32x4_add(m, m), m, lowm), SPLAT(1.0f));
  v128_t ef = wasm_f32x4_convert_i32x4(e);
  v128_t z = wasm_f32x4_mul(m, m);
  v128_t y = SPLAT(7.0376836292e-2f);
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), SPLAT(-1.1514610310e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), SPLAT(1.1676998740e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), SPLAT(-1.2420140846e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), SPLAT(1.4249322787e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), SPLAT(-1.6668057665e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), SPLAT(2.0000714765e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), SPLAT(-2.4999993993e-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, m), SPLAT(3.3333331174e-1f));
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, m), z);
  y = wasm_f32x4_add(y, wasm_f32x4_mul(ef, SPLAT(-2.12194440e-4f)));
  y = wasm_f32x4_sub(y, wasm_f32x4_mul(z, SPLAT(0.5f)));
  v128_t r = wasm_f32x4_add(wasm_f32x4_add(m, y), wasm_f32x4_mul(ef, SPLAT(0.693359375f)));
  // log(0) = -inf, log(x < 0) = NaN, log(+inf) = +inf; a NaN stays itself.
  r = wasm_v128_bitselect(SPLAT(-__builtin_inff()), r, wasm_f32x4_eq(x, SPLAT(0)));
  r = wasm_v128_bitselect(SPLAT(__builtin_nanf("")), r, wasm_f32x4_lt(x, SPLAT(0)));
  r = wasm_v128_bitselect(x, r, wasm_f32x4_eq(x, SPLAT(__builtin_inff())));
  return wasm_v128_bitselect(x, r, wasm_f32x4_ne(x, x));
}

static inline v128_t vtanh(v128_t x) {
  v128_t ax = wasm_f32x4_abs(x);
  // Small |x|: an odd polynomial, where 1 - 2 / (e^2x + 1) would cancel.
  v128_t z = wasm_f32x4_mul(x, x);
  v128_t p = SPLAT(-5.70498872745e-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), SPLAT(2.06390887954e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), SPLAT(-5.37397155531e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), SPLAT(1.33314422036e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), SPLAT(-3.33332819422e-1f));
  v128_t small = wasm_f32x4_add(ax, wasm_f32x4_mul(wasm_f32x4_mul(ax, z), p));
  v128_t e = vexp(wasm_f32x4_add(ax, ax));
  v128_t large = wasm_f32x4_sub(SPLAT(1.0f), wasm_f32x4_div(SPLAT(2.0f), wasm_f32x4_add(e, SPLAT(1.0f))));
  v128_t r = wasm_v128_bitselect(small, large, wasm_f32x4_lt(ax, SPLAT(0.625f)));
  // x's sign on the magnitude (tanh(-0) = -0); a NaN passes through.
  r = wasm_v128_or(r, wasm_v128_and(x, wasm_i32x4_splat(0x80000000)));
  return wasm_v128_bitselect(x, r, wasm_f32x4_ne(x, x));
}

// 1 / (1 + e^-x), or e^x / (1 + e^x) for x < 0, where e^-x would overflow a result that
// is still a (subnormal) number.
static inline v128_t vsigmoid(v128_t x) {
  v128_t e = vexp(wasm_f32x4_neg(wasm_f32x4_abs(x)));
  v128_t num = wasm_v128_bitselect(e, SPLAT(1.0f), wasm_f32x4_lt(x, SPLAT(0)));
  return wasm_f32x4_div(num, wasm_f32x4_add(SPLAT(1.0f), e));
}

#endif
