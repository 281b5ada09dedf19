import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10, DownloadError, downloadUrl, EMNIST, MNIST } from '../src';
import { tarBytes, zipBytes } from './archive-writer';
import { py2Batch, py2Meta } from './cifar-writer';
import { fakeMnist, gzip } from './idx-writer';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

const payload = randomBytes(300_000);
const mnist = fakeMnist(6);
const cifarFiles: Record<string, Uint8Array> = {
  'cifar-10-batches-py/batches.meta': py2Meta('label_names', ['a', 'b']),
};
for (const name of [
  'data_batch_1',
  'data_batch_2',
  'data_batch_3',
  'data_batch_4',
  'data_batch_5',
  'test_batch',
]) {
  cifarFiles[`cifar-10-batches-py/${name}`] = py2Batch([1], [1]);
}
const emnistZip = zipBytes({
  'gzip/emnist-digits-train-images-idx3-ubyte.gz': gzip(mnist.images),
  'gzip/emnist-digits-train-labels-idx1-ubyte.gz': gzip(mnist.labels),
});
const files: Record<string, Uint8Array> = {
  '/gzip.zip': emnistZip,
  '/cifar.tar.gz': gzip(tarBytes(cifarFiles)),
  '/file.bin': payload,
  '/flaky.bin': payload,
  '/busy.bin': payload,
  '/badrange.bin': payload,
  '/mnist/train-images-idx3-ubyte.gz': gzip(mnist.images),
  '/mnist/train-labels-idx1-ubyte.gz': gzip(mnist.labels),
};
const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
let flakyDrops = 0;
let busy = 0;

// Serves `files` with Range support; /flaky.bin drops the connection mid-file twice.
const server: Server = createServer((req, res) => {
  requests.push({ url: req.url ?? '', headers: req.headers });
  const body = files[req.url ?? ''];
  if (req.url === '/redirect') {
    res.writeHead(302, { Location: '/file.bin' }).end();
    return;
  }
  if (req.url === '/busy.bin' && busy++ < 2) {
    res.writeHead(503).end();
    return;
  }
  if (req.url === '/down.bin') {
    res.writeHead(503).end();
    return;
  }
  if (req.url === '/login.bin') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<html>sign in</html>');
    return;
  }
  if (req.url === '/endless.bin') {
    // 3 MB without a Content-Length.
    res.writeHead(200);
    for (let i = 0; i < 30; i++) res.write(Buffer.alloc(100_000));
    res.end();
    return;
  }
  if (req.url === '/badrange.bin' && req.headers.range) {
    // Asked for the rest, sends the file from byte 0 under a 206 that says so.
    res.writeHead(206, {
      'Content-Length': payload.length,
      'Content-Range': `bytes 0-${payload.length - 1}/${payload.length}`,
    });
    res.end(payload);
    return;
  }
  if (!body) {
    res.writeHead(404).end();
    return;
  }
  const range = /bytes=(\d+)-/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const rest = body.subarray(start);
  const headers: Record<string, string | number> = { 'Content-Length': rest.length };
  if (range) headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
  res.writeHead(range ? 206 : 200, headers);
  if (req.url === '/flaky.bin' && flakyDrops < 2) {
    flakyDrops++;
    res.write(rest.subarray(0, 100_000), () => res.destroy());
    return;
  }
  res.end(rest);
});

// A TLS hello (a client trying https on this plain-http port) is logged, then dropped.
server.on('clientError', (_err, socket) => {
  requests.push({ url: '<not http>', headers: {} });
  socket.destroy();
});

let base = '';
beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const tmp = () => mkdtempSync(join(tmpdir(), 'vision-dl-'));

