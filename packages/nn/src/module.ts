import {
  DTYPES,
  type DType,
  isDifferentiableType,
  keep,
  noGrad,
  type RemovableHandle,
  TensileError,
  type Tensor,
  ValueError,
} from '@tensile/tensor';
import {
  type BackwardHook,
  callWithHooks,
  type ForwardHook,
  type ForwardPreHook,
  Hooks,
} from './hooks';
import { Parameter } from './parameter';
import {
  type LoadStateDictOptions,
  type LoadStateDictResult,
  loadState,
  type StateDict,
} from './state-dict';

/**
 * Options of namedParameters and namedBuffers (torch's `prefix`, `recurse`, `remove_duplicate`).
 */
export interface NamedOptions {
  /** Prepended to every name with a dot (default ''). */
  prefix?: string;
  /** Include the members of every submodule (default true); false yields this module's own only. */
  recurse?: boolean;
  /** Yield a tensor shared by several modules once, under its first name (default true). */
  removeDuplicate?: boolean;
}

/** The forward functions Module made to run hooks (a class-field forward is not one of them). */
const WRAPPERS = new WeakSet<object>();

/**
 * The base of every layer and model (torch.nn.Module). Parameters and child modules register
 * themselves by assignment (`this.fc1 = new Linear(4, 3)`), in assignment order, under the
 * property name; buffers through registerBuffer. Calling `forward` runs the module's hooks
 * around the subclass's forward.
 *
 *   class Net extends Module {
 *     fc = new Linear(4, 2);
 *     override forward(x: Tensor): Tensor { return this.fc.forward(x).relu(); }
 *   }
 */
export class Module {
  /** Training mode, on at first: train() and eval() set it, Dropout and BatchNorm read it. */
  training = true;

  constructor() {
    // Own, non-enumerable slots: property scans (parameters, children) never see them.
    Object.defineProperties(this, {
      _hooks: { value: new Hooks() },
      _buffers: { value: new Map<string, boolean>() },
    });
    this.wrapForward();
  }

  /**
   * Makes `forward` run the hooks around the subclass's forward. Done in the constructor for a
   * forward method, and again when a hook is registered: a subclass that declares `forward =
   * (x) => ...` as a class field replaces the wrapper after this constructor has run.
   */
  private wrapForward(): void {
    if (WRAPPERS.has(this.forward)) return;
    const impl = this.forward;
    const hooks = this._hooks;
    const wrapper = (...args: unknown[]) => callWithHooks(this, hooks, impl, args);
    WRAPPERS.add(wrapper);
    Object.defineProperty(this, 'forward', { value: wrapper, writable: true, configurable: true });
  }

  declare private readonly _hooks: Hooks;
  /** Buffer names, each with whether it is persistent (part of the state dict). */
  declare private readonly _buffers: Map<string, boolean>;

  /**
   * The module's computation, which subclasses override. Call `model.forward(x)` where PyTorch
   * calls `model(x)`: the hooks run around it. The base throws, as PyTorch's does.
   */
  // biome-ignore lint/suspicious/noExplicitAny: each subclass declares its own forward signature.
  forward(..._args: any[]): any {
    throw new TensileError(
      `Module [${this.constructor.name}] is missing the required "forward" function`,
    );
  }

  // ---- registration ----
  /**
   * Registers `param` under `name` (torch register_parameter), the same as assigning it to the
   * property. A null one holds the name but is skipped by parameters() and the state dict. The name
   * can't be empty or contain '.'.
   */
  registerParameter(name: string, param: Parameter | null): void {
    this.checkName('parameter', name);
    this.writeAttr(name, param);
  }

  /**
   * Registers a tensor that is state but not learnable, like running statistics (torch
   * register_buffer). `persistent` (default true) puts it in the state dict; to() moves it.
   */
  registerBuffer(name: string, tensor: Tensor | null, opts: { persistent?: boolean } = {}): void {
    this.checkName('buffer', name);
    this._buffers.set(name, opts.persistent ?? true);
    this.writeAttr(name, tensor === null ? null : keep(tensor));
  }

  /**
   * Registers a child module under `name` (torch register_module), the same as assigning it to the
   * property; null holds the name with no module.
   */
  registerModule(name: string, module: Module | null): void {
    this.checkName('module', name);
    this.writeAttr(name, module);
  }

  /** registerModule under PyTorch's older name (torch add_module). */
  addModule(name: string, module: Module | null): void {
    this.registerModule(name, module);
  }

