/**
 * The board at scale (issue 21): long runs are reservoir-sampled as TensorBoard samples them,
 * files are read a chunk at a time and only where they grew, unchanged directories are not
 * listed again, and the server serializes a view once per change for every client.
 */

import { appendFileSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeEvent, encodeRecord, LogDirLoader, loadRuns, startBoard } from '../src/index';
import { Reservoir } from '../src/reader/reservoir';
import { parseCliArgs } from '../src/viewer/cli-args';
import { tempDir } from './helpers';

vi.mock('node:fs/promises', async (original) => {
  const fs = await original<typeof import('node:fs/promises')>();
  return { ...fs, open: vi.fn(fs.open), readdir: vi.fn(fs.readdir) };
});

afterEach(() => vi.clearAllMocks());

const FILE = 'events.out.tfevents.1.host';

/** Framed Events with one scalar each, steps from `first`. */
function scalars(tag: string, count: number, first = 0): Buffer {
  const records: Uint8Array[] = [];
  for (let step = first; step < first + count; step++) {
    const value = [{ tag, simpleValue: step }];
    records.push(encodeRecord(encodeEvent({ wallTime: step, step, summary: { value } })));
  }
  return Buffer.concat(records);
}

function image(tag: string, step: number, bytes: Uint8Array): Buffer {
  const value = [{ tag, image: { width: 1, height: 1, colorspace: 1, encodedImageString: bytes } }];
  return Buffer.from(encodeRecord(encodeEvent({ wallTime: step, step, summary: { value } })));
}

/** A directory whose listing counts as settled (last changed a minute ago). */
function settle(dir: string): void {
  const past = Date.now() / 1000 - 60;
  utimesSync(dir, past, past);
}

describe('Reservoir', () => {
  it('keeps everything up to its size, then a uniform sample ending in the latest item', () => {
    const r = new Reservoir<number>(100);
    const items = r.items;
    for (let i = 0; i < 50; i++) r.add(i);
    expect(r.items).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (let i = 50; i < 100_000; i++) r.add(i);
    expect(r.items).toBe(items);
    expect(r.items).toHaveLength(100);
    expect(r.items.at(-1)).toBe(99_999);
    expect([...r.items].sort((a, b) => a - b)).toEqual(r.items);
    // Uniform over the stream: about half the sample from each half (binomial sd ~5).
    expect(r.items.filter((i) => i < 50_000).length).toBeGreaterThan(30);
    expect(r.items.filter((i) => i < 50_000).length).toBeLessThan(70);
    const again = new Reservoir<number>(100);
    for (let i = 0; i < 100_000; i++) again.add(i);
    expect(again.items).toEqual(r.items);
  });

  it('keeps everything at size 0, and filters in place', () => {
    const r = new Reservoir<number>(0);
    for (let i = 0; i < 5000; i++) r.add(i);
    expect(r.items).toHaveLength(5000);
    const items = r.items;
    r.filter((i) => i < 10);
    expect(r.items).toBe(items);
    expect(r.items).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('loading long runs', { timeout: 120_000 }, () => {
  it('samples 200,000 scalars to 1,000 per tag by default, all under samplesPerPlugin 0', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, FILE), scalars('loss', 200_000));
    const sampled = (await loadRuns(dir))['.'].scalars.loss;
    expect(sampled).toHaveLength(1000);
    expect(sampled.at(-1)?.value).toBe(199_999);
    const steps = sampled.map((p) => p.step);
    expect(steps).toEqual([...steps].sort((a, b) => a - b));
    const all = await loadRuns(dir, { samplesPerPlugin: { scalars: 0 } });
    expect(all['.'].scalars.loss.map((p) => p.step)).toEqual(
      Array.from({ length: 200_000 }, (_, i) => i),
    );
  });

  it('keeps 10 images per tag, each its own copy of the bytes', async () => {
    const dir = tempDir();
    const bytes = Buffer.concat(
      Array.from({ length: 30 }, (_, step) => image('sample', step, Uint8Array.of(step))),
    );
    writeFileSync(join(dir, FILE), bytes);
    const kept = (await loadRuns(dir))['.'].images.sample;
    expect(kept).toHaveLength(10);
    expect(kept.at(-1)?.encoded).toEqual(Uint8Array.of(29));
    expect(kept.every((p) => p.encoded.buffer.byteLength === 1)).toBe(true);
  });

  it('reads a file larger than its chunk, with a record larger than the chunk, in order', async () => {
    const dir = tempDir();
    const big = new Uint8Array(9 << 20).map((_, i) => i % 251);
    const path = join(dir, FILE);
    writeFileSync(path, Buffer.concat([scalars('loss', 150_000), image('big', 7, big)]));
    appendFileSync(path, scalars('loss', 10, 150_000));
    const run = (await loadRuns(dir, { samplesPerPlugin: { scalars: 0 } }))['.'];
    expect(run.scalars.loss).toHaveLength(150_010);
    expect(run.scalars.loss.every((p, i) => p.step === i)).toBe(true);
    expect(Buffer.from(run.images.big[0].encoded).equals(big)).toBe(true);
  });

  it('waits for a record whose length runs past the end of the file, allocating nothing for it', async () => {
    const dir = tempDir();
    const path = join(dir, FILE);
    const tail = image('big', 1, new Uint8Array(6 << 20).fill(3));
    writeFileSync(path, Buffer.concat([scalars('loss', 2), tail.subarray(0, 100)]));
    const loader = new LogDirLoader(dir);
    await loader.reload();
    expect(loader.snapshot()['.'].scalars.loss).toHaveLength(2);
    expect(loader.snapshot()['.'].images).toEqual({});
    appendFileSync(path, tail.subarray(100));
    await loader.reload();
    const { encoded } = loader.snapshot()['.'].images.big[0];
    expect(Buffer.from(encoded).equals(Buffer.alloc(6 << 20, 3))).toBe(true);
  });
});

describe('reloading many runs', { timeout: 120_000 }, () => {
  it('opens only files that grew and lists only directories that changed', async () => {
    const dir = tempDir();
    for (let i = 0; i < 50; i++) {
      mkdirSync(join(dir, `run${i}`));
      writeFileSync(join(dir, `run${i}`, FILE), scalars('loss', 3));
      settle(join(dir, `run${i}`));
    }
    settle(dir);
    const loader = new LogDirLoader(dir);
    await loader.reload();
    expect(fsp.open).toHaveBeenCalledTimes(50);
    expect(fsp.readdir).toHaveBeenCalledTimes(51);
    const version = loader.version;

    vi.clearAllMocks();
    await loader.reload();
    expect(fsp.open).not.toHaveBeenCalled();
    expect(fsp.readdir).not.toHaveBeenCalled();
    expect(loader.version).toBe(version);

    vi.clearAllMocks();
    appendFileSync(join(dir, 'run7', FILE), scalars('loss', 1, 3));
    mkdirSync(join(dir, 'new'));
    writeFileSync(join(dir, 'new', FILE), scalars('loss', 1));
    await loader.reload();
    expect(vi.mocked(fsp.open).mock.calls.map(([p]) => p)).toEqual(
      expect.arrayContaining([join(dir, 'run7', FILE), join(dir, 'new', FILE)]),
    );
    expect(fsp.open).toHaveBeenCalledTimes(2);
    // The log dir changed (a new run) and the new run is fresh; the other 50 stay listed.
    expect(vi.mocked(fsp.readdir).mock.calls.map(([p]) => p)).toEqual([dir, join(dir, 'new')]);
    expect(loader.version).toBeGreaterThan(version);
    const runs = loader.snapshot();
    expect(Object.keys(runs)).toHaveLength(51);
    expect(runs.run7.scalars.loss.map((p) => p.step)).toEqual([0, 1, 2, 3]);
  });

  it('lists a directory changed within the last two seconds again (its mtime may not move)', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', FILE), scalars('loss', 1));
    const loader = new LogDirLoader(dir);
    await loader.reload();
    vi.clearAllMocks();
    await loader.reload();
    expect(fsp.readdir).toHaveBeenCalledTimes(2);
  });
});

