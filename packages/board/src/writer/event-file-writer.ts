import { closeSync, fsync, fsyncSync, mkdirSync, openSync, write, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { concatBytes } from '../bytes';
import { type Event, encodeEvent } from '../proto/event';
import { encodeRecord } from '../record/tfrecord';
import { type Flushable, trackWriter, untrackWriter } from './exit-hooks';

const writeAsync = promisify(write);
const fsyncAsync = promisify(fsync);

/**
 * Options of EventFileWriter (PyTorch's EventFileWriter's max_queue, flush_secs, filename_suffix).
 */
export interface EventFileWriterOptions {
  /** Queued events that trigger a background flush (PyTorch's max_queue). */
  maxQueue?: number;
  /** Seconds between background flushes (PyTorch's flush_secs). */
  flushSecs?: number;
  /** Appended to the file's name, `events.out.tfevents.<time>.<host>.<pid>.<n>`. */
  filenameSuffix?: string;
}

let globalUid = 0;

/**
 * Appends TFRecord-framed events to one new `events.out.tfevents.*` file. `addEvent` only
 * queues; writes and fsyncs run in the background, in order, at explicit offsets.
 */
export class EventFileWriter implements Flushable {
  /** The directory of the file, created if missing. */
  readonly logDir: string;
  /** The event file's path. */
  readonly path: string;
  private readonly fd: number;
  private readonly maxQueue: number;
  private readonly timer: NodeJS.Timeout;
  private queue: Uint8Array[] = [];
  /** A batch being written by the async path; the exit hook rewrites it (same bytes, same offset). */
  private inflight: { position: number; bytes: Uint8Array } | undefined;
  private position = 0;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private warned = false;

  constructor(logDir: string, options: EventFileWriterOptions = {}) {
    this.logDir = logDir;
    this.maxQueue = options.maxQueue ?? 10;
    mkdirSync(logDir, { recursive: true });
    const time = String(Math.floor(Date.now() / 1000)).padStart(10, '0');
    const name = `events.out.tfevents.${time}.${hostname()}.${process.pid}.${globalUid++}`;
    this.path = join(logDir, name + (options.filenameSuffix ?? ''));
    this.fd = openSync(this.path, 'wx');
    // The file is a valid event file from the start, as TensorBoard's own writer makes it.
    this.addEvent({ wallTime: Date.now() / 1000, step: 0, fileVersion: 'brain.Event:2' });
    this.flushSync();
    this.timer = setInterval(() => this.backgroundFlush(), (options.flushSecs ?? 120) * 1000);
    this.timer.unref();
    trackWriter(this);
  }

  /** Queues one event; a full queue (maxQueue) starts a background write. Throws once closed. */
  addEvent(event: Event): void {
    if (this.closed) throw new Error(`EventFileWriter: ${this.path} is closed`);
    this.queue.push(encodeRecord(encodeEvent(event)));
    if (this.queue.length >= this.maxQueue) this.backgroundFlush();
  }

  /** Whether events are queued but not yet handed to the file. */
  hasPending(): boolean {
    return this.queue.length > 0;
  }

  /** Writes and fsyncs everything queued so far; resolves once it is on disk. */
  flush(): Promise<void> {
    const next = this.chain.then(() => this.writeQueued());
    this.chain = next.catch(() => {});
    return next;
  }

  /** Flushes, then closes the file; further addEvent calls throw. Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.timer);
    await this.flush();
    this.closeSync();
  }

  /** close() done synchronously, for process exit and code that cannot await. */
  closeSync(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    this.flushSync();
    closeSync(this.fd);
    this.closed = true;
    untrackWriter(this);
  }

  private backgroundFlush(): void {
    this.flush().catch((err: Error) => {
      if (this.warned) return;
      this.warned = true;
      process.emitWarning(`@tensile/board: could not write ${this.path}: ${err.message}`);
    });
  }

  private async writeQueued(): Promise<void> {
    if (this.queue.length === 0 || this.closed) return;
    const bytes = concatBytes(this.queue.splice(0));
    this.inflight = { position: this.position, bytes };
    for (let done = 0; done < bytes.length; ) {
      const { bytesWritten } = await writeAsync(
        this.fd,
        bytes,
        done,
        bytes.length - done,
        this.position + done,
      );
      done += bytesWritten;
    }
    await fsyncAsync(this.fd);
    this.position += bytes.length;
    this.inflight = undefined;
  }

  private flushSync(): void {
    const start = this.inflight?.position ?? this.position;
    const pending = this.inflight ? [this.inflight.bytes, ...this.queue] : this.queue;
    if (pending.length === 0) return;
    const bytes = concatBytes(pending);
    for (let done = 0; done < bytes.length; ) {
      done += writeSync(this.fd, bytes, done, bytes.length - done, start + done);
    }
    fsyncSync(this.fd);
    this.queue = [];
    this.inflight = undefined;
    this.position = start + bytes.length;
  }
}
