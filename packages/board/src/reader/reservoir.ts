/**
 * A uniform sample of at most `size` items of a stream, in arrival order, always holding the
 * latest item: TensorBoard's reservoir (`_ReservoirBucket`, always_keep_last), so a log of
 * millions of points costs the viewer a bounded amount of memory and JSON. `size` 0 keeps all.
 * `items` is one array for the reservoir's life (it is edited in place), so a view may hold it.
 */
export class Reservoir<T> {
  readonly items: T[] = [];
  private seen = 0;
  // Seeded as TensorBoard seeds each bucket: the same file samples to the same points.
  private state = 0x9e3779b9;

  constructor(readonly size: number) {}

  add(item: T): void {
    if (this.size === 0 || this.items.length < this.size) this.items.push(item);
    else {
      const r = this.randomUpTo(this.seen);
      if (r < this.size) {
        this.items.splice(r, 1);
        this.items.push(item);
      } else this.items[this.items.length - 1] = item;
    }
    this.seen++;
  }

  /**
   * Keeps the items that pass `keep` (a purge), and scales the count of items seen by the share
   * kept, as TensorBoard does, so later items are sampled at the rate of the surviving stream.
   */
  filter(keep: (item: T) => boolean): void {
    const before = this.items.length;
    let n = 0;
    for (const item of this.items) if (keep(item)) this.items[n++] = item;
    this.items.length = n;
    if (before > 0) this.seen = Math.round((this.seen * n) / before);
  }

  /** A uniform integer in [0, n] (inclusive, as Python's randint). */
  private randomUpTo(n: number): number {
    return Math.floor(this.next() * (n + 1));
  }

  // mulberry32: small, fast, and good enough to pick which sample to replace.
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

/**
 * Samples kept per tag, by TensorBoard plugin name, as `tensorboard --samples_per_plugin`
 * defaults them; a plugin not listed keeps 10, and 0 keeps everything.
 */
export const DEFAULT_SAMPLES: Readonly<Record<string, number>> = {
  scalars: 1000,
  histograms: 500,
  images: 10,
  audio: 10,
  pr_curves: 100,
};
const OTHER_PLUGINS = 10;

export type SamplesPerPlugin = Record<string, number>;

/** How many samples a plugin's tags keep under `overrides` (TensorBoard's rules above). */
export function samplesFor(plugin: string, overrides: SamplesPerPlugin = {}): number {
  if (Object.hasOwn(overrides, plugin)) return overrides[plugin];
  return Object.hasOwn(DEFAULT_SAMPLES, plugin) ? DEFAULT_SAMPLES[plugin] : OTHER_PLUGINS;
}