describe('downloadUrl', () => {
  it('downloads and verifies the md5', async () => {
    const dir = tmp();
    const path = await downloadUrl(`${base}/file.bin`, dir, { md5: md5(payload), progress: false });
    expect(path).toBe(join(dir, 'file.bin'));
    expect(md5(readFileSync(path))).toBe(md5(payload));
    const before = requests.length;
    await downloadUrl(`${base}/file.bin`, dir, { md5: md5(payload), progress: false });
    expect(requests.length).toBe(before); // a verified file is not fetched again
  });

  it('resumes a dropped download with HTTP Range', async () => {
    const dir = tmp();
    const path = await downloadUrl(`${base}/flaky.bin`, dir, { md5: md5(payload) });
    expect(md5(readFileSync(path))).toBe(md5(payload));
    const ranges = requests.filter((r) => r.url === '/flaky.bin').map((r) => r.headers.range);
    // Each retry asks for the rest from what the last attempt got (how much arrives before the
    // drop depends on the sockets).
    expect(ranges).toHaveLength(3);
    expect(ranges[0]).toBeUndefined();
    const offsets = ranges.slice(1).map((r) => Number(/^bytes=(\d+)-$/.exec(r ?? '')?.[1]));
    expect(offsets[0]).toBeGreaterThan(0);
    expect(offsets[1]).toBeGreaterThan(offsets[0]);
    expect(existsSync(`${path}.part`)).toBe(false);
  });

  it('refuses a file with the wrong checksum and removes it', async () => {
    const dir = tmp();
    const wrong = '0'.repeat(32);
    await expect(
      downloadUrl(`${base}/file.bin`, dir, { md5: wrong, progress: false }),
    ).rejects.toThrow(new RegExp(`file.bin from .* has md5 ${md5(payload)}, expected ${wrong}`));
    expect(existsSync(join(dir, 'file.bin'))).toBe(false);
    expect(existsSync(join(dir, 'file.bin.part'))).toBe(false);
  });

  it('follows redirects and fails fast on HTTP errors', async () => {
    const dir = tmp();
    const path = await downloadUrl(`${base}/redirect`, dir, { filename: 'r.bin', progress: false });
    expect(readFileSync(path).length).toBe(payload.length);
    const before = requests.length;
    await expect(downloadUrl(`${base}/missing.bin`, dir, { progress: false })).rejects.toThrow(
      DownloadError,
    );
    expect(requests.length).toBe(before + 1); // no retries for an HTTP 404
  });

  it('retries a busy server (HTTP 503), and says so when it stays down (issue 21)', async () => {
    const path = await downloadUrl(`${base}/busy.bin`, tmp(), {
      md5: md5(payload),
      progress: false,
    });
    expect(md5(readFileSync(path))).toBe(md5(payload));
    await expect(
      downloadUrl(`${base}/down.bin`, tmp(), { maxRetries: 1, progress: false }),
    ).rejects.toThrow(/down.bin failed after 2 attempts: .*HTTP 503/);
  });

  it('refuses an HTML page and a response past maxBytes, before or while writing (issue 21)', async () => {
    await expect(downloadUrl(`${base}/login.bin`, tmp(), { progress: false })).rejects.toThrow(
      /login.bin answered with an HTML page/,
    );
    const dir = tmp();
    await expect(
      downloadUrl(`${base}/endless.bin`, dir, { maxBytes: 1 << 20, progress: false }),
    ).rejects.toThrow(/passed 1048576 bytes \(maxBytes\)/);
    expect(statSync(join(dir, 'endless.bin.part')).size).toBeLessThanOrEqual(1 << 20);
    await expect(
      downloadUrl(`${base}/file.bin`, tmp(), { maxBytes: 1000, progress: false }),
    ).rejects.toThrow(/file.bin is 300000 bytes, more than maxBytes \(1000\)/);
  });

  it('restarts where a 206 is for other bytes, and never resumes a part it cannot check (issue 21)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'badrange.bin.part'), payload.subarray(0, 1000));
    const path = await downloadUrl(`${base}/badrange.bin`, dir, {
      md5: md5(payload),
      progress: false,
    });
    expect(md5(readFileSync(path))).toBe(md5(payload));
    // Without an md5, a leftover part (of another file, say) is not resumed.
    const other = tmp();
    writeFileSync(join(other, 'file.bin.part'), Buffer.from('garbage'));
    const fresh = await downloadUrl(`${base}/file.bin`, other, { progress: false });
    expect(md5(readFileSync(fresh))).toBe(md5(payload));
  });

  it('a full disk is a DownloadError, not a crash or a hang (issue 21)', async () => {
    const dir = tmp();
    symlinkSync('/dev/full', join(dir, 'file.bin.part'));
    await expect(
      downloadUrl(`${base}/file.bin`, dir, { md5: md5(payload), maxRetries: 0, progress: false }),
    ).rejects.toThrow(/cannot write .*file.bin.part: ENOSPC/);
  });

  it('gives up after its retries when the server is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/x.bin`;
    await new Promise<void>((r) => closed.close(() => r()));
    await expect(downloadUrl(url, tmp(), { maxRetries: 1, progress: false })).rejects.toThrow(
      /failed after 2 attempts/,
    );
  });
});

