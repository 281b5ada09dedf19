import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerSpec } from '@tensile/data';
import { ValueError } from '@tensile/tensor';
import { DatasetError } from '../errors';
import type { Image } from '../image';
import { loadImage } from '../io';
import { VisionDataset, type VisionDatasetOptions } from './vision-dataset';

/** The extensions ImageFolder accepts (torchvision's IMG_EXTENSIONS; Tensile decodes PNG and JPEG). */
export const IMG_EXTENSIONS = [
  '.jpg',
  '.jpeg',
  '.png',
  '.ppm',
  '.bmp',
  '.pgm',
  '.tif',
  '.tiff',
  '.webp',
] as const;

export function hasFileAllowedExtension(filename: string, extensions: readonly string[]): boolean {
  const lower = filename.toLowerCase();
  return extensions.some((e) => lower.endsWith(e));
}

/** The class folders of `directory`, sorted, and their indices (torchvision's find_classes). */
export function findClasses(directory: string): [string[], Record<string, number>] {
  const classes = readdirSync(directory, { withFileTypes: true })
    .filter(
      (e) =>
        e.isDirectory() || (e.isSymbolicLink() && statSync(join(directory, e.name)).isDirectory()),
    )
    .map((e) => e.name)
    .sort();
  if (classes.length === 0)
    throw new DatasetError(`Couldn't find any class folder in ${directory}.`);
  return [classes, Object.fromEntries(classes.map((c, i) => [c, i]))];
}

/** Every directory under `dir` (itself first), in the order Python's sorted(os.walk(dir)) gives. */
function walk(dir: string): string[] {
  const out = [dir];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory() || (e.isSymbolicLink() && statSync(path).isDirectory()))
      out.push(...walk(path));
  }
  return out.sort();
}

function isFile(path: string): boolean {
  return statSync(path).isFile();
}

export interface MakeDatasetOptions {
  extensions?: readonly string[];
  isValidFile?: (path: string) => boolean;
}

/** [path, class index] for every valid file under each class folder (torchvision's make_dataset). */
export function makeDataset(
  directory: string,
  classToIdx: Record<string, number> | undefined,
  opts: MakeDatasetOptions = {},
): [string, number][] {
  const mapping = classToIdx ?? findClasses(directory)[1];
  if (Object.keys(mapping).length === 0)
    throw new ValueError("'classToIdx' must have at least one entry to collect any samples.");
  const { extensions, isValidFile } = opts;
  if ((extensions === undefined) === (isValidFile === undefined)) {
    throw new ValueError(
      'Both extensions and isValidFile cannot be undefined or defined at the same time',
    );
  }
  const valid = isValidFile ?? ((p: string) => hasFileAllowedExtension(p, extensions!));
  const instances: [string, number][] = [];
  const found = new Set<string>();
  for (const cls of Object.keys(mapping).sort()) {
    const target = join(directory, cls);
    let dirs: string[];
    try {
      dirs = walk(target);
    } catch {
      continue; // not a directory
    }
    for (const dir of dirs) {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        if (isFile(path) && valid(path)) {
          instances.push([path, mapping[cls]]);
          found.add(cls);
        }
      }
    }
  }
  const empty = Object.keys(mapping)
    .filter((c) => !found.has(c))
    .sort();
  if (empty.length > 0) {
    const supported = extensions ? ` Supported extensions are: ${extensions.join(', ')}` : '';
    throw new DatasetError(`Found no valid file for the classes ${empty.join(', ')}.${supported}`);
  }
  return instances;
}

export interface DatasetFolderOptions<S, T> extends VisionDatasetOptions<S, T> {
  /** File name endings to accept (lower case, with the dot); exclusive with isValidFile. */
  extensions?: readonly string[];
  /** Decides from a file's path whether it is a sample; exclusive with extensions. */
  isValidFile?: (path: string) => boolean;
  /** The scan already done: how DataLoader workers skip walking the folders again. */
  scanned?: { samples: [string, number][]; classes: string[]; classToIdx: Record<string, number> };
}

/**
 * Samples in class folders, `root/<class>/**\/<file>` (torchvision's DatasetFolder): `loader`
 * reads a path into a sample; targets are class indices in sorted folder order.
 */
export class DatasetFolder<S = unknown, T = number, L = unknown> extends VisionDataset<
  S,
  T,
  L,
  number
> {
  readonly classes: string[];
  readonly classToIdx: Record<string, number>;
  readonly samples: [string, number][];
  readonly targets: number[];
  readonly extensions?: readonly string[];

  constructor(
    root: string,
    readonly loader: (path: string) => L,
    opts: DatasetFolderOptions<S, T> = {},
  ) {
    super(root, opts);
    this.extensions = opts.extensions;
    if (opts.scanned) {
      ({
        samples: this.samples,
        classes: this.classes,
        classToIdx: this.classToIdx,
      } = opts.scanned);
    } else {
      [this.classes, this.classToIdx] = findClasses(root);
      this.samples = makeDataset(root, this.classToIdx, {
        extensions: opts.extensions,
        isValidFile: opts.isValidFile,
      });
    }
    this.targets = this.samples.map((s) => s[1]);
  }

  get length(): number {
    return this.samples.length;
  }

  protected rawItem(index: number): [L, number] {
    const [path, target] = this.samples[index];
    return [this.loader(path), target];
  }

  protected scanResult(): DatasetFolderOptions<S, T>['scanned'] {
    return { samples: this.samples, classes: this.classes, classToIdx: this.classToIdx };
  }

  override workerSpec(): WorkerSpec {
    throw new ValueError(
      'DatasetFolder: its loader is a function, which cannot be sent to DataLoader workers; ' +
        'subclass it with a workerSpec() that rebuilds it, use ImageFolder, or use numWorkers: 0',
    );
  }
}

/** torchvision's default_loader: the image as RGB (PIL's convert('RGB')). */
export function defaultLoader(path: string): Image {
  return loadImage(path, { mode: 'rgb' });
}

export interface ImageFolderOptions<S, T> extends Omit<DatasetFolderOptions<S, T>, 'extensions'> {
  /** Reads a file; default `defaultLoader` (RGB Image). A custom loader keeps the dataset off workers. */
  loader?: (path: string) => Image;
}

/**
 * Images in class folders (torchvision's ImageFolder): PNG and JPEG files are decoded to RGB
 * `Image`s. `imgs` is `samples`.
 */
export class ImageFolder<S = Image, T = number> extends DatasetFolder<S, T, Image> {
  constructor(root: string, opts: ImageFolderOptions<S, T> = {}) {
    const extensions = opts.isValidFile ? undefined : IMG_EXTENSIONS;
    super(root, opts.loader ?? defaultLoader, { ...opts, extensions });
  }

  get imgs(): [string, number][] {
    return this.samples;
  }

  override workerSpec(): WorkerSpec {
    if (this.loader !== defaultLoader) return super.workerSpec();
    const opts: ImageFolderOptions<S, T> = {
      ...this.transformOptions(),
      scanned: this.scanResult(),
    };
    return { module: import.meta.url, export: 'ImageFolder', args: [this.root, opts] };
  }
}
