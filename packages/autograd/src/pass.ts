/**
 * What one backward pass knows about the gradients it moves, so that it can skip copies as
 * PyTorch's reference counts let it: a sum it made takes later terms in place (InputBuffer),
 * and a leaf's first gradient becomes its .grad without a clone (AccumulateGrad's steal)
 * when nothing else can hold that gradient's memory.
 */
import { type Storage, sameShape, type Tensor } from '@tensile/tensor';

export class PassGradients {
  /** Storages made during the pass (watchStorages): no tensor from before can share them. */
  readonly fresh = new Set<Storage>();
  private readonly deliveries = new Map<Storage, number>();
  /** Seen by user code (hooks, custom Functions), which may keep them. */
  private readonly exposed = new Set<Storage>();
  private readonly stolen = new Set<Storage>();
  /** Sums made here and not yet handed to their node. */
  private readonly owned = new Set<Tensor>();

  /** `reuse` false under createGraph, where every sum is recorded and nothing is shared. */
  constructor(private readonly reuse: boolean) {}

  /** g on its way into a buffer: a copy where its memory already became some leaf's .grad. */
  deliver(g: Tensor): Tensor {
    const t = this.stolen.has(g.storage) ? g.clone() : g;
    this.deliveries.set(t.storage, (this.deliveries.get(t.storage) ?? 0) + 1);
    return t;
  }

  /** prev + g, in place into prev where this pass made prev. */
  sum(prev: Tensor, g: Tensor): Tensor {
    if (this.owned.has(prev) && prev.dtype === g.dtype && sameShape(prev.shape, g.shape)) {
      prev.add_(g);
      return prev;
    }
    const sum = prev.add(g);
    if (this.reuse) this.owned.add(sum);
    return sum;
  }

  /** A node's collected gradients leave the buffers: sums in them are no longer private. */
  handOver(buf: readonly (Tensor | null)[]): void {
    for (const g of buf) if (g) this.owned.delete(g);
  }

  expose(t: Tensor): void {
    this.exposed.add(t.storage);
  }

  /**
   * Whether g may become `leaf.grad` itself: made in this pass, delivered once, seen by no
   * user code, a whole dense storage laid out as the leaf is.
   */
  take(leaf: Tensor, g: Tensor): boolean {
    const s = g.storage;
    const ok =
      this.reuse &&
      leaf.grad === null &&
      this.fresh.has(s) &&
      this.deliveries.get(s) === 1 &&
      !this.exposed.has(s) &&
      g.offset === 0 &&
      s.size === g.numel() &&
      g.isContiguous() &&
      leaf.isContiguous() &&
      g.dtype === leaf.dtype &&
      s.backend === leaf.storage.backend;
    if (ok) this.stolen.add(s);
    return ok;
  }
}
