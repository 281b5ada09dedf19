import {
  amax,
  amin,
  arange,
  cat,
  cumsum,
  DTypeError,
  floor,
  fmod,
  fullLike,
  isFloating,
  isfinite,
  logicalNot,
  mean,
  onesLike,
  stack,
  type Tensor,
  ValueError,
  where,
  zeros,
  zerosLike,
} from '@tensile/tensor';
import { imageDims } from '../tensor-util';
import { blurredDegenerate } from './blur';
import { type Img, map } from './common';
import { convertImageDtype } from './convert';

function checkChannels(img: Tensor, op: string, permitted: readonly number[]): number {
  const { c } = imageDims(img, op);
  if (!permitted.includes(c)) {
    throw new ValueError(
      `${op}: input image tensor permitted channel values are [${permitted.join(', ')}], but found ${c}`,
    );
  }
  return c;
}

function checkFactor(op: string, name: string, value: number): void {
  if (!(value >= 0)) throw new ValueError(`${op}: ${name} (${value}) is not non-negative.`);
}

/** torchvision's _blend: ratio * a + (1 - ratio) * b, clamped to the dtype's range, in a's dtype. */
function blend(a: Tensor, b: Tensor, ratio: number): Tensor {
  const bound = isFloating(a.dtype) ? 1 : 255;
  return a
    .mul(ratio)
    .add(b.mul(1 - ratio))
    .clamp(0, bound)
    .to(a.dtype);
}

function grayscale(img: Tensor, numOutputChannels: 1 | 3): Tensor {
  if (img.ndim < 3) {
    throw new ValueError(
      `rgbToGrayscale: input image tensor should have at least 3 dimensions, but found ${img.ndim}`,
    );
  }
  checkChannels(img, 'rgbToGrayscale', [1, 3]);
  if (numOutputChannels !== 1 && numOutputChannels !== 3) {
    throw new ValueError(
      `rgbToGrayscale: numOutputChannels should be either 1 or 3, got ${numOutputChannels}`,
    );
  }
  let l: Tensor;
  if (img.shape[img.ndim - 3] === 3) {
    const [r, g, b] = img.unbind(-3);
    // ITU-R 601-2 weights, as torchvision (and TensorFlow).
    l = r.mul(0.2989).add(g.mul(0.587)).add(b.mul(0.114)).to(img.dtype).unsqueeze(-3);
  } else l = img.clone();
  return numOutputChannels === 3 ? l.expand(img.shape).contiguous() : l;
}

export function rgbToGrayscale<T extends Img>(img: T, numOutputChannels: 1 | 3 = 1): T {
  return map(img, 'rgbToGrayscale', (t) => grayscale(t, numOutputChannels));
}

export function adjustBrightness<T extends Img>(img: T, factor: number): T {
  checkFactor('adjustBrightness', 'brightness_factor', factor);
  return map(img, 'adjustBrightness', (t) => {
    checkChannels(t, 'adjustBrightness', [1, 3]);
    return blend(t, zerosLike(t), factor);
  });
}

export function adjustContrast<T extends Img>(img: T, factor: number): T {
  checkFactor('adjustContrast', 'contrast_factor', factor);
  return map(img, 'adjustContrast', (t) => {
    const c = checkChannels(t, 'adjustContrast', [1, 3]);
    const dtype = isFloating(t.dtype) ? t.dtype : 'float32';
    const gray = c === 3 ? grayscale(t, 1) : t;
    return blend(t, mean(gray.to(dtype), [-3, -2, -1], { keepdim: true }), factor);
  });
}

export function adjustSaturation<T extends Img>(img: T, factor: number): T {
  checkFactor('adjustSaturation', 'saturation_factor', factor);
  return map(img, 'adjustSaturation', (t) => {
    if (checkChannels(t, 'adjustSaturation', [1, 3]) === 1) return t; // as PIL
    return blend(t, grayscale(t, 1), factor);
  });
}

