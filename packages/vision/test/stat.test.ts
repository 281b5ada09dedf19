/** nn's stat on torchvision's ResNet-18: the rows and totals torchstat's README shows for it. */
import { stat } from '@tensile/nn';
import { describe, expect, it } from 'vitest';
import { models } from '../src/index';

describe('stat of ResNet-18 at 224 x 224', () => {
  it("gives torchstat's figures", () => {
    const s = stat(models.resnet18(), [3, 224, 224]);
    expect(s.layers[0]).toMatchObject({
      name: 'conv1',
      params: 9408,
      madd: 235_225_088,
      flops: 118_013_952,
      memRead: 639_744,
      memWrite: 3_211_264,
    });
    expect(s.layers[1]).toMatchObject({
      name: 'bn1',
      madd: 3_211_264,
      flops: 1_605_632,
      memRead: 3_211_776,
    });
    expect(s.totalParams).toBe(11_689_512);
    const text = s.toString();
    expect(text).toContain('Total MAdd: 3.64GMAdd');
    expect(text).toContain('Total Flops: 1.82GFlops');
    expect(s.layers.at(-1)).toMatchObject({ name: 'fc', outputShape: [1, 1000] });
  }, 60_000);
});
