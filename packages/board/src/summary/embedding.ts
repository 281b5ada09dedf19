import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BoardInputError } from '../errors';
import { type TensorInput, toDense } from '../tensor';
import { encodeImage, gridImages, type Planar } from './image';

/**
 * Options of SummaryWriter.addEmbedding: PyTorch's add_embedding keywords (metadata, label_img,
 * global_step, tag, metadata_header) in camelCase.
 */
export interface EmbeddingOptions {
  /** One label per row, or rows of columns when `metadataHeader` is given. */
  metadata?: readonly (string | number)[] | readonly (readonly (string | number)[])[];
  /** NCHW thumbnails, one per row of `mat`, tiled into sprite.png. */
  labelImg?: TensorInput;
  /** The step, which names the files' directory zero-padded to 5 digits (default 0). */
  globalStep?: number;
  /** The embedding's name in the Projector (default 'default'). */
  tag?: string;
  /** Column names, when each `metadata` entry is a row of columns. */
  metadataHeader?: readonly string[];
}

// PyTorch's SummaryWriter._encode: keeps a tag usable as one path segment.
function encodeTag(tag: string): string {
  return tag.replaceAll('%', '%25').replaceAll('/', '%2f').replaceAll('\\', '%5c');
}

/**
 * Writes the projector files of one embedding (tensors.tsv, metadata.tsv, sprite.png) under
 * `<logDir>/<step>/<tag>/` and returns its `embeddings { ... }` entry for projector_config.pbtxt.
 */
export function writeEmbedding(
  logDir: string,
  mat: TensorInput,
  options: EmbeddingOptions = {},
): string {
  const { globalStep = 0, tag = 'default' } = options;
  const dense = toDense(mat, 'mat');
  if (dense.shape.length !== 2)
    throw new BoardInputError(`addEmbedding: mat should be 2-D, got shape [${dense.shape}]`);
  const [rows, cols] = dense.shape;
  const step = String(globalStep).padStart(5, '0');
  const subdir = `${step}/${encodeTag(tag)}`;
  const dir = join(logDir, subdir);
  mkdirSync(dir, { recursive: true });
  const lines = Array.from({ length: rows }, (_, r) =>
    Array.from({ length: cols }, (_, c) => String(dense.data[r * cols + c])).join('\t'),
  );
  writeFileSync(join(dir, 'tensors.tsv'), `${lines.join('\n')}\n`);
  const entry = [`  tensor_name: ${quote(`${tag}:${step}`)}`];
  if (options.metadata) {
    if (options.metadata.length !== rows)
      throw new BoardInputError('addEmbedding: #labels should equal #data points');
    writeFileSync(join(dir, 'metadata.tsv'), metadataTsv(options.metadata, options.metadataHeader));
    entry.push(`  metadata_path: ${quote(`${subdir}/metadata.tsv`)}`);
  }
  if (options.labelImg !== undefined)
    entry.push(...writeSprite(dir, subdir, options.labelImg, rows));
  entry.push(`  tensor_path: ${quote(`${subdir}/tensors.tsv`)}`);
  return `embeddings {\n${entry.join('\n')}\n}\n`;
}

function metadataTsv(
  metadata: NonNullable<EmbeddingOptions['metadata']>,
  header?: readonly string[],
): string {
  const rows = header ? [header, ...(metadata as (string | number)[][])] : metadata;
  return `${rows.map((r) => (Array.isArray(r) ? r.join('\t') : String(r))).join('\n')}\n`;
}

function writeSprite(dir: string, subdir: string, labelImg: TensorInput, rows: number): string[] {
  const dense = toDense(labelImg, 'labelImg');
  const [n, channels, height, width] = dense.shape;
  if (dense.shape.length !== 4 || n !== rows)
    throw new BoardInputError(
      'addEmbedding: labelImg should be NCHW with one image per data point',
    );
  const size = channels * height * width;
  const images: Planar[] = Array.from({ length: n }, (_, i) => ({
    channels,
    height,
    width,
    data: Float64Array.from(Array.prototype.slice.call(dense.data, i * size, (i + 1) * size)),
  }));
  const grid = gridImages(images, { nrow: Math.ceil(Math.sqrt(n)), padding: 0 });
  // The projector expects a square sprite; PyTorch pads the bottom with black.
  const side = Math.max(grid.height, grid.width);
  const square: Planar = {
    ...grid,
    height: side,
    data: new Float64Array(grid.channels * side * grid.width),
  };
  const plane = grid.height * grid.width;
  for (let c = 0; c < grid.channels; c++) {
    square.data.set(grid.data.subarray(c * plane, (c + 1) * plane), c * side * grid.width);
  }
  writeFileSync(join(dir, 'sprite.png'), encodeImage(square, dense.uint8).encodedImageString);
  return [
    '  sprite {',
    `    image_path: ${quote(`${subdir}/sprite.png`)}`,
    `    single_image_dim: ${width}`,
    `    single_image_dim: ${height}`,
    '  }',
  ];
}

/** A protobuf text-format string literal (non-ASCII bytes as octal escapes, like Python's). */
function quote(s: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(s)) {
    if (byte === 0x22 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte === 0x0a) out += '\\n';
    else if (byte < 0x20 || byte >= 0x7f) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return `"${out}"`;
}
