export {
  ColorJitter,
  type ColorJitterOptions,
  GaussianBlur,
  Grayscale,
  RandomAdjustSharpness,
  RandomAutocontrast,
  RandomEqualize,
  RandomGrayscale,
  RandomInvert,
  RandomPosterize,
  RandomSolarize,
} from './color';
export { Compose, Lambda, RandomApply, RandomChoice, RandomOrder } from './compose';
export { ConvertImageDtype, Normalize, PILToTensor, ToImage, ToTensor } from './convert';
export { RandomErasing, type RandomErasingOptions } from './erasing';
export {
  RandomAffine,
  type RandomAffineOptions,
  RandomHorizontalFlip,
  RandomPerspective,
  type RandomPerspectiveOptions,
  RandomRotation,
  RandomVerticalFlip,
} from './geometry';
export {
  CenterCrop,
  FiveCrop,
  Pad,
  type PadOptions,
  RandomCrop,
  type RandomCropOptions,
  RandomResizedCrop,
  type RandomResizedCropOptions,
  Resize,
  TenCrop,
} from './size';
export {
  type AnyTransform,
  applyTransform,
  RandomApplied,
  type RandomOptions,
  Transform,
  type TransformLike,
} from './transform';
