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

  get length(): number {
    return entries(this, isModule).length;
  }

  at(i: number): Module {
    const list = entries(this, isModule);
    return list[normIndex(this.constructor.name, i, list.length)][1];
  }

  append(module: Module): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

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

  override forward(input: Tensor): Tensor;
  override forward(...input: unknown[]): unknown;
  override forward(...input: unknown[]): unknown {
    let x: unknown = input.length === 1 ? input[0] : input;
    for (const m of this.children()) x = m.forward(x);
    return x;
  }
}

/** A list of modules whose parameters the parent sees (torch.nn.ModuleList); no forward of its own. */
export class ModuleList extends IndexedModules {}

/** Modules by key (torch.nn.ModuleDict); keys in insertion order except integer-like keys, which JavaScript orders first. */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> = {}) {
    super();
    this.update(modules);
  }

  update(modules: Record<string, Module>): void {
    for (const [k, m] of Object.entries(modules)) this.registerModule(k, m);
  }

  get(key: string): Module {
    const m = (this as unknown as Record<string, unknown>)[key];
    if (!isModule(m)) throw new TensileError(`ModuleDict has no key '${key}'`);
    return m;
  }

  set(key: string, module: Module): void {
    this.registerModule(key, module);
  }

  has(key: string): boolean {
    return isModule((this as unknown as Record<string, unknown>)[key]);
  }

  delete(key: string): Module {
    const m = this.get(key);
    delete (this as unknown as Record<string, unknown>)[key];
    return m;
  }

  keys(): string[] {
    return entries(this, isModule).map(([k]) => k);
  }

  values(): Module[] {
    return entries(this, isModule).map(([, m]) => m);
  }

  items(): [string, Module][] {
    return entries(this, isModule);
  }

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

  get length(): number {
    return entries(this, isParameter).length;
  }

  at(i: number): Parameter {
    const list = entries(this, isParameter);
    return list[normIndex('ParameterList', i, list.length)][1];
  }

  append(value: Tensor): this {
    this.registerParameter(
      String(this.length),
      value instanceof Parameter ? value : new Parameter(value),
    );
    return this;
  }

  extend(values: Iterable<Tensor>): this {
    for (const v of values) this.append(v);
    return this;
  }

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

  update(values: Record<string, Tensor>): void {
    for (const [k, v] of Object.entries(values)) this.set(k, v);
  }

  get(key: string): Parameter {
    const p = (this as unknown as Record<string, unknown>)[key];
    if (!isParameter(p)) throw new TensileError(`ParameterDict has no key '${key}'`);
    return p;
  }

  set(key: string, value: Tensor): void {
    this.registerParameter(key, value instanceof Parameter ? value : new Parameter(value));
  }

  has(key: string): boolean {
    return isParameter((this as unknown as Record<string, unknown>)[key]);
  }

  keys(): string[] {
    return entries(this, isParameter).map(([k]) => k);
  }

  items(): [string, Parameter][] {
    return entries(this, isParameter);
  }

  override extraRepr(): string {
    return this.items()
      .map(([k, p]) => `(${k}): Parameter containing: [${p.dtype} of size ${p.shape.join('x')}]`)
      .join('\n');
  }
}
