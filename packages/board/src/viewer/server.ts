import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogDirLoader } from '../reader/log-dir';
import type { SamplesPerPlugin } from '../reader/reservoir';
import type { RunData } from '../reader/run-data';
import {
  customScalarsView,
  graphView,
  histogramsView,
  hparamsView,
  imagesView,
  prCurvesView,
  runsView,
  scalarsView,
  textView,
} from './api';
import { embeddingsView, spriteFile } from './projector';

/**
 * Options of startBoard, after TensorBoard's command line (--logdir, --port, --host,
 * --samples_per_plugin).
 */
export interface BoardServerOptions {
  /** The directory whose runs (every subdirectory holding event files) are shown. */
  logDir: string;
  /** Default 6006, TensorBoard's; 0 picks a free port (read it from BoardServer.url). */
  port?: number;
  /** The interface to listen on (default '127.0.0.1', loopback only, as TensorBoard's default). */
  host?: string;
  /** Minimum milliseconds between re-reads of the log dir (default 1000). */
  reloadMs?: number;
  /** Points kept per tag by plugin name, as TensorBoard's `--samples_per_plugin` (0: all). */
  samplesPerPlugin?: SamplesPerPlugin;
}

/** A running dashboard. */
export interface BoardServer {
  /** Where it listens, e.g. http://127.0.0.1:6006/. */
  url: string;
  /** Stops the server; resolves once it has closed. */
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

const HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  // Defense in depth: even injected markup could neither run script nor load from elsewhere.
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'",
  'Cache-Control': 'no-store',
};

// src/viewer/ in development, dist/ once built: client/ sits at the package root.
function clientDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const found = [join(here, '../../client'), join(here, '../client')].find((d) =>
    existsSync(join(d, 'index.html')),
  );
  if (!found) throw new Error(`@tensile/board: client assets not found near ${here}`);
  return found;
}

/** Static files by exact name only: no path from a URL ever reaches the file system. */
function loadAssets(): Map<string, { body: Buffer; type: string }> {
  const dir = clientDir();
  const assets = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(dir)) {
    const type = MIME[extname(name)];
    if (type) assets.set(`/${name}`, { body: readFileSync(join(dir, name)), type });
  }
  assets.set('/', assets.get('/index.html')!);
  return assets;
}

function imageType(bytes: Uint8Array): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x47 && bytes[1] === 0x49) return 'image/gif';
  return 'application/octet-stream';
}

