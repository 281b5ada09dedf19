/**
 * @tensile/optim: PyTorch's optimizers (torch.optim), learning-rate schedulers
 * (torch.optim.lr_scheduler) and gradient clipping (torch.nn.utils.clip_grad_*) for Tensile.
 */
export type { ClipGradNormOptions } from './clip-grad';
export { clipGradNorm_, clipGradValue_ } from './clip-grad';
export { OptimizerError } from './errors';
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
