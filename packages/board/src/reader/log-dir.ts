import { type Dirent, type Stats, statSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { dict } from '../dict';
import { RecordCorruptionError } from '../errors';
import { RECORD_OVERHEAD, type RecordScan, scanRecords } from '../record/tfrecord';
import { RunAccumulator } from './accumulator';
import { decodeRecord } from './read-events';
import type { SamplesPerPlugin } from './reservoir';
import type { RunData } from './run-data';

/** TensorBoard's test for an event file: 'tfevents' in the file name. */
export function isEventFile(name: string): boolean {
  return name.includes('tfevents');
}

interface Listing {
  /** The directory's mtime when listed, and when the listing was taken. */
  mtimeMs: number;
  listedAt: number;
  files: string[];
  dirs: string[];
}

/**
 * A directory modified this recently may change again within one tick of the file system's
 * clock without its mtime moving, so its listing is taken again rather than reused.
 */
const SETTLE_MS = 2000;

/**
 * Stats run synchronously: a log dir of 10,000 runs is 20,000 stats a reload, 0.1 s this way
 * and 0.5 s through the thread pool. The walk yields to the event loop every STAT_BATCH.
 */
const STAT_BATCH = 1000;

class StatBatch {
  private count = 0;

  async stat(path: string): Promise<Stats | undefined> {
    if (++this.count % STAT_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
    return statSync(path, { throwIfNoEntry: false });
  }
}

/** An event file and its size when the log dir was walked. */
export interface EventFile {
  path: string;
  size: number;
}

async function readListing(dir: string, mtimeMs: number): Promise<Listing> {
  const listedAt = Date.now();
  let found: Dirent[];
  try {
    found = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') found = [];
    else throw err;
  }
  const files = found.filter((e) => e.isFile() && isEventFile(e.name)).map((e) => e.name);
  const dirs = found.filter((e) => e.isDirectory()).map((e) => e.name);
  return { mtimeMs, listedAt, files: files.sort(), dirs };
}

/**
 * Event files per run (directory relative to `logDir`, '.' for itself), in name (= time) order.
 * Symlinks are not followed, so nothing outside the log dir is ever read. `cache` keeps each
 * directory's listing between calls: an unchanged directory costs one stat, not a readdir, and
 * no file is opened here.
 */
export async function findEventFiles(
  logDir: string,
  cache = new Map<string, Listing>(),
): Promise<Map<string, EventFile[]>> {
  const runs = new Map<string, EventFile[]>();
  const stats = new StatBatch();
  const walk = async (dir: string): Promise<void> => {
    const info = await stats.stat(dir);
    if (!info?.isDirectory()) {
      cache.delete(dir);
      return;
    }
    let listing = cache.get(dir);
    if (
      !listing ||
      listing.mtimeMs !== info.mtimeMs ||
      listing.listedAt - info.mtimeMs < SETTLE_MS
    ) {
      listing = await readListing(dir, info.mtimeMs);
      cache.set(dir, listing);
    }
    const files: EventFile[] = [];
    for (const name of listing.files) {
      const path = join(dir, name);
      const file = await stats.stat(path);
      if (file?.isFile()) files.push({ path, size: file.size });
    }
    if (files.length) runs.set(relative(logDir, dir).split(sep).join('/') || '.', files);
    await Promise.all(listing.dirs.map((d) => walk(join(dir, d))));
  };
  await walk(logDir);
  // Runs in directory order, whatever order the walks finished in.
  return new Map([...runs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** An error folding in the record at `offset`, as the corruption of that record. */
function asCorruption(err: unknown, file: string, offset: number): Error {
  if (err instanceof RecordCorruptionError) return err;
  return new RecordCorruptionError(file, offset, `unreadable event (${(err as Error).message})`);
}

interface RunState {
  acc: RunAccumulator;
  /** Bytes of each file already folded in; -1 once a file turned out corrupt. */
  offsets: Map<string, number>;
}

export interface LogDirLoaderOptions {
  /** Gets each corrupt record (RecordCorruptionError); the default throws it. */
  onError?: (err: Error) => void;
  /**
   * Samples kept per tag, by plugin name, as TensorBoard's `--samples_per_plugin`: the
   * defaults are scalars 1000, histograms 500, images 10, pr_curves 100, others 10; 0 keeps
   * every point.
   */
  samplesPerPlugin?: SamplesPerPlugin;
}

/** Bytes read at a time: a file of any size costs this much memory, or its largest record. */
const CHUNK = 4 << 20;
/** Runs read at once on a reload (each holds a file descriptor and a chunk). */
const PARALLEL_RUNS = 8;

/**
 * Loads a log dir incrementally: each reload() stats every event file and reads only bytes
 * appended since the last one, a chunk at a time, so a viewer can follow a run that is still
 * training and a file of any size loads in bounded memory. Every series is a reservoir sample
 * (see `samplesPerPlugin`). An incomplete last record is retried on the next reload. A record
 * that passes its checksum but does not decode is reported to `onError` and skipped; a checksum
 * mismatch is reported and the rest of that file left alone. Either way the other files and
 * runs load.
 */
export class LogDirLoader {
  private readonly runs = new Map<string, RunState>();
  private readonly listings = new Map<string, Listing>();
  private readonly onError: (err: Error) => void;
  private changes = 0;

  constructor(
    readonly logDir: string,
    private readonly options: LogDirLoaderOptions = {},
  ) {
    this.onError =
      options.onError ??
      ((err) => {
        throw err;
      });
  }

  /** Grows whenever a reload finds new runs or bytes: equal versions mean equal snapshots. */
  get version(): number {
    return this.changes;
  }

  /**
   * Walks the log dir again and folds in new runs, new files and bytes appended since the last
   * reload (TensorBoard's reload loop, on demand). Corrupt records go to `onError`.
   */
  async reload(): Promise<void> {
    const pending: (() => Promise<void>)[] = [];
    for (const [name, files] of await findEventFiles(this.logDir, this.listings)) {
      let run = this.runs.get(name);
      if (!run) {
        run = { acc: new RunAccumulator(name, this.options.samplesPerPlugin), offsets: new Map() };
        this.runs.set(name, run);
        this.changes++;
      }
      const state = run;
      // A file found corrupt (offset -1) is not read again, as TensorBoard stops at data loss.
      const grown = files.filter((f) => {
        const at = state.offsets.get(f.path) ?? 0;
        return at >= 0 && f.size > at;
      });
      // A run's files in order (a later file's events follow an earlier one's); runs at once.
      if (grown.length)
        pending.push(async () => {
          for (const file of grown) await this.readAppended(state, file);
        });
    }
    if (pending.length) this.changes++;
    await inParallel(pending, PARALLEL_RUNS);
  }

  /** Folds in the bytes appended to `file` up to its size when the log dir was walked. */
  private async readAppended(run: RunState, { path: file, size }: EventFile): Promise<void> {
    let offset = run.offsets.get(file) ?? 0;
    const handle = await open(file, 'r');
    try {
      let want = CHUNK;
      while (offset < size) {
        const buf = Buffer.allocUnsafe(Math.min(want, size - offset));
        const { bytesRead } = await handle.read(buf, 0, buf.length, offset);
        const scan = scanRecords(buf.subarray(0, bytesRead), file, offset);
        this.fold(run, file, scan.records);
        if (scan.error) {
          run.offsets.set(file, -1);
          this.onError(scan.error);
          return;
        }
        // A record longer than the chunk is read whole next time; one past the end waits.
        want = Math.max(CHUNK, scan.pending ?? 0);
        if (scan.end === offset && (bytesRead < buf.length || offset + want > size)) break;
        offset = scan.end;
        run.offsets.set(file, offset);
      }
    } finally {
      await handle.close();
    }
  }

  private fold(run: RunState, file: string, records: RecordScan['records']): void {
    for (const record of records) {
      // Past each record before it is folded in: a record that fails (an Event or graph that
      // does not parse) goes to onError once, and nothing before it is added twice.
      run.offsets.set(file, record.offset + RECORD_OVERHEAD + record.data.length);
      try {
        run.acc.add(decodeRecord(record, file));
      } catch (err) {
        this.onError(asCorruption(err, file, record.offset));
      }
    }
  }

  /** Runs by name; the objects are live and keep growing with each reload(). */
  snapshot(): Record<string, RunData> {
    const out = dict<RunData>();
    for (const name of [...this.runs.keys()].sort()) out[name] = this.runs.get(name)!.acc.data;
    return out;
  }
}

/** Runs `tasks`, at most `limit` at a time; results in task order. */
async function inParallel<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** Every run under `logDir` with its scalars, histograms, images, text, hparams and graph. */
export async function loadRuns(
  logDir: string,
  options: Pick<LogDirLoaderOptions, 'samplesPerPlugin'> = {},
): Promise<Record<string, RunData>> {
  const loader = new LogDirLoader(logDir, options);
  await loader.reload();
  return loader.snapshot();
}
