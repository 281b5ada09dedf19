import type { Dirent } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { dict } from '../dict';
import { RecordCorruptionError } from '../errors';
import { RECORD_OVERHEAD, scanRecords } from '../record/tfrecord';
import { RunAccumulator } from './accumulator';
import { decodeRecord } from './read-events';
import type { RunData } from './run-data';

/** TensorBoard's test for an event file: 'tfevents' in the file name. */
export function isEventFile(name: string): boolean {
  return name.includes('tfevents');
}

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Event files per run (directory relative to `logDir`, '.' for itself), in name (= time) order.
 * Symlinks are not followed, so nothing outside the log dir is ever read.
 */
export async function findEventFiles(logDir: string): Promise<Map<string, string[]>> {
  const runs = new Map<string, string[]>();
  const walk = async (dir: string): Promise<void> => {
    const found = await entries(dir);
    const files = found
      .filter((e) => e.isFile() && isEventFile(e.name))
      .map((e) => join(dir, e.name));
    if (files.length) runs.set(relative(logDir, dir).split(sep).join('/') || '.', files.sort());
    for (const e of found) if (e.isDirectory()) await walk(join(dir, e.name));
  };
  await walk(logDir);
  return runs;
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

/**
 * Loads a log dir incrementally: each reload() reads only bytes appended since the last one,
 * so a viewer can follow a run that is still training. An incomplete last record is retried
 * on the next reload. A record that passes its checksum but does not decode is reported to
 * `onError` and skipped; a checksum mismatch is reported and the rest of that file left alone.
 * Either way the other files and runs load.
 */
export class LogDirLoader {
  private readonly runs = new Map<string, RunState>();

  constructor(
    readonly logDir: string,
    private readonly onError: (err: Error) => void = (err) => {
      throw err;
    },
  ) {}

  async reload(): Promise<void> {
    for (const [name, files] of await findEventFiles(this.logDir)) {
      let run = this.runs.get(name);
      if (!run) {
        run = { acc: new RunAccumulator(name), offsets: new Map() };
        this.runs.set(name, run);
      }
      for (const file of files) await this.readAppended(run, file);
    }
  }

  private async readAppended(run: RunState, file: string): Promise<void> {
    const offset = run.offsets.get(file) ?? 0;
    if (offset < 0) return;
    const handle = await open(file, 'r');
    let buf: Buffer;
    try {
      const { size } = await handle.stat();
      if (size <= offset) return;
      buf = Buffer.alloc(size - offset);
      await handle.read(buf, 0, buf.length, offset);
    } finally {
      await handle.close();
    }
    const scan = scanRecords(buf, file, offset);
    for (const record of scan.records) {
      // Past each record before it is folded in: a record that fails (an Event or graph that
      // does not parse) goes to onError once, and nothing before it is added twice.
      run.offsets.set(file, record.offset + RECORD_OVERHEAD + record.data.length);
      try {
        run.acc.add(decodeRecord(record, file));
      } catch (err) {
        this.onError(asCorruption(err, file, record.offset));
      }
    }
    run.offsets.set(file, scan.error ? -1 : scan.end);
    if (scan.error) this.onError(scan.error);
  }

  /** Runs by name; the objects are live and keep growing with each reload(). */
  snapshot(): Record<string, RunData> {
    const out = dict<RunData>();
    for (const name of [...this.runs.keys()].sort()) out[name] = this.runs.get(name)!.acc.data;
    return out;
  }
}

/** Every run under `logDir` with its scalars, histograms, images, text, hparams and graph. */
export async function loadRuns(logDir: string): Promise<Record<string, RunData>> {
  const loader = new LogDirLoader(logDir);
  await loader.reload();
  return loader.snapshot();
}
