import { isTensor, noGrad, type Tensor, ValueError } from '@tensile/tensor';
import { castState, copyValue, isRecord } from './state';

/** A value an optimizer keeps per parameter: tensors, numbers, and lists of them (LBFGS). */
export type StateValue = Tensor | number | boolean | string | null | StateValue[];

/** One parameter's optimizer state, e.g. `{ step, expAvg, expAvgSq }` for Adam. */
export type ParamState = Record<string, StateValue>;

/**
 * A parameter group: its tensors and the options that apply to them. Schedulers add their own
 * entries (`initialLr`, `maxLr`, ...), as PyTorch's do in its param_group dicts.
 */
export interface ParamGroup {
  params: Tensor[];
  lr: number;
  [option: string]: unknown;
}

/** A group as given to a constructor or to `addParamGroup`: options left out take the defaults. */
export type ParamGroupInput<O = Record<string, unknown>> = Partial<O> & {
  params: Tensor | Iterable<Tensor>;
  [option: string]: unknown;
};

/** What an optimizer is built from: tensors, or groups of them with their own options. */
export type Params<O = Record<string, unknown>> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** A loss closure for `step`: it re-evaluates the model (and calls backward) and returns the loss. */
export type Closure<L = unknown> = () => L;

/** `optimizer.stateDict()`: PyTorch's structure, with parameters replaced by their index. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
}

/**
 * Base of every optimizer (torch.optim.Optimizer): parameter groups with per-group options,
 * per-parameter state keyed by the parameter tensor, and state dicts that resume training exactly.
 * Subclasses implement `step`; updates are written into the parameters' storage, so the tensor
 * objects stay the ones that modules refer to.
 */
export abstract class Optimizer<G extends ParamGroup = ParamGroup, S extends object = ParamState> {
  /** The constructor's options; an `undefined` entry (SGD's lr) must be given by every group. */
  readonly defaults: Readonly<Omit<G, 'params'>>;
  readonly paramGroups: G[] = [];
  readonly state = new Map<Tensor, S>();

  protected constructor(params: Params, defaults: Omit<G, 'params'>) {
    this.defaults = defaults;
    if (isTensor(params)) {
      throw new ValueError(
        `${this.constructor.name}: params argument given to the optimizer should be an iterable of Tensors or dicts, but got a Tensor`,
      );
    }
    const groups = [...params] as Array<Tensor | ParamGroupInput>;
    if (groups.length === 0)
      throw new ValueError(`${this.constructor.name}: optimizer got an empty parameter list`);
    const inputs = isRecord(groups[0])
      ? (groups as ParamGroupInput[])
      : [{ params: groups as Tensor[] }];
    for (const group of inputs) this.addParamGroup(group);
  }

  /**
   * Runs one update. The closure, if given, is evaluated with grad enabled and its loss returned;
   * the update itself runs under noGrad.
   */
  abstract step<L>(closure?: Closure<L>): L | undefined;

