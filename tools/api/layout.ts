/**
 * Where each export goes in a generated reference: a group per source module, and for the
 * methods of the package's main class, the group of the function they forward to.
 */
import type { ApiEntry, ApiMember } from './extract';

export interface Group {
  key: string;
  title: string;
  /** Source modules (relative to the entry, no extension) whose exports belong here. */
  modules: string[];
}

export interface Layout {
  groups: Group[];
  /** The class whose methods are spread over the groups (`Tensor`). */
  main?: {
    name: string;
    /** Its `// ---- name ----` sections, to the group their methods go to. */
    sections: Record<string, string>;
    /** Where the rest of its methods go. */
    group: string;
  };
}

export const TENSOR_LAYOUT: Layout = {
  groups: [
    { key: 'tensor', title: 'The Tensor class', modules: ['tensor', 'tensor-base'] },
    { key: 'creation', title: 'Creation', modules: ['ops/create'] },
    { key: 'random', title: 'Random sampling', modules: ['ops/random', 'random'] },
    { key: 'views', title: 'Views', modules: ['ops/views'] },
    { key: 'joining', title: 'Joining and splitting', modules: ['ops/joining'] },
    { key: 'elementwise', title: 'Elementwise', modules: ['ops/elementwise', 'ops/broadcast'] },
    { key: 'reductions', title: 'Reductions', modules: ['ops/reduce'] },
    { key: 'complex', title: 'Complex numbers', modules: ['ops/complex'] },
    { key: 'indexing', title: 'Indexing and sorting', modules: ['ops/indexing', 'ops/unique'] },
    {
      key: 'linalg',
      title: 'Linear algebra',
      modules: [
        'ops/linalg',
        'ops/linalg-namespace',
        'ops/einsum',
        'ops/decompositions',
        'ops/qr',
        'ops/spectral',
        'ops/eig',
      ],
    },
    {
      key: 'nn',
      title: 'Neural-network kernels',
      modules: ['ops/conv', 'ops/convolution', 'ops/pooling', 'ops/lstm', 'ops/norm', 'ops/fused'],
    },
    { key: 'autograd', title: 'Autograd hooks and the op map', modules: ['dispatch', 'op-map'] },
    {
      key: 'devices',
      title: 'Devices, backends and memory',
      modules: [
        'backend',
        'devices',
        'cpu',
        'cpu/index',
        'cpu/loops',
        'cpu/wasm/runtime',
        'scope',
        'threads',
      ],
    },
    {
      key: 'dtypes',
      title: 'Dtypes, shapes and defaults',
      modules: ['dtype', 'shape', 'defaults'],
    },
    { key: 'errors', title: 'Errors', modules: ['errors'] },
  ],
  main: {
    name: 'Tensor',
    sections: {
      conversion: 'dtypes',
      autograd: 'autograd',
      views: 'views',
      elementwise: 'elementwise',
      'in place': 'elementwise',
      reductions: 'reductions',
      indexing: 'indexing',
      'linear algebra': 'linalg',
    },
    group: 'tensor',
  },
};

/** The group of an export: its module's. A module no group lists stops the generator. */
export function groupOf(layout: Layout, entry: ApiEntry): string {
  const group = layout.groups.find((g) => g.modules.includes(entry.module));
  if (!group) {
    throw new Error(
      `tools/api/layout.ts: no group lists module '${entry.module}' (which declares ${entry.name})`,
    );
  }
  return group.key;
}

/**
 * A main-class method's group: that of the function of the same name (`x.add` as `add`), or of
 * the out-of-place function for an in-place one (`add_`), else of its section of the class body.
 */
export function methodGroupOf(
  layout: Layout,
  method: ApiMember,
  functions: ReadonlyMap<string, ApiEntry>,
): string {
  const fn = functions.get(method.name) ?? functions.get(method.name.replace(/_$/, ''));
  if (fn) return groupOf(layout, fn);
  const main = layout.main!;
  return (method.section !== null ? main.sections[method.section] : undefined) ?? main.group;
}
