/**
 * The projector's embeddings (what `addEmbedding` writes: projector_config.pbtxt naming
 * tensors.tsv, metadata.tsv and sprite.png under a run's directory) as 2-D points: the first
 * two principal components, found by power iteration on the centred rows. Only files the config
 * names inside the run's own directory are read, each within a size bound.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

const MAX_FILE = 64 * 1024 * 1024;
const MAX_POINTS = 5000;
/** Values per embedding the PCA reads (points x dims): a 3 x 224 x 224 image per row is cut. */
const MAX_VALUES = 4_000_000;

interface Entry {
  tensorName: string;
  tensorPath: string;
  metadataPath?: string;
  spritePath?: string;
  spriteDim?: [number, number];
}

export interface EmbeddingView {
  run: string;
  tag: string;
  /** Index of the entry in the run's projector config (the sprite route's key). */
  index: number;
  points: [number, number][];
  labels: string[] | null;
  /** Share of the variance each of the two components explains. */
  variance: [number, number];
  dims: number;
  /** Tiles of `tile` pixels, `perRow` to a row of /api/sprite's image. */
  sprite: { tile: [number, number]; perRow: number } | null;
}

/** A text-format string literal's body: \\n, \\", \\\\ and octal byte escapes, as UTF-8. */
function unquote(body: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') {
      bytes.push(...new TextEncoder().encode(ch));
      continue;
    }
    const next = body[++i] ?? '';
    const octal = /^[0-7]{1,3}/.exec(body.slice(i))?.[0];
    if (octal) {
      bytes.push(Number.parseInt(octal, 8) & 0xff);
      i += octal.length - 1;
    } else
      bytes.push(
        ...new TextEncoder().encode(
          ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[next] ?? next,
        ),
      );
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

