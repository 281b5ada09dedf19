/**
 * @tensile/optim: PyTorch's optimizers (torch.optim), learning-rate schedulers
 * (torch.optim.lr_scheduler) and gradient clipping (torch.nn.utils.clip_grad_*) for Tensile.
 */
export type { ClipGradNormOptions } from './clip-grad';
export { clipGradNorm_, clipGradValue_ } from './clip-grad';
export { OptimizerError } from './errors';
export type { SchedulerOptions, SchedulerStateDict } from './lr-scheduler/base';
export { LRScheduler, Scheduler } from './lr-scheduler/base';
export { ChainedScheduler, SequentialLR } from './lr-scheduler/composite';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts } from './lr-scheduler/cosine';
export type { CyclicLROptions } from './lr-scheduler/cyclic';
export { CyclicLR } from './lr-scheduler/cyclic';
export {
  ConstantLR,
  ExponentialLR,
  LinearLR,
  MultiStepLR,
  PolynomialLR,
  StepLR,
} from './lr-scheduler/decay';
export type { LrLambda } from './lr-scheduler/lambda';
export { LambdaLR, MultiplicativeLR } from './lr-scheduler/lambda';
export type { OneCycleLROptions, OneCyclePhase } from './lr-scheduler/one-cycle';
export { OneCycleLR } from './lr-scheduler/one-cycle';
export type { ReduceLROnPlateauOptions } from './lr-scheduler/plateau';
export { ReduceLROnPlateau } from './lr-scheduler/plateau';
export type {
  Closure,
  OptimizerStateDict,
  ParamGroup,
  ParamGroupInput,
  ParamState,
  Params,
  StateValue,
} from './optimizer';
export { Optimizer } from './optimizer';
export type { AdadeltaGroup, AdadeltaOptions, AdadeltaState } from './optimizers/adadelta';
export { Adadelta } from './optimizers/adadelta';
export type { AdagradGroup, AdagradOptions, AdagradState } from './optimizers/adagrad';
export { Adagrad } from './optimizers/adagrad';
export type { AdamGroup, AdamOptions, AdamState } from './optimizers/adam';
export { Adam, AdamW } from './optimizers/adam';
export type { AdamaxGroup, AdamaxOptions, AdamaxState } from './optimizers/adamax';
export { Adamax } from './optimizers/adamax';
export type { LBFGSGroup, LBFGSOptions, LBFGSState } from './optimizers/lbfgs';
export { LBFGS } from './optimizers/lbfgs';
export type { NAdamGroup, NAdamOptions, NAdamState } from './optimizers/nadam';
export { NAdam } from './optimizers/nadam';
export type { RAdamGroup, RAdamOptions, RAdamState } from './optimizers/radam';
export { RAdam } from './optimizers/radam';
export type { RMSpropGroup, RMSpropOptions, RMSpropState } from './optimizers/rmsprop';
export { RMSprop } from './optimizers/rmsprop';
export type { SGDGroup, SGDOptions, SGDState } from './optimizers/sgd';
export { SGD } from './optimizers/sgd';
