/**
 * Class activation maps: Grad-CAM (Selvaraju et al., 2017) as pytorch-grad-cam computes it, and
 * the heat-map overlay its `show_cam_on_image` draws.
 */
import { F, type Module } from '@tensile/nn';
import {
  enableGrad,
  fmtShape,
  isTensor,
  noGrad,
  ShapeError,
  stack,
  type Tensor,
  tensor,
  ValueError,
} from '@tensile/tensor';

export interface GradCamOptions {
  /** The class whose score is explained: one for every sample, or one per sample. Default: each sample's highest-scoring class. */
  target?: number | readonly number[];
}

export interface GradCamResult {
  /** [N, H, W]: each sample's map at the input's size, scaled to [0, 1]. */
  cam: Tensor;
  /** The class explained for each sample. */
  target: number[];
  /** The model's output [N, classes]. */
  output: Tensor;
}

/**
 * Grad-CAM of `model` for `input` [N, C, H, W] at `layer` (a module whose output is
 * [N, K, h, w], usually the last convolutional block): the layer's activations A and the
 * gradient G of each sample's target score with respect to them; weights a_k = mean over
 * (h, w) of G_k; map = relu(sum_k a_k A_k), scaled per sample to [0, 1] (minus its minimum, over
 * its maximum + 1e-7) and resized bilinearly to H x W. The model runs in eval mode (each
 * module's mode is restored after); parameters' .grad are left alone.
 */
export function gradCam(
  model: Module,
  layer: Module,
  input: Tensor,
  opts: GradCamOptions = {},
): GradCamResult {
  if (input.ndim !== 4)
    throw new ShapeError(`gradCam: expected an input [N, C, H, W], got ${fmtShape(input.shape)}`);
  let acts: Tensor | null = null;
  const handle = layer.registerForwardHook((_m, _args, out) => {
    if (!isTensor(out) || out.ndim !== 4)
      throw new ShapeError('gradCam: the target layer must output one [N, K, h, w] tensor');
    acts = out;
  });
  let output: Tensor;
  try {
    // The input requires grad so the graph exists even with every parameter frozen.
    const x = input.detach().requiresGrad_();
    output = model.inEvalMode(() => enableGrad(() => model.forward(x) as Tensor));
  } finally {
    handle.remove();
  }
  if (acts === null)
    throw new ValueError('gradCam: the target layer did not run in the forward pass');
  const a: Tensor = acts;
  const n = input.shape[0];
  const target = targets(output, n, opts.target);
  const picked = output.gather(1, tensor(target, { dtype: 'int64' }).reshape([n, 1]));
  // Gradients into the activations only: the parameters' .grad stay as they were.
  picked.sum().backward(undefined, { inputs: [a] });
  const g = a.grad as Tensor;
  a.grad = null;
  const cam = noGrad(() => {
    const weights = g.mean([2, 3], { keepdim: true });
    const raw = weights.mul(a.detach()).sum(1).relu();
    const low = raw.sub(raw.amin([1, 2], { keepdim: true }));
    const scaled = low.div(low.amax([1, 2], { keepdim: true }).add(1e-7));
    const size = [input.shape[2], input.shape[3]];
    return F.interpolate(scaled.unsqueeze(1), { size, mode: 'bilinear', alignCorners: false });
  });
  return { cam: cam.squeeze(1), target, output: output.detach() };
}

function targets(output: Tensor, n: number, given?: number | readonly number[]): number[] {
  if (output.ndim !== 2 || output.shape[0] !== n)
    throw new ShapeError(
      `gradCam: expected the model to output scores [${n}, classes], got ${fmtShape(output.shape)}`,
    );
  const classes = output.shape[1];
  const list =
    given === undefined
      ? Array.from(output.argmax(1).dataSync(), Number)
      : typeof given === 'number'
        ? Array(n).fill(given)
        : [...given];
  if (list.length !== n || list.some((t) => !Number.isInteger(t) || t < 0 || t >= classes))
    throw new ValueError(
      `gradCam: target must be ${n} class indices in [0, ${classes}), got [${list.join(', ')}]`,
    );
  return list;
}

/** MATLAB's jet colormap of values in [0, 1]: [..., H, W] -> [..., 3, H, W]. */
export function jet(values: Tensor): Tensor {
  const x = values.clamp(0, 1).mul(4);
  const band = (center: number) => x.sub(center).abs().neg().add(1.5).clamp(0, 1);
  return stack([band(3), band(2), band(1)], values.ndim - 2);
}

export interface CamOverlayOptions {
  /** The image's share of the blend (pytorch-grad-cam's image_weight). Default 0.5. */
  imageWeight?: number;
}

/**
 * An image [C, H, W] in [0, 1] (1 or 3 channels) with a map [H, W] in [0, 1] drawn over it in
 * jet colors: (1 - w) * heat + w * image, divided by its maximum (show_cam_on_image).
 */
export function camOverlay(image: Tensor, cam: Tensor, opts: CamOverlayOptions = {}): Tensor {
  const w = opts.imageWeight ?? 0.5;
  if (image.ndim !== 3 || (image.shape[0] !== 1 && image.shape[0] !== 3))
    throw new ShapeError(
      `camOverlay: expected an image [1 or 3, H, W], got ${fmtShape(image.shape)}`,
    );
  if (cam.ndim !== 2 || cam.shape[0] !== image.shape[1] || cam.shape[1] !== image.shape[2])
    throw new ShapeError(
      `camOverlay: the map ${fmtShape(cam.shape)} must be the image's size ${fmtShape(image.shape.slice(1))}`,
    );
  if (!(w >= 0 && w <= 1))
    throw new ValueError(`camOverlay: imageWeight must be in [0, 1], got ${w}`);
  return noGrad(() => {
    const rgb = image.shape[0] === 1 ? image.expand([3, -1, -1]) : image;
    const blend = jet(cam)
      .mul(1 - w)
      .add(rgb.mul(w));
    return blend.div(blend.max());
  });
}
