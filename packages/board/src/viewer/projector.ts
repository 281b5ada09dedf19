/**
 * The projector's embeddings (what `addEmbedding` writes: projector_config.pbtxt naming
 * tensors.tsv, metadata.tsv and sprite.png under a run's directory) as 2-D points: the first
 * two principal components, found by power iteration on the centred rows. Only files the config
 * names inside the run's own directory are read, each within a size bound.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';

const MAX_FILE = 64 * 1024 * 1024;
const MAX_POINTS = 5000;

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

const field = (block: string, name: string) =>
  [...block.matchAll(new RegExp(`${name}:\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'g'))].map(
    (m) => JSON.parse(`"${m[1]}"`) as string,
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

/** `path` inside `dir`, or null: a config naming ../ files or absolute paths is not followed. */
function inside(dir: string, path: string | undefined): string | null {
  if (!path) return null;
  const root = resolve(dir);
  const full = resolve(root, path);
  if (!full.startsWith(root + sep) || !existsSync(full)) return null;
  return statSync(full).size <= MAX_FILE ? full : null;
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
      const norm = Math.hypot(...w);
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

/** Every embedding of every run under `logDir` (run names as the loader keys them). */
export function embeddingsView(logDir: string, runNames: readonly string[]): EmbeddingView[] {
  const out: EmbeddingView[] = [];
  for (const run of runNames) {
    const dir = join(logDir, run);
    entriesOf(dir).forEach((e, index) => {
      const tensors = inside(dir, e.tensorPath);
      if (!tensors) return;
      const lines = readFileSync(tensors, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '');
      const rows = lines.slice(0, MAX_POINTS).map((l) => l.split('\t').map(Number));
      if (
        rows.length === 0 ||
        rows.some((r) => r.length !== rows[0].length || r.some((v) => !Number.isFinite(v)))
      )
        return;
      const meta = inside(dir, e.metadataPath);
      let labels: string[] | null = null;
      if (meta) {
        const lines = readFileSync(meta, 'utf8').replace(/\n$/, '').split('\n');
        // A header row is there when each line has several columns: the first column is shown.
        const cols = lines.map((l) => l.split('\t'));
        const body = cols[0].length > 1 ? cols.slice(1) : cols;
        labels = body.slice(0, rows.length).map((c) => c[0]);
      }
      const sprite = inside(dir, e.spritePath) && e.spriteDim ? e.spriteDim : null;
      out.push({
        run,
        tag: e.tensorName,
        index,
        ...project(rows),
        labels,
        dims: rows[0].length,
        // The sprite tiles every row of the file, ceil(sqrt(n)) to a row.
        sprite: sprite ? { tile: sprite, perRow: Math.ceil(Math.sqrt(lines.length)) } : null,
      });
    });
  }
  return out;
}
