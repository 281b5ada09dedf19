import { F } from '@tensile/nn';
import { type Tensor, tensor, ValueError } from '@tensile/tensor';
import { imageDims } from '../tensor-util';
import { fromFloat, type Img, map, perPlane, toFloat } from './common';
import { padTensor } from './pad';

/**
 * Valid cross-correlation of each plane of a float image with a kh x kw kernel (torchvision's
 * conv2d with groups = channels), by nn's conv2d on the planes as one-channel images.
 */
function correlate(x: Tensor, kernel: Float64Array, kh: number, kw: number): Tensor {
  const weight = tensor(kernel, { dtype: x.dtype, device: x.device }).reshape([1, 1, kh, kw]);
  return perPlane(x, (planes) => F.conv2d(planes, weight));
}

function gaussianKernel1d(size: number, sigma: number): Float64Array {
  const half = (size - 1) * 0.5;
  const pdf = Float64Array.from({ length: size }, (_, i) => {
    const x = size === 1 ? -half : -half + (2 * half * i) / (size - 1);
    return Math.exp(-0.5 * (x / sigma) ** 2);
  });
  const total = pdf.reduce((a, b) => a + b, 0);
  return pdf.map((v) => v / total);
}

/** [kx, ky] from an int or a list; each odd and positive. */
function parseKernelSize(kernelSize: number | readonly number[]): [number, number] {
  const ks = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : [...kernelSize];
  if (ks.length !== 2)
    throw new ValueError(
      `gaussianBlur: if kernel_size is a sequence its length should be 2. Got ${ks.length}`,
    );
  if (ks.some((k) => !Number.isInteger(k) || k % 2 === 0 || k < 0)) {
    throw new ValueError(
      `gaussianBlur: kernel_size should have odd and positive integers. Got [${ks.join(', ')}]`,
    );
  }
  return [ks[0], ks[1]];
}

function parseSigma(
  sigma: number | readonly number[] | undefined,
  [kx, ky]: [number, number],
): [number, number] {
  const s =
    sigma === undefined
      ? [kx * 0.15 + 0.35, ky * 0.15 + 0.35]
      : typeof sigma === 'number'
        ? [sigma, sigma]
        : sigma.length === 1
          ? [sigma[0], sigma[0]]
          : [...sigma];
  if (s.length !== 2)
    throw new ValueError(
      `gaussianBlur: if sigma is a sequence, its length should be 2. Got ${s.length}`,
    );
  if (s.some((v) => !(v > 0)))
    throw new ValueError(`gaussianBlur: sigma should have positive values. Got [${s.join(', ')}]`);
  return [s[0], s[1]];
}

/**
 * torchvision's F.gaussian_blur: reflect padding, then the separable Gaussian as one 2-d kernel.
 * `kernelSize` is [kx, ky] (width first, as torchvision); sigma defaults to 0.3*((k-1)*0.5-1)+0.8.
 */
export function gaussianBlur<T extends Img>(
  img: T,
  kernelSize: number | readonly number[],
  sigma?: number | readonly number[],
): T {
  const [kx, ky] = parseKernelSize(kernelSize);
  const [sx, sy] = parseSigma(sigma, [kx, ky]);
  const gx = gaussianKernel1d(kx, sx);
  const gy = gaussianKernel1d(ky, sy);
  const kernel = new Float64Array(ky * kx);
  for (let i = 0; i < ky; i++) for (let j = 0; j < kx; j++) kernel[i * kx + j] = gy[i] * gx[j];
  return map(img, 'gaussianBlur', (t) => {
    const padded = padTensor(toFloat(t), [kx >> 1, ky >> 1, kx >> 1, ky >> 1], 0, 'reflect');
    return fromFloat(correlate(padded, kernel, ky, kx), t.dtype);
  });
}

const SMOOTH = Float64Array.from([1, 1, 1, 1, 5, 1, 1, 1, 1], (v) => v / 13);

/** torchvision's _blurred_degenerate_image: a 3x3 smoothing of the interior, borders kept. */
export function blurredDegenerate(img: Tensor): Tensor {
  const { h, w } = imageDims(img, 'adjustSharpness');
  const inner = fromFloat(correlate(toFloat(img), SMOOTH, 3, 3), img.dtype);
  const out = img.clone();
  out
    .slice(-2, 1, h - 1)
    .slice(-1, 1, w - 1)
    .copy_(inner);
  return out;
}
