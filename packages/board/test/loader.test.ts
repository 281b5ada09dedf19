import { appendFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogDirLoader, loadRuns, readEvents, SummaryWriter } from '../src/index';
import { encodeRecord } from '../src/record/tfrecord';
import { eventFile, tempDir } from './helpers';

async function writeLoss(dir: string, values: number[]): Promise<string> {
  const w = new SummaryWriter(dir);
  for (const [step, v] of values.entries()) w.addScalar('loss', v, step);
  await w.close();
  return eventFile(dir);
}

describe('reading log dirs', () => {
  it('tolerates a truncated last record (a killed writer) and picks it up once complete', async () => {
    const source = await writeLoss(tempDir(), [1, 2, 3]);
    const whole = readFileSync(source);
    const dir = tempDir();
    const path = join(dir, 'events.out.tfevents.1.host');
    writeFileSync(path, whole.subarray(0, whole.length - 5));
    expect((await readEvents(path)).length).toBe(3);
    const loader = new LogDirLoader(dir);
    await loader.reload();
    expect(loader.snapshot()['.'].scalars.loss.map((p) => p.value)).toEqual([1, 2]);
    appendFileSync(path, whole.subarray(whole.length - 5));
    await loader.reload();
    expect(loader.snapshot()['.'].scalars.loss.map((p) => p.value)).toEqual([1, 2, 3]);
  });

  it('follows a run that is still being written', async () => {
    const dir = tempDir();
    const w = new SummaryWriter(dir, { maxQueue: 1 });
    const loader = new LogDirLoader(dir);
    w.addScalar('loss', 1, 0);
    await w.flush();
    await loader.reload();
    w.addScalar('loss', 2, 1);
    w.addText('note', 'hi');
    await w.flush();
    await loader.reload();
    const run = loader.snapshot()['.'];
    expect(run.scalars.loss.map((p) => p.value)).toEqual([1, 2]);
    expect(Object.keys(run.text)).toEqual(['note/text_summary']);
    await w.close();
  });

  it('reports a corrupt file to onError and keeps the good records before it', async () => {
    const dir = tempDir();
    const path = await writeLoss(dir, [1, 2]);
    const bytes = readFileSync(path);
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(path, bytes);
    const errors: Error[] = [];
    const loader = new LogDirLoader(dir, { onError: (err) => errors.push(err) });
    await loader.reload();
    expect(loader.snapshot()['.'].scalars.loss.map((p) => p.value)).toEqual([1]);
    expect(errors[0].message).toMatch(new RegExp(`^${path}: corrupt record at byte offset \\d+`));
    // Later reloads leave the corrupt file alone: no points read twice, no error repeated.
    await loader.reload();
    await loader.reload();
    expect(loader.snapshot()['.'].scalars.loss.map((p) => p.value)).toEqual([1]);
    expect(errors).toHaveLength(1);
    await expect(loadRuns(dir)).rejects.toThrow(path);
  });

  it('skips a record that passes its checksum but does not decode, once, and loads the rest', async () => {
    const dir = tempDir();
    const good = readFileSync(await writeLoss(join(dir, 'a'), [1, 2]));
    await writeLoss(join(dir, 'b'), [7]);
    // After the good records: an Event that does not parse (wire type 7), an Event whose
    // graph does not (field 4, graph_def, holding the same byte), then one more good file.
    const path = join(dir, 'a', 'events.out.tfevents.2.host');
    const bad = [Uint8Array.of(0x0f), Uint8Array.of(0x22, 0x01, 0x0f)].map(encodeRecord);
    writeFileSync(path, Buffer.concat([good, ...bad]));
    const errors: Error[] = [];
    const loader = new LogDirLoader(dir, { onError: (err) => errors.push(err) });
    await loader.reload();
    await loader.reload();
    // Both files of run a, twice over: each point once, and each bad record reported once.
    expect(loader.snapshot().a.scalars.loss.map((p) => p.value)).toEqual([1, 2, 1, 2]);
    expect(loader.snapshot().b.scalars.loss.map((p) => p.value)).toEqual([7]);
    expect(errors.map((e) => e.name)).toEqual(['RecordCorruptionError', 'RecordCorruptionError']);
    expect(errors[0].message).toMatch(
      `${path}: corrupt record at byte offset ${good.length}: not an Event`,
    );
    expect(errors[1].message).toMatch(`byte offset ${good.length + 17}: unreadable event`);
    // Appended records still load after the bad ones.
    appendFileSync(path, good);
    await loader.reload();
    expect(loader.snapshot().a.scalars.loss.map((p) => p.value)).toEqual([1, 2, 1, 2, 1, 2]);
    // Without a callback the error is thrown, and the next reload goes on past it.
    const strict = new LogDirLoader(dir);
    await expect(strict.reload()).rejects.toThrow(/not an Event/);
    await expect(strict.reload()).rejects.toThrow(/unreadable event/);
    await strict.reload();
    expect(strict.snapshot().a.scalars.loss.map((p) => p.value)).toEqual([1, 2, 1, 2, 1, 2]);
  });

  it('names runs by sub-directory and never follows symlinks out of the log dir', async () => {
    const outside = tempDir();
    await writeLoss(outside, [9]);
    const dir = tempDir();
    await writeLoss(join(dir, 'a', 'b'), [1]);
    mkdirSync(join(dir, 'c'));
    symlinkSync(outside, join(dir, 'c', 'escape'));
    expect(Object.keys(await loadRuns(dir))).toEqual(['a/b']);
    expect(await loadRuns(join(dir, 'missing'))).toEqual({});
  });
});