function get(url: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; etag?: string; body: string }>((resolve, reject) => {
    const req = request(new URL(path, url), { headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serving long runs', { timeout: 120_000 }, () => {
  it('answers a sampled view, and a 304 without JSON until the log dir changes', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, FILE), scalars('loss', 50_000));
    const server = await startBoard({ logDir: dir, port: 0, reloadMs: 0 });
    try {
      const first = await get(server.url, '/api/scalars');
      const points = JSON.parse(first.body).loss['.'];
      expect(points).toHaveLength(1000);
      expect(points.at(-1)).toEqual([49_999, 49_999, 49_999]);
      expect(first.etag).toBeDefined();
      const again = await get(server.url, '/api/scalars', { 'If-None-Match': first.etag! });
      expect(again).toMatchObject({ status: 304, body: '' });
      appendFileSync(join(dir, FILE), scalars('loss', 1, 50_000));
      const changed = await get(server.url, '/api/scalars', { 'If-None-Match': first.etag! });
      expect(changed.status).toBe(200);
      expect(changed.etag).not.toBe(first.etag);
      expect(JSON.parse(changed.body).loss['.'].at(-1)[0]).toBe(50_000);
    } finally {
      await server.close();
    }
  });

  it("takes samplesPerPlugin, and the CLI reads TensorBoard's --samples_per_plugin", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, FILE), scalars('loss', 3000));
    const server = await startBoard({
      logDir: dir,
      port: 0,
      samplesPerPlugin: { scalars: 0 },
    });
    try {
      expect(JSON.parse((await get(server.url, '/api/scalars')).body).loss['.']).toHaveLength(3000);
    } finally {
      await server.close();
    }
    const args = parseCliArgs(['--logdir', 'x', '--samples_per_plugin', 'scalars=0,images=5']);
    expect(args?.samplesPerPlugin).toEqual({ scalars: 0, images: 5 });
    expect(() => parseCliArgs(['--logdir', 'x', '--samples_per_plugin', 'scalars=-1'])).toThrow(
      "bad --samples_per_plugin 'scalars=-1'",
    );
  });
});