const field = (block: string, name: string) =>
  [...block.matchAll(new RegExp(`${name}:\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'g'))].map((m) =>
    unquote(m[1]),
  );

/** The entries of a projector_config.pbtxt (the text format addEmbedding and PyTorch write). */
export function parseProjectorConfig(text: string): Entry[] {
  const blocks = text.split(/\bembeddings\s*\{/).slice(1);
  return blocks.map((b) => {
    const sprite = /sprite\s*\{([^}]*)\}/.exec(b)?.[1] ?? '';
    const dims = [...sprite.matchAll(/single_image_dim:\s*(\d+)/g)].map((m) => Number(m[1]));
    return {
      tensorName: field(b, 'tensor_name')[0] ?? '',
      tensorPath: field(b.replace(/sprite\s*\{[^}]*\}/, ''), 'tensor_path')[0] ?? '',
      metadataPath: field(b, 'metadata_path')[0],
      spritePath: field(sprite, 'image_path')[0],
      spriteDim: dims.length === 2 ? [dims[0], dims[1]] : undefined,
    };
  });
}

/**
 * `path` inside `dir` (symbolic links resolved on both sides), a file of at most MAX_FILE bytes,
 * or null: a config naming ../ files, absolute paths or directories is not followed.
 */
function inside(dir: string, path: string | undefined): string | null {
  if (!path || !existsSync(dir)) return null;
  const root = realpathSync(dir);
  const candidate = resolve(root, path);
  if (!existsSync(candidate)) return null;
  const full = realpathSync(candidate);
  if (!full.startsWith(root + sep)) return null;
  const stat = statSync(full);
  return stat.isFile() && stat.size <= MAX_FILE ? full : null;
}

function entriesOf(runDir: string): Entry[] {
  const config = inside(runDir, 'projector_config.pbtxt');
  return config ? parseProjectorConfig(readFileSync(config, 'utf8')) : [];
}

/** The sprite image of entry `index` of the run in `runDir`, or null. */
export function spriteFile(runDir: string, index: number): string | null {
  return inside(runDir, entriesOf(runDir)[index]?.spritePath);
}

/** The top `k` principal directions of the centred rows `x` [n, d], with their variances. */
function principal(
  x: Float64Array[],
  d: number,
  k: number,
): { dirs: Float64Array[]; vars: number[] } {
  const dirs: Float64Array[] = [];
  const vars: number[] = [];
  for (let c = 0; c < k; c++) {
    let v = Float64Array.from({ length: d }, (_, i) => Math.sin(i * 12.9898 + c * 78.233));
    let lambda = 0;
    for (let it = 0; it < 100; it++) {
      // v <- X^T X v, kept orthogonal to the directions found before.
      const w = new Float64Array(d);
      for (const row of x) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += row[i] * v[i];
        for (let i = 0; i < d; i++) w[i] += dot * row[i];
      }
      for (const u of dirs) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += w[i] * u[i];
        for (let i = 0; i < d; i++) w[i] -= dot * u[i];
      }
      let sq = 0;
      for (let i = 0; i < d; i++) sq += w[i] * w[i];
      const norm = Math.sqrt(sq);
      if (norm === 0) break;
      lambda = norm / Math.max(1, x.length);
      v = w.map((e) => e / norm);
    }
    dirs.push(v);
    vars.push(lambda);
  }
  return { dirs, vars };
}

function project(rows: number[][]): { points: [number, number][]; variance: [number, number] } {
  const d = rows[0]?.length ?? 0;
  const mean = new Float64Array(d);
  for (const r of rows) for (let i = 0; i < d; i++) mean[i] += r[i] / rows.length;
  const x = rows.map((r) => Float64Array.from(r, (v, i) => v - mean[i]));
  const total = x.reduce((s, r) => s + r.reduce((a, v) => a + v * v, 0), 0) / Math.max(1, x.length);
  const { dirs, vars } = principal(x, d, Math.min(2, d));
  const points = x.map((r): [number, number] => {
    const p = dirs.map((u) => r.reduce((s, v, i) => s + v * u[i], 0));
    return [p[0] ?? 0, p[1] ?? 0];
  });
  const share = (i: number) => (total > 0 ? (vars[i] ?? 0) / total : 0);
  return { points, variance: [share(0), share(1)] };
}

/** Views per file state: a poll while training re-runs no PCA unless the files changed. */
const cache = new Map<string, { key: string; view: EmbeddingView | null }>();

function stamp(...files: (string | null)[]): string {
  return files
    .map((f) => {
      if (!f) return '-';
      const { mtimeMs, size } = statSync(f);
      return `${f}:${mtimeMs}:${size}`;
    })
    .join('|');
}

function embeddingOf(run: string, dir: string, e: Entry, index: number): EmbeddingView | null {
  const tensors = inside(dir, e.tensorPath);
  if (!tensors) return null;
  const meta = inside(dir, e.metadataPath);
  const spriteFile = inside(dir, e.spritePath);
  const key = stamp(tensors, meta, spriteFile);
  const id = `${dir}\u0000${index}`;
  const hit = cache.get(id);
  if (hit?.key === key) return hit.view;
  const lines = readFileSync(tensors, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const dims = lines[0]?.split('\t').length ?? 0;
  const keep = Math.max(1, Math.min(MAX_POINTS, Math.floor(MAX_VALUES / Math.max(1, dims))));
  const rows = lines.slice(0, keep).map((l) => l.split('\t').map(Number));
  let view: EmbeddingView | null = null;
  if (rows.length > 0 && rows.every((r) => r.length === dims && r.every(Number.isFinite))) {
    let labels: string[] | null = null;
    if (meta) {
      const cols = readFileSync(meta, 'utf8')
        .replace(/\n$/, '')
        .split('\n')
        .map((l) => l.split('\t'));
      // A header row is there when each line has several columns: the first column is shown.
      const body = cols[0].length > 1 ? cols.slice(1) : cols;
      labels = body.slice(0, rows.length).map((c) => c[0]);
    }
    view = {
      run,
      tag: e.tensorName,
      index,
      ...project(rows),
      labels,
      dims,
      // The sprite tiles every row of the file, ceil(sqrt(n)) to a row.
      sprite:
        spriteFile && e.spriteDim
          ? { tile: e.spriteDim, perRow: Math.ceil(Math.sqrt(lines.length)) }
          : null,
    };
  }
  cache.set(id, { key, view });
  return view;
}

/**
 * Every embedding of every run under `logDir` (run names as the loader keys them). A config or
 * file that cannot be read is skipped, never an error of the whole view.
 */
export function embeddingsView(logDir: string, runNames: readonly string[]): EmbeddingView[] {
  const out: EmbeddingView[] = [];
  for (const run of runNames) {
    const dir = join(logDir, run);
    let entries: Entry[] = [];
    try {
      entries = entriesOf(dir);
    } catch {
      continue;
    }
    entries.forEach((e, index) => {
      try {
        const view = embeddingOf(run, dir, e, index);
        if (view) out.push(view);
      } catch {
        // A file removed or rewritten while read: shown on the next poll.
      }
    });
  }
  return out;
}
