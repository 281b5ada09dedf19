/**
 * Mutation fuzzing of the safetensors reader (issue 21): damaged copies of a checkpoint (header
 * length, JSON header, offsets, data). Each must decode or throw SerializeError naming the
 * damage, never a raw error, a hang, or an allocation beyond the bytes it was given.
 */
import { tensor } from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../tools/fuzz';
import { deserialize, SerializeError, serialize } from '../src';

describe('safetensors under mutation (issue 21)', { timeout: 120_000 }, () => {
  it('decodes or names the damage', () => {
    const ckpt = serialize({
      model: {
        w: tensor(
          [
            [1, 2],
            [3, 4],
          ],
          { dtype: 'float32' },
        ),
        b: tensor([5], { dtype: 'float64' }),
      },
      step: tensor([7, 8], { dtype: 'int64' }),
      flags: tensor([true, false], { dtype: 'bool' }),
      epoch: 3,
      name: 'run',
    });
    expect(
      fuzz(ckpt, (b) => deserialize(b, { source: 'fuzz.safetensors' }), [SerializeError], 3000),
    ).toEqual([]);
  });
});
