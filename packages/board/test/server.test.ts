import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BoardServer, SummaryWriter, startBoard } from '../src/index';
import { writeDashboardRuns } from './dashboard-data';
import { tempDir } from './helpers';

const run = promisify(execFile);

/** A raw GET, so paths like /../x reach the server unnormalized. */
function get(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(url), { path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          type: String(res.headers['content-type']),
          body: Buffer.concat(chunks),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('viewer server', { timeout: 120_000 }, () => {
  let server: BoardServer;

  beforeAll(async () => {
    const logDir = tempDir();
    await writeDashboardRuns(logDir);
    server = await startBoard({ logDir, port: 0 });
  });

  afterAll(() => server.close());

  it('listens on loopback and serves the page and JSON views', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(server.url, '/');
    expect(page.body.toString()).toContain('<title>Tensile Board</title>');
    const runs = JSON.parse((await get(server.url, '/api/runs')).body.toString());
    expect(runs.map((r: { name: string }) => r.name)).toEqual([
      'baseline',
      'baseline/hp',
      'wide',
      'wide/hp',
    ]);
    const scalars = JSON.parse((await get(server.url, '/api/scalars')).body.toString());
    expect(scalars['train/loss'].wide).toHaveLength(50);
    const hparams = JSON.parse((await get(server.url, '/api/hparams')).body.toString());
    expect(hparams.sessions.map((s: { values: object }) => s.values)).toEqual([
      { lr: 0.15, optimizer: 'sgd' },
      { lr: 0.3, optimizer: 'adam' },
    ]);
    const image = await get(server.url, '/api/image?run=wide&tag=samples&index=0');
    expect(image.type).toBe('image/png');
    expect(image.body.subarray(1, 4).toString()).toBe('PNG');
  });

  it('renders logged markdown escaped', async () => {
    const text = JSON.parse((await get(server.url, '/api/text')).body.toString());
    const html: string = text['notes/text_summary'].baseline[0].html;
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toMatch(/<script|<img|href="javascript/);
  });

  it('answers only loopback Host names (no DNS rebinding)', async () => {
    expect((await get(server.url, '/api/runs', { host: 'evil.example:6006' })).status).toBe(403);
    expect((await get(server.url, '/', { host: 'localhost:6006' })).status).toBe(200);
  });

  it('refuses path traversal and unknown paths', async () => {
    for (const path of [
      '/../../../etc/passwd',
      '/..%2f..%2fetc%2fpasswd',
      '/%2e%2e/package.json',
      '/client/../package.json',
      '/app.js/../../package.json',
      '/api/image?run=../../etc&tag=passwd&index=0',
      '/api/image?run=wide&tag=../../../etc/passwd&index=0',
      '/api/image?run=__proto__&tag=constructor&index=0',
      '/api/graph?run=../',
    ]) {
      const res = await get(server.url, path);
      expect([404, 200]).toContain(res.status);
      expect(res.body.toString()).not.toMatch(/root:|"name":\s*"@tensile/);
      if (!path.startsWith('/api/graph')) expect(res.status).toBe(404);
    }
  });
});

describe('tensile-board CLI', { timeout: 120_000 }, () => {
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', join('src', 'cli.ts'), ...args], {
      cwd: join(import.meta.dirname, '..'),
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--logdir', 'x', '--port', 'abc'], /bad --port 'abc'/],
    [['--logdir', 'x', '--port', '70000'], /bad --port '70000'/],
    [['--port', '6006'], /--logdir is required/],
    [['stray'], /Unexpected argument 'stray'|positional/i],
  ])('prints usage for bad input %j', async (args, message) => {
    const { code, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain('Usage: tensile-board --logdir DIR');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('stops cleanly on Ctrl+C (SIGINT): exit code 0, so pnpm reports no failure (issue 23)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join('src', 'cli.ts'), '--logdir', tempDir(), '--port', '0'],
      { cwd: join(import.meta.dirname, '..') },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d;
      if (output.includes('Ctrl+C to quit')) child.kill('SIGINT');
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d;
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on('exit', (c, s) => resolve([c, s])),
    );
    expect([code, signal], output).toEqual([0, null]);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('prints help', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('--host HOST');
  });
});

describe('names that are Object.prototype properties (issue 21)', { timeout: 120_000 }, () => {
  let server: BoardServer;

  beforeAll(async () => {
    const { SummaryWriter } = await import('../src/index');
    const logDir = tempDir();
    const w = new SummaryWriter(join(logDir, '__proto__'));
    w.addScalar('__proto__', 1, 0);
    w.addScalar('toString', 2, 0);
    w.addHparams({ lr: 0.1, constructor: 3 }, { toString: 0.5, constructor: 1 }, { runName: 'hp' });
    await w.close();
    server = await startBoard({ logDir, port: 0 });
  });

  afterAll(() => server.close());

  it('a run or tag named __proto__ is listed, and toString/constructor metrics do not break /api/hparams', async () => {
    const runs = JSON.parse((await get(server.url, '/api/runs')).body.toString());
    expect(runs).toContainEqual(expect.objectContaining({ name: '__proto__' }));
    const proto = runs.find((r: { name: string }) => r.name === '__proto__');
    expect([...proto.scalars].sort()).toEqual(['__proto__', 'toString']);
    const scalars = JSON.parse((await get(server.url, '/api/scalars')).body.toString());
    expect(Object.hasOwn(scalars, '__proto__')).toBe(true);
    // Points are [step, wallTime, value].
    const at = (tag: string, run: string) => scalars[tag][run].map((p: number[]) => p[2]);
    expect(at('__proto__', '__proto__')).toEqual([1]);
    expect(at('toString', '__proto__')).toEqual([2]);
    const res = await get(server.url, '/api/hparams');
    expect(res.status).toBe(200);
    const hparams = JSON.parse(res.body.toString());
    expect([...hparams.metrics].sort()).toEqual(['constructor', 'toString']);
    expect(hparams.sessions[0].values).toEqual({ lr: 0.1, constructor: 3 });
    expect(hparams.sessions[0].metrics).toEqual({ toString: 0.5, constructor: 1 });
  });
});

describe('an undecodable record (issue 21)', { timeout: 120_000 }, () => {
  let server: BoardServer;
  const logged: string[] = [];

  beforeAll(async () => {
    const { SummaryWriter } = await import('../src/index');
    const { encodeRecord } = await import('../src/record/tfrecord');
    const logDir = tempDir();
    for (const run of ['a', 'b']) {
      const w = new SummaryWriter(join(logDir, run));
      w.addScalar('loss', run === 'a' ? 1 : 2, 0);
      await w.close();
    }
    // A checksum-valid record that is not an Event, in the first run's directory.
    writeFileSync(
      join(logDir, 'a', 'events.out.tfevents.9.host'),
      encodeRecord(Uint8Array.of(0x0f)),
    );
    vi.spyOn(console, 'error').mockImplementation((m: string) => {
      logged.push(m);
    });
    server = await startBoard({ logDir, port: 0 });
  });

  afterAll(() => {
    vi.restoreAllMocks();
    return server.close();
  });

  it('is logged once, and every run still loads', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await get(server.url, '/api/runs');
      expect(res.status).toBe(200);
      const runs = JSON.parse(res.body.toString()).map((r: { name: string }) => r.name);
      expect(runs).toEqual(['a', 'b']);
    }
    const scalars = JSON.parse((await get(server.url, '/api/scalars')).body.toString());
    expect(scalars.loss.a.map((p: number[]) => p[2])).toEqual([1]);
    expect(logged.filter((m) => m.includes('not an Event'))).toHaveLength(1);
  });
});

describe('a log dir with events of its own', () => {
  it("labels its run '.' with the log dir's name (runs/fashion-mnist shows 'fashion-mnist')", async () => {
    const logDir = join(tempDir(), 'fashion-mnist');
    const w = new SummaryWriter(logDir);
    w.addScalar('loss', 1, 0);
    await w.close();
    const server = await startBoard({ logDir, port: 0 });
    try {
      const runs = JSON.parse((await get(server.url, '/api/runs')).body.toString());
      expect(runs).toEqual([expect.objectContaining({ name: '.', label: 'fashion-mnist' })]);
      // Data stays keyed by '.', as TensorBoard and loadRuns key it.
      const scalars = JSON.parse((await get(server.url, '/api/scalars')).body.toString());
      expect(Object.keys(scalars.loss)).toEqual(['.']);
    } finally {
      await server.close();
    }
  });
});

describe('projector files', () => {
  it('reads only the files a config names inside its run, and serves sprites of loaded runs', async () => {
    const logDir = tempDir();
    const w = new SummaryWriter(join(logDir, 'run'));
    w.addScalar('loss', 1, 0);
    w.addEmbedding(
      [
        [1, 0],
        [0, 1],
        [2, 2],
      ],
      { metadata: ['a', 'b', 'c'], labelImg: [[[[1]]], [[[0]]], [[[0.5]]]] },
    );
    await w.close();
    // A second entry that points outside the run directory is skipped, not read.
    writeFileSync(join(logDir, 'secret.tsv'), '1\t2\n');
    const config = join(logDir, 'run', 'projector_config.pbtxt');
    const { appendFileSync } = await import('node:fs');
    appendFileSync(
      config,
      'embeddings {\n  tensor_name: "evil"\n  tensor_path: "../secret.tsv"\n}\n',
    );
    const server = await startBoard({ logDir, port: 0 });
    try {
      const embeddings = JSON.parse((await get(server.url, '/api/embeddings')).body.toString());
      expect(embeddings).toHaveLength(1);
      expect(embeddings[0]).toMatchObject({ run: 'run', labels: ['a', 'b', 'c'], dims: 2 });
      expect(embeddings[0].sprite).toEqual({ tile: [1, 1], perRow: 2 });
      expect((await get(server.url, '/api/sprite?run=run&index=0')).status).toBe(200);
      expect((await get(server.url, '/api/sprite?run=run&index=1')).status).toBe(404);
      expect((await get(server.url, '/api/sprite?run=..&index=0')).status).toBe(404);
      // A tag written with octal escapes (non-ASCII), and a config entry naming a directory.
      const w2 = new SummaryWriter(join(logDir, 'run'));
      w2.addEmbedding([[1], [2]], { tag: 'café', globalStep: 3 });
      await w2.close();
      appendFileSync(config, 'embeddings {\n  tensor_name: "dir"\n  tensor_path: "00003"\n}\n');
      const again = JSON.parse((await get(server.url, '/api/embeddings')).body.toString());
      expect(again.map((e: { tag: string }) => e.tag)).toContain('café:00003');
    } finally {
      await server.close();
    }
  });
});