  /** Adds a group (e.g. unfrozen layers during fine-tuning); options left out take the defaults. */
  addParamGroup(group: ParamGroupInput): void {
    const name = this.constructor.name;
    if (!isRecord(group) || !('params' in group))
      throw new ValueError(`${name}.addParamGroup: param group must be an object with params`);
    const params = isTensor(group.params) ? [group.params] : [...group.params];
    for (const p of params) {
      if (!isTensor(p))
        throw new ValueError(
          `${name}: optimizer can only optimize Tensors, but one of the params is ${typeName(p)}`,
        );
      if (!p.isLeaf) throw new ValueError(`${name}: can't optimize a non-leaf Tensor`);
    }
    const filled: Record<string, unknown> = { ...group, params };
    for (const [key, value] of Object.entries(this.defaults)) {
      if (key in filled && filled[key] !== undefined) continue;
      if (value === undefined)
        throw new ValueError(
          `${name}: parameter group didn't specify a value of required optimization parameter ${key}`,
        );
      filled[key] = copyValue(value);
    }
    if (new Set(params).size !== params.length)
      throw new ValueError(
        `${name}: optimizer contains a parameter group with duplicate parameters`,
      );
    const existing = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => existing.has(p)))
      throw new ValueError(`${name}: some parameters appear in more than one parameter group`);
    this.paramGroups.push(filled as G);
  }

  /** Clears the gradients: drops them (setToNone, the default as in torch>=2.0) or zeroes them. */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    const setToNone = opts.setToNone ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (setToNone) {
          p.grad = null;
          continue;
        }
        const grad = p.grad.detach_();
        noGrad(() => grad.zero_());
      }
    }
  }

  /**
   * The optimizer's state as PyTorch structures it: `{ state: { 0: {...} }, paramGroups: [{ ...,
   * params: [0, 1] }] }`, parameters numbered in group order. State tensors are the live ones
   * (as in PyTorch); save or clone them before further steps if a snapshot is needed.
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(group))
        if (key !== 'params') packed[key] = copyValue(value);
      for (const p of group.params) if (!index.has(p)) index.set(p, index.size);
      return { ...packed, params: group.params.map((p) => index.get(p)!) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...(s as ParamState) };
    }
    return { state, paramGroups };
  }

  /**
   * Restores a `stateDict()` (possibly from a file) onto this optimizer's parameters: group options
   * and per-parameter state, with state tensors copied and cast to the parameter's dtype (except
   * `step`). Validates the structure first, so a mismatched dict changes nothing.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const name = `${this.constructor.name}.loadStateDict`;
    if (!isRecord(stateDict) || !isRecord(stateDict.state) || !Array.isArray(stateDict.paramGroups))
      throw new ValueError(`${name}: expected an object with 'state' and 'paramGroups' entries`);
    const saved = stateDict.paramGroups;
    if (saved.length !== this.paramGroups.length)
      throw new ValueError(
        `${name}: loaded state dict has a different number of parameter groups (${saved.length} vs ${this.paramGroups.length})`,
      );
    const params = this.paramGroups.flatMap((g) => g.params);
    const byIndex = new Map<number, Tensor>();
    saved.forEach((group, g) => {
      if (!isRecord(group) || !Array.isArray(group.params))
        throw new ValueError(`${name}: paramGroups[${g}] has no params list`);
      if (group.params.length !== this.paramGroups[g].params.length)
        throw new ValueError(
          `${name}: loaded state dict contains a parameter group that doesn't match the size of optimizer's group (group ${g}: ${group.params.length} vs ${this.paramGroups[g].params.length} parameters)`,
        );
      for (const [i, id] of group.params.entries()) byIndex.set(id, this.paramGroups[g].params[i]);
    });
    const state = new Map<Tensor, S>();
    for (const [key, value] of Object.entries(stateDict.state)) {
      const param = byIndex.get(Number(key));
      if (param === undefined)
        throw new ValueError(
          `${name}: state for parameter ${key}, but the optimizer has ${params.length} parameters`,
        );
      if (!isRecord(value))
        throw new ValueError(`${name}: state of parameter ${key} must be an object`);
      state.set(param, castState(value as ParamState, param) as S);
    }
    const groups = saved.map((group, g) => {
      const restored: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(this.defaults)) restored[key] = copyValue(value);
      for (const [key, value] of Object.entries(group)) restored[key] = copyValue(value);
      restored.params = this.paramGroups[g].params;
      return restored as G;
    });
    this.paramGroups.splice(0, this.paramGroups.length, ...groups);
    this.state.clear();
    for (const [p, s] of state) this.state.set(p, s);
  }

  /** This parameter's state, created by `init` on its first step (PyTorch's `len(state) == 0`). */
  protected stateFor(p: Tensor, init: () => S): S {
    let s = this.state.get(p);
    if (s === undefined) {
      s = init();
      this.state.set(p, s);
    }
    return s;
  }
}

function typeName(x: unknown): string {
  return x === null ? 'null' : typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
}
