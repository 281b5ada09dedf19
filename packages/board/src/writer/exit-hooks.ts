// One pair of process hooks for all open writers (per-writer listeners would trip
// Node's MaxListeners warning in programs that open many runs).

export interface Flushable {
  hasPending(): boolean;
  flush(): Promise<void>;
  /** Last chance on 'exit': only synchronous work runs there. */
  closeSync(): void;
}

const open = new Set<Flushable>();
let installed = false;

function install(): void {
  installed = true;
  // 'beforeExit' fires when the loop is idle: an async flush keeps it alive until written.
  process.on('beforeExit', () => {
    for (const w of open) if (w.hasPending()) w.flush().catch(() => {});
  });
  process.on('exit', () => {
    for (const w of [...open]) w.closeSync();
  });
}

export function trackWriter(w: Flushable): void {
  if (!installed) install();
  open.add(w);
}

export function untrackWriter(w: Flushable): void {
  open.delete(w);
}
