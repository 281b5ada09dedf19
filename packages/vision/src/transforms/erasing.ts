import type { WorkerSpec } from '@tensile/data';
import { randn, type Tensor, tensor, ValueError } from '@tensile/tensor';
import { erase } from '../functional/convert';
import { roundHalfEven } from '../tensor-util';
import {
  checkProbability,
  type RandomOptions,
  rng,
  Transform,
  transformSpec,
  uniform,
} from './transform';

export interface RandomErasingOptions extends RandomOptions {
  /** Probability of erasing; default 0.5. */
  p?: number;
  /** Range of the erased area as a fraction of the image's; default [0.02, 0.33]. */
  scale?: readonly [number, number];
  /** Range of the box's aspect ratio (h / w), sampled log-uniformly; default [0.3, 3.3]. */
  ratio?: readonly [number, number];
  /** Erasing value: a number, one per channel, or 'random' (standard normal noise). */
  value?: number | readonly number[] | 'random';
  inplace?: boolean;
}

/** Erases a random box of a tensor image [..., C, H, W] (Zhong et al., Random Erasing). */
export class RandomErasing extends Transform<Tensor, Tensor> {
  constructor(readonly opts: RandomErasingOptions = {}) {
    super();
    const { p = 0.5, scale = [0.02, 0.33], ratio = [0.3, 3.3], value = 0 } = opts;
    if (typeof value === 'string' && value !== 'random')
      throw new ValueError("RandomErasing: if value is a string, it should be 'random'");
    if (scale[0] < 0 || scale[1] > 1)
      throw new ValueError('RandomErasing: scale should be between 0 and 1');
    if (scale[0] > scale[1] || ratio[0] > ratio[1])
      throw new ValueError('RandomErasing: scale and ratio should be of kind [min, max]');
    checkProbability('RandomErasing', p);
  }

  /** [i, j, h, w, v] of the box and its values, or the whole image (and itself) after 10 misses. */
  getParams(img: Tensor, value: number[] | null): [number, number, number, number, Tensor] {
    const [c, imgH, imgW] = img.shape.slice(-3);
    const { scale = [0.02, 0.33], ratio = [0.3, 3.3] } = this.opts;
    const g = rng(this.opts);
    const area = imgH * imgW;
    const [logLo, logHi] = [Math.log(ratio[0]), Math.log(ratio[1])];
    for (let attempt = 0; attempt < 10; attempt++) {
      const eraseArea = area * uniform(g, scale[0], scale[1]);
      const aspect = Math.exp(uniform(g, logLo, logHi));
      const h = roundHalfEven(Math.sqrt(eraseArea * aspect));
      const w = roundHalfEven(Math.sqrt(eraseArea / aspect));
      if (!(h < imgH && w < imgW)) continue;
      const v =
        value === null ? randn([c, h, w], { generator: g }) : tensor(value).view([-1, 1, 1]);
      return [g.randint(0, imgH - h + 1), g.randint(0, imgW - w + 1), h, w, v];
    }
    return [0, 0, imgH, imgW, img];
  }

  call(img: Tensor): Tensor {
    const { p = 0.5, value = 0, inplace } = this.opts;
    if (!(rng(this.opts).random() < p)) return img;
    const c = img.shape[img.ndim - 3];
    const values = value === 'random' ? null : typeof value === 'number' ? [value] : [...value];
    if (values && values.length !== 1 && values.length !== c) {
      throw new ValueError(
        `RandomErasing: if value is a sequence, it should have either a single value or ${c} (number of input channels)`,
      );
    }
    const [i, j, h, w, v] = this.getParams(img, values);
    return erase(img, i, j, h, w, v, { inplace });
  }
  workerSpec(): WorkerSpec {
    return transformSpec(import.meta.url, 'RandomErasing', [this.opts]);
  }
  override toString(): string {
    const { p = 0.5, scale = [0.02, 0.33], ratio = [0.3, 3.3], value = 0 } = this.opts;
    return `RandomErasing(p=${p}, scale=[${scale.join(', ')}], ratio=[${ratio.join(', ')}], value=${JSON.stringify(value)})`;
  }
}
