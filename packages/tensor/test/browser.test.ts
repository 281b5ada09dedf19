import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The CPU backend's WebAssembly kernels in a real browser (Debian's Chromium): they load from
 * the bundle, run on one thread (on Web Workers too in a cross-origin isolated page), and agree
 * with float64 products; where WebAssembly SIMD is missing the JavaScript kernels take over
 * with a one-line notice.
 */
const CHROMIUM = '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));

async function bundle(): Promise<string> {
  const out = await build({
    entryPoints: [join(here, 'browser/entry.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

interface PageResult {
  error?: string;
  info: { tier: string; threads: number; note?: string; workerTasks?: number };
  worst: number[];
  warnings: string[];
}

/**
 * Runs the bundle in a fresh page; `before` runs in the page first. With `isolated`, the page
 * is served from localhost with the COOP/COEP headers that make it cross-origin isolated
 * (SharedArrayBuffer, so Web Workers can share the kernels' memory).
 */
async function inChromium(script: string, before = '', isolated = false): Promise<PageResult> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    const warnings: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    if (isolated) {
      await page.goto(await serveIsolated(`${before}\n${script}`));
    } else {
      await page.setContent('<!doctype html><title>tensile cpu kernels</title>');
      if (before) await page.addScriptTag({ content: before });
      await page.addScriptTag({ content: script });
    }
    await page.waitForFunction('window.done === true', undefined, { timeout: 60_000 });
    const r = (await page.evaluate(
      '({ error: window.error, info: window.info, worst: window.worst })',
    )) as Omit<PageResult, 'warnings'>;
    return { ...r, warnings };
  } finally {
    await browser.close();
  }
}

const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

/** A localhost page (and its script) sent with the headers of cross-origin isolation. */
async function serveIsolated(script: string): Promise<string> {
  const headers = {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
  };
  const server = createServer((req, res) => {
    if (req.url === '/bundle.js') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/javascript' });
      res.end(script);
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>tensile cpu kernels</title><script src="/bundle.js"></script>');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const skipped = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (skipped)
  console.warn(`browser test skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);

describe.skipIf(skipped)('CPU kernels in Chromium', () => {
  it('run the WebAssembly SIMD GEMM on one thread and agree with float64', async () => {
    const r = await inChromium(await bundle());
    expect(r.error).toBeUndefined();
    expect(r.info).toEqual({
      tier: 'wasm-simd',
      threads: 1,
      note: 'no worker threads with shared memory here: one thread',
    });
    for (const e of r.worst) expect(e).toBeLessThan(1e-4);
    expect(r.warnings).toEqual([]);
  }, 120_000);

  it('run on Web Workers too where the page is cross-origin isolated', async () => {
    const r = await inChromium(await bundle(), 'window.threads = 2;', true);
    expect(r.error).toBeUndefined();
    expect(r.info.tier).toBe('wasm-simd');
    expect(r.info.threads).toBe(2);
    expect(r.info.note).toBeUndefined();
    expect(r.info.workerTasks).toBeGreaterThan(0);
    for (const e of r.worst) expect(e).toBeLessThan(1e-4);
    expect(r.warnings).toEqual([]);
  }, 120_000);

  it('fall back to the JavaScript kernels, with a notice, where SIMD is missing', async () => {
    // A runtime without SIMD fails to validate any module that uses v128.
    const noSimd = `{
      const validate = WebAssembly.validate;
      WebAssembly.validate = (bytes) => !new Uint8Array(bytes).includes(0x7b) && validate(bytes);
    }`;
    const r = await inChromium(await bundle(), noSimd);
    expect(r.error).toBeUndefined();
    expect(r.info.tier).toBe('js');
    for (const e of r.worst) expect(e).toBeLessThan(1e-4);
    expect(r.warnings).toEqual([
      'tensile: this runtime has no WebAssembly SIMD; the CPU backend runs its JavaScript kernels',
    ]);
  }, 120_000);
});
