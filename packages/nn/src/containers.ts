/**
 * Containers (torch.nn.Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict). Their
 * entries are properties named '0', '1', ... or by key, so state dict keys read
 * `features.0.weight` as in PyTorch.
 */
import { IndexError, TensileError, type Tensor } from '@tensile/tensor';
import { Module } from './module';
import { Parameter } from './parameter';

function entries<T>(owner: object, kind: (v: unknown) => v is T): [string, T][] {
  return Object.entries(owner).filter((e): e is [string, T] => kind(e[1]));
}

const isModule = (v: unknown): v is Module => v instanceof Module;
const isParameter = (v: unknown): v is Parameter => v instanceof Parameter;

function normIndex(what: string, i: number, n: number): number {
  if (!Number.isInteger(i) || i < -n || i >= n)
    throw new IndexError(`index ${i} is out of range for ${what} of length ${n}`);
  return i < 0 ? i + n : i;
}

/** Modules held under '0', '1', ...: the shared part of Sequential and ModuleList. */
abstract class IndexedModules extends Module {
  constructor(modules: Iterable<Module> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  /** The number of modules. */
  get length(): number {
    return entries(this, isModule).length;
  }

  /**
   * The module at index `i` (negative counts from the end); stands in for PyTorch's `seq[i]`, which
   * JavaScript can't overload. Throws IndexError when out of range.
   */
  at(i: number): Module {
    const list = entries(this, isModule);
    return list[normIndex(this.constructor.name, i, list.length)][1];
  }

  /** Adds a module at the end under the next index; returns this. */
  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Appends each module in turn; returns this. */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /**
   * Inserts a module before `index` (negative counts from the end; out of range clamps, like
   * Python's list.insert) and renumbers the rest.
   */
  insert(index: number, module: Module): void {
    const list = [...this.children()];
    const i = Math.max(0, Math.min(list.length, index < 0 ? index + list.length : index));
    list.splice(i, 0, module);
    this.reset(list);
  }

  /** Removes and returns the module at `i`; the others are renumbered from 0 as in PyTorch. */
  pop(i = -1): Module {
    const list = [...this.children()];
    const [m] = list.splice(normIndex(this.constructor.name, i, list.length), 1);
    this.reset(list);
    return m;
  }

  private reset(list: Module[]): void {
    for (const [name] of entries(this, isModule))
      delete (this as unknown as Record<string, unknown>)[name];
    list.forEach((m, i) => {
      this.registerModule(String(i), m);
    });
  }

  /** Iterates the modules in order: `for (const m of seq)` as in PyTorch. */
  [Symbol.iterator](): Iterator<Module> {
    return this.children();
  }
}

/**
 * Modules applied in order, each to the previous one's output. Built from modules, or from one
 * object of named entries (PyTorch's OrderedDict form): new Sequential({ conv: ..., relu: ... }).
 */
export class Sequential extends IndexedModules {
  constructor(...modules: Module[] | [Record<string, Module>]) {
    const named = modules.length === 1 && !(modules[0] instanceof Module);
    super(named ? [] : (modules as Module[]));
    if (named)
      for (const [k, m] of Object.entries(modules[0] as Record<string, Module>))
        this.registerModule(k, m);
  }

