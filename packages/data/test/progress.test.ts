import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DataLoader, progress } from '../src/index';
import { AsyncCount } from './fixtures/datasets';

/** A stream that is not a terminal, as in CI. */
function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('progress', () => {
  it('passes items through a sync loop and prints a final line off a terminal', () => {
    const out = sink();
    const seen = [...progress([1, 2, 3], { desc: 'train', stream: out.stream })];
    expect(seen).toEqual([1, 2, 3]);
    expect(out.text()).toMatch(/train .*100% 3\/3/);
  });

  it('takes the total from a DataLoader and works with for await', async () => {
    const out = sink();
    const loader = new DataLoader([1, 2, 3, 4], { batchSize: 2 });
    let n = 0;
    for await (const _ of progress(loader, { stream: out.stream })) n++;
    expect(n).toBe(2);
    expect(out.text()).toMatch(/2\/2/);
  });

  it('counts without a total, and stops cleanly on break', async () => {
    const out = sink();
    for await (const i of progress(new AsyncCount(10), { desc: 'stream', stream: out.stream })) {
      if (i === 4) break;
    }
    expect(out.text()).toMatch(/stream 4 it/);
  });
});
