/** The generated files: the op list (ops.json) and the Markdown reference (API.md). */
import type { ApiEntry, ApiMember } from './extract';
import { groupOf, type Layout, methodGroupOf } from './layout';

export interface Op {
  name: string;
  kind: 'function' | 'method';
  group: string;
  signatures: string[];
  /** Another exported name for the same function (`clip` for `clamp`). */
  aliasOf?: string;
}

/** Every exported function and every public method of the main class, by name. */
export function opList(entries: readonly ApiEntry[], layout: Layout): Op[] {
  const functions = functionsByName(entries);
  const ops: Op[] = [...functions.values()].map((e) => ({
    name: e.name,
    kind: 'function',
    group: groupOf(layout, e),
    signatures: e.signatures,
    ...(e.aliasOf !== undefined ? { aliasOf: e.aliasOf } : {}),
  }));
  for (const m of mainMethods(entries, layout)) {
    ops.push({
      name: m.name,
      kind: 'method',
      group: methodGroupOf(layout, m, functions),
      signatures: m.signatures,
    });
  }
  return ops.sort((a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
}

/**
 * JSON as the repository's formatter (biome) lays it out, so the lint passes on the generated
 * file: objects expanded, an array of strings on one line where it fits in 100 columns.
 */
export function renderOpsJson(ops: readonly Op[], source: string): string {
  const doc = { generatedBy: 'tools/api (pnpm api)', source, ops };
  return `${formatJson(doc, '', '')}\n`;
}

function formatJson(value: unknown, indent: string, lead: string): string {
  if (Array.isArray(value)) {
    const flat = `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
    const simple = value.every((v) => typeof v !== 'object' || v === null);
    if (value.length === 0 || (simple && indent.length + lead.length + flat.length <= 100)) {
      return flat;
    }
    const inner = `${indent}  `;
    return `[\n${value.map((v) => inner + formatJson(v, inner, '')).join(',\n')}\n${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const inner = `${indent}  `;
    const fields = Object.entries(value).map(([k, v]) => {
      const key = `${JSON.stringify(k)}: `;
      return inner + key + formatJson(v, inner, key);
    });
    return `{\n${fields.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

interface Section {
  title: string;
  functions: ApiEntry[];
  methods: ApiMember[];
  others: ApiEntry[];
}

/** The reference: the hand-written header, a contents list, then one section per group. */
export function renderMarkdown(
  entries: readonly ApiEntry[],
  layout: Layout,
  header: string,
  notice: string,
): string {
  const functions = functionsByName(entries);
  const methods = new Map(mainMethods(entries, layout).map((m) => [m.name, m]));
  const sections = new Map<string, Section>(
    layout.groups.map((g) => [g.key, { title: g.title, functions: [], methods: [], others: [] }]),
  );
  const section = (key: string) => sections.get(key)!;
  for (const e of entries) {
    const s = section(groupOf(layout, e));
    (e.kind === 'function' ? s.functions : s.others).push(e);
  }
  for (const m of methods.values()) {
    if (!functions.has(m.name)) section(methodGroupOf(layout, m, functions)).methods.push(m);
  }
  const used = [...sections.values()].filter(
    (s) => s.functions.length + s.methods.length + s.others.length > 0,
  );
  const out = [`<!-- ${notice} -->`, '', header.trimEnd(), '', '## Contents', ''];
  for (const s of used) out.push(`- [${s.title}](#${anchor(s.title)})`);
  for (const s of used) out.push('', ...renderSection(s, methods, layout.main?.name));
  return `${out.join('\n')}\n`;
}

function renderSection(
  s: Section,
  methods: ReadonlyMap<string, ApiMember>,
  mainClass: string | undefined,
): string[] {
  const out = [`## ${s.title}`];
  const main = s.others.find((e) => e.name === mainClass);
  if (main) out.push('', ...item(main.signatures, main.summary), ...properties(main));
  if (s.functions.length > 0) out.push('', '### Functions', '');
  for (const f of s.functions) {
    if (f.aliasOf !== undefined) {
      out.push(`- \`${f.name}\`: another name for \`${f.aliasOf}\`.`);
      continue;
    }
    const also = onInstance(methods.get(f.name)?.signatures ?? []);
    out.push(...item([...f.signatures, ...also], f.summary));
  }
  if (s.methods.length > 0) out.push('', `### ${mainClass} methods`, '');
  for (const m of s.methods) out.push(...item(onInstance(m.signatures), m.summary));
  const rest = s.others.filter((e) => e !== main);
  for (const kind of ['class', 'constant', 'type'] as const) {
    const of = rest.filter((e) => e.kind === kind);
    if (of.length === 0) continue;
    out.push('', `### ${{ class: 'Classes', constant: 'Values', type: 'Types' }[kind]}`, '');
    for (const e of of) out.push(...entryItem(e));
  }
  return out;
}

/**
 * Long interfaces and classes list their members under them; short types fit on one line. A
 * type the package does not export but its signatures name says so.
 */
function entryItem(e: ApiEntry): string[] {
  const members = e.members ?? [];
  const summary = e.internal ? `Not exported; named in signatures. ${e.summary}` : e.summary;
  if (e.kind === 'type' && (e.signatures[0].length <= 100 || members.length === 0)) {
    return item(e.signatures, summary.trim());
  }
  const head = e.kind === 'type' ? [`interface ${e.name}`] : e.signatures;
  return [
    ...item(head, summary.trim()),
    ...members.flatMap((m) => item(m.signatures, m.summary, '  ')),
  ];
}

function properties(main: ApiEntry): string[] {
  const props = (main.members ?? []).filter((m) => m.kind === 'property');
  return props.flatMap((m) => item(m.signatures, m.summary, '  '));
}

/** A list item: each signature on its own line, then the summary. */
function item(signatures: readonly string[], summary: string, indent = ''): string[] {
  const lines = signatures.map((sig) => `\`${sig}\``);
  if (summary) lines.push(summary);
  return lines.map(
    (line, i) => `${indent}${i === 0 ? '- ' : '  '}${line}${i < lines.length - 1 ? '\\' : ''}`,
  );
}

/** Method signatures as called: `x.add(other)`. */
function onInstance(signatures: readonly string[]): string[] {
  return signatures.map((sig) => `x.${sig}`);
}

function anchor(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

function functionsByName(entries: readonly ApiEntry[]): Map<string, ApiEntry> {
  return new Map(entries.filter((e) => e.kind === 'function').map((e) => [e.name, e]));
}

function mainMethods(entries: readonly ApiEntry[], layout: Layout): ApiMember[] {
  const main = entries.find((e) => e.kind === 'class' && e.name === layout.main?.name);
  return (main?.members ?? []).filter((m) => m.kind === 'method');
}