  private checkName(what: string, name: string): void {
    if (name === '' || name.includes('.'))
      throw new TensileError(`${what} name can't be empty or contain ".", got: "${name}"`);
    // A method or field of the module (train, forward, training), or a name registered as
    // another kind, is not a slot to fill, as in PyTorch; one of the same kind may be replaced,
    // and a declared field not yet set (undefined) is free.
    const current = this.readAttr(name);
    const isBuffer = this._buffers.has(name);
    const sameKind =
      current == null
        ? what === 'buffer' || !isBuffer
        : what === 'buffer'
          ? isBuffer
          : what === 'parameter'
            ? current instanceof Parameter
            : current instanceof Module;
    if (name in this && !(Object.hasOwn(this, name) && sameKind))
      throw new TensileError(`attribute '${name}' already exists`);
  }

  private writeAttr(name: string, value: unknown): void {
    (this as unknown as Record<string, unknown>)[name] = value;
  }

  private readAttr(name: string): unknown {
    return (this as unknown as Record<string, unknown>)[name];
  }

  /** Own parameters, in registration order (a null one, like bias=false, is skipped). */
  private ownParameters(): [string, Parameter][] {
    return Object.entries(this).filter((e): e is [string, Parameter] => e[1] instanceof Parameter);
  }

  private ownBuffers(persistentOnly = false): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [name, persistent] of this._buffers) {
      const t = this.readAttr(name) as Tensor | null;
      if (t != null && (persistent || !persistentOnly)) out.push([name, t]);
    }
    return out;
  }

  // ---- traversal ----
  /**
   * The direct child modules with their property names, each module once (torch named_children).
   */
  *namedChildren(): Generator<[string, Module]> {
    const seen = new Set<Module>();
    for (const [name, value] of Object.entries(this)) {
      if (value instanceof Module && !seen.has(value)) {
        seen.add(value);
        yield [name, value];
      }
    }
  }

  /** The direct child modules, each once (torch children). */
  *children(): Generator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  /**
   * This module (named `prefix`, '' by default) and every descendant, depth first, under dotted
   * names (torch named_modules). A module reached twice is yielded once unless `removeDuplicate` is
   * false.
   */
  *namedModules(
    opts: { prefix?: string; removeDuplicate?: boolean } = {},
  ): Generator<[string, Module]> {
    yield* this.walk(opts.prefix ?? '', opts.removeDuplicate === false ? null : new Set());
  }

  private *walk(prefix: string, seen: Set<Module> | null): Generator<[string, Module]> {
    if (seen) {
      if (seen.has(this)) return;
      seen.add(this);
    }
    yield [prefix, this];
    for (const [name, child] of Object.entries(this)) {
      if (child instanceof Module) yield* child.walk(prefix ? `${prefix}.${name}` : name, seen);
    }
  }

  /** This module and every descendant, each once (torch modules). */
  *modules(): Generator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  private *members<T>(
    own: (m: Module) => [string, T][],
    opts: NamedOptions,
  ): Generator<[string, T]> {
    const seen = opts.removeDuplicate === false ? null : new Set<T>();
    const mods: [string, Module][] =
      opts.recurse === false
        ? [[opts.prefix ?? '', this]]
        : [...this.namedModules({ prefix: opts.prefix })];
    for (const [prefix, m] of mods) {
      for (const [name, value] of own(m)) {
        if (seen?.has(value)) continue;
        seen?.add(value);
        yield [prefix ? `${prefix}.${name}` : name, value];
      }
    }
  }

  /**
   * The parameters of this module and its submodules under their state dict names (`fc.weight`),
   * each shared parameter once (torch named_parameters).
   */
  namedParameters(opts: NamedOptions = {}): Generator<[string, Parameter]> {
    return this.members((m) => m.ownParameters(), opts);
  }

  /**
   * Every parameter (the submodules' too unless `recurse` is false), each once: what an optimizer
   * takes (torch parameters).
   */
  *parameters(recurse = true): Generator<Parameter> {
    for (const [, p] of this.namedParameters({ recurse })) yield p;
  }

  /**
   * The buffers of this module and its submodules under dotted names, non-persistent ones included
   * (torch named_buffers).
   */
  namedBuffers(opts: NamedOptions = {}): Generator<[string, Tensor]> {
    return this.members((m) => m.ownBuffers(), opts);
  }

  /**
   * Every buffer (the submodules' too unless `recurse` is false), non-persistent ones included
   * (torch buffers).
   */
  *buffers(recurse = true): Generator<Tensor> {
    for (const [, b] of this.namedBuffers({ recurse })) yield b;
  }

  /** The submodule at a dotted path ('features.0'), as torch's get_submodule. */
  getSubmodule(target: string): Module {
    let mod: Module = this;
    if (target === '') return mod;
    for (const item of target.split('.')) {
      const next = mod.readAttr(item);
      if (!(next instanceof Module)) {
        throw new TensileError(
          `${mod.constructor.name} has no attribute \`${item}\`${next === undefined ? '' : ' that is a Module'}`,
        );
      }
      mod = next;
    }
    return mod;
  }

  /**
   * The parameter at a dotted path ('fc.weight'), as torch's get_parameter; throws if there is
   * none.
   */
  getParameter(target: string): Parameter {
    const [path, name] = splitTarget(target);
    const p = this.getSubmodule(path).readAttr(name);
    if (!(p instanceof Parameter)) throw new TensileError(`\`${target}\` is not an nn.Parameter`);
    return p;
  }

  /**
   * The buffer at a dotted path ('bn.running_mean'), as torch's get_buffer; throws if the name is
   * not a registered buffer.
   */
  getBuffer(target: string): Tensor {
    const [path, name] = splitTarget(target);
    const mod = this.getSubmodule(path);
    if (!mod._buffers.has(name)) throw new TensileError(`\`${target}\` is not a buffer`);
    return mod.readAttr(name) as Tensor;
  }

  // ---- modes and bulk changes ----
  /** Calls fn on every submodule (children first) and then on this module. */
  apply(fn: (m: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Sets training mode (`mode`) on this module and every descendant, as torch's train; returns
   * this.
   */
  train(mode = true): this {
    this.training = mode;
    for (const child of this.children()) child.train(mode);
    return this;
  }

  /**
   * train(false): Dropout stops dropping and BatchNorm uses its running statistics. As in PyTorch,
   * it does not stop gradient tracking; wrap inference in noGrad for that.
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Runs `fn` with every module in eval mode, then gives each module back its own mode (a model
   * with some layers frozen in eval keeps them so): how summaries, traces and saliency maps
   * run a model without changing it.
   */
  inEvalMode<T>(fn: () => T): T {
    const modes = new Map([...this.modules()].map((m) => [m, m.training]));
    this.eval();
    try {
      return fn();
    } finally {
      for (const [m, training] of modes) m.training = training;
    }
  }

  /**
   * Sets requiresGrad on every parameter (false freezes the module), as torch's requires_grad_;
   * returns this.
   */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Clears every parameter's gradient: sets it to null (the default, as torch 2's
   * set_to_none=True), or zeroes it in place with `setToNone: false`.
   */
  zeroGrad(opts: { setToNone?: boolean } = {}): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (opts.setToNone ?? true) p.grad = null;
      else noGrad(() => (p.grad as Tensor).zero_());
    }
  }

  /**
   * Moves or casts every parameter and buffer (a device name, or a floating or complex dtype:
   * floating and complex tensors take it, integer and bool buffers keep theirs). Parameters are
   * replaced by new Parameter objects, so build optimizers after calling this.
   */
  to(target: DType | string): this {
    const isDtype = (DTYPES as readonly string[]).includes(target);
    if (isDtype && !isDifferentiableType(target as DType))
      throw new TypeError(
        `Module.to only accepts floating point or complex dtypes, but got desired dtype=${target}`,
      );
    const convert = (t: Tensor) =>
      isDtype && !isDifferentiableType(t.dtype) ? t : noGrad(() => t.to(target));
    for (const m of this.modules()) {
      for (const [name, p] of m.ownParameters()) {
        if (convert(p) === p) continue;
        const moved = new Parameter(convert(p), p.requiresGrad);
        if (p.grad) moved.grad = convert(p.grad);
        m.writeAttr(name, moved);
      }
      for (const [name, b] of m.ownBuffers()) m.writeAttr(name, keep(convert(b)));
    }
    return this;
  }

  /** to('float32'): casts floating parameters and buffers; integer buffers keep their dtype. */
  float(): this {
    return this.to('float32');
  }

  /** to('float64'): casts floating parameters and buffers; integer buffers keep their dtype. */
  double(): this {
    return this.to('float64');
  }

  // ---- state ----
  /** Parameters and persistent buffers under PyTorch's dotted names (detached, sharing storage). */
  stateDict(opts: { prefix?: string; keepVars?: boolean } = {}): StateDict {
    const out: StateDict = {};
    for (const [prefix, m] of this.namedModules({ prefix: opts.prefix ?? '' })) {
      const key = (name: string) => (prefix ? `${prefix}.${name}` : name);
      for (const [name, p] of m.ownParameters()) out[key(name)] = opts.keepVars ? p : p.detach();
      for (const [name, b] of m.ownBuffers(true)) out[key(name)] = opts.keepVars ? b : b.detach();
    }
    return out;
  }

  /**
   * Copies a state dict into this module's parameters and buffers. With strict (the default),
   * missing or unexpected keys are an error as in PyTorch; a shape mismatch always is. Nothing
   * is copied unless every entry can be.
   */
  loadStateDict(stateDict: StateDict, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict))
      throw new ValueError(
        `loadStateDict: expected the state dict to be an object of tensors, got ${stateDict === null ? 'null' : Array.isArray(stateDict) ? 'an array' : typeof stateDict}`,
      );
    const incoming = { ...stateDict };
    for (const [prefix, m] of this.namedModules()) {
      for (const [name, value] of Object.entries(m.stateDefaults())) {
        const key = prefix ? `${prefix}.${name}` : name;
        if (!Object.hasOwn(incoming, key)) incoming[key] = value;
      }
    }
    return loadState(this, this.stateDict({ keepVars: true }), incoming, opts);
  }

  /**
   * Entries that state dicts saved before a layer gained them lack, with the value a load
   * gives them (PyTorch's versioned `_load_from_state_dict` upgrades): a missing one is not a
   * missing key.
   */
  protected stateDefaults(): Record<string, Tensor> {
    return {};
  }

  // ---- hooks ----
  /**
   * Runs `hook(module, args)` before every forward (torch register_forward_pre_hook). A returned
   * value replaces the arguments: an array as the whole list, anything else as the only argument.
   * Returns a handle whose remove() unregisters the hook.
   */
  registerForwardPreHook(hook: ForwardPreHook<this>): RemovableHandle {
    this.wrapForward();
    return this._hooks.add('pre', hook as ForwardPreHook<Module>);
  }

  /**
   * Runs `hook(module, args, output)` after every forward (torch register_forward_hook); a returned
   * value replaces the output. Returns a handle whose remove() unregisters the hook.
   */
  registerForwardHook(hook: ForwardHook<this>): RemovableHandle {
    this.wrapForward();
    return this._hooks.add('forward', hook as ForwardHook<Module>);
  }

  /**
   * Runs `hook(module, gradInput, gradOutput)` once per backward pass, when the gradients of the
   * module's tensor inputs are known (torch register_full_backward_hook). Returned gradients
   * replace gradInput. Returns a handle whose remove() unregisters the hook.
   */
  registerFullBackwardHook(hook: BackwardHook<this>): RemovableHandle {
    this.wrapForward();
    return this._hooks.add('backward', hook as BackwardHook<Module>);
  }

  // ---- printing ----
  /**
   * The layer's settings inside its printed parentheses, as PyTorch's extra_repr
   * (`in_features=4, out_features=2, bias=True`); subclasses override it.
   */
  extraRepr(): string {
    return '';
  }

  /**
   * PyTorch's printed form of a model: the class name, extraRepr, then each child as
   * `(name): Child(...)`, indented.
   */
  toString(): string {
    const lines = this.extraRepr() ? this.extraRepr().split('\n') : [];
    for (const [name, child] of Object.entries(this)) {
      if (child instanceof Module) lines.push(`(${name}): ${indent(child.toString())}`);
    }
    const name = this.constructor.name;
    if (lines.length === 0) return `${name}()`;
    const hasChildren = [...this.children()].length > 0;
    if (!hasChildren && lines.length === 1) return `${name}(${lines[0]})`;
    return `${name}(\n  ${lines.join('\n  ')}\n)`;
  }

  /** Makes console.log in Node print the toString form rather than the object's fields. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

function indent(s: string): string {
  return s.split('\n').join('\n  ');
}

function splitTarget(target: string): [string, string] {
  const i = target.lastIndexOf('.');
  return i < 0 ? ['', target] : [target.slice(0, i), target.slice(i + 1)];
}
