import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { basename, join } from 'node:path';
import { progress } from '@tensile/data';
import { DownloadError } from '../errors';
import { calculateMd5, checkIntegrity } from './files';

export interface DownloadOptions {
  /** File name in `root`; default the URL's last path segment. */
  filename?: string;
  /** Expected md5 (hex); the download is verified and refused on a mismatch. */
  md5?: string;
  /** Attempts after the first when the connection fails; each resumes where the last stopped. */
  maxRetries?: number;
  /** Draw a progress bar (on stderr); default true. */
  progress?: boolean;
  /** Refuse a response longer than this many bytes (default 16 GiB). */
  maxBytes?: number;
}

const MAX_BYTES = 2 ** 34;

/** A failure worth another attempt: a dropped connection, or a server busy for now (5xx, 429). */
class Transient extends Error {}

const USER_AGENT = 'tensile/vision';
const UNIT = 1024; // the progress bar counts KiB

function request(url: string, offset: number): Promise<IncomingMessage> {
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT };
  if (offset > 0) headers.Range = `bytes=${offset}-`;
  return new Promise((resolve, reject) => {
    const req = get(url, { headers }, resolve);
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`no data from ${url} for 60 s`)));
  });
}

/** Ticks once per KiB received, so that progress() shows the bytes. */
async function* kibibytes(
  res: IncomingMessage,
  sink: NodeJS.WritableStream,
  start: number,
  expected: number | undefined,
  closed: Promise<void>,
  maxBytes: number,
) {
  let received = 0;
  let ticked = Math.floor(start / UNIT);
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (start + received + chunk.length > maxBytes) {
      res.destroy();
      throw new DownloadError(`download: the response passed ${maxBytes} bytes (maxBytes)`);
    }
    // A write error (a full disk) ends the wait too: 'drain' would never come.
    if (!sink.write(chunk)) await Promise.race([new Promise((r) => sink.once('drain', r)), closed]);
    received += chunk.length;
    for (const end = Math.floor((start + received) / UNIT); ticked < end; ticked++) yield ticked;
  }
  if (expected !== undefined && received < expected) {
    throw new Transient(`connection closed after ${received} of ${expected} bytes`);
  }
}

/** `bytes start-end/total` of a 206 answer: its first byte, or NaN. */
function rangeStart(header: string | undefined): number {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header ?? '');
  return m ? Number(m[1]) : Number.NaN;
}

/** One attempt: appends to `part` from its current size (HTTP Range), following redirects. */
async function fetchInto(
  url: string,
  part: string,
  opts: { progress: boolean; maxBytes: number },
  hops = 0,
): Promise<void> {
  const offset = existsSync(part) ? statSync(part).size : 0;
  const res = await request(url, offset);
  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400 && res.headers.location) {
    res.resume();
    if (hops >= 3) throw new DownloadError(`download: too many redirects from ${url}`);
    return fetchInto(new URL(res.headers.location, url).href, part, opts, hops + 1);
  }
  if (status === 416 && offset > 0) {
    res.resume(); // the part is already whole
    return;
  }
  if (status === 429 || (status >= 500 && status < 600)) {
    res.resume();
    throw new Transient(`${url} answered HTTP ${status}`);
  }
  if (status !== 200 && status !== 206) {
    res.resume();
    throw new DownloadError(`download: ${url} answered HTTP ${status}`);
  }
  if (
    /^text\/html/i.test(res.headers['content-type'] ?? '') &&
    !/\.html?$/i.test(part.slice(0, -5))
  ) {
    res.resume();
    throw new DownloadError(
      `download: ${url} answered with an HTML page, not the file (a login, error or mirror page?)`,
    );
  }
  if (status === 206 && rangeStart(res.headers['content-range']) !== offset) {
    // The server sent another part than the one asked for: the partial file cannot be trusted.
    res.resume();
    rmSync(part, { force: true });
    throw new Transient(
      `${url} answered Range ${offset}- with Content-Range '${res.headers['content-range'] ?? ''}'`,
    );
  }
  // A server that ignores Range sends the whole file (200): start over.
  const start = status === 206 ? offset : 0;
  const length = res.headers['content-length'] ? Number(res.headers['content-length']) : undefined;
  if (length !== undefined && start + length > opts.maxBytes) {
    res.resume();
    throw new DownloadError(
      `download: ${url} is ${start + length} bytes, more than maxBytes (${opts.maxBytes})`,
    );
  }
  const sink = createWriteStream(part, { flags: start > 0 ? 'a' : 'w' });
  const closed = new Promise<void>((resolve, reject) => {
    sink.on('close', resolve);
    sink.on('error', reject);
  });
  // Awaited below; until then a write error must not surface as an unhandled rejection.
  closed.catch(() => {});
  let failure: unknown = null;
  try {
    const ticks = kibibytes(res, sink, start, length, closed, opts.maxBytes);
    const total = length === undefined ? undefined : Math.floor((start + length) / UNIT);
    const bar = opts.progress ? progress(ticks, { total, desc: basename(part, '.part') }) : ticks;
    for await (const _ of bar) {
      // the bar advances as bytes arrive
    }
  } catch (e) {
    res.destroy();
    failure = e;
  }
  sink.end();
  // A write error (a full disk) comes first: the read may have failed because of it.
  const writeError = await closed.then(
    () => null,
    (e: Error) => e,
  );
  if (writeError) throw new DownloadError(`download: cannot write ${part}: ${writeError.message}`);
  if (failure) throw failure;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * torchvision's download_url: fetches `url` into `root/filename` unless a file with the right
 * md5 is there. Failed connections are retried, resuming the partial `.part` file with HTTP
 * Range; the result is verified against `md5` before it takes its final name.
 */
