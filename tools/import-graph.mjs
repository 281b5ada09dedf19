// `node tools/import-graph.mjs [package...]`: each package's module graph as the compiled code
// sees it (type-only imports are erased, so they are left out), its import cycles (strongly
// connected components); --layers lists the modules by layer (each imports only lower ones),
// --dot writes the graph in Graphviz form, --quiet prints only cycles.
// Exits 1 when a cycle exists. `pnpm test` runs it with the lint.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/**
 * The relative modules a file imports at runtime, read from its syntax tree: imports and
 * re-exports (not `import type`/`export type`, nor lists whose names are all `type`), side-effect
 * imports and dynamic `import('./x')`.
 */
export function runtimeImports(source, fileName = 'x.ts') {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false);
  const out = [];
  const add = (spec) => {
    if (ts.isStringLiteral(spec) && spec.text.startsWith('.')) out.push(spec.text);
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const c = node.importClause;
      const named = c?.namedBindings;
      const allTypes =
        named && ts.isNamedImports(named) && named.elements.every((e) => e.isTypeOnly);
      if (!c || (!c.isTypeOnly && (c.name || !allTypes || named.elements.length === 0)))
        add(node.moduleSpecifier);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const named = node.exportClause;
      const allTypes =
        named && ts.isNamedExports(named) && named.elements.every((e) => e.isTypeOnly);
      if (!node.isTypeOnly && !(allTypes && named.elements.length > 0)) add(node.moduleSpecifier);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length === 1
    ) {
      add(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function files(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return files(p);
    return /\.ts$/.test(f) && !f.endsWith('.d.ts') ? [p] : [];
  });
}

function resolveModule(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return null;
}

/** { nodes, edges, cycles } for the sources under `src`. */
export function graphOf(src) {
  const edges = new Map();
  for (const f of files(resolve(src))) {
    const deps = runtimeImports(readFileSync(f, 'utf8'), f)
      .map((s) => resolveModule(f, s))
      .filter(Boolean);
    edges.set(f, [...new Set(deps)]);
  }
  // Tarjan's strongly connected components; the ones of more than one file are cycles.
  let index = 0;
  const idx = new Map();
  const low = new Map();
  const stack = [];
  const on = new Set();
  const cycles = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) cycles.push(comp.map((f) => relative(resolve(src), f)).sort());
    }
  };
  for (const v of edges.keys()) if (!idx.has(v)) visit(v);
  return { edges, cycles };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const dot = args.includes('--dot');
  const quiet = args.includes('--quiet');
  const layers = args.includes('--layers');
  const names = args.filter((a) => !a.startsWith('--'));
  const pkgs = names.length > 0 ? names : readdirSync('packages');
  let bad = 0;
  for (const p of pkgs) {
    const src = join('packages', p, 'src');
    if (!existsSync(src)) continue;
    const { edges, cycles } = graphOf(src);
    if (layers && cycles.length === 0) {
      // Each module's layer: one above the highest module it imports (0: imports none).
      const level = new Map();
      const depth = (f) => {
        if (!level.has(f)) level.set(f, Math.max(-1, ...(edges.get(f) ?? []).map(depth)) + 1);
        return level.get(f);
      };
      const byLevel = [];
      for (const f of edges.keys()) {
        byLevel[depth(f)] ??= [];
        byLevel[depth(f)].push(relative(resolve(src), f));
      }
      console.log(`${p}:`);
      for (const [i, fs] of byLevel.entries()) console.log(`  ${i}: ${fs.sort().join(' ')}`);
    }
    if (dot) {
      console.log(`digraph "${p}" {`);
      for (const [f, deps] of edges)
        for (const d of deps) console.log(`  "${relative(src, f)}" -> "${relative(src, d)}";`);
      console.log('}');
    }
    for (const c of cycles) console.log(`${p}: import cycle of ${c.length} files: ${c.join(', ')}`);
    if (cycles.length === 0 && !dot && !quiet)
      console.log(`${p}: ${edges.size} modules, no import cycle`);
    bad += cycles.length;
  }
  process.exit(bad > 0 ? 1 : 0);
}