/** torchvision's _rgb2hsv on [..., 3, H, W] floats in [0, 1]. */
function rgbToHsv(img: Tensor): Tensor {
  const [r, g, b] = img.unbind(-3);
  const maxc = amax(img, -3);
  const minc = amin(img, -3);
  const eqc = maxc.eq(minc);
  const cr = maxc.sub(minc);
  const ones = fullLike(maxc, 1);
  const s = cr.div(where(eqc, ones, maxc));
  const crDivisor = where(eqc, ones, cr);
  const rc = maxc.sub(r).div(crDivisor);
  const gc = maxc.sub(g).div(crDivisor);
  const bc = maxc.sub(b).div(crDivisor);
  const isR = maxc.eq(r);
  const isG = maxc.eq(g).logicalAnd(logicalNot(isR));
  const isB = logicalNot(maxc.eq(g)).logicalAnd(logicalNot(isR));
  const hr = isR.to(img.dtype).mul(bc.sub(gc));
  const hg = isG.to(img.dtype).mul(rc.add(2).sub(bc));
  const hb = isB.to(img.dtype).mul(gc.add(4).sub(rc));
  const h = fmod(hr.add(hg).add(hb).div(6).add(1), 1);
  return stack([h, s, maxc], -3);
}

/** torchvision's _hsv2rgb: picks (v, q, p, p, t, v) etc. by the sextant of the hue. */
function hsvToRgb(img: Tensor): Tensor {
  const [h, s, v] = img.unbind(-3);
  const i = floor(h.mul(6));
  const f = h.mul(6).sub(i);
  const sextant = i.to('int32').remainder(6);
  const p = v.mul(s.neg().add(1)).clamp(0, 1);
  const q = v.mul(s.mul(f).neg().add(1)).clamp(0, 1);
  const t = v.mul(s.mul(f.neg().add(1)).neg().add(1)).clamp(0, 1);
  const pick = (choices: Tensor[]) =>
    choices.reduceRight((acc, c, k) => where(sextant.eq(k), c, acc), zerosLike(v));
  return stack([pick([v, q, p, p, t, v]), pick([t, v, v, q, p, p]), pick([p, p, t, v, v, q])], -3);
}

export function adjustHue<T extends Img>(img: T, factor: number): T {
  if (!(factor >= -0.5 && factor <= 0.5))
    throw new ValueError(`adjustHue: hue_factor (${factor}) is not in [-0.5, 0.5].`);
  return map(img, 'adjustHue', (t) => {
    if (checkChannels(t, 'adjustHue', [1, 3]) === 1) return t; // as PIL
    const x = t.dtype === 'uint8' ? t.to('float32').div(255) : t;
    const [h, s, v] = rgbToHsv(x).unbind(-3);
    const out = hsvToRgb(stack([h.add(factor).remainder(1), s, v], -3));
    return t.dtype === 'uint8' ? out.mul(255).to('uint8') : out;
  });
}

export function adjustGamma<T extends Img>(img: T, gamma: number, gain = 1): T {
  if (!(gamma >= 0))
    throw new ValueError('adjustGamma: gamma should be a non-negative real number');
  return map(img, 'adjustGamma', (t) => {
    checkChannels(t, 'adjustGamma', [1, 3]);
    const x = isFloating(t.dtype) ? t : convertImageDtype(t, 'float32');
    return convertImageDtype(x.pow(gamma).mul(gain).clamp(0, 1), t.dtype);
  });
}

export function adjustSharpness<T extends Img>(img: T, factor: number): T {
  checkFactor('adjustSharpness', 'sharpness_factor', factor);
  return map(img, 'adjustSharpness', (t) => {
    checkChannels(t, 'adjustSharpness', [1, 3]);
    const { h, w } = imageDims(t, 'adjustSharpness');
    if (h <= 2 || w <= 2) return t;
    return blend(t, blurredDegenerate(t), factor);
  });
}

function checkColorImage(t: Tensor, op: string): void {
  if (t.ndim < 3)
    throw new ValueError(
      `${op}: input image tensor should have at least 3 dimensions, but found ${t.ndim}`,
    );
  checkChannels(t, op, [1, 3]);
}

export function invert<T extends Img>(img: T): T {
  return map(img, 'invert', (t) => {
    checkColorImage(t, 'invert');
    return fullLike(t, isFloating(t.dtype) ? 1 : 255).sub(t);
  });
}

