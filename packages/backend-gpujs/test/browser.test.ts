import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * The backend in a real browser: Debian's Chromium, WebGL through SwiftShader (no GPU here).
 * The page runs the same ops on 'cpu' and on 'gpu' and the results must agree.
 */
const CHROMIUM = '/usr/bin/chromium';
const here = dirname(fileURLToPath(import.meta.url));

async function bundle(): Promise<string> {
  const require = createRequire(import.meta.url);
  // gpu.js's browser build: its Node entry would pull in the gl addon.
  const gpujs = join(dirname(require.resolve('gpu.js/package.json')), 'dist/gpu-browser.js');
  const out = await build({
    entryPoints: [join(here, 'browser/entry.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    conditions: ['@tensile/source'],
    alias: { 'gpu.js': gpujs },
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

const skipped = !existsSync(CHROMIUM) && process.env.CI !== 'true';
if (skipped)
  console.warn(`browser test skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);

describe.skipIf(skipped)('gpu backend in Chromium', () => {
  it('runs on WebGL and agrees with the CPU', async () => {
    const script = await bundle();
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.setContent('<!doctype html><title>tensile gpu</title>');
      await page.addScriptTag({ content: script });
      await page.waitForFunction('window.done === true', undefined, { timeout: 60_000 });
      const r = (await page.evaluate(
        '({ error: window.error, available: window.available, info: window.info, cpu: window.cpu, gpu: window.gpu })',
      )) as {
        error?: string;
        available: boolean;
        info: { mode: string; renderer: string };
        cpu: number[][];
        gpu: number[][];
      };
      expect(r.error).toBeUndefined();
      expect(r.available).toBe(true);
      expect(r.info.mode).toMatch(/^webgl2?$/);
      console.log(`browser gpu: ${JSON.stringify(r.info)}`);
      for (const [k, want] of r.cpu.entries()) {
        expect(r.gpu[k].length).toBe(want.length);
        const worst = Math.max(
          ...want.map((v, i) => Math.abs(r.gpu[k][i] - v) / (1 + Math.abs(v))),
        );
        expect(worst).toBeLessThan(1e-5);
      }
    } finally {
      await browser.close();
    }
  }, 120_000);
});
