import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoardServer, startBoard } from '../src/index';
import { writeDashboardRuns } from './dashboard-data';
import { tempDir } from './helpers';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
const available = existsSync(CHROMIUM);

if (!available && !process.env.CI) {
  console.warn(`browser test skipped: ${CHROMIUM} not found (apt-get install -y chromium)`);
}

describe.skipIf(!available && !process.env.CI)('dashboard in headless Chromium', () => {
  let server: BoardServer;

  beforeAll(async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing; CI must install Debian's chromium`);
    const logDir = tempDir();
    await writeDashboardRuns(logDir);
    server = await startBoard({ logDir, port: 0 });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('renders charts, images, safe text, hparams and the graph', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      await page.goto(server.url);
      await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
      // train/loss, train/accuracy, lr, test/loss, loss/lower, loss/upper and the hparams metric.
      expect(await page.locator('.scalar-card').count()).toBe(7);
      // A constant lr of 0.01 reads as 0.01 on its axis; a one-point chart repeats no x label.
      const labels = (tag: string, axis: string) =>
        page.locator(`.scalar-card[data-tag="${tag}"] text.${axis}`).allTextContents();
      expect(await labels('lr', 'y-tick')).toContain('0.01');
      for (const tag of ['lr', 'hparam/accuracy']) {
        const xs = await labels(tag, 'x-tick');
        expect(xs.length, tag).toBeGreaterThan(0);
        expect(new Set(xs).size, `${tag}: ${xs}`).toBe(xs.length);
      }
      expect(await page.locator('.scalar-card[data-tag="train/loss"] path.series').count()).toBe(2);
      const d = await page
        .locator('.scalar-card[data-tag="train/loss"] path.series')
        .first()
        .getAttribute('d');
      expect(d?.split('L').length).toBe(50);
      expect(await page.locator('svg.histogram path').count()).toBeGreaterThan(4);
      // Step labels sit right of every outline, not over the bars.
      const [labelsLeft, barsRight] = await page
        .locator('svg.histogram')
        .first()
        .evaluate((svg) => [
          Math.min(
            ...[...svg.querySelectorAll('text.step-label')].map(
              (t) => t.getBoundingClientRect().left,
            ),
          ),
          Math.max(
            ...[...svg.querySelectorAll('path')].map((p) => p.getBoundingClientRect().right),
          ),
        ]);
      expect(await page.locator('svg.histogram text.step-label').count()).toBeGreaterThan(1);
      expect(labelsLeft).toBeGreaterThan(barsRight);
      // A density axis on the left, clear of the outlines: 0 and at least one more tick.
      const [ticksRight, barsLeft, tickText] = await page
        .locator('svg.histogram')
        .first()
        .evaluate((svg) => [
          Math.max(
            ...[...svg.querySelectorAll('text.y-tick')].map((t) => t.getBoundingClientRect().right),
          ),
          Math.min(...[...svg.querySelectorAll('path')].map((p) => p.getBoundingClientRect().left)),
          [...svg.querySelectorAll('text.y-tick')].map((t) => t.textContent),
        ]);
      expect(tickText).toContain('0');
      expect((tickText as string[]).length).toBeGreaterThan(1);
      expect(ticksRight).toBeLessThanOrEqual(barsLeft as number);
      // PR curves: one card per tag, a curve per run at its latest step.
      expect(await page.locator('.pr-card[data-tag="pr/positive"] path.series').count()).toBe(2);
      expect(await page.locator('.pr-card .sub').first().textContent()).toContain('step 40');
      // Custom scalars: the multiline chart has both tags for both runs; the margin chart a band.
      const multi = page.locator('.custom-chart[data-title="train and test loss"] path.series');
      expect(await multi.count()).toBe(4);
      const margin = page.locator('.custom-chart[data-title="loss with margin"]');
      expect(await margin.locator('path.series').count()).toBe(2);
      expect(await margin.locator('path.band').count()).toBe(2);
      // Projector: 40 thumbnails of the sprite, two labels, the clusters apart along PC 1.
      const emb = page.locator('.embedding-card[data-tag="clusters:00000"]');
      expect(await emb.locator('svg.thumb').count()).toBe(40);
      expect(await emb.locator('.legend-item').allTextContents()).toEqual(['red', 'blue']);
      expect(await emb.locator('.sub').textContent()).toMatch(
        /40 points of 5 values · PCA: 9\d\.\d%/,
      );
      const sprite = await page.evaluate(
        "fetch(document.querySelector('.embedding-card svg.thumb image').getAttribute('href')).then((r) => r.headers.get('content-type'))",
      );
      expect(sprite).toBe('image/png');
      const widths = await page.locator('.image-card img').evaluateAll((imgs) =>
        Promise.all(
          // The test's tsconfig has no DOM lib: describe the image element structurally.
          (imgs as unknown as { decode(): Promise<void>; naturalWidth: number }[]).map((img) =>
            img.decode().then(() => img.naturalWidth),
          ),
        ),
      );
      expect(widths).toEqual([32, 32]);
      await page.locator('.image-card input[type=range]').first().fill('0');
      expect(await page.locator('.image-card .sub').first().textContent()).toContain('step 0');
      const text = page.locator('#text .markdown').first();
      expect(await text.locator('strong').textContent()).toBe('0.15');
      expect(await text.textContent()).toContain('<script>window.__xss = 1</script>');
      expect(
        await page.locator('#text script, #text img, #text a[href^="javascript"]').count(),
      ).toBe(0);
      expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator('table.hparams tbody tr').count()).toBe(2);
      expect(await page.locator('svg.graph g.node').count()).toBe(5);
      const swatchColor =
        "getComputedStyle(document.querySelector('#runs .swatch')).backgroundColor";
      expect(await page.evaluate(swatchColor)).toBe('rgb(232, 113, 10)');
      await page.selectOption('#x-axis', 'relative');
      expect(await page.locator('.scalar-card svg text', { hasText: 'h' }).count()).toBeGreaterThan(
        0,
      );
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  }, 120_000);
});
