export { type ArchiveEntry, extractTar, extractZip } from './archive';
export { CIFAR10, CIFAR100, type CIFAROptions, type CIFARRelease } from './cifar';
export { type DownloadOptions, downloadUrl } from './download';
export { FakeData, type FakeDataOptions } from './fakedata';
export { calculateMd5, checkIntegrity } from './files';
export {
  DatasetFolder,
  type DatasetFolderOptions,
  defaultLoader,
  findClasses,
  hasFileAllowedExtension,
  IMG_EXTENSIONS,
  ImageFolder,
  type ImageFolderOptions,
  type MakeDatasetOptions,
  makeDataset,
} from './folder';
export { type IdxArray, parseIdx, readIdx } from './idx';
export { type MatArray, readMat } from './mat';
export {
  EMNIST,
  type EMNISTSplit,
  FashionMNIST,
  IdxImageDataset,
  KMNIST,
  MNIST,
  type MNISTOptions,
} from './mnist';
export { type NdArray, unpickle } from './pickle';
export { SVHN, type SVHNOptions, type SVHNSplit } from './svhn';
export { VisionDataset, type VisionDatasetOptions } from './vision-dataset';
