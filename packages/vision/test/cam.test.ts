/** Grad-CAM against the same computation in PyTorch (tools/fixtures/grad_cam.py), and overlays. */
import { readFileSync } from 'node:fs';
import '@tensile/autograd';
import * as nn from '@tensile/nn';
import * as T from '@tensile/tensor';
import { describe, expect, it } from 'vitest';
import { camOverlay, gradCam, jet } from '../src/index';

interface Enc {
  shape: number[];
  data: number[];
}
interface CamCase {
  target: number[];
  output: Enc;
  cam: Enc;
}
const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/grad-cam.json', import.meta.url), 'utf8'),
) as {
  stateDict: Record<string, Enc>;
  input: Enc;
  top: CamCase;
  given: CamCase & { request: number[] };
};

const dec = (e: Enc) => T.tensor(e.data, { dtype: 'float32' }).reshape(e.shape);

function network(): nn.Sequential {
  const net = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(4, 6, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1),
    new nn.Flatten(),
    new nn.Linear(6, 3),
  );
  net.loadStateDict(
    Object.fromEntries(Object.entries(fixture.stateDict).map(([k, v]) => [k, dec(v)])),
  );
  return net;
}

function close(got: T.Tensor, want: Enc, tol = 1e-5): void {
  expect([...got.shape]).toEqual(want.shape);
  const g = got.dataSync();
  want.data.forEach((v, i) => {
    expect(Math.abs(g[i] - v)).toBeLessThanOrEqual(tol);
  });
}

describe('gradCam', () => {
  it("matches PyTorch's Grad-CAM for each sample's top class and for given classes", () => {
    const net = network();
    const x = dec(fixture.input);
    const top = gradCam(net, net.at(4), x);
    expect(top.target).toEqual(fixture.top.target);
    close(top.output, fixture.top.output);
    close(top.cam, fixture.top.cam);
    const given = gradCam(net, net.at(4), x, { target: fixture.given.request });
    expect(given.target).toEqual([2, 0]);
    close(given.cam, fixture.given.cam);
    // The maps differ between the classes, so the target is honoured.
    expect(given.cam.sub(top.cam).abs().max().item()).toBeGreaterThan(0.01);
  });

  it("leaves the parameters' gradients and the modules' modes as they were", () => {
    const net = network();
    net.train();
    gradCam(net, net.at(4), dec(fixture.input));
    for (const p of net.parameters()) expect(p.grad).toBeNull();
    expect([...net.modules()].every((m) => m.training)).toBe(true);
    // Frozen parameters: the graph still reaches the layer through the input.
    for (const p of net.parameters()) p.requiresGrad_(false);
    const { cam } = gradCam(net, net.at(4), dec(fixture.input));
    close(cam, fixture.top.cam);
  });

  it('refuses a layer that does not run, bad targets and non-image inputs', () => {
    const net = network();
    const x = dec(fixture.input);
    expect(() => gradCam(net, new nn.ReLU(), x)).toThrow(/did not run/);
    expect(() => gradCam(net, net.at(4), x, { target: 3 })).toThrow(/class indices in \[0, 3\)/);
    expect(() => gradCam(net, net.at(4), x, { target: [0] })).toThrow(T.ValueError);
    expect(() => gradCam(net, net.at(4), x.reshape([2, 12, 10]))).toThrow(T.ShapeError);
    expect(() => gradCam(net, net.at(6), x)).toThrow(/\[N, K, h, w\]/);
  });
});

describe('jet and camOverlay', () => {
  it("jet is MATLAB's: dark blue, green-ish middle, dark red", () => {
    const c = jet(T.tensor([[0, 0.5, 1]], { dtype: 'float32' }));
    expect(c.shape).toEqual([3, 1, 3]);
    expect(Array.from(c.reshape([3, 3]).t().dataSync())).toEqual([
      0, 0, 0.5, 0.5, 1, 0.5, 0.5, 0, 0,
    ]);
  });

  it('blends a grey or colour image with the map and scales the result to a maximum of 1', () => {
    const grey = T.full([1, 2, 2], 0.5);
    const cam = T.tensor(
      [
        [0, 1],
        [0.5, 0.25],
      ],
      { dtype: 'float32' },
    );
    const out = camOverlay(grey, cam);
    expect(out.shape).toEqual([3, 2, 2]);
    expect(out.max().item()).toBeCloseTo(1, 6);
    const want = jet(cam).mul(0.5).add(0.25);
    close(out, { shape: [3, 2, 2], data: Array.from(want.div(want.max()).dataSync()) }, 1e-6);
    expect(() => camOverlay(grey, T.zeros([3, 2]))).toThrow(/must be the image's size/);
    expect(() => camOverlay(T.zeros([2, 2, 2]), cam)).toThrow(/\[1 or 3, H, W\]/);
  });
});