  /**
   * Feeds the input through each module in order. Several arguments go to the first module as one
   * array, since each module's forward receives one value.
   */
  override forward(input: Tensor): Tensor;
  override forward(...input: unknown[]): unknown;
  override forward(...input: unknown[]): unknown {
    let x: unknown = input.length === 1 ? input[0] : input;
    for (const m of this.children()) x = m.forward(x);
    return x;
  }
}

/**
 * A list of modules whose parameters the parent sees (torch.nn.ModuleList); no forward of its
 * own. A plain array of modules would hide them from parameters() and the state dict.
 */
export class ModuleList extends IndexedModules {}

/**
 * Modules by key (torch.nn.ModuleDict); keys in insertion order except integer-like keys, which
 * JavaScript orders first. Keys are properties of the module, so a key must not be the name of
 * a Module member ('forward', 'train', ...).
 */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> = {}) {
    super();
    this.update(modules);
  }

  /** Adds or replaces modules by key. */
  update(modules: Record<string, Module>): void {
    for (const [k, m] of Object.entries(modules)) this.registerModule(k, m);
  }

  /** The module under `key` (PyTorch's `d[key]`); throws if there is none. */
  get(key: string): Module {
    const m = (this as unknown as Record<string, unknown>)[key];
    if (!isModule(m)) throw new TensileError(`ModuleDict has no key '${key}'`);
    return m;
  }

  /** Adds or replaces the module under `key` (PyTorch's `d[key] = m`). */
  set(key: string, module: Module): void {
    this.registerModule(key, module);
  }

  /** Whether a module is held under `key` (PyTorch's `key in d`). */
  has(key: string): boolean {
    return isModule((this as unknown as Record<string, unknown>)[key]);
  }

  /** Removes and returns the module under `key` (torch's pop); throws if there is none. */
  delete(key: string): Module {
    const m = this.get(key);
    delete (this as unknown as Record<string, unknown>)[key];
    return m;
  }

  /** The keys, in the order described on the class. */
  keys(): string[] {
    return entries(this, isModule).map(([k]) => k);
  }

  /** The modules, in key order. */
  values(): Module[] {
    return entries(this, isModule).map(([, m]) => m);
  }

  /** [key, module] pairs, in key order. */
  items(): [string, Module][] {
    return entries(this, isModule);
  }

  /** The number of modules (PyTorch's len(d)). */
  get size(): number {
    return this.keys().length;
  }
}

/** Parameters under '0', '1', ... (torch.nn.ParameterList); tensors are wrapped as Parameters. */
export class ParameterList extends Module {
  constructor(values: Iterable<Tensor> = []) {
    super();
    for (const v of values) this.append(v);
  }

  /** The number of parameters. */
  get length(): number {
    return entries(this, isParameter).length;
  }

  /**
   * The parameter at index `i` (negative counts from the end), PyTorch's `plist[i]`; throws
   * IndexError when out of range.
   */
  at(i: number): Parameter {
    const list = entries(this, isParameter);
    return list[normIndex('ParameterList', i, list.length)][1];
  }

  /**
   * Adds a parameter at the end, wrapping a plain tensor in a Parameter (which requires grad);
   * returns this.
   */
  append(value: Tensor): this {
    this.registerParameter(
      String(this.length),
      value instanceof Parameter ? value : new Parameter(value),
    );
    return this;
  }

  /** Appends each tensor in turn; returns this. */
  extend(values: Iterable<Tensor>): this {
    for (const v of values) this.append(v);
    return this;
  }

  /** Iterates the parameters in order. */
  [Symbol.iterator](): Iterator<Parameter> {
    return entries(this, isParameter)
      .map(([, p]) => p)
      [Symbol.iterator]();
  }

  override extraRepr(): string {
    return entries(this, isParameter)
      .map(([k, p]) => `(${k}): Parameter containing: [${p.dtype} of size ${p.shape.join('x')}]`)
      .join('\n');
  }
}

/** Parameters by key (torch.nn.ParameterDict). */
export class ParameterDict extends Module {
  constructor(values: Record<string, Tensor> = {}) {
    super();
    this.update(values);
  }

  /** Adds or replaces parameters by key, wrapping plain tensors in Parameters. */
  update(values: Record<string, Tensor>): void {
    for (const [k, v] of Object.entries(values)) this.set(k, v);
  }

  /** The parameter under `key` (PyTorch's `d[key]`); throws if there is none. */
  get(key: string): Parameter {
    const p = (this as unknown as Record<string, unknown>)[key];
    if (!isParameter(p)) throw new TensileError(`ParameterDict has no key '${key}'`);
    return p;
  }

  /**
   * Adds or replaces the parameter under `key`; a plain tensor is wrapped in a Parameter (which
   * requires grad).
   */
  set(key: string, value: Tensor): void {
    this.registerParameter(key, value instanceof Parameter ? value : new Parameter(value));
  }

  /** Whether a parameter is held under `key`. */
  has(key: string): boolean {
    return isParameter((this as unknown as Record<string, unknown>)[key]);
  }

  /** The keys, in insertion order except that integer-like keys come first. */
  keys(): string[] {
    return entries(this, isParameter).map(([k]) => k);
  }

  /** [key, parameter] pairs, in key order. */
  items(): [string, Parameter][] {
    return entries(this, isParameter);
  }

  override extraRepr(): string {
    return this.items()
      .map(([k, p]) => `(${k}): Parameter containing: [${p.dtype} of size ${p.shape.join('x')}]`)
      .join('\n');
  }
}
