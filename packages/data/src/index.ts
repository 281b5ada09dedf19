export { type Collated, type Converted, defaultCollate, defaultConvert } from './collate';
export { DataLoader, type DatasetLike } from './dataloader';
export { ChainDataset, ConcatDataset } from './datasets/concat';
export {
  type AnyIterable,
  Dataset,
  IterableDataset,
  type MapDataset,
  type ModuleRef,
  type WorkerSpec,
} from './datasets/dataset';
export { randomSplit, Subset } from './datasets/subset';
export { TensorDataset } from './datasets/tensor-dataset';
export {
  CollateError,
  DataLoaderError,
  DataLoaderTimeoutError,
  WorkerError,
  type WorkerFailure,
} from './errors';
export type { DataLoaderOptions, SamplerLike } from './options';
export { type ProgressOptions, progress } from './progress';
export { BatchSampler } from './samplers/batch';
export { DistributedSampler, type DistributedSamplerOptions } from './samplers/distributed';
export {
  RandomSampler,
  type RandomSamplerOptions,
  Sampler,
  SequentialSampler,
  SubsetRandomSampler,
} from './samplers/sampler';
export { WeightedRandomSampler, type WeightedRandomSamplerOptions } from './samplers/weighted';
export { getWorkerInfo, type WorkerInfo } from './worker-info';
