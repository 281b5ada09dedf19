/**
 * @tensile/nn: torch.nn for Tensile. Modules and containers, layers, losses, the functional API
 * (`F`), and weight initialization (`init`).
 */
export { ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential } from './containers';
export * as F from './functional';
export type { BackwardHook, ForwardHook, ForwardPreHook } from './hooks';
export * as init from './init';
export * from './layers/activation';
export * from './layers/conv';
export * from './layers/distance';
export * from './layers/dropout';
export { Flatten, Unflatten } from './layers/flatten';
export type { LinearOptions } from './layers/linear';
export { Bilinear, Identity, Linear } from './layers/linear';
export * from './layers/loss';
export * from './layers/normalization';
export type { FactoryOptions } from './layers/options';
export * from './layers/pooling';
export * from './layers/rnn';
export * from './layers/sparse';
export * from './layers/vision';
export type { NamedOptions } from './module';
export { Module } from './module';
export { Parameter } from './parameter';
export * from './rnn-utils';
export * from './stat';
export type { LoadStateDictOptions, LoadStateDictResult, StateDict } from './state-dict';
export { StateDictError } from './state-dict';
export * from './summary';
