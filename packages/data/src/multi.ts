import { WorkerError } from './errors';
import type { WorkerPool } from './pool';
import type { Request } from './protocol';

export interface WorkerIteration {
  pool: WorkerPool;
  /** Index lists (or single indices) for map-style datasets; null for iterable-style ones. */
  tasks: Iterator<number[] | number> | null;
  /** Tasks in flight at most: prefetchFactor * numWorkers. */
  inFlight: number;
  timeoutMs: number;
}

/**
 * PyTorch's multi-process iterator: tasks go round-robin to the workers that still have data,
 * replies are yielded in task order whatever order they arrive in.
 */
export async function* iterateWorkers(it: WorkerIteration): AsyncGenerator<unknown> {
  const { pool, tasks } = it;
  const epoch = pool.beginEpoch(tasks === null);
  const active = Array.from({ length: pool.size }, (_, i) => i);
  const owner = new Map<number, number>();
  let cursor = 0;
  let sent = 0;
  let exhausted = false;

  const put = (): void => {
    if (exhausted) return;
    let request: Request = { type: 'next', epoch, seq: sent };
    if (tasks) {
      const next = tasks.next();
      if (next.done) exhausted = true;
      else request = { type: 'fetch', epoch, seq: sent, index: next.value };
    } else if (active.length === 0) exhausted = true;
    if (exhausted) return;
    const worker = active[cursor++ % active.length];
    owner.set(sent++, worker);
    pool.post(worker, request);
  };

  for (let i = 0; i < it.inFlight; i++) put();
  for (let received = 0; received < sent; received++) {
    const reply = await pool.reply(received, it.timeoutMs);
    if (reply.type === 'error') throw new WorkerError(reply.failure);
    if (reply.type === 'end') {
      // An exhausted iterable-style worker: no more tasks for it, the others go on.
      const at = active.indexOf(owner.get(received)!);
      if (at !== -1) active.splice(at, 1);
      put();
      continue;
    }
    put();
    yield reply.data;
  }
}
