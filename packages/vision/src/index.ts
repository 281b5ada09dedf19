export {
  type ArchiveEntry,
  CIFAR10,
  CIFAR100,
  type CIFAROptions,
  type CIFARRelease,
  calculateMd5,
  checkIntegrity,
  DatasetFolder,
  type DatasetFolderOptions,
  type DownloadOptions,
  defaultLoader,
  downloadUrl,
  EMNIST,
  type EMNISTSplit,
  extractTar,
  extractZip,
  FakeData,
  type FakeDataOptions,
  FashionMNIST,
  findClasses,
  hasFileAllowedExtension,
  type IdxArray,
  IdxImageDataset,
  IMG_EXTENSIONS,
  ImageFolder,
  type ImageFolderOptions,
  KMNIST,
  type MakeDatasetOptions,
  type MatArray,
  MNIST,
  type MNISTOptions,
  makeDataset,
  type NdArray,
  parseIdx,
  readIdx,
  readMat,
  SVHN,
  type SVHNOptions,
  type SVHNSplit,
  unpickle,
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
