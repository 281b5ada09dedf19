/**
 * @tensile/autograd: PyTorch's reverse-mode autodiff for @tensile/tensor. Importing this module
 * once registers the engine with the tensor package (a side effect), after which tensors with
 * requiresGrad record their history and backward() works.
 */
import { registerAutograd } from '@tensile/tensor';
import { engine } from './engine';

registerAutograd(engine);

export { enableGrad, isGradEnabled, noGrad, setGradEnabled } from '@tensile/tensor';
export type { DotOptions } from './dot';
export { autogradGraph, makeDot } from './dot';
export type { BackwardAllOptions, GradOptions } from './engine';
export { backward, grad } from './engine';
export { AutogradError } from './errors';
export type { FunctionClass } from './function';
export { AutogradFunction as Function, FunctionCtx } from './function';
export type { GradcheckOptions } from './gradcheck';
export { GradcheckError, gradcheck, gradgradcheck } from './gradcheck';
export type { Node } from './node';
