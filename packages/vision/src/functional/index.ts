/** The functional transforms, torchvision.transforms.functional for Tensile (exported as `F`). */

export { pilToTensor, toImage, toTensor } from '../image';
export {
  affine,
  type GridOptions,
  inverseAffineMatrix,
  type Points,
  perspective,
  perspectiveCoeffs,
  rotate,
} from './affine';
export { gaussianBlur } from './blur';
export {
  adjustBrightness,
  adjustContrast,
  adjustGamma,
  adjustHue,
  adjustSaturation,
  adjustSharpness,
  autocontrast,
  equalize,
  invert,
  posterize,
  rgbToGrayscale,
  solarize,
} from './color';
export { getDimensions, type Img, type InterpolationMode } from './common';
export { convertImageDtype, erase, normalize } from './convert';
export { centerCrop, crop, fiveCrop, hflip, resizedCrop, tenCrop, vflip } from './crop';
export type { Fill } from './grid';
export { type PaddingMode, pad } from './pad';
export { type ResizeOptions, resize } from './resize';
