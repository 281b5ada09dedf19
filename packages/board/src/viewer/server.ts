import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LogDirLoader } from '../reader/log-dir';
import type { RunData } from '../reader/run-data';
import {
  graphView,
  histogramsView,
  hparamsView,
  imagesView,
  runsView,
  scalarsView,
  textView,
} from './api';

export interface BoardServerOptions {
  logDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Loopback unless told otherwise. */
  host?: string;
  /** Minimum milliseconds between re-reads of the log dir. */
  reloadMs?: number;
}

export interface BoardServer {
  url: string;
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

function send(res: ServerResponse, status: number, body: string | Uint8Array, type: string): void {
  res.writeHead(status, {
    ...HEADERS,
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

const json = (res: ServerResponse, value: unknown) =>
  send(res, 200, JSON.stringify(value), 'application/json');
const notFound = (res: ServerResponse) => send(res, 404, 'not found', 'text/plain; charset=utf-8');

type Route = (runs: Record<string, RunData>, q: URLSearchParams, res: ServerResponse) => void;

const ROUTES: Record<string, Route> = {
  '/api/runs': (runs, _, res) => json(res, runsView(runs)),
  '/api/scalars': (runs, _, res) => json(res, scalarsView(runs)),
  '/api/histograms': (runs, _, res) => json(res, histogramsView(runs)),
  '/api/images': (runs, _, res) => json(res, imagesView(runs)),
  '/api/text': (runs, _, res) => json(res, textView(runs)),
  '/api/hparams': (runs, _, res) => json(res, hparamsView(runs)),
  '/api/graph': (runs, q, res) => json(res, graphView(lookup(runs, q.get('run')))),
  '/api/image': (runs, q, res) => {
    // Run and tag are only ever keys into loaded data, never file paths.
    const series = lookup(runs, q.get('run'))?.images;
    const tag = q.get('tag') ?? '';
    const point =
      series && Object.hasOwn(series, tag) ? series[tag][Number(q.get('index'))] : undefined;
    if (!point) return notFound(res);
    send(res, 200, point.encoded, imageType(point.encoded));
  },
};

function lookup(runs: Record<string, RunData>, name: string | null): RunData | undefined {
  return name !== null && Object.hasOwn(runs, name) ? runs[name] : undefined;
}

/** Serves the dashboard for `logDir`, re-reading appended events at most every `reloadMs`. */
export async function startBoard(options: BoardServerOptions): Promise<BoardServer> {
  const assets = loadAssets();
  const loader = new LogDirLoader(options.logDir, (err) =>
    console.error(`tensile-board: ${err.message}`),
  );
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
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'method not allowed', 'text/plain');
    if (!hostAllowed(req, host)) return send(res, 403, 'forbidden host', 'text/plain');
    const url = new URL(req.url ?? '/', 'http://board.invalid');
    const asset = assets.get(url.pathname);
    if (asset) return send(res, 200, asset.body, asset.type);
    const route = Object.hasOwn(ROUTES, url.pathname) ? ROUTES[url.pathname] : undefined;
    if (!route) return notFound(res);
    await fresh();
    route(loader.snapshot(), url.searchParams, res);
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
