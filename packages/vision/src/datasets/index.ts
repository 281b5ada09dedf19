export { type ArchiveEntry, extractTar, extractZip } from './archive';
export { type DownloadOptions, downloadUrl } from './download';
export { calculateMd5, checkIntegrity } from './files';
export { type IdxArray, parseIdx, readIdx } from './idx';
export {
  EMNIST,
  type EMNISTSplit,
  FashionMNIST,
  IdxImageDataset,
  KMNIST,
  MNIST,
  type MNISTOptions,
} from './mnist';
export { VisionDataset, type VisionDatasetOptions } from './vision-dataset';
