import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { EventFileWriter, loadRuns, readEvents } from '../src/index';
import { tempDir } from './helpers';

const run = promisify(execFile);
const CHILD = join(import.meta.dirname, 'child', 'write.ts');

async function child(mode: string): Promise<{ logDir: string; ms: number; code: number | null }> {
  const logDir = tempDir();
  const start = Date.now();
  const result = await run(process.execPath, ['--import', 'tsx', CHILD, logDir, mode], {
    timeout: 100_000, // below the writer's 120 s flush interval that the idle test rules out
    cwd: join(import.meta.dirname, '..'), // where tsx resolves
  }).then(
    () => ({ code: 0 }),
    (err: { code: number | null }) => ({ code: err.code }),
  );
  return { logDir, ms: Date.now() - start, code: result.code };
}

const loss = async (logDir: string) =>
  (await loadRuns(logDir))['.'].scalars.loss.map((p) => p.value);

describe('EventFileWriter', () => {
  it('names files like TensorBoard and starts with the file_version event', async () => {
    const dir = tempDir();
    const w = new EventFileWriter(dir, { filenameSuffix: '.v2' });
    const name = readdirSync(dir)[0];
    expect(name).toMatch(
      new RegExp(
        `^events\\.out\\.tfevents\\.\\d{10}\\.${hostname()}\\.${process.pid}\\.\\d+\\.v2$`,
      ),
    );
    const [first] = await readEvents(w.path);
    expect(first.fileVersion).toBe('brain.Event:2');
    await w.close();
  });

  it('only queues until maxQueue is reached, then writes in the background', async () => {
    const dir = tempDir();
    const w = new EventFileWriter(dir, { maxQueue: 3 });
    const size = () => readFileSync(w.path).length;
    const initial = size();
    w.addEvent({ wallTime: 1, step: 1 });
    w.addEvent({ wallTime: 2, step: 2 });
    expect(size()).toBe(initial);
    w.addEvent({ wallTime: 3, step: 3 });
    await w.flush();
    expect((await readEvents(w.path)).map((e) => e.step)).toEqual([0, 1, 2, 3]);
    await w.close();
    expect(() => w.addEvent({ wallTime: 4, step: 4 })).toThrow(/closed/);
  });

  it('flushes on the flushSecs timer', async () => {
    const w = new EventFileWriter(tempDir(), { flushSecs: 0.05 });
    w.addEvent({ wallTime: 1, step: 7 });
    await new Promise((r) => setTimeout(r, 300));
    expect((await readEvents(w.path)).at(-1)?.step).toBe(7);
    await w.close();
  });
});

describe('writer lifecycle in a real process', { timeout: 120_000 }, () => {
  it('writes queued events when the program ends without close()', async () => {
    const { logDir, code, ms } = await child('idle');
    expect(code).toBe(0);
    expect(await loss(logDir)).toEqual([0, 1, 2, 3, 4]);
    // An idle writer's timer is unref'd: the default 120 s flush interval does not hold the process.
    expect(ms).toBeLessThan(100_000);
  });

  it('writes queued events on process.exit()', async () => {
    const { logDir } = await child('exit');
    expect(await loss(logDir)).toEqual([0, 1, 2, 3, 4]);
  });

  it('loses at most the unflushed queue when killed', async () => {
    const { logDir, code } = await child('kill');
    expect(code).not.toBe(0);
    expect(await loss(logDir)).toEqual([0, 1, 2, 3, 4]);
  });
});
