export {
  type ArchiveEntry,
  calculateMd5,
  checkIntegrity,
  type DownloadOptions,
  downloadUrl,
  EMNIST,
  type EMNISTSplit,
  extractTar,
  extractZip,
  FashionMNIST,
  type IdxArray,
  IdxImageDataset,
  KMNIST,
  MNIST,
  type MNISTOptions,
  parseIdx,
  readIdx,
  VisionDataset,
  type VisionDatasetOptions,
} from './datasets';
export { DatasetError, DownloadError, ImageDecodeError } from './errors';
export * as F from './functional';
export * as functional from './functional';
export type { Img, InterpolationMode } from './functional/common';
export type { PaddingMode } from './functional/pad';
export { type Image, type ImageMode, isImage, pilToTensor, toImage, toTensor } from './image';
export {
  decodeImage,
  encodeJpeg,
  encodePng,
  type ImageReadMode,
  loadImage,
  type ReadImageOptions,
  readImage,
  writeJpeg,
  writePng,
} from './io';
export * from './transforms';
export { type Color, getRgb } from './utils/colors';
export {
  type DrawBoundingBoxesOptions,
  type DrawSegmentationMasksOptions,
  drawBoundingBoxes,
  drawSegmentationMasks,
} from './utils/draw';
export { type MakeGridOptions, makeGrid, saveImage } from './utils/grid';
