import { groups } from '../groups';
import { checkPositiveInt } from './permutation';
import { Sampler } from './sampler';

/** Groups another sampler's indices into lists of `batchSize` (torch.utils.data.BatchSampler). */
export class BatchSampler extends Sampler<number[]> {
  constructor(
    readonly sampler: Iterable<number> & { readonly length?: number },
    readonly batchSize: number,
    readonly dropLast: boolean,
  ) {
    super();
    checkPositiveInt(batchSize, 'batchSize');
    if (typeof dropLast !== 'boolean') {
      throw new TypeError(`dropLast should be a boolean value, but got dropLast=${dropLast}`);
    }
  }

  get length(): number {
    const n = this.sampler.length;
    if (typeof n !== 'number') throw new TypeError('BatchSampler: the sampler has no length');
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<number[]> {
    yield* groups(this.sampler, this.batchSize, this.dropLast) as Generator<number[]>;
  }
}