describe('download: true', () => {
  class LocalMNIST extends MNIST {
    // The server's port is known only once it listens: the tests set mirrors then.
    static override readonly mirrors: readonly string[] = [];
    static override readonly resources = [
      ['train-images-idx3-ubyte.gz', md5(files['/mnist/train-images-idx3-ubyte.gz'])],
      ['train-labels-idx1-ubyte.gz', md5(files['/mnist/train-labels-idx1-ubyte.gz'])],
    ] as const;
  }

  it('create() fetches the files from the mirror into root/MNIST/raw and loads them', async () => {
    Object.defineProperty(LocalMNIST, 'mirrors', { value: [`${base}/mnist/`] });
    const root = tmp();
    const ds = await LocalMNIST.create(root, { download: true });
    expect(ds.length).toBe(6);
    expect(existsSync(join(root, 'MNIST', 'raw', 'train-labels-idx1-ubyte.gz'))).toBe(true);
    expect(ds.get(3)[1]).toBe(3);
  });

  it('tries a mirror over https before one over plain http (issue 21)', async () => {
    // The test server speaks plain http: the https attempt fails (TLS), then the http one works.
    const port = new URL(base).port;
    Object.defineProperty(LocalMNIST, 'mirrors', {
      value: [`${base}/mnist/`, `https://127.0.0.1:${port}/mnist/`],
    });
    const before = requests.length;
    const ds = await LocalMNIST.create(tmp(), { download: true });
    expect(ds.length).toBe(6);
    // For each file: the https attempts (and their retries), then the http one.
    const seen = requests.slice(before).map((r) => r.url);
    const images = seen.indexOf('/mnist/train-images-idx3-ubyte.gz');
    expect(images).toBeGreaterThan(0);
    expect(new Set(seen.slice(0, images))).toEqual(new Set(['<not http>']));
    expect(seen.at(-1)).toBe('/mnist/train-labels-idx1-ubyte.gz');
    expect(seen.slice(images + 1, -1).every((u) => u === '<not http>')).toBe(true);
    expect(MNIST.mirrors[0]).toMatch(/^https:/);
  }, 60_000);

  it('without a network, says which files to put where', async () => {
    Object.defineProperty(LocalMNIST, 'mirrors', { value: ['http://127.0.0.1:9/mnist/'] });
    const root = tmp();
    const err = await LocalMNIST.create(root, { download: true }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(DownloadError);
    expect((err as Error).message).toContain(`put them in ${join(root, 'MNIST', 'raw')}`);
    expect((err as Error).message).toContain('train-images-idx3-ubyte.gz (md5 ');
  });
});

describe('CIFAR10 download', () => {
  class LocalCIFAR extends CIFAR10 {}

  it('create() fetches the tar.gz, checks its md5 and extracts it into root', async () => {
    const release = CIFAR10.release;
    const url = `${base}/cifar.tar.gz`;
    Object.defineProperty(LocalCIFAR, 'release', {
      value: { ...release, url, md5: md5(files['/cifar.tar.gz']) },
    });
    const root = tmp();
    const ds = await LocalCIFAR.create(root, { download: true });
    expect(ds.length).toBe(5);
    expect(ds.classes).toEqual(['a', 'b']);
    expect(existsSync(join(root, 'cifar-10-batches-py', 'test_batch'))).toBe(true);
  });
});

describe('EMNIST download', () => {
  it('create() fetches gzip.zip, checks its md5 and extracts the split files', async () => {
    const saved = EMNIST.archive;
    Object.defineProperty(EMNIST, 'archive', {
      value: { ...saved, urls: [`${base}/gzip.zip`], md5: md5(emnistZip) },
    });
    try {
      const root = tmp();
      const ds = await EMNIST.create(root, 'digits', { download: true });
      expect(ds.length).toBe(6);
      expect(ds.classes).toHaveLength(10);
      expect(
        existsSync(join(root, 'EMNIST', 'raw', 'emnist-digits-train-labels-idx1-ubyte.gz')),
      ).toBe(true);
    } finally {
      Object.defineProperty(EMNIST, 'archive', { value: saved });
    }
  });
});
