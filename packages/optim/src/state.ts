import { isFloating, isTensor, type Tensor } from '@tensile/tensor';
import type { ParamState, StateValue } from './optimizer';

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !isTensor(x);
}

/** A copy of a group option or state-dict value: arrays and plain objects are copied, tensors shared. */
export function copyValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyValue) as T;
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyValue(v)])) as T;
  return value;
}

/**
 * A loaded parameter state, deep-copied with every tensor cloned onto its own storage;
 * the tensors move to its device and, for a floating parameter, take its dtype, except `step`,
 * which stays as saved (PyTorch's `cast`).
 */
export function castState(state: ParamState, param: Tensor): ParamState {
  const floating = isFloating(param.dtype);
  const cast = (value: StateValue, key?: string): StateValue => {
    if (Array.isArray(value)) return value.map((v) => cast(v));
    if (!isTensor(value)) return value;
    // As PyTorch: state follows its parameter's dtype and device, except `step`.
    if (key === 'step') return value.detach().clone();
    const target = floating ? param.dtype : value.dtype;
    return value.detach().to(target).to(param.device).clone();
  };
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, cast(v, k)]));
}