/** Keeps the top `bits` bits of each uint8 value. */
export function posterize<T extends Img>(img: T, bits: number): T {
  if (!(Number.isInteger(bits) && bits >= 0 && bits <= 8)) {
    throw new ValueError(`posterize: the number of bits should be between 0 and 8. Got ${bits}`);
  }
  return map(img, 'posterize', (t) => {
    checkColorImage(t, 'posterize');
    if (t.dtype !== 'uint8')
      throw new DTypeError(
        `posterize: only uint8 image tensors are supported, but found ${t.dtype}`,
      );
    // img & -(2 ** (8 - bits)) as torchvision, without a bitwise op: v - v mod 2^(8 - bits).
    return bits === 0 ? zerosLike(t) : t.sub(t.remainder(2 ** (8 - bits)));
  });
}

/** Inverts the values at or above `threshold`. */
export function solarize<T extends Img>(img: T, threshold: number): T {
  return map(img, 'solarize', (t) => {
    checkColorImage(t, 'solarize');
    const bound = isFloating(t.dtype) ? 1 : 255;
    if (threshold > bound)
      throw new ValueError(
        `solarize: threshold (${threshold}) should be less than bound of img (${bound})`,
      );
    return where(t.ge(threshold), invert(t), t);
  });
}

/** Stretches each channel to the full range. */
export function autocontrast<T extends Img>(img: T): T {
  return map(img, 'autocontrast', (t) => {
    checkColorImage(t, 'autocontrast');
    const bound = isFloating(t.dtype) ? 1 : 255;
    const dtype = isFloating(t.dtype) ? t.dtype : 'float32';
    let minimum = amin(t, [-2, -1], { keepdim: true }).to(dtype);
    const maximum = amax(t, [-2, -1], { keepdim: true }).to(dtype);
    // bound / tensor is reciprocal-then-multiply in PyTorch, which rounds differently from a division.
    let scale = maximum.sub(minimum).reciprocal().mul(bound);
    const degenerate = logicalNot(isfinite(scale));
    minimum = where(degenerate, 0, minimum);
    scale = where(degenerate, 1, scale);
    return t.sub(minimum).mul(scale).clamp(0, bound).to(t.dtype);
  });
}

/**
 * torchvision's _scale_channel on every plane of a uint8 image at once (planes as rows): the
 * plane's lookup table is its cumulative histogram shifted right by one, divided by the step.
 */
function equalizePlanes(img: Tensor): Tensor {
  const [h, w] = img.shape.slice(-2);
  const values = img.reshape([-1, h * w]).to('int64');
  const { device } = img;
  const hist = zeros([values.shape[0], 256], { dtype: 'int64', device }).scatterAdd(
    1,
    values,
    onesLike(values),
  );
  // The nonzero bins but the last: all pixels but those of the plane's largest value.
  const top = hist.gather(1, amax(values, 1, { keepdim: true }));
  const step = hist.sum(1, { keepdim: true }).sub(top).div(255, { roundingMode: 'floor' });
  const flat = step.eq(0);
  const divisor = where(flat, 1, step);
  const lut = cumsum(hist, 1)
    .add(step.div(2, { roundingMode: 'floor' }))
    .div(divisor, { roundingMode: 'floor' });
  const shifted = cat(
    [zeros([lut.shape[0], 1], { dtype: 'int64', device }), lut.slice(1, 0, 255)],
    1,
  );
  // A plane whose step is 0 is left as it is: its table is the identity.
  const table = where(flat, arange(256, { dtype: 'int64', device }), shifted.clamp(0, 255));
  return table.to('uint8').gather(1, values).reshape(img.shape);
}

export function equalize<T extends Img>(img: T): T {
  return map(img, 'equalize', (t) => {
    if (t.ndim < 3 || t.ndim > 4)
      throw new ValueError(
        `equalize: input image tensor should have 3 or 4 dimensions, but found ${t.ndim}`,
      );
    checkChannels(t, 'equalize', [1, 3]);
    if (t.dtype !== 'uint8')
      throw new DTypeError(
        `equalize: only uint8 image tensors are supported, but found ${t.dtype}`,
      );
    return equalizePlanes(t);
  });
}