function send(
  res: ServerResponse,
  status: number,
  body: string | Uint8Array,
  type: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    ...HEADERS,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

const notFound = (res: ServerResponse) => send(res, 404, 'not found', 'text/plain; charset=utf-8');

type Runs = Record<string, RunData>;

/** JSON views, each with the query parameters it reads (the rest of a URL is ignored). */
/** What a view may read besides the runs: the log dir and the label of its own run. */
interface ViewContext {
  logDir: string;
  rootLabel: string;
}

const VIEWS: Record<
  string,
  {
    params: string[];
    view: (runs: Runs, q: URLSearchParams, ctx: ViewContext) => unknown;
    /** Reads files besides the event files (the projector's): not keyed by the loader's version. */
    files?: true;
  }
> = {
  '/api/runs': { params: [], view: (runs, _q, ctx) => runsView(runs, ctx.rootLabel) },
  '/api/embeddings': {
    params: [],
    view: (runs, _q, ctx) => embeddingsView(ctx.logDir, Object.keys(runs)),
    files: true,
  },
  '/api/scalars': { params: [], view: scalarsView },
  '/api/histograms': { params: [], view: (runs) => histogramsView(runs) },
  '/api/images': { params: [], view: imagesView },
  '/api/text': { params: [], view: textView },
  '/api/hparams': { params: [], view: hparamsView },
  '/api/pr-curves': { params: [], view: prCurvesView },
  '/api/custom-scalars': { params: [], view: customScalarsView },
  '/api/graph': { params: ['run'], view: (runs, q) => graphView(lookup(runs, q.get('run'))) },
};

function lookup(runs: Runs, name: string | null): RunData | undefined {
  return name !== null && Object.hasOwn(runs, name) ? runs[name] : undefined;
}

function sendImage(runs: Runs, q: URLSearchParams, res: ServerResponse): void {
  // Run and tag are only ever keys into loaded data, never file paths.
  const series = lookup(runs, q.get('run'))?.images;
  const tag = q.get('tag') ?? '';
  const point =
    series && Object.hasOwn(series, tag) ? series[tag][Number(q.get('index'))] : undefined;
  if (point) send(res, 200, point.encoded, imageType(point.encoded));
  else notFound(res);
}

/** Serialized views kept per (view, parameters); more than this and the oldest goes. */
const CACHED_BODIES = 64;

/**
 * JSON bodies shared by every client: a view is serialized once per change of the log dir, not
 * once per poll of each open page, and the number kept is bounded, so memory does not grow
 * with clients or with the URLs they invent.
 */
class BodyCache {
  private readonly bodies = new Map<string, { version: number; body: string }>();

  get(key: string, version: number, make: () => unknown): string {
    const hit = this.bodies.get(key);
    if (hit?.version === version) return hit.body;
    const body = JSON.stringify(make());
    this.bodies.delete(key);
    this.bodies.set(key, { version, body });
    if (this.bodies.size > CACHED_BODIES) this.bodies.delete(this.bodies.keys().next().value!);
    return body;
  }
}

/** Serves the dashboard for `logDir`, re-reading appended events at most every `reloadMs`. */
export async function startBoard(options: BoardServerOptions): Promise<BoardServer> {
  const assets = loadAssets();
  // `--logdir runs/fashion-mnist` shows its own events as the run 'fashion-mnist', not '.'.
  const rootLabel = basename(resolve(options.logDir)) || '.';
  const loader = new LogDirLoader(options.logDir, {
    onError: (err) => console.error(`tensile-board: ${err.message}`),
    samplesPerPlugin: options.samplesPerPlugin,
  });
  const reloadMs = options.reloadMs ?? 1000;
  let lastReload = Number.NEGATIVE_INFINITY;
  let reloading: Promise<void> | undefined;
  const fresh = async () => {
    if (Date.now() - lastReload < reloadMs) return;
    reloading ??= loader.reload().finally(() => {
      lastReload = Date.now();
      reloading = undefined;
    });
    await reloading;
  };

  const host = options.host ?? '127.0.0.1';
  const bodies = new BodyCache();
  // Tags a body with this server and the loader's version, so a browser revalidates a poll
  // with If-None-Match and an unchanged view costs a 304 and no JSON.
  const instance = Date.now().toString(36);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'method not allowed', 'text/plain');
    if (!hostAllowed(req, host)) return send(res, 403, 'forbidden host', 'text/plain');
    const url = new URL(req.url ?? '/', 'http://board.invalid');
    const asset = assets.get(url.pathname);
    if (asset) return send(res, 200, asset.body, asset.type);
    if (url.pathname === '/api/image') {
      await fresh();
      return sendImage(loader.snapshot(), url.searchParams, res);
    }
    if (url.pathname === '/api/sprite') {
      await fresh();
      // The run must be a loaded one; the file, one its projector config names inside it.
      const run = url.searchParams.get('run') ?? '';
      const file = Object.hasOwn(loader.snapshot(), run)
        ? spriteFile(join(options.logDir, run), Number(url.searchParams.get('index')))
        : null;
      return file ? send(res, 200, readFileSync(file), 'image/png') : notFound(res);
    }
    const route = Object.hasOwn(VIEWS, url.pathname) ? VIEWS[url.pathname] : undefined;
    if (!route) return notFound(res);
    await fresh();
    const q = url.searchParams;
    const ctx = { logDir: options.logDir, rootLabel };
    if (route.files) {
      // Its own cache is by the projector files' mtime and size (projector.ts).
      const body = JSON.stringify(route.view(loader.snapshot(), q, ctx));
      return send(res, 200, body, 'application/json', { 'Cache-Control': 'no-cache' });
    }
    const key = [url.pathname, ...route.params.map((p) => `${p}=${q.get(p) ?? ''}`)].join('?');
    const etag = `"${instance}-${loader.version}"`;
    const cacheHeaders = { ETag: etag, 'Cache-Control': 'no-cache' };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ...HEADERS, ...cacheHeaders });
      return res.end();
    }
    const body = bodies.get(key, loader.version, () => route.view(loader.snapshot(), q, ctx));
    send(res, 200, body, 'application/json', cacheHeaders);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) =>
      send(res, 500, err.message, 'text/plain; charset=utf-8'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 6006, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;

/**
 * A server bound to loopback answers only requests addressed to a loopback name, so a web page
 * cannot reach it through DNS rebinding (a hostile name that resolves to 127.0.0.1).
 */
function hostAllowed(req: IncomingMessage, boundHost: string): boolean {
  if (!LOOPBACK.test(boundHost)) return true;
  const name = (req.headers.host ?? '').replace(/:\d+$/, '');
  return LOOPBACK.test(name);
}