export async function downloadUrl(
  url: string,
  root: string,
  opts: DownloadOptions = {},
): Promise<string> {
  const filename = opts.filename ?? basename(new URL(url).pathname);
  const path = join(root, filename);
  if (checkIntegrity(path, opts.md5)) return path;
  mkdirSync(root, { recursive: true });
  const part = `${path}.part`;
  // Without an md5 nothing would tell a stale part of another file from this one's: start over.
  if (opts.md5 === undefined) rmSync(part, { force: true });
  const retries = opts.maxRetries ?? 3;
  const fetchOpts = { progress: opts.progress ?? true, maxBytes: opts.maxBytes ?? MAX_BYTES };
  for (let attempt = 0; ; attempt++) {
    try {
      await fetchInto(url, part, fetchOpts);
      break;
    } catch (e) {
      // A dropped connection or a busy server is worth another attempt; a DownloadError is final.
      const retryable = e instanceof Transient || !(e instanceof DownloadError);
      if (!retryable || attempt >= retries) {
        throw e instanceof DownloadError
          ? e
          : new DownloadError(
              `download: ${url} failed after ${attempt + 1} attempts: ${(e as Error).message}`,
            );
      }
      await sleep(100 * 2 ** attempt);
    }
  }
  if (opts.md5 !== undefined) {
    const got = calculateMd5(part);
    if (got !== opts.md5) {
      rmSync(part);
      throw new DownloadError(
        `download: ${filename} from ${url} has md5 ${got}, expected ${opts.md5}; the corrupt file was removed`,
      );
    }
  }
  renameSync(part, path);
  return path;
}

/** A file to fetch: its name, md5, and the URLs to try in order. */
export interface Resource {
  filename: string;
  md5: string;
  urls: readonly string[];
}

/** Downloads each resource into `dir` from the first URL that works, https ones tried first. */
export async function downloadResources(
  name: string,
  dir: string,
  resources: readonly Resource[],
): Promise<void> {
  const secure = (u: string) => (u.startsWith('https:') ? 0 : 1);
  for (const r of resources) {
    const errors: string[] = [];
    let done = false;
    for (const url of [...r.urls].sort((a, b) => secure(a) - secure(b))) {
      try {
        await downloadUrl(url, dir, { filename: r.filename, md5: r.md5 });
        done = true;
        break;
      } catch (e) {
        errors.push(`${url}: ${(e as Error).message}`);
      }
    }
    if (!done)
      throw new DownloadError(
        `${name}: could not download ${r.filename}:\n  ${errors.join('\n  ')}\n${manualHint(dir, resources)}`,
      );
  }
}

/** Where to put the files by hand when there is no network. */
export function manualHint(dir: string, resources: readonly Resource[]): string {
  const lines = resources.map((r) => `  ${r.filename} (md5 ${r.md5}) from ${r.urls[0]}`);
  return `Without a network, download these files by hand and put them in ${dir}:\n${lines.join('\n')}`;
}
